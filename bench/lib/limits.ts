import type pg from 'pg';
import type { HardshipCategory } from '../../src/shared/domain';

// The fastest hand-written SQL that returns the same figures as each report (issue 11): one min() per
// person over a packed integer key instead of DISTINCT ON, integer codes instead of text keys, only the
// columns the report reads, a serial plan. Each is checked equal to the API's answer before it is timed.
//
// Packed key of an entry (smaller wins, the R8 order of compareByPrecedence):
//   rank (position in the precedence) * 1e9 + days from recognizedOn to 2200-01-01 (latest first) * 1e3
//   + county code - 530000 (the 14 codes are 5301xx, so their order is the text order).

const KEY_RANK = 1_000_000_000;

function rankCase(precedence: readonly HardshipCategory[], column: string): string {
  return `case ${column} ${precedence.map((category, index) => `when '${category}' then ${index}`).join(' ')} end`;
}

function packedKey(precedence: readonly HardshipCategory[], alias: string): string {
  return `(${rankCase(precedence, `${alias}.category`)}::bigint * ${KEY_RANK} + (date '2200-01-01' - ${alias}.recognized_on)::bigint * 1000 + (${alias}.county::int - 530000))`;
}

function categoryOfRank(precedence: readonly HardshipCategory[], rank: string): string {
  return `(array[${precedence.map((category) => `'${category}'`).join(', ')}])[${rank} + 1]`;
}

const active = (alias: string, date: string) =>
  `(${alias}.recognized_on <= '${date}'::date and (${alias}.exited_on is null or '${date}'::date < ${alias}.exited_on))`;

/** Runs `text` with parallel query off (it lost in every case measured), in one transaction. */
export async function serialQuery<T>(client: pg.ClientBase, text: string): Promise<T[]> {
  await client.query('begin');
  try {
    await client.query('set local max_parallel_workers_per_gather = 0');
    const result = await client.query(text);
    await client.query('commit');
    return result.rows as T[];
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

export interface DispatchCell {
  county: string;
  category: HardshipCategory;
  persons: number;
  eligible: number;
  enrolled: number;
  proxyPaid: number;
  proxyPaidAmount: string;
  disabledLevel34: number;
}

const STATUS_CODES = ['NOT_ENROLLED', 'CONTRIBUTING', 'SUSPENDED', 'RECEIVING', 'EMPLOYEE_PENSION', 'TERMINATED'];
const statusCode = (column: string) =>
  `case ${column} ${STATUS_CODES.map((status, index) => `when '${status}' then ${index}`).join(' ')} end`;

/** R4 age test as a birth-date range (Y - birth year in 16..59), no per-row extract(). */
const contributingAge = (year: number, column: string) => `${column} between '${year - 59}-01-01'::date and '${year - 16}-12-31'::date`;

/**
 * R11 cells: per county and counted category; statuses as of the report date, payments paid by then.
 * The status then is packed too: (days, id) of the latest change on or before the date with its status
 * code in the low 3 bits (max), else the earliest change's previous status (min).
 */
export function dispatchLimitSql(
  precedence: readonly HardshipCategory[],
  year: number,
  reportDate: string,
  populationDate: string,
): string {
  const changeKey = `((change.changed_on - date '2000-01-01')::bigint * 2147483648 + change.id) * 8`;
  return `
    with counted as (
      select entry.person_id, min(${packedKey(precedence, 'entry')}) as k
      from roster_entry entry where ${active('entry', populationDate)}
      group by entry.person_id
    ),
    status_then as (
      select change.person_id,
             coalesce(max(${changeKey} + ${statusCode('change.status')}) filter (where change.changed_on <= '${reportDate}'::date),
                      min(${changeKey} + ${statusCode('change.previous_status')})) % 8 as code
      from pension_status_change change group by change.person_id
    ),
    paid as (
      select person_id, sum(amount) as amount from proxy_payment
      where year = ${year} and paid_on <= '${reportDate}'::date group by person_id
    ),
    decided as (
      select counted.k, person.disability_level,
             case when not (${contributingAge(year, 'person.birth_date')}) then 0
                  else case coalesce(status_then.code, ${statusCode('person.pension_status')}) when 0 then 1 when 1 then 2 when 2 then 2 else 0 end
             end as s,
             paid.amount
      from counted join person on person.id = counted.person_id
      left join status_then on status_then.person_id = counted.person_id
      left join paid on paid.person_id = counted.person_id
    ),
    cells as (
      select k % 1000 as county, k / ${KEY_RANK} as rank, count(*)::int as persons,
             count(*) filter (where s > 0)::int as eligible, count(*) filter (where s = 2)::int as enrolled,
             count(amount) filter (where s > 0)::int as paid, coalesce(sum(amount) filter (where s > 0), 0) as amount,
             count(*) filter (where disability_level in (3, 4))::int as disabled
      from decided group by 1, 2
    )
    select (530000 + county)::text as county, ${categoryOfRank(precedence, 'rank')} as category, persons, eligible, enrolled,
           paid as "proxyPaid", amount::numeric(14,2)::text as "proxyPaidAmount", disabled as "disabledLevel34"
    from cells order by 1, 2`;
}

export interface BudgetLine {
  county: string;
  department: string;
  persons: number;
  amount: string;
  cityShare: string;
  countyShare: string;
}

/**
 * R1/R5/R9: eligible persons (ELIGIBLE or TO_ENROL on the cut-off, today's pension status) counted per
 * county and funding department, times the county's rule: exact, since everyone in a line has the same
 * rounded share.
 */
export function budgetLimitSql(precedence: readonly HardshipCategory[], year: number): string {
  const cutOff = `${year}-10-31`;
  const rural = precedence.indexOf('RETURNED_POVERTY');
  return `
    with counted as (
      select entry.person_id, min(${packedKey(precedence, 'entry')}) as k
      from roster_entry entry where ${active('entry', cutOff)}
      group by entry.person_id
    ),
    lines as (
      select k % 1000 as county, (k / ${KEY_RANK} = ${rural}) as rural, count(*) as persons
      from counted join person on person.id = counted.person_id
      where ${contributingAge(year, 'person.birth_date')}
        and person.pension_status in ('NOT_ENROLLED', 'CONTRIBUTING', 'SUSPENDED')
      group by 1, 2
    ),
    priced as (
      select lines.*, coalesce(rule.standard, 100.00) as standard,
             round(coalesce(rule.standard, 100.00) * coalesce(rule.city_share, 0.5), 2) as city
      from lines left join funding_rule rule on rule.county = (530000 + lines.county)::text and rule.year = ${year}
    )
    select (530000 + county)::text as county, case when rural then 'RURAL_REVITALIZATION' else 'CIVIL_AFFAIRS' end as department,
           persons::int, (persons * standard)::numeric(14,2)::text as amount, (persons * city)::numeric(14,2)::text as "cityShare",
           (persons * (standard - city))::numeric(14,2)::text as "countyShare"
    from priced order by 1, 2`;
}

export interface ComparisonItem {
  kind: 'ADDED' | 'REMOVED' | 'CHANGED';
  idNumber: string;
  name: string;
  county: string;
  before: string | null;
  after: string | null;
}

/** R3 between two dates: one pass over the entries of persons with an entry starting or ending between them. */
export function comparisonLimitSql(precedence: readonly HardshipCategory[], from: string, to: string): string {
  return `
    with moved as (
      select distinct person_id from roster_entry
      where (recognized_on > '${from}'::date and recognized_on <= '${to}'::date) or (exited_on > '${from}'::date and exited_on <= '${to}'::date)
    ),
    keys as (
      select entry.person_id, min(${packedKey(precedence, 'entry')}) filter (where ${active('entry', from)}) as a,
             min(${packedKey(precedence, 'entry')}) filter (where ${active('entry', to)}) as b
      from roster_entry entry join moved using (person_id) group by entry.person_id
    )
    select case when a is null then 'ADDED' when b is null then 'REMOVED' else 'CHANGED' end as kind,
           person.id_number as "idNumber", person.name, (530000 + coalesce(b, a) % 1000)::text as county,
           ${categoryOfRank(precedence, `(a / ${KEY_RANK})::int`)} as before, ${categoryOfRank(precedence, `(b / ${KEY_RANK})::int`)} as after
    from keys join person on person.id = keys.person_id
    where (a is null) <> (b is null) or a / ${KEY_RANK} <> b / ${KEY_RANK} or a % 1000 <> b % 1000
    order by 1, 2`;
}

export interface ScreeningItem {
  idNumber: string;
  name: string;
  countedCategory: string;
  disabilityLevel: number;
}

/** R10: level 3/4 disabled persons who are ELIGIBLE or TO_ENROL on the year's cut-off, by ID number. */
export function screeningLimitSql(precedence: readonly HardshipCategory[], year: number): string {
  const cutOff = `${year}-10-31`;
  return `
    with disabled as (
      select id, id_number, name, disability_level from person
      where disability_level in (3, 4) and pension_status in ('NOT_ENROLLED', 'CONTRIBUTING', 'SUSPENDED')
        and ${contributingAge(year, 'birth_date')}
    ),
    counted as (
      select entry.person_id, min(${rankCase(precedence, 'entry.category')}) as rank
      from roster_entry entry join disabled on disabled.id = entry.person_id
      where ${active('entry', cutOff)} group by entry.person_id
    )
    select disabled.id_number as "idNumber", disabled.name, ${categoryOfRank(precedence, 'counted.rank')} as "countedCategory",
           disabled.disability_level as "disabilityLevel"
    from counted join disabled on disabled.id = counted.person_id
    order by disabled.id_number`;
}
