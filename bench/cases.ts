import { sql, type QueryRunner } from '../src/shared/sql';

// Each case: a GraphQL operation and the raw SQL that fetches the same rows (the floor for that work).

export interface BenchCase {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  rawSql(db: QueryRunner): Promise<unknown>;
}

export const BENCH_CASES: BenchCase[] = [
  {
    name: 'persons(first: 500) + rosterEntries',
    query:
      '{ persons(first: 500) { edges { node { idNumber name gender birthDate pensionStatus rosterEntries { category county recognizedOn exitedOn } } } } }',
    async rawSql(db) {
      const people = await db.rows<{ id: number }>(
        sql`select id, id_number, name, gender, birth_date, pension_status from person order by id limit 501`,
      );
      await db.rows(
        sql`select person_id, category, county, recognized_on, exited_on from roster_entry where person_id = any(${people.map((person) => person.id)}::int[])`,
      );
    },
  },
  {
    name: 'persons totalCount (all)',
    query: '{ persons(first: 0) { totalCount } }',
    rawSql: (db) => db.rows(sql`select count(*) from person`),
  },
  {
    name: 'persons(county, category) first 100',
    query: '{ persons(first: 100, filter: { county: "530111", category: DIBAO }) { totalCount edges { node { idNumber county } } } }',
    async rawSql(db) {
      const filter = sql`exists (select 1 from roster_entry e where e.person_id = p.id and e.county = '530111' and e.category = 'DIBAO')`;
      const people = await db.rows<{ id: number }>(sql`select p.id, p.id_number from person p where ${filter} order by p.id limit 101`);
      await db.rows(sql`select count(*) from person p where ${filter}`);
      await db.rows(
        sql`select person_id, category, county, recognized_on, exited_on from roster_entry where person_id = any(${people.map((person) => person.id)}::int[])`,
      );
    },
  },
];

// Totals: the floor is one hand-written pass over the same rows (active entries of the population
// joined to persons and payments), without precedence, eligibility or funding rules.
const DISPATCH_FLOOR = (date: string, year: number) => sql`
  select entry.county, entry.category, count(*), count(payment.person_id), sum(payment.amount)
  from roster_entry entry
  join person on person.id = entry.person_id
  left join proxy_payment payment on payment.person_id = entry.person_id and payment.year = ${year} and payment.paid_on <= ${date}::date
  where entry.recognized_on <= ${date}::date and (entry.exited_on is null or ${date}::date < entry.exited_on)
  group by entry.county, entry.category`;

BENCH_CASES.push(
  {
    name: 'dispatchReport(2026-06), all columns',
    query:
      '{ dispatchReport(month: "2026-06") { rows { county dibao { persons eligible proxyPaid completionRate } tekun { persons } returnedPoverty { persons } all { persons proxyPaidAmount } disabledLevel34 } total { all { persons } } } }',
    rawSql: (db) => db.rows(DISPATCH_FLOOR('2026-06-15', 2026)),
  },
  {
    name: 'budget(2026)',
    query: '{ budget(year: 2026) { amount lines { county department persons amount cityShare countyShare } } }',
    rawSql: (db) => db.rows(DISPATCH_FLOOR('2026-10-31', 2026)),
  },
  {
    name: 'rosterComparison(2026-06-30 -> 2026-09-30)',
    query: '{ rosterComparison(from: "2026-06-30", to: "2026-09-30") { added { idNumber } removed { idNumber } changed { idNumber } } }',
    rawSql: (db) =>
      db.rows(sql`
      select person_id from roster_entry
      where (recognized_on <= '2026-09-30' and (exited_on is null or '2026-09-30' < exited_on))
         <> (recognized_on <= '2026-06-30' and (exited_on is null or '2026-06-30' < exited_on))`),
  },
  {
    name: 'subsidyScreening(2026)',
    query: '{ subsidyScreening(year: 2026) { disabilityLevel countedCategory person { idNumber name } } }',
    rawSql: (db) =>
      db.rows(sql`
      select person.id, person.id_number, person.name from person
      where person.disability_level in (3, 4)
        and exists (select 1 from roster_entry entry where entry.person_id = person.id
                    and entry.recognized_on <= '2026-10-31' and (entry.exited_on is null or '2026-10-31' < entry.exited_on))`),
  },
  {
    name: 'persons(first: 500) + county + eligibility',
    query: '{ persons(first: 500) { edges { node { idNumber county eligibility(year: 2026) { status amount countedCategory } } } } }',
    async rawSql(db) {
      const people = await db.rows<{ id: number }>(sql`select id, id_number, birth_date, pension_status from person order by id limit 501`);
      await db.rows(
        sql`select person_id, category, county, recognized_on, exited_on from roster_entry where person_id = any(${people.map((person) => person.id)}::int[])`,
      );
    },
  },
);
