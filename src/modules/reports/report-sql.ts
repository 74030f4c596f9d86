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
/** The pension statuses that can be proxy-paid (R4: TO_ENROL or ELIGIBLE), as an SQL list. */
export const ELIGIBLE_PENSION_STATUSES_SQL = sql.raw(`('NOT_ENROLLED', 'CONTRIBUTING', 'SUSPENDED')`);

/** R4 age test as a birth-date range (Y - birth year within the contributing ages), no per-row extract(). */
export function contributingAgeSql(year: number, birthDate: SqlFragment): SqlFragment {
  return sql`(${birthDate} between ${`${year - CONTRIBUTING_AGE.to}-01-01`}::date and ${`${year - CONTRIBUTING_AGE.from}-12-31`}::date)`;
}

/** Planner settings of one report statement, local to its transaction. */
export interface ReportSettings {
  /** hash_mem_multiplier (of the default 4 MB work_mem): room to hash a grouping in memory. */
  hashMemMultiplier?: number;
  /**
   * Sorting only where nothing else can do (enable_sort off): the trend's grouping of persons is hashed. The
   * planner expects one group per person (it cannot know that most persons move alike), prices the hash table
   * above the memory it has and sorts every person on disk instead: an external merge of 50-90 MB, about 3 s
   * at 1,000,000 persons, where the hash table of the ~100,000 real groups takes 7 MB.
   */
  hashedGroups?: boolean;
}

/**
 * The session settings of a report statement in one statement, local to the transaction (set_config(…, true)
 * is `set local`): parallel query off (serial plans were faster in every case measured) and `settings`. Only
 * parallel query off by default: a larger work_mem (64MB, one hash table per stage in memory) measured 3.5x
 * slower at 1,000,000 persons than the default's batched hashing.
 */
export function reportSettingsSql(settings: ReportSettings = {}): SqlFragment {
  const set = [sql`set_config('max_parallel_workers_per_gather', '0', true)`];
  if (settings.hashMemMultiplier !== undefined)
    set.push(sql`set_config('hash_mem_multiplier', ${String(Number(settings.hashMemMultiplier))}, true)`);
  if (settings.hashedGroups) set.push(sql`set_config('enable_sort', 'off', true)`);
  return sql`select ${sql.join(set, ', ')}`;
}

/** Runs a report statement under its settings (reportSettingsSql). */
export function serialRows<T>(db: QueryRunner, statement: SqlFragment, settings: ReportSettings = {}): Promise<T[]> {
  return db.transaction(async (transaction) => {
    await transaction.execute(reportSettingsSql(settings));
    return transaction.rows<T>(statement);
  });
}

/** One month of a dispatch trend: report date Y-M-15, population date, year of the payments and the age test. */
export interface TrendMonth {
  year: number;
  reportDate: IsoDate;
  populationDate: IsoDate;
}

/** A dispatch report's cell: one county and counted category. */
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

/** A dispatch cell of one month (index into the months asked). */
export interface TrendCellRow extends DispatchCellRow {
  monthIndex: number;
}

/** Only persons with an entry in `county` (any date): the R8 pass skips everyone else early. */
function personsInCountySql(county: string | null): SqlFragment {
  return county === null
    ? sql`true`
    : sql`entry.person_id in (select in_county.person_id from roster_entry in_county where in_county.county = ${county})`;
}

/** The packed key of a pension status change: (days since 2000, id), room for a status code in the low 3 bits. */
const CHANGE_KEY = sql`(((change.changed_on - date '2000-01-01')::bigint * 2147483648 + change.id) * 8)`;

/** R4 eligibility code of a person: 0 not eligible, 1 TO_ENROL, 2 ELIGIBLE (age test and status code). */
function eligibilityCodeSql(age: SqlFragment, status: SqlFragment): SqlFragment {
  // The status expression (a coalesce over a text CASE) is written once, so that it is evaluated once per person.
  const codes = [`when ${STATUS_NOT_ENROLLED} then 1`, ...STATUS_ENROLLED.map((code) => `when ${code} then 2`)].join(' ');
  return sql`case when not ${age} then 0 else case ${status} ${sql.raw(codes)} else 0 end end`;
}

/**
 * R11/R12 for one month (DESIGN.md §5): the dispatch report's cells, in the shape of the bench's limit SQL:
 * one aggregate per table (counted key, status on the report date, payments by then) joined once, and the
 * cells grouped straight on the packed key's county and rank (a hash aggregate over 42 groups). No fences:
 * with them, or with the trend's per-person codes, the planner sorts every person to group them.
 */
export function dispatchMonthSql(month: TrendMonth, precedence: readonly HardshipCategory[], county: string | null): SqlFragment {
  const offset = countyOffset(county);
  return sql`
    with counted as (
      select entry.person_id, min(${packedKeySql(precedence, sql.raw('entry'))}) as k
      from roster_entry entry
      where ${activeOnSql(sql.raw('entry'), month.populationDate)} and ${personsInCountySql(county)}
      group by entry.person_id
    ),
    status_then as (
      select change.person_id,
             (coalesce(max(${CHANGE_KEY} + ${statusCodeSql(sql`change.status`)}) filter (where change.changed_on <= ${month.reportDate}::date),
                       min(${CHANGE_KEY} + ${statusCodeSql(sql`change.previous_status`)})) % 8)::int as code
      from pension_status_change change
      group by change.person_id
    ),
    paid as (
      select person_id, sum(amount) as amount from proxy_payment
      where year = ${month.year} and paid_on <= ${month.reportDate}::date
      group by person_id
    ),
    decided as (
      select counted.k, person.disability_level, paid.amount,
             ${eligibilityCodeSql(
               contributingAgeSql(month.year, sql`person.birth_date`),
               sql`coalesce(status_then.code, ${statusCodeSql(sql`person.pension_status`)})`,
             )} as e
      from counted join person on person.id = counted.person_id
      left join status_then on status_then.person_id = counted.person_id
      left join paid on paid.person_id = counted.person_id
      where ${offset === null ? sql`true` : sql`counted.k % 1000 = ${offset}`}
    ),
    cells as (
      select k % 1000 as county, k / ${sql.raw(String(KEY_RANK))} as rank, count(*)::int as persons,
             count(*) filter (where e > 0)::int as eligible, count(*) filter (where e = 2)::int as enrolled,
             count(amount) filter (where e > 0)::int as paid, coalesce(sum(amount) filter (where e > 0), 0) as amount,
             count(*) filter (where disability_level in (3, 4))::int as disabled
      from decided
      group by 1, 2
    )
    select ${countyOfOffsetSql(sql`county`)} as county, ${categoryOfRankSql(precedence, sql`rank`)} as category,
           persons, eligible, enrolled, paid as "proxyPaid", amount::numeric(14,2)::text as "proxyPaidAmount",
           disabled as "disabledLevel34"
    from cells
    order by 1, 2`;
}

/** A roster entry packed with its months: key * SPAN + lo * 100 + (hi + 1); the smallest wins whenever it is active. */
const SPAN = 10_000;
/** "No payment of that year in the range" as a first-paid month index (above any index of MAX_TREND_MONTHS). */
const NEVER = 31;

/**
 * R11/R12 for several months in one pass (DESIGN.md §5): per month, county and counted category, the
 * dispatch report's tallies. Most persons are the same in every month, or change once; so each table gives
 * each person a short description of how they move, not a column per month, and persons who move alike are
 * counted once before the months are unfolded:
 *   counted      per person the two best entries (packed key, first and last month index it is active in; the
 *                months as width_bucket over the population dates); a person with three or more entries in the
 *                range gets the cell of every month from their own entries (an index lookup, few persons)
 *   status_then  per person the status on the first report date, on the last, and the month index of the first
 *                and last change between; changes in more than one month: the code of every month, looked up
 *   paid         per person and year the month index from which its payments count and their sum in cents;
 *                payments of one year counting from different months: the amount of every month, looked up
 *   facts        one row per counted person of those descriptions, the age test of each year and the disability mark
 *   grouped      persons with the same description counted once (hashed: about 100,000 groups at 1,000,000 persons)
 *   unfolded     each group in each month: cell, eligibility code, paid, amount
 * One month is dispatchMonthSql instead. test/integration/eligibility-agreement.test.ts holds it to the
 * TypeScript rule month by month, dispatch-trend.test.ts to the month's report. Only non-empty cells come back.
 */
export function dispatchTrendSql(
  months: readonly TrendMonth[],
  precedence: readonly HardshipCategory[],
  county: string | null,
): SqlFragment {
  if (months.length === 0) throw new Error('dispatchTrendSql needs at least one month');
  const count = months.length;
  const raw = (text: string) => sql.raw(text);
  const int = (value: number) => raw(String(Math.trunc(value)));
  const populationDates = months.map((month) => month.populationDate);
  const reportDates = months.map((month) => month.reportDate);
  const firstReport = reportDates[0]!;
  const lastReport = reportDates[count - 1]!;
  const years = [...new Set(months.map((month) => month.year))];
  const firstIndexOf = (year: number) => months.findIndex((month) => month.year === year);
  const lastReportOf = (year: number) => months.filter((month) => month.year === year).at(-1)!.reportDate;
  // Both lists are non-decreasing (the population dates of November and December are the same cut-off).
  const dateArray = (dates: readonly IsoDate[]) => sql`${`{${dates.join(',')}}`}::date[]`;
  const each = (render: (month: TrendMonth, index: number) => SqlFragment): SqlFragment => sql.join(months.map(render), ', ');
  const perYear = (render: (year: number, j: number) => SqlFragment, separator = ', '): SqlFragment =>
    sql.join(years.map(render), separator);
  const byYear = (render: (year: number) => SqlFragment): SqlFragment =>
    years.length === 1
      ? render(years[0]!)
      : sql`case payment.year ${sql.join(
          years.map((year) => sql`when ${year} then ${render(year)}`),
          ' ',
        )} end`;
  const offset = countyOffset(county);
  // The cell of a packed key: rank * 1000 + county offset; with a county, only that county's.
  const cellOf = (key: SqlFragment) => {
    const cell = sql`((${key} / ${int(KEY_RANK)}) * 1000 + ${key} % 1000)::int`;
    return offset === null ? cell : sql`case when ${key} % 1000 = ${offset} then ${cell} end`;
  };

  // Entry i is active in the months lo..hi: recognized on or before the population date, exited after it.
  const entriesOf = (where: SqlFragment) => sql`
    select entry.person_id, ${packedKeySql(precedence, sql.raw('entry'))} as k,
           width_bucket(entry.recognized_on - 1, ${dateArray(populationDates)}) as lo,
           coalesce(width_bucket(entry.exited_on - 1, ${dateArray(populationDates)}), ${int(count)}) - 1 as hi
    from roster_entry entry
    where entry.recognized_on <= ${populationDates[count - 1]!}::date and (entry.exited_on is null or entry.exited_on > ${populationDates[0]!}::date)
      and ${where}`;
  // A change counts from the first month whose report date is on or after it.
  const changesOf = (where: SqlFragment) => sql`
    select change.person_id, change.changed_on, ${CHANGE_KEY} + ${statusCodeSql(sql`change.status`)} as key,
           ${CHANGE_KEY} + ${statusCodeSql(sql`change.previous_status`)} as previous_key,
           width_bucket(change.changed_on - 1, ${dateArray(reportDates)}) as b
    from pension_status_change change
    where ${where}`;
  // A payment of year Y counts from the first month of Y whose report date is on or after it (cents as int:
  // a person's payments of a year are far below 2^31 cents, and sum(int) keeps an exact bigint).
  const paymentsOf = (where: SqlFragment) => sql`
    select payment.person_id, payment.year, payment.paid_on, (payment.amount * 100)::int as cents,
           greatest(width_bucket(payment.paid_on - 1, ${dateArray(reportDates)}), ${byYear((year) => int(firstIndexOf(year)))}) as b
    from proxy_payment payment
    where payment.year between ${Math.min(...years)} and ${Math.max(...years)}
      and payment.paid_on <= ${byYear((year) => sql`${lastReportOf(year)}::date`)} and ${where}`;
  const inRange = sql`change.changed_on > ${firstReport}::date and change.changed_on <= ${lastReport}::date`;
  const ofYear = (year: number) => (years.length === 1 ? sql`` : sql`filter (where payment.year = ${year})`);
  // An entry's months as a small number: (cell + 1, 0 outside the county asked) * 10^4 + lo * 100 + hi + 1.
  const monthsOf = (packed: string) =>
    sql`(coalesce(${cellOf(sql`(${raw(packed)} / ${int(SPAN)})`)} + 1, 0) * 10000 + ${raw(packed)} % ${int(SPAN)})`;
  const yearsList = perYear((_, j) => raw(`c${j}`));

  return sql`
    with counted as (
      select entry.person_id, count(*) as entries, min(entry.packed) as best, max(entry.packed) as next
      from (
        select entry.person_id, entry.k * ${int(SPAN)} + entry.lo * 100 + entry.hi + 1 as packed
        from (${entriesOf(personsInCountySql(county))}) entry
        order by entry.person_id offset 0
      ) entry
      group by entry.person_id
    ),
    status_then as (
      select change.person_id, min(change.previous_key) as first_previous,
             max(change.key) filter (where change.changed_on <= ${firstReport}::date) as at_first,
             max(change.key) filter (where change.changed_on <= ${lastReport}::date) as at_last,
             min(change.b) filter (where ${inRange}) as changed_from, max(change.b) filter (where ${inRange}) as changed_until
      from (${changesOf(sql`true`)} order by change.person_id offset 0) change
      group by change.person_id
    ),
    paid as (
      select payment.person_id,
             ${perYear(
               (year, j) =>
                 sql`min(payment.b) ${ofYear(year)} as ${raw(`f${j}`)}, max(payment.b) ${ofYear(year)} as ${raw(`l${j}`)}, sum(payment.cents) ${ofYear(year)} as ${raw(`c${j}`)}`,
             )}
      from (${paymentsOf(sql`true`)} order by payment.person_id offset 0) payment
      group by payment.person_id
    ),
    facts as (
      -- Each person in a few small numbers (the group key), most of them packed:
      --   entries   one or two entries: the best's months * 10^8 + the next's; three or more: null, and cells instead
      --   status    the status code on the first report date * 1000 + (month index of the change + 1) * 10 + the code after it
      --   marks     the age test of each year (bit j), disabled (bit 3), the month index of each year's first payment (5 bits each from bit 4)
      select case when counted.entries > 2 then (
               select array[${each((_, index) => cellOf(sql`min(entry.k) filter (where entry.lo <= ${int(index)} and ${int(index)} <= entry.hi)`))}]
               from (${entriesOf(sql`entry.person_id = counted.person_id`)}) entry) end as cells,
             case when counted.entries = 1 then ${monthsOf('counted.best')}::bigint * 100000000
                  when counted.entries = 2 then ${monthsOf('counted.best')}::bigint * 100000000 + ${monthsOf('counted.next')} end as entries,
             case when status_then.changed_from is distinct from status_then.changed_until then (
               select array[${each(
                 (month) =>
                   sql`(coalesce(max(change.key) filter (where change.changed_on <= ${month.reportDate}::date), min(change.previous_key)) % 8)::int`,
               )}]
               from (${changesOf(sql`change.person_id = status_then.person_id`)}) change) end as statuses,
             coalesce((coalesce(status_then.at_first, status_then.first_previous) % 8)::int, ${statusCodeSql(sql`person.pension_status`)}) * 1000
               + coalesce((status_then.changed_from + 1) * 10 + (status_then.at_last % 8)::int, 0) as status,
             ${perYear((year, j) => sql`case when ${contributingAgeSql(year, sql`person.birth_date`)} then ${int(1 << j)} else 0 end`, ' | ')}
               | case when person.disability_level in (3, 4) then 8 else 0 end
               | ${perYear((_, j) => sql`(coalesce(paid.${raw(`f${j}`)}, ${int(NEVER)}) << ${int(4 + 5 * j)})`, ' | ')} as marks,
             ${perYear((_, j) => raw(`paid.c${j}`))},
             case when ${perYear((_, j) => raw(`paid.f${j} <> paid.l${j}`), ' or ')} then (
               select array[${each((month) => sql`sum(payment.cents) filter (where payment.year = ${month.year} and payment.paid_on <= ${month.reportDate}::date)`)}]
               from (${paymentsOf(sql`payment.person_id = paid.person_id`)}) payment) end as amounts
      from counted join person on person.id = counted.person_id
      left join status_then on status_then.person_id = counted.person_id
      left join paid on paid.person_id = counted.person_id
    ),
    grouped as (
      select cells, entries / 100000000 as best, entries % 100000000 as next, statuses, status / 1000 as status_first,
             status / 10 % 100 - 1 as changed_from, status % 10 as status_then, marks, ${yearsList}, amounts, count(*) as persons
      from facts
      group by cells, entries, statuses, status, marks, ${yearsList}, amounts
    ),
    unfolded as (
      select month.i, grouped.persons, (grouped.marks >> 3) & 1 as disabled,
             case when grouped.cells is not null then grouped.cells[month.i + 1]
                  when month.i between grouped.best / 100 % 100 and grouped.best % 100 - 1 then (grouped.best / 10000)::int - 1
                  when month.i between grouped.next / 100 % 100 and grouped.next % 100 - 1 then (grouped.next / 10000)::int - 1 end as cell,
             case when (grouped.marks >> month.j) & 1 = 0 then 0
                  else case case when grouped.statuses is not null then grouped.statuses[month.i + 1]
                                 when grouped.changed_from >= 0 and month.i >= grouped.changed_from then grouped.status_then else grouped.status_first end
                       ${raw([`when ${STATUS_NOT_ENROLLED} then 1`, ...STATUS_ENROLLED.map((code) => `when ${code} then 2`)].join(' '))} else 0 end
             end as e,
             ((grouped.marks >> (4 + 5 * month.j)) & 31) <= month.i as paid,
             grouped.persons * case when grouped.amounts is not null then grouped.amounts[month.i + 1]
                                    when ((grouped.marks >> (4 + 5 * month.j)) & 31) <= month.i
                                    then case month.j ${perYear((_, j) => raw(`when ${j} then grouped.c${j}`), ' ')} end end as amount
      from grouped cross join lateral (values ${each((month, index) => raw(`(${index}, ${years.indexOf(month.year)})`))}) as month (i, j)
      offset 0
    ),
    cells as (
      select i, cell, sum(persons) as persons,
             sum(persons) filter (where e > 0) as eligible,
             sum(persons) filter (where e = 2) as enrolled,
             sum(persons) filter (where e > 0 and paid) as paid,
             sum(amount) filter (where e > 0) as amount,
             sum(persons) filter (where disabled = 1) as disabled
      from unfolded
      where cell >= 0
      group by i, cell
    )
    select i as "monthIndex", ${countyOfOffsetSql(sql`cell % 1000`)} as county, ${categoryOfRankSql(precedence, sql`cell / 1000`)} as category,
           persons::int as persons, coalesce(eligible, 0)::int as eligible, coalesce(enrolled, 0)::int as enrolled,
           coalesce(paid, 0)::int as "proxyPaid", (coalesce(amount, 0) / 100.0)::numeric(14,2)::text as "proxyPaidAmount",
           coalesce(disabled, 0)::int as "disabledLevel34"
    from cells
    order by i, county, category`;
}
