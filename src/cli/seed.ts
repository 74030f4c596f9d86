import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config';
import { openDatabase } from '../infrastructure/database/database';
import { createLogger } from '../infrastructure/logger';
import { migrate, openOrm } from '../app/orm';
import { DatabaseQueryRunner } from '../infrastructure/database/query-runner';
import { todayInChina, yearOf } from '../shared/dates';
import { sql } from '../shared/sql';
import { writeDemoCity } from '../modules/seed/demo-city-writer';
import { seedPersons } from '../modules/seed/seed-writer';
import { SyntheticCity } from '../modules/seed/synthetic-city';

// npm run seed -- --persons 10000 [--seed 42] [--reset]   a synthetic city (benchmarks, volume)
// npm run seed -- --demo [--reset]                        the named demo city of the README examples
// Fills the database that `npm start` uses (the running embedded server, a new one, or DATABASE_URL).

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      persons: { type: 'string' },
      seed: { type: 'string' },
      reset: { type: 'boolean', default: false },
      demo: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.demo && (values.persons !== undefined || values.seed !== undefined)) {
    throw new Error('--demo writes the fixed demo city; --persons and --seed are for the synthetic city (run them separately)');
  }
  const total = Number(values.persons ?? '10000');
  if (!Number.isInteger(total) || total < 1 || total > 20_000_000) throw new Error('--persons must be a whole number from 1 to 20000000');
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = await openDatabase(config, logger, { shareRunning: true });
  const orm = await openOrm(database.url, logger, 2);
  const db = DatabaseQueryRunner.over(orm);
  try {
    await migrate(orm);
    if (values.reset) {
      await db.rows(
        sql`truncate audit_event, pension_status_change, proxy_payment, roster_entry, roster_submission, funding_rule, person restart identity`,
      );
      process.stdout.write('reset: all persons, rosters, payments, status changes, funding rules and audit events removed\n');
    }
    if (values.demo) {
      const outcome = await writeDemoCity(db);
      process.stdout.write(
        outcome.written
          ? `demo city written: ${outcome.persons} persons, ${outcome.entries} roster entries, ${outcome.payments} payments, ${outcome.fundingRules} funding rule\n`
          : `the demo city is already loaded (${outcome.persons} persons); nothing written (add --reset to start it again)\n`,
      );
      return;
    }
    const today = todayInChina();
    // The same seed on an empty database gives the same city; appending to a city draws new people.
    const existing = (await db.one<{ count: number }>(sql`select count(*)::int as count from person`))?.count ?? 0;
    const seed = values.seed === undefined ? 20211630 + existing : Number(values.seed);
    if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number');
    const city = new SyntheticCity(seed, { year: yearOf(today), today });
    const started = Date.now();
    let lastReport = 0;
    await seedPersons(db, city, total, (done, counts) => {
      if (done < total && Date.now() - lastReport < 2000) return;
      lastReport = Date.now();
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const format = (value: number) => value.toLocaleString('en');
      process.stdout.write(
        `seeded ${format(done)} / ${format(total)} persons (${format(done - counts.persons)} already present, ${format(counts.entries)} roster entries, ${format(counts.payments)} payments) in ${seconds} s\n`,
      );
    });
    await db.rows(sql`analyze`);
  } finally {
    await orm.close(true);
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
