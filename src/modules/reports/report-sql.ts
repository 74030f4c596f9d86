import type { IsoDate } from '../../shared/dates';
import { CONTRIBUTING_AGE, HARDSHIP_CATEGORIES, PENSION_STATUSES, type HardshipCategory } from '../../shared/domain';
import { sql, type QueryRunner, type SqlFragment } from '../../shared/sql';

// Report SQL shaped for the report's own output (issue 11 point 3): instead of the generic decisions
// pipeline (DISTINCT ON over every entry, money columns, text keys, parallel workers), one min() per
// person over a packed integer key, integer codes, and a serial plan. The rules are those of
// eligibility.queries.ts (DESIGN.md §5); test/integration/eligibility-agreement.test.ts holds both to the
// TypeScript rule and bench-limits.test.ts to the bench's limit SQL.
//
// Packed key of a roster entry; the smallest wins, in the R8 order of compareByPrecedence:
//   rank (position in the precedence) * 1e9 + days from recognizedOn to 2200-01-01 (latest first) * 1e3
//   + county code - 530000 (the 14 codes are 5301xx, so the integer order is the text order).

export const KEY_RANK = 1_000_000_000;
const COUNTY_BASE = 530000;

function checkedPrecedence(precedence: readonly HardshipCategory[]): readonly HardshipCategory[] {
  // The categories are written into the statement (as CASE labels), so only the enum's own values pass.
  if (precedence.some((category) => !HARDSHIP_CATEGORIES.includes(category)))
    throw new Error(`Unknown category in precedence ${precedence.join(',')}`);
  return precedence;
}

/** The entry's position in the precedence (0 wins). */
export function rankSql(precedence: readonly HardshipCategory[], category: SqlFragment): SqlFragment {
  const labels = checkedPrecedence(precedence).map((category, index) => `when '${category}' then ${index}`);
  return sql`(case ${category} ${sql.raw(labels.join(' '))} end)`;
}

/** The packed R8 key of a roster entry (alias). */
export function packedKeySql(precedence: readonly HardshipCategory[], entry: SqlFragment): SqlFragment {
  return sql`(${rankSql(precedence, sql`${entry}.category`)}::bigint * ${sql.raw(String(KEY_RANK))}
    + (date '2200-01-01' - ${entry}.recognized_on)::bigint * 1000 + (${entry}.county::int - ${sql.raw(String(COUNTY_BASE))}))`;
}

/** The category of a rank (0-based), as text. */
export function categoryOfRankSql(precedence: readonly HardshipCategory[], rank: SqlFragment): SqlFragment {
  const names = checkedPrecedence(precedence).map((category) => `'${category}'`);
  return sql`(array[${sql.raw(names.join(', '))}])[${rank} + 1]`;
}

/** The county code (text) of a county offset (code - 530000). */
export function countyOfOffsetSql(offset: SqlFragment): SqlFragment {
  return sql`(${sql.raw(String(COUNTY_BASE))} + ${offset})::text`;
}

/** A county code as its offset (code - 530000), or null for all counties. */
export function countyOffset(county: string | null): number | null {
  return county === null ? null : Number(county) - COUNTY_BASE;
}

export function activeOnSql(entry: SqlFragment, date: IsoDate): SqlFragment {
  return sql`(${entry}.recognized_on <= ${date}::date and (${entry}.exited_on is null or ${date}::date < ${entry}.exited_on))`;
}

/** Pension statuses as small integers, in PENSION_STATUSES order (0 NOT_ENROLLED, 1 CONTRIBUTING, 2 SUSPENDED, then the ineligible ones). */
export function statusCodeSql(status: SqlFragment): SqlFragment {
  return sql`(case ${status} ${sql.raw(PENSION_STATUSES.map((name, index) => `when '${name}' then ${index}`).join(' '))} end)`;
}
const STATUS_NOT_ENROLLED = PENSION_STATUSES.indexOf('NOT_ENROLLED');
const STATUS_ENROLLED = [PENSION_STATUSES.indexOf('CONTRIBUTING'), PENSION_STATUSES.indexOf('SUSPENDED')];

/** R4 age test as a birth-date range (Y - birth year within the contributing ages), no per-row extract(). */
export function contributingAgeSql(year: number, birthDate: SqlFragment): SqlFragment {
  return sql`(${birthDate} between ${`${year - CONTRIBUTING_AGE.to}-01-01`}::date and ${`${year - CONTRIBUTING_AGE.from}-12-31`}::date)`;
}

/**
 * 0 INELIGIBLE, 1 TO_ENROL, 2 ELIGIBLE, from the age test and a pension status code (DESIGN.md §5,
 * for a person with an entry active on the population date).
 */
function eligibilityCodeSql(year: number, birthDate: SqlFragment, statusCode: SqlFragment): SqlFragment {
  return sql`(case when not ${contributingAgeSql(year, birthDate)} then 0
    else case ${statusCode} when ${sql.raw(String(STATUS_NOT_ENROLLED))} then 1 when ${sql.raw(String(STATUS_ENROLLED[0]))} then 2
    when ${sql.raw(String(STATUS_ENROLLED[1]))} then 2 else 0 end end)`;
}

/** Runs a report statement with parallel query off (serial plans were faster in every case measured). */
export function serialRows<T>(db: QueryRunner, statement: SqlFragment): Promise<T[]> {
  return db.transaction(async (transaction) => {
    await transaction.execute(sql`set local max_parallel_workers_per_gather = 0`);
    return transaction.rows<T>(statement);
  });
}

/** One month of a dispatch trend: report date Y-M-15, population date, year of the payments and the age test. */
export interface TrendMonth {
  year: number;
  reportDate: IsoDate;
  populationDate: IsoDate;
}

/** A dispatch cell of one month (index into the months asked). */
export interface TrendCellRow {
  monthIndex: number;
  county: string;
  category: HardshipCategory;
  persons: number;
  eligible: number;
  enrolled: number;
  proxyPaid: number;
  proxyPaidAmount: string;
  disabledLevel34: number;
}

const max = (dates: readonly string[]) => dates.reduce((left, right) => (right > left ? right : left));
const min = (dates: readonly string[]) => dates.reduce((left, right) => (right < left ? right : left));

/**
 * R11/R12 for several months in one pass (DESIGN.md §5): per month, county and counted category, the
 * dispatch report's tallies. Each table is read once:
 *   counted      one row per person: the packed R8 key of each month (min over the entries active on its population date)
 *   status_then  one row per person with history: per month the (date, id)-packed latest change on or before the
 *                report date with its status code in the low 3 bits, and the earliest change's previous status
 *   paid         one row per paid person: per month the sum of that year's payments paid by the report date
 *   decided      per person and month a small code: (rank * 1000 + county offset) * 16 + eligibility * 4 + paid * 2 + disabled
 *   grouped      persons with the same codes in every month, counted once (most persons never change)
 * and the groups are unfolded into the months. Only non-empty cells come back.
 */
export function dispatchTrendSql(
  months: readonly TrendMonth[],
  precedence: readonly HardshipCategory[],
  county: string | null,
): SqlFragment {
  if (months.length === 0) throw new Error('dispatchTrendSql needs at least one month');
  const populationDates = months.map((month) => month.populationDate);
  const reportDates = months.map((month) => month.reportDate);
  const years = months.map((month) => month.year);
  const entry = sql.raw('entry');
  const change = sql.raw('change');
  const each = <T>(render: (month: TrendMonth, index: number) => T): T[] => months.map(render);
  const changeKey = sql`(((change.changed_on - date '2000-01-01')::bigint * 2147483648 + change.id) * 8)`;
  const offset = countyOffset(county);
  const inCounty = (key: SqlFragment) => (offset === null ? sql`true` : sql`${key} % 1000 = ${offset}`);
  const columns = (prefix: string) => sql.raw(months.map((_, index) => `${prefix}${index}`).join(', '));

  const countedColumns = each(
    (month, index) =>
      sql`min(${packedKeySql(precedence, entry)}) filter (where ${activeOnSql(entry, month.populationDate)}) as ${sql.raw(`k${index}`)}`,
  );
  const statusColumns = each(
    (month, index) =>
      sql`max(${changeKey} + ${statusCodeSql(sql`${change}.status`)}) filter (where change.changed_on <= ${month.reportDate}::date) as ${sql.raw(`s${index}`)}`,
  );
  const paidColumns = each(
    (month, index) =>
      sql`sum(amount) filter (where year = ${month.year} and paid_on <= ${month.reportDate}::date) as ${sql.raw(`a${index}`)}`,
  );
  const decidedColumns = each((month, index) => {
    const k = sql.raw(`counted.k${index}`);
    const status = sql`coalesce((coalesce(status_then.${sql.raw(`s${index}`)}, status_then.first_previous) % 8)::int, ${statusCodeSql(sql`person.pension_status`)})`;
    const eligibility = eligibilityCodeSql(month.year, sql`person.birth_date`, status);
    return sql`case when ${k} is null or not ${inCounty(k)} then null
      else ((${k} / ${sql.raw(String(KEY_RANK))}) * 1000 + ${k} % 1000)::int * 16 + ${eligibility} * 4
        + case when paid.${sql.raw(`a${index}`)} is not null and ${eligibility} > 0 then 2 else 0 end
        + case when person.disability_level in (3, 4) then 1 else 0 end end as ${sql.raw(`c${index}`)},
      case when ${eligibility} > 0 then paid.${sql.raw(`a${index}`)} end as ${sql.raw(`a${index}`)}`;
  });
  const unfolded = each((_, index) => sql.raw(`(${index}, c${index}, a${index})`));
  const amounts = each((_, index) => sql.raw(`sum(a${index}) as a${index}`));
  const personsInCounty =
    county === null
      ? sql`true`
      : sql`entry.person_id in (select in_county.person_id from roster_entry in_county where in_county.county = ${county})`;

  return sql`
    with counted as (
      select entry.person_id, ${sql.join(countedColumns, ', ')}
      from roster_entry entry
      where entry.recognized_on <= ${max(populationDates)}::date and (entry.exited_on is null or entry.exited_on > ${min(populationDates)}::date)
        and ${personsInCounty}
      group by entry.person_id
    ),
    status_then as (
      select change.person_id, min(${changeKey} + ${statusCodeSql(sql`${change}.previous_status`)}) as first_previous, ${sql.join(statusColumns, ', ')}
      from pension_status_change change
      group by change.person_id
    ),
    paid as (
      select person_id, ${sql.join(paidColumns, ', ')}
      from proxy_payment
      where year between ${Math.min(...years)} and ${Math.max(...years)} and paid_on <= ${max(reportDates)}::date
      group by person_id
    ),
    decided as (
      select ${sql.join(decidedColumns, ', ')}
      from counted join person on person.id = counted.person_id
      left join status_then on status_then.person_id = counted.person_id
      left join paid on paid.person_id = counted.person_id
    ),
    grouped as (
      select ${columns('c')}, count(*) as n, ${sql.join(amounts, ', ')}
      from decided group by ${columns('c')}
    ),
    cells as (
      select unfolded.i, unfolded.c / 16 as cell,
             sum(grouped.n) as persons,
             sum(grouped.n) filter (where unfolded.c / 4 % 4 > 0) as eligible,
             sum(grouped.n) filter (where unfolded.c / 4 % 4 = 2) as enrolled,
             sum(grouped.n) filter (where unfolded.c / 2 % 2 = 1) as paid,
             sum(unfolded.a) as amount,
             sum(grouped.n) filter (where unfolded.c % 2 = 1) as disabled
      from grouped cross join lateral (values ${sql.join(unfolded, ', ')}) as unfolded (i, c, a)
      where unfolded.c is not null
      group by unfolded.i, unfolded.c / 16
    )
    select i as "monthIndex", ${countyOfOffsetSql(sql`cell % 1000`)} as county, ${categoryOfRankSql(precedence, sql`cell / 1000`)} as category,
           persons::int as persons, coalesce(eligible, 0)::int as eligible, coalesce(enrolled, 0)::int as enrolled,
           coalesce(paid, 0)::int as "proxyPaid", coalesce(amount, 0)::numeric(14,2)::text as "proxyPaidAmount",
           coalesce(disabled, 0)::int as "disabledLevel34"
    from cells
    order by i, county, category`;
}
