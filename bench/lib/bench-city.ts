import { seedPersons } from '../../src/modules/seed/seed-writer';
import { SyntheticCity } from '../../src/modules/seed/synthetic-city';
import { sql, type QueryRunner } from '../../src/shared/sql';

/**
 * The bench's synthetic city up to `persons` (nothing happens when it is there already): the seed's
 * persons, a pension status history for a third of them (some with two changes) and two funding rules.
 */
export async function seedBenchCity(
  db: QueryRunner,
  persons: number,
  dates: { year: number; today: string },
  log: (line: string) => void,
): Promise<void> {
  const existing = (await db.one<{ count: number }>(sql`select count(*)::int as count from person`))!.count;
  if (existing < persons) {
    const started = Date.now();
    await seedPersons(db, new SyntheticCity(99, dates), persons - existing);
    await db.rows(sql`
      insert into pension_status_change (person_id, previous_status, status, changed_on)
      select id, 'NOT_ENROLLED', pension_status, date '2026-01-01' + (id % 300) from person where id % 3 = 0
      union all
      select id, 'CONTRIBUTING', 'NOT_ENROLLED', date '2025-01-01' + (id % 300) from person where id % 6 = 0`);
    await db.rows(
      sql`insert into funding_rule (county, year, standard, city_share) values ('530102', 2026, 120.00, 0.6667), ('530125', 2026, 100.00, 0.3)`,
    );
    await db.rows(sql`vacuum analyze`);
    log(`seeded ${(persons - existing).toLocaleString('en')} persons in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  const city = (await db.one(sql`
    select (select count(*) from person)::int as persons, (select count(*) from roster_entry)::int as entries,
           (select count(*) from proxy_payment)::int as payments, (select count(*) from pension_status_change)::int as "statusChanges"`))!;
  log(`city ${JSON.stringify(city)}`);
}
