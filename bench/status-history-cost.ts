import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDatabase } from '../src/app/database';
import { startEmbeddedPostgres } from '../src/app/embedded-postgres';
import { createLogger } from '../src/app/logger';
import { migrate, openOrm } from '../src/app/orm';
import { SqlPool } from '../src/app/sql-pool';
import { DEFAULT_PRECEDENCE } from '../src/modules/eligibility/domain/precedence';
import { decisionsSql } from '../src/modules/eligibility/eligibility.queries';
import { seedPersons } from '../src/modules/seed/seed-writer';
import { SyntheticCity } from '../src/modules/seed/synthetic-city';
import { sql } from '../src/shared/sql';

// npx tsx bench/status-history-cost.ts [persons] — the cost of reading pension statuses as of the report
// date in the dispatch report: the decision statement with and without pensionStatusOn, after giving
// a third of the persons one or two status changes. Port PA_EMBEDDED_PG_PORT (default 55778).

async function median(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  await work();
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times.sort((left, right) => left - right)[Math.floor(times.length / 2)]!;
}

async function main(): Promise<void> {
  const persons = Number(process.argv[2] ?? '100000');
  const logger = createLogger('warn');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-status-bench-'));
  const embedded = await startEmbeddedPostgres(dataDir, Number(process.env.PA_EMBEDDED_PG_PORT ?? '55778'), logger);
  try {
    await ensureDatabase(embedded.adminUrl, 'status_bench');
    const url = embedded.urlFor('status_bench');
    const orm = await openOrm(url, logger, 2);
    await migrate(orm);
    const db = new SqlPool(url, 4);
    await seedPersons(db, new SyntheticCity(7, { year: 2026, today: '2026-11-28' }), persons);
    await db.rows(sql`
      insert into pension_status_change (person_id, previous_status, status, changed_on)
      select id, 'NOT_ENROLLED', pension_status, date '2026-01-01' + (id % 300) from person where id % 3 = 0
      union all
      select id, 'CONTRIBUTING', 'NOT_ENROLLED', date '2025-01-01' + (id % 300) from person where id % 6 = 0`);
    await db.rows(sql`analyze`);
    const changes = (await db.one<{ count: number }>(sql`select count(*)::int as count from pension_status_change`))!.count;
    const query = (pensionStatusOn?: string) => sql`
      select county, counted_category, status, count(*) from (${decisionsSql({
        year: 2026, precedence: DEFAULT_PRECEDENCE, countedOn: '2026-06-15', onRosterOnly: true, pensionStatusOn,
      })}) decision group by 1, 2, 3`;
    const today = await median(9, () => db.rows(query()));
    const asOf = await median(9, () => db.rows(query('2026-06-15')));
    process.stdout.write(`${persons} persons, ${changes} status changes: decisions today's status ${today.toFixed(1)} ms, as of 2026-06-15 ${asOf.toFixed(1)} ms\n`);
    await db.close();
    await orm.close(true);
  } finally {
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
