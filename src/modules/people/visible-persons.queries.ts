import type { Queryable } from '../../infrastructure/database/sql-pool';
import type { Viewer } from '../../shared/auth';
import { sql } from '../../shared/sql';
import { visiblePersonPredicate } from '../access/row-filters';

/** The problem message for an unknown ID number and for one outside the viewer's rows alike (no leak). */
export const NOT_VISIBLE = 'no person with this ID number that you may see';

/**
 * Person ids by ID number, only for persons the viewer may see (DESIGN §4), in one statement.
 * Writers use it so that a county-level user cannot touch, or learn of, persons outside its rows.
 */
export async function findVisiblePersonIds(
  on: Queryable,
  viewer: Viewer,
  idNumbers: readonly string[],
  currentYear: number,
): Promise<Map<string, number>> {
  if (idNumbers.length === 0) return new Map();
  const { text, values } = sql`
    select person.id, person.id_number as "idNumber" from person
    where person.id_number = any(${[...idNumbers]}::char(18)[]) and ${visiblePersonPredicate(viewer, sql.raw('person'), currentYear)}`.toQuery();
  const result = await on.query<{ id: number; idNumber: string }>(text, values);
  return new Map(result.rows.map((row) => [row.idNumber, row.id]));
}
