import type { HardshipCategory } from '../../../shared/domain';
import type { IsoDate } from '../../../shared/dates';

// R8: a person on several rosters counts once, under the category that wins precedence among the
// entries active on the date, in the county of that winning entry.

export const DEFAULT_PRECEDENCE: readonly HardshipCategory[] = ['RETURNED_POVERTY', 'TEKUN', 'DIBAO'];

export interface DatedEntry {
  category: HardshipCategory;
  county: string;
  recognizedOn: IsoDate;
  exitedOn: IsoDate | null;
}

/** Active on D when recognizedOn <= D and (exitedOn is null or D < exitedOn) (DESIGN.md §5). */
export function isActiveOn(entry: Pick<DatedEntry, 'recognizedOn' | 'exitedOn'>, date: IsoDate): boolean {
  return entry.recognizedOn <= date && (entry.exitedOn === null || date < entry.exitedOn);
}

/**
 * Orders entries by precedence, then the most recently recognised, then county code, so that the
 * same winner is chosen here and in SQL (see eligibility.queries.ts).
 */
export function compareByPrecedence(precedence: readonly HardshipCategory[]) {
  return (left: DatedEntry, right: DatedEntry): number =>
    precedence.indexOf(left.category) - precedence.indexOf(right.category) ||
    (left.recognizedOn > right.recognizedOn ? -1 : left.recognizedOn < right.recognizedOn ? 1 : 0) ||
    (left.county < right.county ? -1 : left.county > right.county ? 1 : 0);
}

/** The entry that decides the counted category and county on `date`, or null when none is active. */
export function countedEntry<T extends DatedEntry>(
  entries: readonly T[],
  date: IsoDate,
  precedence: readonly HardshipCategory[],
): T | null {
  // The first of the active entries in precedence order, as a stable sort would give it, in one pass (once per
  // person of every page that asks for eligibility or county).
  const compare = compareByPrecedence(precedence);
  let best: T | null = null;
  for (const entry of entries) {
    if (isActiveOn(entry, date) && (best === null || compare(entry, best) < 0)) best = entry;
  }
  return best;
}

/** A person's county: the counted entry's today, else the latest recognised entry's (DESIGN.md §5). */
export function personCounty(entries: readonly DatedEntry[], today: IsoDate, precedence: readonly HardshipCategory[]): string | null {
  const counted = countedEntry(entries, today, precedence);
  if (counted) return counted.county;
  if (entries.length === 0) return null;
  const latest = [...entries].sort(
    (left, right) =>
      (left.recognizedOn > right.recognizedOn ? -1 : left.recognizedOn < right.recognizedOn ? 1 : 0) ||
      (left.county < right.county ? -1 : 1),
  );
  return latest[0]!.county;
}

/** The precedence must start with RETURNED_POVERTY (fixed by the notice) and name each category once. */
export function parsePrecedence(text: string): HardshipCategory[] {
  const items = text.split(',').map((item) => item.trim());
  const valid =
    items.length === 3 && new Set(items).size === 3 && items.every((item) => DEFAULT_PRECEDENCE.includes(item as HardshipCategory));
  if (!valid || items[0] !== 'RETURNED_POVERTY') {
    throw new RangeError('must list RETURNED_POVERTY first, then TEKUN and DIBAO in either order, separated by commas');
  }
  return items as HardshipCategory[];
}
