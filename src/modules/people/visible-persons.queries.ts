import type { Viewer } from '../../shared/auth';
import { sql, type QueryRunner } from '../../shared/sql';
import { visiblePersonPredicate } from '../access/row-scope';

/** The problem message for an unknown ID number and for one outside the viewer's rows alike (no leak). */
export const NOT_VISIBLE = 'no person with this ID number that you may see';

/**
 * Person ids by ID number, only for persons the viewer may see (DESIGN §4), in one statement.
 * Writers use it so that a county-level user cannot touch, or learn of, persons outside its rows.
 */
export async function findVisiblePersonIds(
  on: QueryRunner,
  viewer: Viewer,
  idNumbers: readonly string[],
  currentYear: number,
): Promise<Map<string, number>> {
  if (idNumbers.length === 0) return new Map();
  const rows = await on.rows<{ id: number; idNumber: string }>(sql`
    select person.id, person.id_number as "idNumber" from person
    where person.id_number = any(${[...idNumbers]}::char(18)[]) and ${visiblePersonPredicate(viewer, sql.raw('person'), currentYear)}`);
  return new Map(rows.map((row) => [row.idNumber, row.id]));
}
