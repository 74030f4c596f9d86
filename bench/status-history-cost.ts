import 'reflect-metadata';
import { createLogger } from '../src/infrastructure/logger';
import { DEFAULT_PRECEDENCE } from '../src/modules/eligibility/domain/precedence';
import { decisionsSql } from '../src/modules/eligibility/eligibility.queries';
import { seedPersons } from '../src/modules/seed/seed-writer';
import { SyntheticCity } from '../src/modules/seed/synthetic-city';
import { sql } from '../src/shared/sql';
import { medianMs, openBenchDatabase } from './bench-database';

// npx tsx bench/status-history-cost.ts [persons] — the cost of reading pension statuses as of the report
// date in the dispatch report: the decision statement with and without pensionStatusOn, after giving
// a third of the persons one or two status changes. Port PA_EMBEDDED_PG_PORT (default 55778).

async function main(): Promise<void> {
  const persons = Number(process.argv[2] ?? '100000');
  const logger = createLogger('warn');
  const { db, close } = await openBenchDatabase({ logger, port: Number(process.env.PA_EMBEDDED_PG_PORT ?? '55778'), poolMax: 4 });
  try {
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
        year: 2026,
        precedence: DEFAULT_PRECEDENCE,
        countedOn: '2026-06-15',
        onRosterOnly: true,
        pensionStatusOn,
      })}) decision group by 1, 2, 3`;
    const today = await medianMs(9, () => db.rows(query()));
    const asOf = await medianMs(9, () => db.rows(query('2026-06-15')));
    process.stdout.write(
      `${persons} persons, ${changes} status changes: decisions today's status ${today.toFixed(1)} ms, as of 2026-06-15 ${asOf.toFixed(1)} ms\n`,
    );
  } finally {
    await close();
  }
}

void main();
