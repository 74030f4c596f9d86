import type { SqlPool } from '../src/app/sql-pool';
import { sql } from '../src/shared/sql';

// Each case: a GraphQL operation and the raw SQL that fetches the same rows (the floor for that work).

export interface BenchCase {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  rawSql(db: SqlPool): Promise<unknown>;
}

export const BENCH_CASES: BenchCase[] = [
  {
    name: 'persons(first: 500) + rosterEntries',
    query: '{ persons(first: 500) { edges { node { idNumber name gender birthDate pensionStatus rosterEntries { category county recognizedOn exitedOn } } } } }',
    async rawSql(db) {
      const people = await db.rows<{ id: number }>(sql`select id, id_number, name, gender, birth_date, pension_status from person order by id limit 501`);
      await db.rows(sql`select person_id, category, county, recognized_on, exited_on from roster_entry where person_id = any(${people.map((person) => person.id)}::int[])`);
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
      await db.rows(sql`select person_id, category, county, recognized_on, exited_on from roster_entry where person_id = any(${people.map((person) => person.id)}::int[])`);
    },
  },
];
