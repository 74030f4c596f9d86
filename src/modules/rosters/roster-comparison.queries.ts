import type { IsoDate } from '../../shared/dates';
import type { HardshipCategory } from '../../shared/domain';
import { sql, type QueryRunner, type SqlFragment } from '../../shared/sql';
import type { Viewer } from '../../shared/auth';
import { entryScope } from '../access/row-scope';
import { countedEntriesSql } from '../eligibility/eligibility.queries';

export type ComparisonKind = 'ADDED' | 'REMOVED' | 'CHANGED';

export interface ComparisonRow {
  kind: ComparisonKind;
  idNumber: string;
  name: string;
  county: string;
  before: HardshipCategory | null;
  after: HardshipCategory | null;
}

export interface ComparisonQuery {
  from: IsoDate;
  to: IsoDate;
  precedence: readonly HardshipCategory[];
  /** Whose entries take part: the viewer's scope (DESIGN.md §4)… */
  viewer: Viewer;
  /** …and the asked category, if any. */
  category: HardshipCategory | null;
  /** Keep persons counted in this county on either date. */
  county: string | null;
}

export class RosterComparisonQueries {
  constructor(private readonly db: QueryRunner) {}

  /**
   * R3 in one statement, the unpaged lists: each kind's first `perKind` rows (ID number order), so that
   * a caller can tell a kind longer than it may return without reading it all.
   */
  firstOfEachKind(query: ComparisonQuery, perKind: number): Promise<ComparisonRow[]> {
    return this.db.rows<ComparisonRow>(sql`
      select kind, "idNumber", name, county, before, after from (
        select compared.*, row_number() over (partition by compared.kind order by compared."idNumber") as rank
        from (${comparedSql(query)}) compared) ranked
      where ranked.rank <= ${perKind}
      order by kind, "idNumber"`);
  }

  /** At most `limit` rows of one kind (or all kinds) after the key `after`, in (kind, ID number) order. */
  page(query: ComparisonQuery, kind: ComparisonKind | null, limit: number, after: ComparisonKey | null): Promise<ComparisonRow[]> {
    return this.db.rows<ComparisonRow>(sql`
      select * from (${comparedSql(query)}) compared
      where ${kind === null ? sql`true` : sql`compared.kind = ${kind}`}
        and ${after === null ? sql`true` : sql`(compared.kind, compared."idNumber") > (${after.kind}::text, ${after.idNumber}::text)`}
      order by compared.kind, compared."idNumber" limit ${limit}`);
  }

  count(query: ComparisonQuery, kind: ComparisonKind | null): Promise<number> {
    return this.db
      .one<{ count: number }>(
        sql`
        select count(*)::int as count from (${comparedSql(query)}) compared
        where ${kind === null ? sql`true` : sql`compared.kind = ${kind}`}`,
      )
      .then((row) => row?.count ?? 0);
  }
}

/** A position in the (kind, ID number) order of the comparison. */
export interface ComparisonKey {
  kind: ComparisonKind;
  idNumber: string;
}

/** R3: the counted entry (R8) on both dates, compared person by person (unordered). */
function comparedSql(query: ComparisonQuery): SqlFragment {
  // Only a person with an entry that starts or ends between the two dates can be counted differently
  // on them (same active entries, same winner), so both R8 passes are limited to those persons.
  const movedBetween = sql`entry.person_id in (
    select moved.person_id from roster_entry moved
    where ((moved.recognized_on > ${query.from}::date and moved.recognized_on <= ${query.to}::date)
        or (moved.exited_on > ${query.from}::date and moved.exited_on <= ${query.to}::date)))`;
  const scope = entryScope(query.viewer, sql.raw('entry'));
  const entryFilter = query.category === null ? scope : sql`${scope} and entry.category = ${query.category}`;
  const options = { entryFilter: sql`${entryFilter} and ${movedBetween}` };
  return sql`
    with before as (${countedEntriesSql(query.from, query.precedence, options)}),
    after as (${countedEntriesSql(query.to, query.precedence, options)}),
    compared as (
      select coalesce(before.person_id, after.person_id) as person_id,
             case when before.person_id is null then 'ADDED' when after.person_id is null then 'REMOVED' else 'CHANGED' end as kind,
             coalesce(after.county, before.county) as county,
             before.county as before_county, after.county as after_county,
             before.category as before, after.category as after
      from before full join after on after.person_id = before.person_id
      where before.person_id is null or after.person_id is null
         or before.category <> after.category or before.county <> after.county
    )
    select compared.kind, person.id_number::text as "idNumber", person.name, compared.county, compared.before, compared.after
    from compared join person on person.id = compared.person_id
    where ${query.county === null ? sql`true` : sql`(compared.before_county = ${query.county} or compared.after_county = ${query.county})`}`;
}
