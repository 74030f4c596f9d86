import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { migrate, openOrm } from '../src/app/orm';
import { ensureDatabase } from '../src/infrastructure/database/database';
import { startEmbeddedPostgres } from '../src/infrastructure/database/embedded-postgres';
import { DatabaseQueryRunner } from '../src/infrastructure/database/query-runner';
import { freePort } from '../src/infrastructure/free-port';
import { createLogger } from '../src/infrastructure/logger';
import { BudgetsQueries } from '../src/modules/budgets/budgets.queries';
import { DEFAULT_PRECEDENCE } from '../src/modules/eligibility/domain/precedence';
import { dispatchDates } from '../src/modules/reports/dispatch-report.service';
import { ReportsQueries, TREND_SETTINGS } from '../src/modules/reports/reports.queries';
import { dispatchMonthSql, dispatchTrendSql, reportSettingsSql, type ReportSettings } from '../src/modules/reports/report-sql';
import { sql, type SqlFragment } from '../src/shared/sql';
import { seedBenchCity } from './lib/bench-city';
import { budgetLimitSql, dispatchLimitSql, serialQuery } from './lib/limits';

// The report statements of src/modules/reports/report-sql.ts and budgets.queries.ts timed directly
// against the bench's limit SQL (bench/lib/limits.ts), and a year of dispatchTrend against one month's
// dispatchReport, on a synthetic city in its own embedded PostgreSQL (issue 11 point 3, issue 13 point 3).
// Each answer is checked equal to the limit's before timing. Not part of `npm run bench`:
//   nice -n 10 npx tsx bench/report-shapes.ts --persons 1000000 --data-dir /tmp/report-shapes-pg [--seed-only]
// With --data-dir the cluster (and its city) is kept for the next run.

const YEAR = 2026;
const TODAY = '2026-11-28';
const log = (line: string) => process.stdout.write(`${line}\n`);

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '1000000' },
    'data-dir': { type: 'string' },
    runs: { type: 'string', default: '5' },
    'seed-only': { type: 'boolean', default: false },
    /** Print EXPLAIN (ANALYZE, BUFFERS) of the year's trend and one month, then stop. */
    explain: { type: 'boolean', default: false },
  },
  strict: true,
});
const persons = Number(values.persons);
const runs = Number(values.runs);

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const median = (list: number[]) => [...list].sort((left, right) => left - right)[Math.floor(list.length / 2)]!;

/** Median and best of `runs` interleaved runs of a and b (after one warm-up each). */
async function interleaved(a: () => Promise<unknown>, b: () => Promise<unknown>) {
  await a();
  await b();
  const as: number[] = [];
  const bs: number[] = [];
  for (let round = 0; round < runs; round++) {
    if (round % 2 === 0) {
      as.push(await timed(a));
      bs.push(await timed(b));
    } else {
      bs.push(await timed(b));
      as.push(await timed(a));
    }
  }
  return { a: median(as), b: median(bs), bestA: Math.min(...as), bestB: Math.min(...bs) };
}

async function main(): Promise<void> {
  const logger = createLogger('warn');
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : path.join(os.tmpdir(), `report-shapes-${process.pid}`);
  const port = await freePort();
  const embedded = await startEmbeddedPostgres(dataDir, port, logger);
  try {
    await ensureDatabase(embedded.adminUrl, 'report_shapes');
    const orm = await openOrm(embedded.urlFor('report_shapes'), logger, 4);
    try {
      await migrate(orm);
      const db = DatabaseQueryRunner.over(orm);
      await seedBenchCity(db, persons, { year: YEAR, today: TODAY }, log);
      if (values['seed-only']) return;
      log(
        `load average at start ${os
          .loadavg()
          .map((load) => load.toFixed(2))
          .join(' ')}, ${os.cpus().length} cores`,
      );

      const reports = new ReportsQueries(db);
      const month = (number: number) => ({ year: YEAR, ...dispatchDates(YEAR, number) });
      const year = Array.from({ length: 12 }, (_, index) => month(index + 1));
      const oneMonth = (number: number) => () =>
        reports.dispatchTrendCells({ months: [month(number)], precedence: DEFAULT_PRECEDENCE, county: null });
      const trend = () => reports.dispatchTrendCells({ months: year, precedence: DEFAULT_PRECEDENCE, county: null });
      const budget = () => new BudgetsQueries(db).lines({ year: YEAR, precedence: DEFAULT_PRECEDENCE, county: null, department: null });

      if (values.explain) {
        const explain = async (name: string, statement: SqlFragment, settings: ReportSettings = {}) => {
          const plan = await db.transaction(async (transaction) => {
            await transaction.execute(reportSettingsSql(settings));
            return transaction.rows<{ 'QUERY PLAN': string }>(sql`explain (analyze, buffers) ${statement}`);
          });
          log(`--- ${name}\n${plan.map((line) => line['QUERY PLAN']).join('\n')}`);
        };
        await explain('one month (ours)', dispatchMonthSql(month(6), DEFAULT_PRECEDENCE, null));
        const june = month(6);
        await explain('one month (limit)', sql.raw(dispatchLimitSql(DEFAULT_PRECEDENCE, YEAR, june.reportDate, june.populationDate)));
        await explain('trend', dispatchTrendSql(year, DEFAULT_PRECEDENCE, null), TREND_SETTINGS);
        return;
      }

      await db.withConnection(async (client) => {
        const normal = (cells: Array<Record<string, unknown>>) =>
          cells
            .map(({ county, category, persons: count, eligible, enrolled, proxyPaid, proxyPaidAmount, disabledLevel34 }) =>
              JSON.stringify([county, category, count, eligible, enrolled, proxyPaid, proxyPaidAmount, disabledLevel34]),
            )
            .sort();
        // Equal first: every month of the trend against the limit SQL of that month, and the budget.
        const trendCells = await trend();
        for (const [index, dated] of year.entries()) {
          const limit = await serialQuery<Record<string, unknown>>(
            client,
            dispatchLimitSql(DEFAULT_PRECEDENCE, YEAR, dated.reportDate, dated.populationDate),
          );
          const ours = trendCells.filter((cell) => cell.monthIndex === index) as unknown as Array<Record<string, unknown>>;
          if (JSON.stringify(normal(ours)) !== JSON.stringify(normal(limit)))
            throw new Error(`month ${index + 1} differs from the limit SQL`);
        }
        const budgetLimit = await serialQuery(client, budgetLimitSql(DEFAULT_PRECEDENCE, YEAR));
        if (JSON.stringify(await budget()) !== JSON.stringify(budgetLimit)) throw new Error('budget differs from the limit SQL');
        log('answers equal to the limit SQL (12 months, budget)');

        for (const number of [6, 11]) {
          const dated = month(number);
          const timing = await interleaved(oneMonth(number), () =>
            serialQuery(client, dispatchLimitSql(DEFAULT_PRECEDENCE, YEAR, dated.reportDate, dated.populationDate)),
          );
          log(
            `dispatchReport ${YEAR}-${number}: ours ${timing.a.toFixed(0)} ms (best ${timing.bestA.toFixed(0)}), limit ${timing.b.toFixed(0)} ms (best ${timing.bestB.toFixed(0)}), ${(timing.a / timing.b).toFixed(2)}x`,
          );
        }
        const budgetTiming = await interleaved(budget, () => serialQuery(client, budgetLimitSql(DEFAULT_PRECEDENCE, YEAR)));
        log(
          `budget(${YEAR}): ours ${budgetTiming.a.toFixed(0)} ms (best ${budgetTiming.bestA.toFixed(0)}), limit ${budgetTiming.b.toFixed(0)} ms (best ${budgetTiming.bestB.toFixed(0)}), ${(budgetTiming.a / budgetTiming.b).toFixed(2)}x`,
        );
        const trendTiming = await interleaved(trend, oneMonth(6));
        log(
          `dispatchTrend ${YEAR}-01..12: ${trendTiming.a.toFixed(0)} ms (best ${trendTiming.bestA.toFixed(0)}), one month ${trendTiming.b.toFixed(0)} ms (best ${trendTiming.bestB.toFixed(0)}), ${(trendTiming.a / trendTiming.b).toFixed(2)}x`,
        );
      });
      log(
        `load average at end ${os
          .loadavg()
          .map((load) => load.toFixed(2))
          .join(' ')}`,
      );
    } finally {
      await orm.close();
    }
  } finally {
    await embedded.stop();
    if (!values['data-dir']) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
