import { AppError, type ProblemList } from './errors';

// Bounded lists (issue 11): no answer carries an unbounded list, whatever the client asks.
//  - A connection (`first`/`after`, keyset) returns at most MAX_PAGE_SIZE rows a page.
//  - A plain list kept for the API contract (subsidyScreening, RosterComparison.added …) returns
//    the whole list only up to MAX_UNPAGED_LIST rows; a longer one is refused with LIST_TOO_LARGE,
//    naming the paged field to use instead. It is read with `limit MAX_UNPAGED_LIST + 1`, so a
//    list of a million rows never reaches Node.

/** The largest page a connection returns (`first` above it is BAD_USER_INPUT). */
export const MAX_PAGE_SIZE = 500;

/** Page size of the report connections when `first` is not given. */
export const DEFAULT_REPORT_PAGE_SIZE = 100;

/** The longest list a field without paging arguments returns; longer ones are LIST_TOO_LARGE. */
export const MAX_UNPAGED_LIST = 2_000;

export class ListTooLargeError extends AppError {
  readonly code = 'LIST_TOO_LARGE';
  readonly httpStatus = 400;
  constructor(
    readonly field: string,
    readonly instead: string,
  ) {
    super(`${field} has more than ${MAX_UNPAGED_LIST} rows, the most a list without paging returns; read it in pages with ${instead}`);
  }
}

/** Checks `first` (0 … MAX_PAGE_SIZE) into `problems`. */
export function checkFirst(first: number, problems: ProblemList, field = 'first'): void {
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) problems.add(field, `must be between 0 and ${MAX_PAGE_SIZE}`);
}

/** An opaque cursor over a text key (e.g. "ADDED/530102…"), tagged with what it pages. */
export function encodeKeyCursor(tag: string, key: string): string {
  return Buffer.from(`${tag}:${key}`).toString('base64url');
}

/** The key of a cursor this API gave out for `tag`, or null; `valid` checks the key's shape. */
export function decodeKeyCursor(tag: string, cursor: string, valid: (key: string) => boolean): string | null {
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!text.startsWith(`${tag}:`)) return null;
  const key = text.slice(tag.length + 1);
  return valid(key) ? key : null;
}

/** Rows of a page read with `limit first + 1`: the page and whether more follow. */
export function pageOf<T>(rows: T[], first: number): { rows: T[]; hasNextPage: boolean } {
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
}

/** Rows of a plain list read with `limit MAX_UNPAGED_LIST + 1`: the list, or LIST_TOO_LARGE. */
export function wholeListOf<T>(rows: T[], field: string, instead: string): T[] {
  if (rows.length > MAX_UNPAGED_LIST) throw new ListTooLargeError(field, instead);
  return rows;
}
