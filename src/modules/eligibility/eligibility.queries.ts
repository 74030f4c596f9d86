import { cutOffDate, type IsoDate } from '../../shared/dates';
import type { EligibilityStatus, HardshipCategory } from '../../shared/domain';
import { CONTRIBUTING_AGE_SQL } from '../../shared/policy-sql';
import { sql, type SqlFragment, type QueryRunner } from '../../shared/sql';
import { basisPointsOf, DEFAULT_CITY_SHARE_BASIS_POINTS, DEFAULT_STANDARD, type FundingRuleFacts } from './domain/eligibility';

// The eligibility rules of DESIGN.md §5 as set-based SQL, for totals computed inside PostgreSQL.
// The TypeScript twin is domain/eligibility.ts; test/integration/eligibility-agreement.test.ts feeds
// both the same random data and requires the same answers.

const DEFAULT_CITY_SHARE = sql.raw(String(DEFAULT_CITY_SHARE_BASIS_POINTS / 10000));
const DEFAULT_STANDARD_SQL = sql.raw(`${DEFAULT_STANDARD}::numeric(12,2)`);

/** True when the entry (alias) is active on `date`: recognizedOn <= D and (exitedOn null or D < exitedOn). */
export function activeOnSql(entry: SqlFragment, date: IsoDate): SqlFragment {
  return sql`(${entry}.recognized_on <= ${date}::date and (${entry}.exited_on is null or ${date}::date < ${entry}.exited_on))`;
}

/** R8 order, identical to compareByPrecedence: precedence rank, latest recognizedOn, then county code. */
function precedenceOrder(entry: SqlFragment, precedence: readonly HardshipCategory[]): SqlFragment {
  return sql`array_position(${[...precedence]}::text[], ${entry}.category::text), ${entry}.recognized_on desc, ${entry}.county`;
}

export interface CountedEntryOptions {
  /** Entries are considered when this is true of them (alias `entry`); e.g. a viewer's scope. */
  entryFilter?: SqlFragment;
  personIds?: readonly number[] | null;
}

/**
 * R8: one row per person with an entry active on `date`: the winning entry's category and county.
 * Columns: person_id, category, county, recognized_on.
 */
export function countedEntriesSql(date: IsoDate, precedence: readonly HardshipCategory[], options: CountedEntryOptions = {}): SqlFragment {
  const entry = sql.raw('entry');
  return sql`
    select distinct on (entry.person_id) entry.person_id, entry.category, entry.county::text as county, entry.recognized_on
    from roster_entry entry
    where ${activeOnSql(entry, date)} and ${options.entryFilter ?? sql`true`}
      and ${options.personIds ? sql`entry.person_id = any(${[...options.personIds]}::int[])` : sql`true`}
    order by entry.person_id, ${precedenceOrder(entry, precedence)}`;
}

/**
 * Pension statuses as they stood on `date`, from pension_status_change, one row per person with history
 * (columns person_id, pension_status), set-based (one scan of the history, no per-person lookups):
 * the status of the person's latest change dated on or before `date` (a change dated `date` itself counts);
 * else, when all their changes are later, the previous_status of the earliest one. Several changes on one
 * day are ordered by id (the order they were recorded). Persons without history are absent: callers
 * left-join and fall back to the current person.pension_status (statuses set before history was kept).
 */
export function pensionStatusesOnSql(date: IsoDate, personIds: readonly number[] | null = null): SqlFragment {
  const onOrBefore = sql`change.changed_on <= ${date}::date`;
  return sql`
    select distinct on (change.person_id) change.person_id,
           case when ${onOrBefore} then change.status else change.previous_status end as pension_status
    from pension_status_change change
    where ${personIds ? sql`change.person_id = any(${[...personIds]}::int[])` : sql`true`}
    order by change.person_id, ${onOrBefore} desc,
             case when ${onOrBefore} then change.changed_on end desc nulls last,
             case when ${onOrBefore} then change.id end desc nulls last,
             change.changed_on, change.id`;
}

export interface DecisionOptions {
  year: number;
  precedence: readonly HardshipCategory[];
  /** Date on which the counted entry is taken: the cut-off Y-10-31 unless a report says otherwise. */
  countedOn?: IsoDate;
  personIds?: readonly number[] | null;
  /** Only persons with an entry active on countedOn (reports): skips everyone else early. */
  onRosterOnly?: boolean;
  /** A subquery of person ids to restrict to (e.g. the level 3/4 disabled), applied before R8 runs. */
  personIdsSql?: SqlFragment;
  /**
   * R4 reads the pension status as it stood on this date (past reports stay reproducible);
   * when omitted, the current person.pension_status (eligibility and budgets speak of now).
   */
  pensionStatusOn?: IsoDate;
}

const ELIGIBLE_OR_TO_ENROL = sql.raw(`('ELIGIBLE', 'TO_ENROL')`);

/**
 * One row per person (all persons, or `personIds`), set-based:
 *   person_id, disability_level, pension_status (the one R4 read), on_roster (an entry active on countedOn),
 *   counted_category, county, status,
 *   amount, city_share, county_share (numeric(12,2)).
 * Status as DESIGN.md §5; NEXT_YEAR category/county from the winning entry recognised Y-11-01..Y-12-31.
 */
export function decisionsSql(options: DecisionOptions): SqlFragment {
  const { year, precedence } = options;
  const countedOn = options.countedOn ?? cutOffDate(year);
  const entry = sql.raw('entry');
  const personFilter = options.personIds ? sql`entry.person_id = any(${[...options.personIds]}::int[])` : sql`true`;
  const late = options.onRosterOnly
    ? sql`select null::int as person_id, null::text as category, null::text as county where false`
    : sql`
      select distinct on (entry.person_id) entry.person_id, entry.category, entry.county::text as county
      from roster_entry entry
      where entry.recognized_on between ${`${year}-11-01`}::date and ${`${year}-12-31`}::date and ${personFilter}
      order by entry.person_id, ${precedenceOrder(entry, precedence)}`;
  const persons = options.onRosterOnly
    ? sql`counted join person on person.id = counted.person_id`
    : sql`person left join counted on counted.person_id = person.id`;
  return sql`
    with counted as (${countedEntriesSql(countedOn, precedence, {
      personIds: options.personIds,
      entryFilter: options.personIdsSql ? sql`entry.person_id in (${options.personIdsSql})` : undefined,
    })}),
    late as (${late}),
    status_then as (${
      options.pensionStatusOn === undefined
        ? sql`select null::int as person_id, null::text as pension_status where false`
        : pensionStatusesOnSql(options.pensionStatusOn, options.personIds ?? null)
    }),
    facts as (
      select person.id as person_id, person.disability_level,
             coalesce(status_then.pension_status, person.pension_status) as pension_status,
             counted.person_id is not null as on_roster,
             coalesce(counted.category, late.category) as counted_category,
             coalesce(counted.county, late.county) as county,
             case
               when counted.person_id is null then case when late.person_id is not null then 'NEXT_YEAR' else 'INELIGIBLE' end
               when ${year}::int - extract(year from person.birth_date)::int not between ${CONTRIBUTING_AGE_SQL} then 'INELIGIBLE'
               when coalesce(status_then.pension_status, person.pension_status) in ('RECEIVING', 'EMPLOYEE_PENSION', 'TERMINATED') then 'INELIGIBLE'
               when coalesce(status_then.pension_status, person.pension_status) = 'NOT_ENROLLED' then 'TO_ENROL'
               else 'ELIGIBLE'
             end as status,
             coalesce(rule.standard, ${DEFAULT_STANDARD_SQL}) as standard,
             coalesce(rule.city_share, ${DEFAULT_CITY_SHARE}) as city_fraction
      from ${persons}
      left join late on late.person_id = person.id
      left join status_then on status_then.person_id = person.id
      left join funding_rule rule on rule.county = counted.county and rule.year = ${year}
      where ${options.personIds ? sql`person.id = any(${[...options.personIds]}::int[])` : sql`true`}
    )
    select person_id, disability_level, pension_status, on_roster, counted_category, county, status,
           (case when status in ${ELIGIBLE_OR_TO_ENROL} then standard else 0 end)::numeric(12,2) as amount,
           -- R5: half-up to the cent (numeric round is half away from zero; amounts are never negative)
           (case when status in ${ELIGIBLE_OR_TO_ENROL} then round(standard * city_fraction, 2) else 0 end)::numeric(12,2) as city_share,
           (case when status in ${ELIGIBLE_OR_TO_ENROL} then standard - round(standard * city_fraction, 2) else 0 end)::numeric(12,2) as county_share
    from facts`;
}

export const ELIGIBLE_STATUSES_SQL = ELIGIBLE_OR_TO_ENROL;

export interface DecisionRow {
  personId: number;
  onRoster: boolean;
  countedCategory: HardshipCategory | null;
  county: string | null;
  status: EligibilityStatus;
  amount: string;
  cityShare: string;
  countyShare: string;
}

interface FundingRuleRow {
  county: string;
  year: number;
  standard: string;
  cityShare: string;
}

export class EligibilityQueries {
  constructor(private readonly db: QueryRunner) {}

  /** The SQL decision of each person (tests compare it with the TypeScript one). */
  decisions(year: number, precedence: readonly HardshipCategory[], personIds: readonly number[] | null = null): Promise<DecisionRow[]> {
    return this.db.rows<DecisionRow>(sql`
      select person_id as "personId", on_roster as "onRoster", counted_category as "countedCategory", county, status,
             amount::text as amount, city_share::text as "cityShare", county_share::text as "countyShare"
      from (${decisionsSql({ year, precedence, personIds })}) decision
      order by person_id`);
  }

  /** All funding rules of a year (at most one per county). */
  async fundingRules(year: number): Promise<FundingRuleFacts[]> {
    const rows = await this.db.rows<FundingRuleRow>(sql`
      select county::text as county, year, standard::text as standard, city_share::text as "cityShare"
      from funding_rule where year = ${year}`);
    return rows.map((row) => ({
      county: row.county,
      year: row.year,
      standard: row.standard,
      cityShareBasisPoints: basisPointsOf(row.cityShare),
    }));
  }
}
