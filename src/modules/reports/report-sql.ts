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

/** Runs a report statement with parallel query off (serial plans were faster in every case measured). */
export function serialRows<T>(db: QueryRunner, statement: SqlFragment, hashMemMultiplier?: number): Promise<T[]> {
  return db.transaction(async (transaction) => {
    // Only parallel query off: a larger work_mem (64MB, one hash table per stage in memory) measured 3.5x
    // slower at 1,000,000 persons than the default's batched hashing.
    // The trend's grouping of persons by their months' codes: with hash memory for its ~36,000 groups (11 MB
    // at 1,000,000 persons) the planner hashes them instead of sorting every person (an external merge).
    // Both settings in one statement, local to the transaction (set_config(…, true) is `set local`).
    const hashMem = hashMemMultiplier === undefined ? null : String(Number(hashMemMultiplier));
    await transaction.execute(
      hashMem === null
        ? sql`select set_config('max_parallel_workers_per_gather', '0', true)`
        : sql`select set_config('max_parallel_workers_per_gather', '0', true), set_config('hash_mem_multiplier', ${hashMem}, true)`,
    );
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

const max = (dates: readonly string[]) => dates.reduce((left, right) => (right > left ? right : left));
const min = (dates: readonly string[]) => dates.reduce((left, right) => (right < left ? right : left));

/**
 * R11/R12 for several months in one pass (DESIGN.md §5): per month, county and counted category, the
 * dispatch report's tallies. Each table is read once:
 *   counted      one row per person: the packed R8 key of each month (min over the entries active on its population date)
 *   status_then  one row per person with history: per month the status code on the report date, i.e. of the latest
 *                change on or before it ((date, id) packed, code in the low 3 bits), else the earliest change's previous status
 *   paid         one row per paid person: per month the sum of that year's payments paid by the report date
 *   facts        per person: its keys, status codes, payments, the age test of each year asked and the disability mark
 *   decided      per person and month a small code: (rank * 1000 + county offset) * 16 + eligibility * 4 + paid * 2 + disabled
 *   grouped      persons with the same codes in every month, counted once (most persons never change)
 * and the groups are unfolded into the months (one month is dispatchMonthSql instead). `offset 0` keeps each stage's columns computed once per row
 * (otherwise the planner pulls the expressions up and evaluates them once per use). Only non-empty cells come back.
 */
export function dispatchTrendSql(
  months: readonly TrendMonth[],
  precedence: readonly HardshipCategory[],
  county: string | null,
): SqlFragment {
  if (months.length === 0) throw new Error('dispatchTrendSql needs at least one month');
  const populationDates = months.map((month) => month.populationDate);
  const reportDates = months.map((month) => month.reportDate);
  const years = [...new Set(months.map((month) => month.year))];
  const raw = (text: string) => sql.raw(text);
  const each = (render: (month: TrendMonth, index: number) => SqlFragment): SqlFragment => sql.join(months.map(render), ', ');
  const offset = countyOffset(county);
  const columns = (prefix: string) => raw(months.map((_, index) => `${prefix}${index}`).join(', '));
  const keyed = sql.raw('keyed');

  return sql`
    with counted as (
      select keyed.person_id, ${each((month, index) => sql`min(keyed.k) filter (where ${activeOnSql(keyed, month.populationDate)}) as ${raw(`k${index}`)}`)}
      from (
        select entry.person_id, ${packedKeySql(precedence, sql.raw('entry'))} as k, entry.recognized_on, entry.exited_on
        from roster_entry entry
        where entry.recognized_on <= ${max(populationDates)}::date and (entry.exited_on is null or entry.exited_on > ${min(populationDates)}::date)
          and ${personsInCountySql(county)}
        order by entry.person_id offset 0
      ) ${keyed}
      group by keyed.person_id
    ),
    status_then as (
      select person_id, ${each((_, index) => sql`(coalesce(${raw(`s${index}`)}, first_previous) % 8)::int as ${raw(`s${index}`)}`)}
      from (
        select change.person_id, min(change.previous_key) as first_previous,
               ${each((month, index) => sql`max(change.key) filter (where change.changed_on <= ${month.reportDate}::date) as ${raw(`s${index}`)}`)}
        from (
          select change.person_id, change.changed_on, ${CHANGE_KEY} + ${statusCodeSql(sql`change.status`)} as key,
                 ${CHANGE_KEY} + ${statusCodeSql(sql`change.previous_status`)} as previous_key
          from pension_status_change change
          order by change.person_id offset 0
        ) change
        group by change.person_id
      ) changes
    ),
    paid as (
      -- Cents as int (a person's payments of a year are far below 2^31 cents): sum(int) keeps a bigint state, cheaper than sum(bigint)'s numeric, and exact.
      select person_id, ${each((month, index) => sql`sum(cents) filter (where year = ${month.year} and paid_on <= ${month.reportDate}::date) as ${raw(`a${index}`)}`)}
      from (
        select person_id, year, paid_on, (amount * 100)::int as cents from proxy_payment
        where year between ${Math.min(...years)} and ${Math.max(...years)} and paid_on <= ${max(reportDates)}::date
        order by person_id offset 0
      ) payment
      group by person_id
    ),
    facts as (
      select ${each(
        (
          _,
          index,
        ) => sql`case when counted.${raw(`k${index}`)} is not null ${offset === null ? sql`` : sql`and counted.${raw(`k${index}`)} % 1000 = ${offset}`}
               then ((counted.${raw(`k${index}`)} / ${raw(String(KEY_RANK))}) * 1000 + counted.${raw(`k${index}`)} % 1000)::int end as ${raw(`cell${index}`)}`,
      )},
             ${each((_, index) => sql`coalesce(status_then.${raw(`s${index}`)}, ${statusCodeSql(sql`person.pension_status`)}) as ${raw(`s${index}`)}`)},
             ${sql.join(
               years.map((year) => sql`${contributingAgeSql(year, sql`person.birth_date`)} as ${raw(`age${year}`)}`),
               ', ',
             )},
             ${each((_, index) => sql`paid.${raw(`a${index}`)}`)},
             case when person.disability_level in (3, 4) then 1 else 0 end as disabled
      from counted join person on person.id = counted.person_id
      left join status_then on status_then.person_id = counted.person_id
      left join paid on paid.person_id = counted.person_id
      offset 0
    ),
    eligibility as (
      select ${each(
        (
          month,
          index,
        ) => sql`${raw(`cell${index}`)}, case when not ${raw(`age${month.year}`)} then 0 when ${raw(`s${index}`)} = ${raw(String(STATUS_NOT_ENROLLED))} then 1
               when ${raw(`s${index}`)} in (${raw(STATUS_ENROLLED.join(', '))}) then 2 else 0 end as ${raw(`e${index}`)}, ${raw(`a${index}`)}`,
      )}, disabled
      from facts
      offset 0
    ),
    decided as (
      select ${each(
        (_, index) => sql`${raw(`cell${index}`)} * 16 + ${raw(`e${index}`)} * 4
               + case when ${raw(`a${index}`)} is not null and ${raw(`e${index}`)} > 0 then 2 else 0 end + disabled as ${raw(`c${index}`)},
             case when ${raw(`e${index}`)} > 0 then ${raw(`a${index}`)}::int end as ${raw(`a${index}`)}`,
      )}
      from eligibility
    ),
    grouped as (
      -- One array key instead of one column per month. Hashed (not a sort of every person, an external merge at
      -- 1,000,000 persons) only with the hash memory dispatchTrendCells gives it (hash_mem_multiplier).
      select array[${columns('c')}] as codes, count(*) as n, ${each((_, index) => sql`sum(${raw(`a${index}`)}) as ${raw(`a${index}`)}`)}
      from decided group by 1
    ),
    cells as (
      select unfolded.i, unfolded.c / 16 as cell,
             sum(n) as persons,
             sum(n) filter (where unfolded.c / 4 % 4 > 0) as eligible,
             sum(n) filter (where unfolded.c / 4 % 4 = 2) as enrolled,
             sum(n) filter (where unfolded.c / 2 % 2 = 1) as paid,
             sum(unfolded.a) as amount,
             sum(n) filter (where unfolded.c % 2 = 1) as disabled
      from grouped cross join lateral (values ${each((_, index) => raw(`(${index}, codes[${index + 1}], a${index})`))}) as unfolded (i, c, a)
      where unfolded.c is not null
      group by unfolded.i, unfolded.c / 16
    )
    select i as "monthIndex", ${countyOfOffsetSql(sql`cell % 1000`)} as county, ${categoryOfRankSql(precedence, sql`cell / 1000`)} as category,
           persons::int as persons, coalesce(eligible, 0)::int as eligible, coalesce(enrolled, 0)::int as enrolled,
           coalesce(paid, 0)::int as "proxyPaid", (coalesce(amount, 0) / 100.0)::numeric(14,2)::text as "proxyPaidAmount",
           coalesce(disabled, 0)::int as "disabledLevel34"
    from cells
    order by i, county, category`;
}
