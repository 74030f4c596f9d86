import type { Viewer } from '../../shared/auth';
import type { HardshipCategory, PensionStatus } from '../../shared/domain';
import type { IsoDate } from '../../shared/dates';
import { sql, type SqlFragment, type QueryRunner } from '../../shared/sql';
import { entryScope, visibleCategories, visiblePersonPredicate } from '../access/row-scope';

export interface PersonRow {
  id: number;
  idNumber: string;
  name: string;
  gender: 'M' | 'F';
  birthDate: IsoDate;
  disabilityLevel: number | null;
  pensionStatus: PensionStatus;
}

export interface EntryRow {
  personId: number;
  category: HardshipCategory;
  county: string;
  recognizedOn: IsoDate;
  exitedOn: IsoDate | null;
}

export interface PersonSearch {
  county?: string | null;
  category?: HardshipCategory | null;
  disabilityLevels?: readonly number[] | null;
  /** Only entries active on this date match county and category. */
  activeOn?: IsoDate | null;
}

const PERSON_COLUMNS = sql.raw(`person.id, person.id_number as "idNumber", person.name, person.gender,
  person.birth_date as "birthDate", person.disability_level as "disabilityLevel", person.pension_status as "pensionStatus"`);

const PERSON = sql.raw('person');

function searchPredicate(viewer: Viewer, search: PersonSearch): SqlFragment {
  const parts: SqlFragment[] = [];
  if (search.county || search.category || search.activeOn) {
    // The filter looks only at entries the viewer may see, so it cannot reveal another department's roster.
    const entryParts: SqlFragment[] = [entryScope(viewer, sql.raw('filter_entry'))];
    if (search.county) entryParts.push(sql`filter_entry.county = ${search.county}`);
    if (search.category) entryParts.push(sql`filter_entry.category = ${search.category}`);
    if (search.activeOn) {
      entryParts.push(
        sql`filter_entry.recognized_on <= ${search.activeOn}::date and (filter_entry.exited_on is null or ${search.activeOn}::date < filter_entry.exited_on)`,
      );
    }
    parts.push(
      sql`exists (select 1 from roster_entry filter_entry where filter_entry.person_id = person.id and ${sql.join(entryParts, ' and ')})`,
    );
  }
  if (search.disabilityLevels && search.disabilityLevels.length > 0) {
    parts.push(sql`person.disability_level = any(${[...search.disabilityLevels]}::smallint[])`);
  }
  return parts.length === 0 ? sql`true` : sql.join(parts, ' and ');
}

export class PeopleQueries {
  constructor(private readonly db: QueryRunner) {}

  async findVisible(viewer: Viewer, idNumber: string, currentYear: number): Promise<PersonRow | null> {
    const row = await this.db.one<PersonRow>(sql`
      select ${PERSON_COLUMNS} from person
      where person.id_number = ${idNumber} and ${visiblePersonPredicate(viewer, PERSON, currentYear)}`);
    return row ?? null;
  }

  /**
   * The viewer's persons among these ID numbers, in one statement (Federation's entity batches). The numbers are
   * checked ones (18 characters): as char(18) they match the column's type and its index (as text[] they read every person).
   */
  findVisibleMany(viewer: Viewer, idNumbers: readonly string[], currentYear: number): Promise<PersonRow[]> {
    return this.db.rows<PersonRow>(sql`
      select ${PERSON_COLUMNS} from person
      where person.id_number = any(${[...idNumbers]}::char(18)[]) and ${visiblePersonPredicate(viewer, PERSON, currentYear)}`);
  }

  /** One page in id order (keyset), plus one extra row to tell whether another page follows. */
  async page(
    viewer: Viewer,
    search: PersonSearch,
    first: number,
    afterId: number | null,
    currentYear: number,
  ): Promise<{ rows: PersonRow[]; hasNextPage: boolean }> {
    const rows = await this.db.rows<PersonRow>(sql`
      select ${PERSON_COLUMNS} from person
      where ${visiblePersonPredicate(viewer, PERSON, currentYear)} and ${searchPredicate(viewer, search)}
        and person.id > ${afterId ?? 0}
      order by person.id
      limit ${first + 1}`);
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  async count(viewer: Viewer, search: PersonSearch, currentYear: number): Promise<number> {
    const row = await this.db.one<{ count: number }>(sql`
      select count(*)::int as count from person
      where ${visiblePersonPredicate(viewer, PERSON, currentYear)} and ${searchPredicate(viewer, search)}`);
    return row?.count ?? 0;
  }

  /** Every entry of these persons, whatever the viewer: for rules (county, eligibility), never returned as is. */
  allEntries(personIds: readonly number[]): Promise<EntryRow[]> {
    return this.db.rows<EntryRow>(sql`
      select person_id as "personId", category, county, recognized_on as "recognizedOn", exited_on as "exitedOn"
      from roster_entry where person_id = any(${[...personIds]}::int[])
      order by person_id, recognized_on, id`);
  }

  /** The entries the viewer may see (its categories, its county). */
  visibleEntries(viewer: Viewer, personIds: readonly number[]): Promise<EntryRow[]> {
    const categories = visibleCategories(viewer);
    if (categories !== null && categories.length === 0) return Promise.resolve([]);
    return this.db.rows<EntryRow>(sql`
      select person_id as "personId", category, county, recognized_on as "recognizedOn", exited_on as "exitedOn"
      from roster_entry entry
      where person_id = any(${[...personIds]}::int[]) and ${entryScope(viewer, sql.raw('entry'))}
      order by person_id, recognized_on, id`);
  }
}
