import { cutOffDate, type IsoDate } from '../../shared/dates';
import type { HardshipCategory } from '../../shared/domain';
import { sql, type SqlFragment, type QueryRunner } from '../../shared/sql';
import { activeOnSql, decisionsSql, ELIGIBLE_STATUSES_SQL } from '../eligibility/eligibility.queries';
import type { PersonRow } from '../people/people.queries';
import type { Viewer } from '../../shared/auth';
import { visiblePersonPredicate } from '../access/row-scope';

export interface DispatchCellRow {
  county: string;
  category: HardshipCategory;
  persons: number;
  eligible: number;
  enrolled: number;
  proxyPaid: number;
  proxyPaidAmount: string;
  disabledLevel34: number;
}

export interface DispatchQuery {
  year: number;
  reportDate: IsoDate;
  /** Entries active on this date make the population (report date, or Y-10-31 for Nov/Dec). */
  populationDate: IsoDate;
  precedence: readonly HardshipCategory[];
  county: string | null;
}

export class ReportsQueries {
  constructor(private readonly db: QueryRunner) {}

  /**
   * R11/R12 in one statement: per county and counted category, the tallies of the dispatch report.
   * Only non-empty cells come back; the service fills the zeros for the 14 counties.
   * Pension statuses are read as they stood on the report date, payments by paidOn <= report date,
   * so a past month's report gives the same figures when computed again later.
   */
  dispatchCells(query: DispatchQuery): Promise<DispatchCellRow[]> {
    return this.db.rows<DispatchCellRow>(sql`
      with decision as (${decisionsSql({ year: query.year, precedence: query.precedence, countedOn: query.populationDate, onRosterOnly: true, pensionStatusOn: query.reportDate })}),
      paid as (
        select person_id, sum(amount) as amount from proxy_payment
        where year = ${query.year} and paid_on <= ${query.reportDate}::date
        group by person_id
      )
      select decision.county, decision.counted_category as category,
             count(*)::int as persons,
             count(*) filter (where decision.status in ${ELIGIBLE_STATUSES_SQL})::int as eligible,
             count(*) filter (where decision.status = 'ELIGIBLE')::int as enrolled,
             count(paid.person_id) filter (where decision.status in ${ELIGIBLE_STATUSES_SQL})::int as "proxyPaid",
             coalesce(sum(paid.amount) filter (where decision.status in ${ELIGIBLE_STATUSES_SQL}), 0)::numeric(14,2)::text as "proxyPaidAmount",
             count(*) filter (where decision.disability_level in (3, 4))::int as "disabledLevel34"
      from decision
      left join paid on paid.person_id = decision.person_id
      where decision.on_roster and ${query.county === null ? sql`true` : sql`decision.county = ${query.county}`}
      group by decision.county, decision.counted_category
      order by decision.county, decision.counted_category`);
  }

  /** At most `limit` rows after the ID number `after` (keyset), in ID number order. */
  screening(query: ScreeningQuery, limit: number, after: string | null = null): Promise<ScreeningRow[]> {
    return this.db.rows<ScreeningRow>(sql`
      select * from (${screeningSql(query)}) screening
      where ${after === null ? sql`true` : sql`screening."idNumber" > ${after}`}
      order by screening."idNumber" limit ${limit}`);
  }

  screeningCount(query: ScreeningQuery): Promise<number> {
    return this.db
      .one<{ count: number }>(sql`select count(*)::int as count from (${screeningSql(query)}) screening`)
      .then((row) => row?.count ?? 0);
  }
}

export interface ScreeningRow extends PersonRow {
  countedCategory: HardshipCategory;
}

export interface ScreeningQuery {
  year: number;
  precedence: readonly HardshipCategory[];
  /** Persons with an entry active on the cut-off in this county; null = all. */
  county: string | null;
  /** Only persons this viewer may see (DESIGN.md §4)… */
  viewer: Viewer;
  /** …as of this year (TAX's rule reads it). */
  currentYear: number;
}

/** R10 in one statement: level 3/4 disabled persons on the year's proxy roster (ELIGIBLE or TO_ENROL on Y-10-31). */
export function screeningSql(query: ScreeningQuery): SqlFragment {
  const cutOff = cutOffDate(query.year);
  return sql`
    select person.id, person.id_number as "idNumber", person.name, person.gender, person.birth_date as "birthDate",
           person.disability_level as "disabilityLevel", person.pension_status as "pensionStatus",
           decision.counted_category as "countedCategory"
    from (${decisionsSql({
      year: query.year,
      precedence: query.precedence,
      onRosterOnly: true,
      personIdsSql: sql`select disabled.id from person disabled where disabled.disability_level in (3, 4)`,
    })}) decision
    join person on person.id = decision.person_id
    where decision.on_roster and decision.status in ${ELIGIBLE_STATUSES_SQL} and person.disability_level in (3, 4)
      and ${visiblePersonPredicate(query.viewer, sql.raw('person'), query.currentYear)}
      and ${
        query.county === null
          ? sql`true`
          : sql`exists (select 1 from roster_entry county_entry where county_entry.person_id = person.id
             and county_entry.county = ${query.county} and ${activeOnSql(sql.raw('county_entry'), cutOff)})`
      }
    order by person.id_number`;
}
