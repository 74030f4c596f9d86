import { requireViewer, type UseCaseContext } from '../../shared/use-case';
import { isCountyCode } from '../../shared/county';
import { yearOf } from '../../shared/dates';
import { BadUserInputError, ProblemList } from '../../shared/errors';
import { IdNumber } from '../../shared/id-number';
import { PeopleQueries, type PersonRow, type PersonSearch } from './people.queries';
import type { PersonConnection, PersonFilterInput } from './person.types';

import { MAX_PAGE_SIZE } from '../../shared/paging';

export { MAX_PAGE_SIZE };

const CURSOR_PREFIX = 'person:';
const MAX_PERSON_ID = 2_147_483_647;

export function encodeCursor(id: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): number | null {
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!text.startsWith(CURSOR_PREFIX)) return null;
  const digits = text.slice(CURSOR_PREFIX.length);
  // Person ids are PostgreSQL integers: a larger number is no cursor this API gave out (and would fail the cast).
  if (!/^\d{1,10}$/.test(digits)) return null;
  const id = Number(digits);
  return id <= MAX_PERSON_ID ? id : null;
}

/**
 * An edge of a persons page. Its cursor is encoded when read: a page that does not select cursors (most do not)
 * builds no base64 string per person.
 */
class PersonPageEdge {
  constructor(readonly node: PersonRow) {}

  get cursor(): string {
    return encodeCursor(this.node.id);
  }
}

/** Parses an idNumber argument (R13) or fails naming the field. */
export function parseIdNumberArgument(value: string, field = 'idNumber'): IdNumber {
  const { idNumber, message } = IdNumber.check(value, false);
  if (idNumber === null) throw BadUserInputError.single(field, message);
  return idNumber;
}

function validateFilter(filter: PersonFilterInput | null | undefined, problems: ProblemList): PersonSearch {
  if (!filter) return {};
  // Which filter fields a department may use is enforced by the shield (INPUT_PERMISSIONS).
  if (filter.county != null && !isCountyCode(filter.county))
    problems.add('filter.county', `"${filter.county}" is not one of the 14 county codes`);
  for (const level of filter.disabilityLevels ?? []) {
    if (level < 1 || level > 4) problems.add('filter.disabilityLevels', `disability level ${level} is not between 1 and 4`);
  }
  return { county: filter.county, category: filter.category, disabilityLevels: filter.disabilityLevels, activeOn: filter.activeOn };
}

export class PersonService {
  private readonly queries: PeopleQueries;

  constructor(private readonly context: UseCaseContext) {
    this.queries = new PeopleQueries(context.db);
  }

  async findByIdNumber(idNumberText: string): Promise<PersonRow | null> {
    const viewer = requireViewer(this.context);
    const idNumber = parseIdNumberArgument(idNumberText);
    return this.queries.findVisible(viewer, idNumber.value, yearOf(this.context.today));
  }

  /**
   * Several persons by ID number under the same row rules as findByIdNumber, in one statement: null for
   * one the viewer may not see or that does not exist, a BAD_USER_INPUT error for a malformed number.
   */
  async findManyByIdNumber(idNumberTexts: readonly string[], field = 'idNumber'): Promise<Array<PersonRow | null | BadUserInputError>> {
    const viewer = requireViewer(this.context);
    const parsed = idNumberTexts.map((text) => {
      const { idNumber, message } = IdNumber.check(text, false);
      return idNumber === null ? BadUserInputError.single(field, message) : idNumber.value;
    });
    const wanted = parsed.filter((value): value is string => typeof value === 'string');
    const rows = wanted.length === 0 ? [] : await this.queries.findVisibleMany(viewer, wanted, yearOf(this.context.today));
    const byIdNumber = new Map(rows.map((row) => [row.idNumber, row]));
    return parsed.map((value) => (typeof value === 'string' ? (byIdNumber.get(value) ?? null) : value));
  }

  async page(filter: PersonFilterInput | null | undefined, first: number, after: string | null | undefined): Promise<PersonConnection> {
    const viewer = requireViewer(this.context);
    const problems = new ProblemList();
    const search = validateFilter(filter, problems);
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) problems.add('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
    const afterId = after == null ? null : decodeCursor(after);
    if (after != null && afterId === null) problems.add('after', 'is not a cursor returned by this API');
    problems.throwIfAny();

    const year = yearOf(this.context.today);
    const { rows, hasNextPage } = await this.queries.page(viewer, search, first, afterId, year);
    const edges = rows.map((row) => new PersonPageEdge(row));
    const last = rows.at(-1);
    return {
      edges,
      pageInfo: { hasNextPage, endCursor: last === undefined ? null : encodeCursor(last.id) },
      countTotal: () => this.queries.count(viewer, search, year),
    };
  }
}
