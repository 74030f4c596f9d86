import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { migrate, openOrm } from '../src/app/orm';
import { ensureDatabase } from '../src/infrastructure/database/database';
import { startEmbeddedPostgres } from '../src/infrastructure/database/embedded-postgres';
import { DatabaseQueryRunner } from '../src/infrastructure/database/query-runner';
import { freePort } from '../src/infrastructure/free-port';
import { createLogger } from '../src/infrastructure/logger';
import { DEFAULT_PRECEDENCE } from '../src/modules/eligibility/domain/precedence';
import { dispatchDates } from '../src/modules/reports/dispatch-report.service';
import { ReportsQueries } from '../src/modules/reports/reports.queries';
import { RosterComparisonQueries } from '../src/modules/rosters/roster-comparison.queries';
import { signToken } from '../src/shared/auth';
import { MAX_PAGE_SIZE } from '../src/shared/paging';
import { sql, type QueryRunner, type SqlFragment } from '../src/shared/sql';
import { seedBenchCity } from './lib/bench-city';
import { serialQuery } from './lib/limits';
import { startPensionAidServer } from './lib/processes';
import { reportCases } from './lib/report-cases';

// The analyst reports only (issue 11), in a few minutes: each report of bench/lib/report-cases.ts asked
// over HTTP of a pension-aid child server (the API), its own SQL statement run directly (the same
// statement the service sends, captured from the query runner), and the limit SQL, interleaved, on a
// synthetic city kept in its own embedded PostgreSQL. API minus statement is the time spent in Node
// (GraphQL, serialisation, HTTP). Answers are checked equal to the limit's first.
//   nice -n 10 npx tsx bench/report-api.ts --persons 100000 --data-dir /tmp/report-api-pg [--runs 7] [--explain] [--only name]
//     [--baseline main]   (the API of another commit too, from `git archive`, on the same database: before/after)

const YEAR = 2026;
const TODAY = '2026-11-28';
const SECRET = 'report-api-secret-0123456789abcdef-0123';
const CITY_HRSS = { subject: 'bench', department: 'HRSS', county: null } as const;
const log = (line: string) => process.stdout.write(`${line}\n`);

const { values } = parseArgs({
  options: {
    persons: { type: 'string', default: '100000' },
    'data-dir': { type: 'string', default: path.join(os.tmpdir(), 'report-api-pg') },
    runs: { type: 'string', default: '7' },
    explain: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    /** Also time the API of this commit (e.g. main), its own server on the same database, interleaved. */
    baseline: { type: 'string' },
  },
  strict: true,
});
const runs = Number(values.runs);

/** A runner that remembers the statements handed to it (to time or explain them on their own). */
class CapturingRunner implements QueryRunner {
  constructor(
    private readonly inner: QueryRunner,
    readonly statements: SqlFragment[] = [],
  ) {}
  rows<T>(query: SqlFragment): Promise<T[]> {
    this.statements.push(query);
    return this.inner.rows<T>(query);
  }
  one<T>(query: SqlFragment): Promise<T | undefined> {
    this.statements.push(query);
    return this.inner.one<T>(query);
  }
  execute(query: SqlFragment): Promise<number> {
    this.statements.push(query);
    return this.inner.execute(query);
  }
  transaction<T>(work: (transaction: QueryRunner) => Promise<T>): Promise<T> {
    return this.inner.transaction((transaction) => work(new CapturingRunner(transaction, this.statements)));
  }
  analystReads(): QueryRunner {
    return this;
  }
}

/** What the service runs for each report case (its queries class, called as the service calls it). */
function statementOf(name: string, db: QueryRunner): () => Promise<unknown> {
  const month = (number: number) => ({ year: YEAR, ...dispatchDates(YEAR, number), precedence: DEFAULT_PRECEDENCE, county: null });
  if (name.startsWith('dispatchReport')) {
    const number = Number(name.slice(-2));
    return () => new ReportsQueries(db).dispatchCells(month(number));
  }
  if (name.startsWith('rosterComparison'))
    return () =>
      new RosterComparisonQueries(db).page(
        {
          from: `${YEAR}-06-30`,
          to: `${YEAR}-09-30`,
          precedence: DEFAULT_PRECEDENCE,
          viewer: CITY_HRSS,
          category: null,
          county: null,
        },
        null,
        MAX_PAGE_SIZE + 1,
        null,
      );
  if (name.startsWith('subsidyScreening'))
    return () =>
      new ReportsQueries(db).screening(
        { year: YEAR, precedence: DEFAULT_PRECEDENCE, county: null, viewer: CITY_HRSS, currentYear: YEAR },
        MAX_PAGE_SIZE + 1,
      );
  // budget: its own figures are in report-shapes.ts; the API against the limit is enough here.
  return async () => undefined;
}

const isSetting = (statement: SqlFragment) => /^\s*set /i.test(statement.toQuery().text);

async function graphql(port: number, token: string, query: string): Promise<unknown> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors ?? body).slice(0, 800)}`);
  return body.data;
}

const REPO = path.resolve(__dirname, '..');

/** The source of another commit in a folder of its own, sharing this checkout's node_modules. */
function extractBaseline(ref: string): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'report-api-baseline-'));
  mkdirSync(path.join(folder, 'tree'));
  execFileSync('sh', [
    '-c',
    `git -C "${REPO}" archive "${ref.replace(/"/g, '')}" src migrations package.json tsconfig.json | tar -x -C "${folder}/tree"`,
  ]);
  symlinkSync(path.join(REPO, 'node_modules'), path.join(folder, 'tree', 'node_modules'));
  return folder;
}

async function startServer(url: string, cwd: string) {
  const server = await startPensionAidServer({ databaseUrl: url, secret: SECRET, cwd });
  return { server, port: server.port };
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

const median = (list: number[]) => [...list].sort((left, right) => left - right)[Math.floor(list.length / 2)]!;
const load = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/** Rounds of A, B, C in a rotating order after one warm-up each; medians in ms. */
async function interleaved(works: Array<() => Promise<unknown>>): Promise<number[]> {
  for (const work of works) await work();
  const times: number[][] = works.map(() => []);
  for (let round = 0; round < runs; round++) {
    for (let step = 0; step < works.length; step++) {
      const index = (round + step) % works.length;
      times[index]!.push(await timed(works[index]!));
    }
  }
  return times.map(median);
}

async function main(): Promise<void> {
  const logger = createLogger('warn');
  const embedded = await startEmbeddedPostgres(path.resolve(values['data-dir']), await freePort(), logger);
  try {
    await ensureDatabase(embedded.adminUrl, 'report_shapes');
    const url = embedded.urlFor('report_shapes');
    const orm = await openOrm(url, logger, 4);
    const servers: Array<Awaited<ReturnType<typeof startServer>>> = [];
    const baselineFolder = values.baseline ? extractBaseline(values.baseline) : null;
    try {
      await migrate(orm);
      const db = DatabaseQueryRunner.over(orm);
      await seedBenchCity(db, Number(values.persons), { year: YEAR, today: TODAY }, log);
      servers.push(await startServer(url, REPO));
      if (baselineFolder) servers.push(await startServer(url, path.join(baselineFolder, 'tree')));
      const port = servers[0]!.port;
      const token = signToken({ subject: 'bench', department: 'HRSS', county: null }, SECRET);
      log(`load average at start ${load()}, ${os.cpus().length} cores, ${runs} interleaved runs`);
      await db.withConnection(async (client) => {
        for (const reportCase of reportCases(DEFAULT_PRECEDENCE, YEAR).filter((item) => !values.only || values.only.includes(item.name))) {
          const api = reportCase.fromApi((await graphql(port, token, reportCase.query)) as never);
          const limit = reportCase.fromLimit((await serialQuery(client, reportCase.limitSql)) as never[]);
          if (JSON.stringify(api) !== JSON.stringify(limit))
            throw new Error(`${reportCase.name}: the API's answer differs from the limit's`);
          const capturing = new CapturingRunner(db);
          const statement = statementOf(reportCase.name, capturing);
          await statement();
          if (values.explain) {
            // Replayed as the service sent them (its `set local` included), each other statement explained.
            await db.transaction(async (transaction) => {
              for (const captured of capturing.statements) {
                if (isSetting(captured)) {
                  await transaction.execute(captured);
                  continue;
                }
                const plan = await transaction.rows<{ 'QUERY PLAN': string }>(sql`explain (analyze, buffers) ${captured}`);
                log(`--- ${reportCase.name}: ours\n${plan.map((line) => line['QUERY PLAN']).join('\n')}`);
              }
            });
            const plan = await serialQuery<{ 'QUERY PLAN': string }>(client, `explain (analyze, buffers) ${reportCase.limitSql}`);
            log(`--- ${reportCase.name}: limit\n${plan.map((line) => line['QUERY PLAN']).join('\n')}`);
            continue;
          }
          // The service's statements again on the limit's connection, in one transaction as the limit runs:
          // what the SQL costs without the query runner's connection handling.
          const onClient = async () => {
            await client.query('begin');
            try {
              for (const captured of capturing.statements) await client.query(captured.toQuery());
            } finally {
              await client.query('commit');
            }
          };
          const baseline = servers[1];
          if (baseline) {
            const before = reportCase.fromApi((await graphql(baseline.port, token, reportCase.query)) as never);
            if (JSON.stringify(before) !== JSON.stringify(limit))
              throw new Error(`${reportCase.name}: the baseline's answer differs from the limit's`);
          }
          const [limitMs, apiMs, statementMs, sqlMs, baselineMs] = await interleaved([
            () => serialQuery(client, reportCase.limitSql),
            () => graphql(port, token, reportCase.query),
            statementOf(reportCase.name, db),
            onClient,
            ...(baseline ? [() => graphql(baseline.port, token, reportCase.query)] : []),
          ]);
          const ratio = (value: number) => (value / limitMs!).toFixed(2);
          log(
            `${reportCase.name.padEnd(40)} ${baselineMs === undefined ? '' : `API before ${baselineMs.toFixed(1).padStart(6)} ms (${ratio(baselineMs)})  `}API ${apiMs!.toFixed(1).padStart(6)} ms (${ratio(apiMs!)})  service statement ${statementMs!.toFixed(1).padStart(6)} ms (${ratio(statementMs!)})  its SQL alone ${sqlMs!.toFixed(1).padStart(6)} ms (${ratio(sqlMs!)})  limit ${limitMs!.toFixed(1).padStart(6)} ms  load ${os.loadavg()[0]!.toFixed(2)}`,
          );
        }
      });
      log(`load average at end ${load()}`);
    } finally {
      for (const { server } of servers) await server.stop();
      if (baselineFolder) rmSync(baselineFolder, { recursive: true, force: true });
      await orm.close();
    }
  } finally {
    await embedded.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
