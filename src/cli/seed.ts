import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config';
import { openDatabase } from '../app/database';
import { createLogger } from '../app/logger';
import { migrate, openOrm } from '../app/orm';
import { SqlPool } from '../app/sql-pool';
import { todayInChina, yearOf } from '../shared/dates';
import { ROSTER_OWNER } from '../shared/domain';
import { sql } from '../shared/sql';
import { SyntheticCity, type SyntheticPerson } from '../modules/seed/synthetic-city';

// npm run seed -- --persons 10000 [--seed 42] [--reset]
// Fills the database that `npm start` uses (the running embedded server, a new one, or DATABASE_URL).
// Rows go in with one INSERT ... SELECT FROM unnest(...) per table and batch, so a million persons take minutes.

const BATCH = 5_000;

async function insertBatch(db: SqlPool, people: SyntheticPerson[]): Promise<{ persons: number; entries: number; payments: number }> {
  return db.transaction(async (client) => {
    const inserted = await db.rows<{ id: number; idNumber: string }>(
      sql`insert into person (id_number, name, gender, birth_date, disability_level, pension_status)
          select * from unnest(${people.map((p) => p.idNumber)}::char(18)[], ${people.map((p) => p.name)}::varchar[],
                               ${people.map((p) => p.gender)}::text[], ${people.map((p) => p.birthDate)}::date[],
                               ${people.map((p) => p.disabilityLevel)}::smallint[], ${people.map((p) => p.pensionStatus)}::text[])
          on conflict (id_number) do nothing
          returning id, id_number as "idNumber"`,
      client,
    );
    const ids = new Map(inserted.map((row) => [row.idNumber, row.id]));
    const entries = { person: [] as number[], category: [] as string[], county: [] as string[], recognized: [] as string[], exited: [] as (string | null)[], level: [] as (number | null)[], source: [] as string[] };
    const payments = { person: [] as number[], year: [] as number[], amount: [] as string[], paidOn: [] as string[] };
    for (const person of people) {
      const id = ids.get(person.idNumber);
      if (id === undefined) continue;
      for (const entry of person.entries) {
        entries.person.push(id);
        entries.category.push(entry.category);
        entries.county.push(entry.county);
        entries.recognized.push(entry.recognizedOn);
        entries.exited.push(entry.exitedOn);
        entries.level.push(person.disabilityLevel);
        entries.source.push(ROSTER_OWNER[entry.category]);
      }
      for (const payment of person.payments) {
        payments.person.push(id);
        payments.year.push(payment.year);
        payments.amount.push(payment.amount);
        payments.paidOn.push(payment.paidOn);
      }
    }
    await db.rows(
      sql`insert into roster_entry (person_id, category, county, recognized_on, exited_on, disability_level, source_department)
          select * from unnest(${entries.person}::int[], ${entries.category}::text[], ${entries.county}::char(6)[],
                               ${entries.recognized}::date[], ${entries.exited}::date[], ${entries.level}::smallint[], ${entries.source}::text[])`,
      client,
    );
    await db.rows(
      sql`insert into proxy_payment (person_id, year, amount, paid_on, funder)
          select person_id, year, amount, paid_on, 'GOVERNMENT'
          from unnest(${payments.person}::int[], ${payments.year}::smallint[], ${payments.amount}::numeric[], ${payments.paidOn}::date[])
            as payment(person_id, year, amount, paid_on)`,
      client,
    );
    return { persons: inserted.length, entries: entries.person.length, payments: payments.person.length };
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { persons: { type: 'string', default: '10000' }, seed: { type: 'string' }, reset: { type: 'boolean', default: false } },
    strict: true,
  });
  const total = Number(values.persons);
  if (!Number.isInteger(total) || total < 1 || total > 20_000_000) throw new Error('--persons must be a whole number from 1 to 20000000');
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = await openDatabase(config, logger, { shareRunning: true });
  const orm = await openOrm(database.url, logger, 2);
  const db = new SqlPool(database.url, 2);
  try {
    await migrate(orm);
    if (values.reset) {
      await db.rows(sql`truncate audit_event, proxy_payment, roster_entry, roster_submission, funding_rule, person restart identity`);
      process.stdout.write('reset: all persons, rosters, payments and funding rules removed\n');
    }
    const today = todayInChina();
    // The same seed on an empty database gives the same city; appending to a city draws new people.
    const existing = (await db.one<{ count: number }>(sql`select count(*)::int as count from person`))?.count ?? 0;
    const seed = values.seed === undefined ? 20211630 + existing : Number(values.seed);
    if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number');
    const city = new SyntheticCity(seed, { year: yearOf(today), today });
    const started = Date.now();
    let done = 0;
    let inserted = 0;
    let entries = 0;
    let payments = 0;
    let lastReport = 0;
    while (done < total) {
      const size = Math.min(BATCH, total - done);
      const batch = Array.from({ length: size }, () => city.next());
      const counts = await insertBatch(db, batch);
      done += size;
      inserted += counts.persons;
      entries += counts.entries;
      payments += counts.payments;
      if (done === total || Date.now() - lastReport > 2000) {
        lastReport = Date.now();
        const seconds = (Date.now() - started) / 1000;
        process.stdout.write(`seeded ${done.toLocaleString('en')} / ${total.toLocaleString('en')} persons (${(done - inserted).toLocaleString('en')} already present, ${entries.toLocaleString('en')} roster entries, ${payments.toLocaleString('en')} payments) in ${seconds.toFixed(1)} s\n`);
      }
    }
    await db.rows(sql`analyze`);
  } finally {
    await db.close();
    await orm.close(true);
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
