import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../src/infrastructure/free-port';
import { createLogger } from '../src/infrastructure/logger';
import type { QueryRunner } from '../src/shared/sql';
import type { DatabaseQueryRunner } from '../src/infrastructure/database/query-runner';
import { DEFAULT_PRECEDENCE } from '../src/modules/eligibility/domain/precedence';
import { seedPersons } from '../src/modules/seed/seed-writer';
import { SyntheticCity } from '../src/modules/seed/synthetic-city';
import { signToken } from '../src/shared/auth';
import { sql } from '../src/shared/sql';
import { hasStatStatements, openBenchDatabase, postmasterPid } from './bench-database';
import {
  copyAndMerge,
  hashAndLookup,
  psqlPath,
  startUploadFloorServer,
  uploadRoster,
  writeRosterCsv,
  type RosterTarget,
} from './lib/import-case';
import { serialQuery } from './lib/limits';
import { reportCases } from './lib/report-cases';
import { runLoad } from './lib/load';
import { entryFields, PAGE_CATEGORY, PAGE_COUNTY, pageQuery as pageShape, personFields } from './lib/page-shape';
import { ensurePostgraphile, POSTGRAPHILE_VERSION } from './lib/postgraphile-peer';
import { pgbenchPath, runPgbench } from './lib/pgbench';
import { cpuSeconds, postgresCpuSeconds, sampleRss, startChildServer, startPensionAidServer, type ChildServer } from './lib/processes';
import { topOfProfile } from './lib/profile';

// npm run bench [-- --quick] [--persons N] [--rounds R] [--seconds S] [--report-runs N] [--profile] [--baseline REF]
//
// The one benchmark (issue 11). Seeds a synthetic city into a throw-away embedded PostgreSQL on a free port
// (or BENCH_DATABASE_URL), serves it with pension-aid (production mode, `node --import tsx src/main.ts` in a
// child process) and with PostGraphile v5 (its own folder, its own child), and measures every figure against
// a limit taken in the same run, in interleaved rounds. Prints a table and writes bench/results.json.

const SECRET = 'bench-secret-0123456789abcdef-0123456789';
const YEAR = 2026;
const TODAY = '2026-11-28';
const CONNECTIONS = 20;
const IMPORT_ROWS = 100_000;
const precedence = DEFAULT_PRECEDENCE;

const log = (line: string) => process.stdout.write(`${line}\n`);

interface Options {
  quick: boolean;
  persons: number;
  rounds: number;
  seconds: number;
  reportRuns: number;
  profile: boolean;
  /** A git ref whose server runs alongside (same database, same rounds), for before/after ratios. */
  baseline: string | null;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      persons: { type: 'string' },
      rounds: { type: 'string' },
      seconds: { type: 'string' },
      'report-runs': { type: 'string' },
      profile: { type: 'boolean', default: false },
      baseline: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick!;
  return {
    quick,
    persons: Number(values.persons ?? (quick ? 100_000 : 1_000_000)),
    rounds: Number(values.rounds ?? (quick ? 3 : 5)),
    seconds: Number(values.seconds ?? (quick ? 5 : 10)),
    reportRuns: Number(values['report-runs'] ?? (quick ? 3 : 5)),
    profile: values.profile!,
    baseline: values.baseline ?? null,
  };
}

// ---------------------------------------------------------------------------------------------- shapes

const pageQuery = (first: number, eligibility: boolean) => pageShape(first, eligibility, YEAR);
// PostGraphile's nearest shape: the roster entries of the county+category (a condition on indexed columns),
// each with its person and the person's entries.
const postgraphilePage = `{ allRosterEntries(condition: { county: "${PAGE_COUNTY}", category: "${PAGE_CATEGORY}" }, first: 100, orderBy: PERSON_ID_ASC) { nodes { personByPersonId { ${personFields} rosterEntriesByPersonId { nodes { ${entryFields} } } } } } }`;
const TYPENAME = '{ __typename }';

/** The page's own statements (HRSS, city level), as pension-aid sends them, with the page's person ids inlined. */
function pageStatements(ids: number[], eligibility: boolean): string[] {
  const idArray = `'{${ids.join(',')}}'::int[]`;
  const statements = [
    `select person.id, person.id_number as "idNumber", person.name, person.gender, person.birth_date as "birthDate", person.disability_level as "disabilityLevel", person.pension_status as "pensionStatus" from person where true and exists (select 1 from roster_entry filter_entry where filter_entry.person_id = person.id and true and filter_entry.county = '${PAGE_COUNTY}' and filter_entry.category = '${PAGE_CATEGORY}') and person.id > 0 order by person.id limit 101`,
    `select person_id as "personId", category, county, recognized_on as "recognizedOn", exited_on as "exitedOn" from roster_entry where person_id = any(${idArray}) order by person_id, recognized_on, id`,
  ];
  // The decisions take the page's rows and entries; of their own they read only the year's funding rules.
  if (eligibility) {
    statements.push(
      `select county::text as county, year, standard::text as standard, city_share::text as "cityShare" from funding_rule where year = ${YEAR}`,
    );
  }
  return statements;
}

// ------------------------------------------------------------------------------------------- helpers

async function graphql<T>(port: number, token: string | null, query: string): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors ?? body).slice(0, 800)}`);
  return body.data;
}

const median = (values: number[]) => {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((left, right) => left - right);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
};

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * `runs` rounds of one timed call of each side, the order rotated each round (A B C, B C A, …) so that no side always
 * runs right after another's garbage or cache misses; each side's times in ms, in round order.
 */
async function timedRounds(runs: number, sides: ReadonlyArray<() => Promise<unknown>>): Promise<number[][]> {
  const times = sides.map((): number[] => []);
  for (let round = 0; round < runs; round++) {
    for (let step = 0; step < sides.length; step++) {
      const side = (round + step) % sides.length;
      times[side]!.push(await timed(sides[side]!));
    }
  }
  return times;
}

/** A, B, A, B…: `runs` timed calls of each after one warm-up call each; medians in ms. */
async function interleaved(
  runs: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<{ a: number; b: number; bestA: number; bestB: number; rounds: number }> {
  await a();
  await b();
  const [as, bs] = (await timedRounds(runs, [a, b])) as [number[], number[]];
  return { a: median(as), b: median(bs), bestA: Math.min(...as), bestB: Math.min(...bs), rounds: runs };
}

function firstDifference(left: unknown, right: unknown): string | null {
  const l = JSON.stringify(left);
  const r = JSON.stringify(right);
  if (l === r) return null;
  if (Array.isArray(left) && Array.isArray(right)) {
    if (left.length !== right.length) {
      const index = left.findIndex((item, i) => JSON.stringify(item) !== JSON.stringify(right[i]));
      return `${left.length} rows vs ${right.length}; first differing row ${index}: API ${JSON.stringify(left[index])} vs limit ${JSON.stringify(right[index])}`;
    }
    const index = left.findIndex((item, i) => JSON.stringify(item) !== JSON.stringify(right[i]));
    return `row ${index}: API ${JSON.stringify(left[index])} vs limit ${JSON.stringify(right[index])}`;
  }
  return `API ${l.slice(0, 300)} vs limit ${r.slice(0, 300)}`;
}

// ------------------------------------------------------------------------------------------- seeding

async function seedTo(db: QueryRunner, persons: number): Promise<void> {
  const existing = (await db.one<{ count: number; max: number }>(
    sql`select count(*)::int as count, coalesce(max(id), 0)::int as max from person`,
  ))!;
  if (existing.count >= persons) return;
  const started = Date.now();
  let last = 0;
  await seedPersons(db, new SyntheticCity(99 + existing.count, { year: YEAR, today: TODAY }), persons - existing.count, (done) => {
    if (Date.now() - last < 10_000) return;
    last = Date.now();
    log(
      `  seeding: ${(existing.count + done).toLocaleString('en')} / ${persons.toLocaleString('en')} persons, ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  });
  // A pension status history for a third of the new persons (as the issue's city had), so that reports read it.
  await db.rows(sql`
    insert into pension_status_change (person_id, previous_status, status, changed_on)
    select id, 'NOT_ENROLLED', pension_status, date '2026-01-01' + (id % 300) from person where id > ${existing.max} and id % 3 = 0
    union all
    select id, 'CONTRIBUTING', 'NOT_ENROLLED', date '2025-01-01' + (id % 300) from person where id > ${existing.max} and id % 6 = 0`);
  await db.rows(sql`vacuum analyze`);
  log(`  seeded ${(persons - existing.count).toLocaleString('en')} persons in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function cityCounts(db: QueryRunner) {
  return (await db.one<{ persons: number; entries: number; payments: number; statusChanges: number }>(sql`
    select (select count(*) from person)::int as persons, (select count(*) from roster_entry)::int as entries,
           (select count(*) from proxy_payment)::int as payments, (select count(*) from pension_status_change)::int as "statusChanges"`))!;
}

// ------------------------------------------------------------------------------------------- servers

const REPO = path.resolve(__dirname, '..');

/** The server of another commit (src/, migrations/, manifests), sharing this checkout's node_modules. */
function extractBaseline(ref: string, into: string): string {
  const folder = path.join(into, 'baseline');
  mkdirSync(folder);
  execFileSync('sh', [
    '-c',
    `git -C "${REPO}" archive "${ref.replace(/"/g, '')}" src migrations package.json tsconfig.json tsconfig.build.json | tar -x -C "${folder}"`,
  ]);
  symlinkSync(path.join(REPO, 'node_modules'), path.join(folder, 'node_modules'));
  return folder;
}

async function startPensionAid(url: string, options: { root?: string; cpuProfileDir?: string; name?: string } = {}): Promise<ChildServer> {
  return startPensionAidServer({
    databaseUrl: url,
    secret: SECRET,
    cwd: options.root ?? REPO,
    name: options.name,
    cpuProfileDir: options.cpuProfileDir,
  });
}

async function startPostgraphile(url: string): Promise<ChildServer> {
  const { folder, script } = ensurePostgraphile(log);
  const port = await freePort();
  return startChildServer({
    name: 'PostGraphile',
    command: process.execPath,
    args: [script],
    cwd: folder,
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: url, PORT: String(port), POOL_MAX: '20' },
    port,
    readyPath: '/healthz',
  });
}

// ------------------------------------------------------------------------------------------- statements

interface StatementCount {
  /** Statements sent on the request path, per request (the audit log's timed batch flushes excluded). */
  perRequest: number | null;
  /** The audit log's batched INSERTs that ran during the requests (one per flush, not per request). */
  auditFlushes: number | null;
  statements: Array<{ calls: number; query: string }>;
}

async function countStatements(db: QueryRunner, enabled: boolean, requests: number, send: () => Promise<unknown>): Promise<StatementCount> {
  if (!enabled) {
    for (let index = 0; index < requests; index++) await send();
    return { perRequest: null, auditFlushes: null, statements: [] };
  }
  await send(); // warm: schema caches, pools
  await db.rows(sql`select pg_stat_statements_reset()`);
  for (let index = 0; index < requests; index++) await send();
  const rows = await db.rows<{ calls: number; query: string }>(sql`
    select calls::int, query from pg_stat_statements
    where dbid = (select oid from pg_database where datname = current_database()) and query not ilike '%pg_stat_statements%'
    order by calls desc`);
  const isAudit = (query: string) => /^\s*insert into audit_event/i.test(query);
  const sum = (list: typeof rows) => list.reduce((total, row) => total + row.calls, 0);
  return {
    perRequest: sum(rows.filter((row) => !isAudit(row.query))) / requests,
    auditFlushes: sum(rows.filter((row) => isAudit(row.query))),
    statements: rows.map((row) => ({ calls: row.calls, query: row.query.replace(/\s+/g, ' ').slice(0, 400) })),
  };
}

// ------------------------------------------------------------------------------------------- load sides

interface SideTotals {
  name: string;
  requests: number;
  seconds: number;
  roundRps: number[];
  roundP99: number[];
  nodeCpu: number;
  postgresCpu: number;
  peakRss: number;
  errors: number;
}

interface Side {
  name: string;
  server: ChildServer | null;
  warm: () => Promise<unknown>;
  load: () => Promise<{ requests: number; seconds: number; rps: number; p99Ms: number; errors: number }>;
}

async function measureSides(sides: Side[], rounds: number, postmaster: number | null): Promise<Map<string, SideTotals>> {
  const totals = new Map<string, SideTotals>(
    sides.map((side) => [
      side.name,
      { name: side.name, requests: 0, seconds: 0, roundRps: [], roundP99: [], nodeCpu: 0, postgresCpu: 0, peakRss: 0, errors: 0 },
    ]),
  );
  // Warm-up, not counted: JIT, pools and plans of every side (a fresh server is several times slower at first).
  for (const side of sides) await side.warm();
  for (let round = 0; round < rounds; round++) {
    // Rotate the order every round: each side runs after each other one in turn.
    const order = sides.map((_, index) => sides[(index + round) % sides.length]!);
    for (const side of order) {
      const total = totals.get(side.name)!;
      const cpuBefore = side.server ? cpuSeconds(side.server.pid) : 0;
      const pgBefore = postmaster ? postgresCpuSeconds(postmaster) : Number.NaN;
      const stopRss = side.server ? sampleRss(side.server.pid) : () => 0;
      const result = await side.load();
      total.peakRss = Math.max(total.peakRss, stopRss());
      if (side.server) total.nodeCpu += cpuSeconds(side.server.pid) - cpuBefore;
      total.postgresCpu += postmaster ? postgresCpuSeconds(postmaster) - pgBefore : Number.NaN;
      total.requests += result.requests;
      total.seconds += result.seconds;
      total.roundRps.push(result.rps);
      total.roundP99.push(result.p99Ms);
      total.errors += result.errors;
      log(
        `  round ${round + 1}/${rounds} ${side.name.padEnd(34)} ${result.rps.toFixed(1).padStart(8)} /s  p99 ${result.p99Ms.toFixed(0).padStart(5)} ms`,
      );
    }
  }
  return totals;
}

// ------------------------------------------------------------------------------------------- reports

interface ReportFigure {
  name: string;
  /** Medians of the interleaved runs. */
  apiMs: number;
  limitMs: number;
  ratio: number;
  /** Fastest of the runs each (less sensitive to other jobs on the machine). */
  apiBestMs: number;
  limitBestMs: number;
  rows: number;
  equal: boolean;
  difference: string | null;
  rounds: number;
}

async function measureReports(
  db: DatabaseQueryRunner,
  port: number,
  token: string,
  runs: number,
  only?: string[],
): Promise<ReportFigure[]> {
  return db.withConnection(async (client) => {
    const figures: ReportFigure[] = [];
    {
      for (const reportCase of reportCases(precedence, YEAR).filter((item) => !only || only.includes(item.name))) {
        const api = reportCase.fromApi((await graphql(port, token, reportCase.query)) as never);
        const limit = reportCase.fromLimit((await serialQuery(client, reportCase.limitSql)) as never[]);
        const difference = firstDifference(api, limit);
        const timing = await interleaved(
          runs,
          () => graphql(port, token, reportCase.query),
          () => serialQuery(client, reportCase.limitSql),
        );
        const rows = Array.isArray(api) ? api.length : 0;
        figures.push({
          name: reportCase.name,
          apiMs: timing.a,
          limitMs: timing.b,
          ratio: timing.a / timing.b,
          apiBestMs: timing.bestA,
          limitBestMs: timing.bestB,
          rows,
          equal: difference === null,
          difference,
          rounds: timing.rounds,
        });
        log(
          `  ${reportCase.name.padEnd(28)} API ${timing.a.toFixed(0).padStart(6)} ms  limit ${timing.b.toFixed(0).padStart(6)} ms  ${(timing.a / timing.b).toFixed(2)}x  ${difference === null ? 'equal' : `NOT EQUAL: ${difference}`}`,
        );
      }
    }
    return figures;
  });
}

// ------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const opts = options();
  const started = Date.now();
  const logger = createLogger('warn');
  log(
    `pension-aid bench: ${opts.quick ? '--quick, ' : ''}${opts.persons.toLocaleString('en')} persons, ${opts.rounds} rounds of ${opts.seconds} s, ${os.cpus().length} cores, Node ${process.version}, load average ${os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
  const pgbench = pgbenchPath();
  const psql = psqlPath();
  const database = await openBenchDatabase({ logger, externalUrl: process.env.BENCH_DATABASE_URL, statStatements: true, poolMax: 4 });
  const { db, url } = database;
  const children: ChildServer[] = [];
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-bench-run-'));
  try {
    const statStatements = await hasStatStatements(db);
    const postmaster = await postmasterPid(db);
    const token = signToken({ subject: 'bench', department: 'HRSS', county: null }, SECRET);
    const civilToken = signToken({ subject: 'bench', department: 'CIVIL_AFFAIRS', county: null }, SECRET);

    // Report time at 100k / 300k / 1M persons (full run only): seeds in steps, one server throughout.
    const steps = opts.quick
      ? [opts.persons]
      : [100_000, 300_000, opts.persons].filter((step, index, all) => step <= opts.persons && all.indexOf(step) === index);
    let pensionAid: ChildServer | null = null;
    const scaling: Array<{ persons: number; figures: ReportFigure[] }> = [];
    for (const step of steps) {
      await seedTo(db, step);
      pensionAid ??= await startPensionAid(url);
      if (!children.includes(pensionAid)) children.push(pensionAid);
      if (!opts.quick && step < opts.persons) {
        // The synthetic city skips the odd duplicate ID number, so a step can hold a few persons less.
        const persons = (await cityCounts(db)).persons;
        log(`report scaling at ${persons.toLocaleString('en')} persons:`);
        scaling.push({
          persons,
          figures: await measureReports(db, pensionAid.port, token, opts.reportRuns, [`dispatchReport ${YEAR}-06`, `budget(${YEAR})`]),
        });
      }
    }
    const city = await cityCounts(db);
    log(
      `city: ${city.persons.toLocaleString('en')} persons, ${city.entries.toLocaleString('en')} roster entries, ${city.payments.toLocaleString('en')} payments, ${city.statusChanges.toLocaleString('en')} status changes`,
    );
    const postgraphile = await startPostgraphile(url);
    children.push(postgraphile);
    const aid = pensionAid!;
    const baseline = opts.baseline
      ? await startPensionAid(url, { root: extractBaseline(opts.baseline, scratch), name: `baseline ${opts.baseline}` })
      : null;
    if (baseline) children.push(baseline);

    // Same shape on both servers: check before timing.
    type Page = { persons: { edges: Array<{ node: { idNumber: string } }> } };
    const ourPage = await graphql<Page>(aid.port, token, pageQuery(100, false));
    const theirPage = await graphql<{ allRosterEntries: { nodes: Array<{ personByPersonId: { idNumber: string } }> } }>(
      postgraphile.port,
      null,
      postgraphilePage,
    );
    const ourIds = ourPage.persons.edges.map((edge) => edge.node.idNumber);
    const theirIds = theirPage.allRosterEntries.nodes.map((node) => node.personByPersonId.idNumber);
    const sameShape = ourIds.length === 100 && theirIds.length === 100;
    const samePersons = ourIds.filter((id) => theirIds.includes(id)).length;
    log(`page shape: pension-aid ${ourIds.length} persons, PostGraphile ${theirIds.length} (${samePersons} the same persons)`);
    await graphql(aid.port, token, pageQuery(100, true));
    const pageIds = (
      await db.rows<{
        id: number;
      }>(sql`select person.id from person where exists (select 1 from roster_entry filter_entry where filter_entry.person_id = person.id
        and filter_entry.county = ${PAGE_COUNTY} and filter_entry.category = ${PAGE_CATEGORY}) order by person.id limit 100`)
    ).map((row) => row.id);

    // SQL statements per request.
    log('statements per request:');
    const statements: Record<string, StatementCount> = {};
    for (const first of [10, 100, 500]) {
      statements[`page ${first}`] = await countStatements(db, statStatements, 20, () => graphql(aid.port, token, pageQuery(first, false)));
      statements[`page ${first} + eligibility`] = await countStatements(db, statStatements, 20, () =>
        graphql(aid.port, token, pageQuery(first, true)),
      );
    }
    statements['PostGraphile page 100'] = await countStatements(db, statStatements, 20, () =>
      graphql(postgraphile.port, null, postgraphilePage),
    );
    for (const [name, count] of Object.entries(statements)) {
      const flushes = count.auditFlushes ? ` (+ ${count.auditFlushes} audit log flushes during the 20 requests)` : '';
      log(`  ${name.padEnd(30)} ${count.perRequest?.toFixed(2) ?? 'n/a (no pg_stat_statements)'}${flushes}`);
    }

    // pgbench runs the statements pension-aid sends for the page: as many as pg_stat_statements saw per request.
    for (const eligibility of [false, true]) {
      const seen = statements[`page 100${eligibility ? ' + eligibility' : ''}`]!.perRequest;
      const scripted = pageStatements(pageIds, eligibility).length;
      if (seen !== null && seen !== scripted) {
        log(
          `  WARNING: the page${eligibility ? ' with eligibility' : ''} sent ${seen} statements per request; the pgbench script has ${scripted}`,
        );
      }
    }

    // Load: interleaved rounds over every side.
    const body = (query: string) => JSON.stringify({ query });
    const WARM_SECONDS = 2;
    const http = (name: string, server: ChildServer, query: string, auth: boolean): Side => {
      const load = (seconds: number) =>
        runLoad({
          url: `http://127.0.0.1:${server.port}/graphql`,
          body: body(query),
          headers: auth ? { authorization: `Bearer ${token}` } : {},
          connections: CONNECTIONS,
          seconds,
        });
      return { name, server, warm: () => load(WARM_SECONDS), load: () => load(opts.seconds) };
    };
    const direct = (name: string, eligibility: boolean): Side => {
      const load = async (seconds: number) => {
        const result = await runPgbench(pgbench!, url, pageStatements(pageIds, eligibility), CONNECTIONS, seconds);
        return { requests: result.transactions, seconds, rps: result.tps, p99Ms: result.p99Ms, errors: 0 };
      };
      return { name, server: null, warm: () => load(WARM_SECONDS), load: () => load(opts.seconds) };
    };
    const sides: Side[] = [
      http('pension-aid page', aid, pageQuery(100, false), true),
      http('PostGraphile page', postgraphile, postgraphilePage, false),
      ...(pgbench ? [direct('page SQL (pgbench)', false)] : []),
      http('pension-aid page + eligibility', aid, pageQuery(100, true), true),
      ...(pgbench ? [direct('page + eligibility SQL (pgbench)', true)] : []),
      http('pension-aid __typename', aid, TYPENAME, true),
      http('PostGraphile __typename', postgraphile, TYPENAME, false),
      ...(baseline
        ? [
            http('baseline page', baseline, pageQuery(100, false), true),
            http('baseline page + eligibility', baseline, pageQuery(100, true), true),
            http('baseline __typename', baseline, TYPENAME, true),
          ]
        : []),
    ];
    log(
      `load: ${CONNECTIONS} connections, ${WARM_SECONDS} s warm-up, then ${opts.rounds} interleaved rounds of ${opts.seconds} s per side`,
    );
    const load = await measureSides(sides, opts.rounds, postmaster);

    log(`reports (${opts.reportRuns} interleaved runs each, after one warm-up):`);
    const reports = await measureReports(db, aid.port, token, opts.reportRuns);
    if (!opts.quick)
      scaling.push({
        persons: city.persons,
        figures: reports.filter((figure) => [`dispatchReport ${YEAR}-06`, `budget(${YEAR})`].includes(figure.name)),
      });

    // Roster import: limit (rolled back) then API, first and again; the same file into the same roster.
    log(`roster import, ${IMPORT_ROWS.toLocaleString('en')} rows:`);
    const csv = path.join(scratch, 'roster.csv');
    await writeRosterCsv(csv, IMPORT_ROWS);
    const target: RosterTarget = { category: 'DIBAO', county: '530102', asOf: `${YEAR}-11-01` };
    let importFigures: Record<string, unknown> = { skipped: 'psql not found' };
    if (psql) {
      let limitFirst = { added: 0, exited: 0 };
      const limitFirstMs = await timed(async () => (limitFirst = await copyAndMerge(psql, url, csv, target)));
      let apiFirst: Awaited<ReturnType<typeof uploadRoster>> = { status: 0 };
      const apiFirstMs = await timed(async () => (apiFirst = await uploadRoster(aid.port, civilToken, csv, target)));
      let limitAgain = { added: 0, exited: 0 };
      const limitAgainMs = await timed(async () => (limitAgain = await copyAndMerge(psql, url, csv, target)));
      let apiAgain: Awaited<ReturnType<typeof uploadRoster>> = { status: 0 };
      const apiAgainMs = await timed(async () => (apiAgain = await uploadRoster(aid.port, civilToken, csv, target)));
      const hashAndLookUp = () =>
        hashAndLookup(csv, (hash) => db.rows(sql`select id from roster_submission where file_hash = ${hash} order by id desc limit 1`));
      const hashMs = await timed(hashAndLookUp);
      // The fairer limit: the same upload (same body, same client) to a bare Node server in its own process
      // that hashes the file part and runs the same lookup; 5 timed re-imports through the API interleaved
      // with 5 to it (after one untimed call to it), medians. The file is unchanged: each answers alreadyApplied.
      // The in-process read + hash + lookup is timed in the same rounds too: once alone, it swung 11 → 45 ms.
      const floorServer = await startUploadFloorServer(url);
      let apiRunsMs: number[] = [];
      let uploadFloorRunsMs: number[] = [];
      let hashRunsMs: number[] = [];
      let uploadFloorAnswer: Awaited<ReturnType<typeof uploadRoster>> = { status: 0 };
      try {
        uploadFloorAnswer = await uploadRoster(floorServer.port, civilToken, csv, target);
        const toApi = () => uploadRoster(aid.port, civilToken, csv, target);
        const toFloor = () => uploadRoster(floorServer.port, civilToken, csv, target);
        [apiRunsMs, uploadFloorRunsMs, hashRunsMs] = (await timedRounds(5, [toApi, toFloor, hashAndLookUp])) as [
          number[],
          number[],
          number[],
        ];
      } finally {
        await floorServer.close();
      }
      const apiMedianMs = median(apiRunsMs);
      const uploadFloorMs = median(uploadFloorRunsMs);
      const hashMedianMs = median(hashRunsMs);
      const firstEqual = apiFirst.added === limitFirst.added && apiFirst.exited === limitFirst.exited;
      const againEqual = (apiAgain.added ?? 0) === limitAgain.added && (apiAgain.exited ?? 0) === limitAgain.exited;
      importFigures = {
        first: {
          apiMs: apiFirstMs,
          limitMs: limitFirstMs,
          ratio: apiFirstMs / limitFirstMs,
          api: apiFirst,
          limit: limitFirst,
          equal: firstEqual,
        },
        again: {
          apiMs: apiAgainMs,
          limitMs: limitAgainMs,
          ratio: apiAgainMs / limitAgainMs,
          hashLookupMs: hashMs,
          ratioToHash: apiAgainMs / hashMs,
          apiMedianMs,
          uploadFloorMs,
          ratioToUploadFloor: apiMedianMs / uploadFloorMs,
          hashMedianMs,
          ratioToHashMedian: apiMedianMs / hashMedianMs,
          apiRunsMs,
          uploadFloorRunsMs,
          hashRunsMs,
          uploadFloorAnswer,
          api: apiAgain,
          limit: limitAgain,
          equal: againEqual,
        },
      };
      log(
        `  first: API ${apiFirstMs.toFixed(0)} ms (${JSON.stringify(apiFirst)}), COPY + merge ${limitFirstMs.toFixed(0)} ms (${JSON.stringify(limitFirst)})`,
      );
      log(
        `  again: API ${apiAgainMs.toFixed(0)} ms (${JSON.stringify(apiAgain)}), COPY + merge ${limitAgainMs.toFixed(0)} ms, read + hash + lookup ${hashMs.toFixed(0)} ms`,
      );
      log(
        `  again, 5 interleaved: API median ${apiMedianMs.toFixed(0)} ms [${apiRunsMs.map((value) => value.toFixed(0)).join(', ')}], same upload to a bare Node server + hash + lookup ${uploadFloorMs.toFixed(0)} ms [${uploadFloorRunsMs.map((value) => value.toFixed(0)).join(', ')}] (${JSON.stringify(uploadFloorAnswer)}), read + hash + lookup ${hashMedianMs.toFixed(0)} ms [${hashRunsMs.map((value) => value.toFixed(0)).join(', ')}]`,
      );
    }

    // Optional: CPU profile of the page on a separate server process (profiling slows it; not in the figures above).
    let profile: ReturnType<typeof topOfProfile> | null = null;
    if (opts.profile) {
      const profileDir = path.join(scratch, 'profile');
      const profiled = await startPensionAid(url, { cpuProfileDir: profileDir });
      children.push(profiled);
      await runLoad({
        url: `http://127.0.0.1:${profiled.port}/graphql`,
        body: body(pageQuery(100, false)),
        headers: { authorization: `Bearer ${token}` },
        connections: CONNECTIONS,
        seconds: 2,
      });
      const loadStarted = performance.now();
      await runLoad({
        url: `http://127.0.0.1:${profiled.port}/graphql`,
        body: body(pageQuery(100, false)),
        headers: { authorization: `Bearer ${token}` },
        connections: CONNECTIONS,
        seconds: opts.seconds * 2,
      });
      const loadEnded = performance.now();
      await profiled.stop();
      const stopped = performance.now();
      const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
      if (file) {
        // Only the samples of the measured load: not start-up (module loading) or shutdown.
        profile = topOfProfile(path.join(profileDir, file), 25, { fromEndMs: stopped - loadStarted, toEndMs: stopped - loadEnded });
        const keep = path.join(__dirname, 'page.cpuprofile');
        copyFileSync(path.join(profileDir, file), keep);
        log(
          `page CPU profile, ${(profile.sampledMs / 1000).toFixed(1)} s of samples under load (self time; whole file in ${path.relative(process.cwd(), keep)}):`,
        );
        for (const line of profile.lines.slice(0, 15)) log(`  ${line.percent.toFixed(1).padStart(5)}%  ${line.function}  ${line.where}`);
        log('  by package:');
        for (const line of profile.byPackage.slice(0, 10)) log(`  ${line.percent.toFixed(1).padStart(5)}%  ${line.function}`);
      }
    }

    const results = summarise({
      opts,
      city,
      load,
      reports,
      importFigures,
      statements,
      scaling,
      profile,
      sameShape,
      samePersons,
      seconds: (Date.now() - started) / 1000,
    });
    writeFileSync(path.join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    log(`\nwrote bench/results.json (${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
  } catch (error) {
    for (const child of children) process.stderr.write(`--- ${child.name} (pid ${child.pid}) output:\n${child.output().slice(-3000)}\n`);
    throw error;
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
    await database.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------------- table

interface Summary {
  opts: Options;
  city: Awaited<ReturnType<typeof cityCounts>>;
  load: Map<string, SideTotals>;
  reports: ReportFigure[];
  importFigures: Record<string, unknown>;
  statements: Record<string, StatementCount>;
  scaling: Array<{ persons: number; figures: ReportFigure[] }>;
  profile: ReturnType<typeof topOfProfile> | null;
  sameShape: boolean;
  samePersons: number;
  seconds: number;
}

function summarise(summary: Summary) {
  const { load, reports, importFigures, statements, scaling, opts } = summary;
  const side = (name: string) => {
    const total = load.get(name);
    if (!total) return null;
    return {
      rps: total.requests / total.seconds,
      p99Ms: median(total.roundP99),
      roundRps: total.roundRps,
      requests: total.requests,
      nodeCpuPer1000: total.nodeCpu > 0 ? (1000 * total.nodeCpu) / total.requests : null,
      postgresCpuMsPerRequest: (1000 * total.postgresCpu) / total.requests,
      peakRssMb: total.peakRss > 0 ? total.peakRss / 2 ** 20 : null,
      errors: total.errors,
    };
  };
  const ours = side('pension-aid page')!;
  const theirs = side('PostGraphile page')!;
  const direct = side('page SQL (pgbench)');
  const ourEligibility = side('pension-aid page + eligibility')!;
  const directEligibility = side('page + eligibility SQL (pgbench)');
  const ourTypename = side('pension-aid __typename')!;
  const theirTypename = side('PostGraphile __typename')!;

  const rows: Array<[string, string, string, string, string, string]> = [];
  const f = (value: number | null | undefined, digits = 1) =>
    value === null || value === undefined || !Number.isFinite(value)
      ? '–'
      : value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const ms = (value: number) => (value >= 1000 ? `${f(value / 1000, 2)} s` : `${f(value, 0)} ms`);
  rows.push([
    `page: 100 persons of ${PAGE_COUNTY}+${PAGE_CATEGORY} with rosterEntries, ${CONNECTIONS} conn.`,
    `${f(ours.rps)} rps, p99 ${f(ours.p99Ms, 0)} ms`,
    `${f(theirs.rps)} rps, p99 ${f(theirs.p99Ms, 0)} ms`,
    direct ? `${f(direct.rps)} tps, p99 ${f(direct.p99Ms, 0)} ms (its ${pageStatements([], false).length} statements, pgbench)` : '–',
    `${f(ours.rps / theirs.rps, 2)} of PostGraphile${direct ? `, ${f(ours.rps / direct.rps, 2)} of its SQL` : ''}`,
    '≥ 1.2 of PostGraphile, ≥ 0.5 of its SQL',
  ]);
  rows.push([
    `same page with eligibility(${YEAR})`,
    `${f(ourEligibility.rps)} rps, p99 ${f(ourEligibility.p99Ms, 0)} ms`,
    '–',
    directEligibility ? `${f(directEligibility.rps)} tps (its ${pageStatements([], true).length} statements)` : '–',
    `${f(ourEligibility.rps / ours.rps, 2)} of the plain page${directEligibility ? `, ${f(ourEligibility.rps / directEligibility.rps, 2)} of its SQL` : ''}`,
    '≥ 0.8 of the plain page',
  ]);
  rows.push([
    '`{ __typename }`',
    `${f(ourTypename.rps, 0)} rps`,
    `${f(theirTypename.rps, 0)} rps`,
    '–',
    `${f(ourTypename.rps / theirTypename.rps, 3)}`,
    '≥ 0.5',
  ]);
  rows.push([
    'Node CPU per 1,000 page requests',
    `${f(ours.nodeCpuPer1000, 2)} s`,
    `${f(theirs.nodeCpuPer1000, 2)} s`,
    '–',
    `${f((ours.nodeCpuPer1000 ?? 0) / (theirs.nodeCpuPer1000 ?? 1), 2)}`,
    '',
  ]);
  rows.push([
    'PostgreSQL CPU per page request',
    `${f(ours.postgresCpuMsPerRequest, 2)} ms`,
    `${f(theirs.postgresCpuMsPerRequest, 2)} ms`,
    direct ? `${f(direct.postgresCpuMsPerRequest, 2)} ms` : '–',
    direct ? `${f(ours.postgresCpuMsPerRequest / direct.postgresCpuMsPerRequest, 2)} of its SQL` : '',
    '',
  ]);
  rows.push([
    'server RSS under load (peak)',
    `${f(Math.max(ours.peakRssMb ?? 0, ourEligibility.peakRssMb ?? 0), 0)} MB`,
    `${f(theirs.peakRssMb, 0)} MB`,
    '–',
    '',
    '≤ 250 MB',
  ]);
  for (const report of reports) {
    rows.push([
      `${report.name}${report.rows ? ` (${report.rows.toLocaleString('en')} rows)` : ''}`,
      `${ms(report.apiMs)} (best ${ms(report.apiBestMs)})`,
      '–',
      `${ms(report.limitMs)} (best ${ms(report.limitBestMs)})${report.equal ? ', equal' : ', NOT EQUAL'}`,
      `${f(report.ratio, 2)} (best ${f(report.apiBestMs / report.limitBestMs, 2)})`,
      '≤ 1.2',
    ]);
  }
  const imports = importFigures as {
    first?: { apiMs: number; limitMs: number; ratio: number };
    again?: {
      apiMs: number;
      limitMs: number;
      ratio: number;
      hashLookupMs: number;
      ratioToHash: number;
      apiMedianMs?: number;
      uploadFloorMs?: number;
      ratioToUploadFloor?: number;
      hashMedianMs?: number;
      ratioToHashMedian?: number;
    };
  };
  if (imports.first && imports.again) {
    rows.push([
      `roster import, ${IMPORT_ROWS.toLocaleString('en')} rows, first / same file again`,
      `${ms(imports.first.apiMs)} / ${ms(imports.again.apiMs)}`,
      '–',
      `${ms(imports.first.limitMs)} / ${ms(imports.again.limitMs)} (COPY + one merge); re-read + hash + lookup ${ms(imports.again.hashLookupMs)}` +
        (imports.again.uploadFloorMs === undefined
          ? ''
          : `; 5 interleaved rounds: API median ${ms(imports.again.apiMedianMs!)}, re-read + hash + lookup ${ms(imports.again.hashMedianMs!)}, same upload to a bare Node server + hash + lookup ${ms(imports.again.uploadFloorMs)}`),
      `${f(imports.first.ratio, 2)} / ${f(imports.again.ratio, 2)}; ` +
        (imports.again.ratioToHashMedian === undefined
          ? `${f(imports.again.ratioToHash, 1)} of hash`
          : `medians: ${f(imports.again.ratioToHashMedian, 1)} of hash, ${f(imports.again.ratioToUploadFloor!, 2)} of upload floor`),
      '≤ 2 / ≤ 1.2 of hash',
    ]);
  }
  const before = side('baseline page');
  if (before) {
    const beforeEligibility = side('baseline page + eligibility')!;
    const beforeTypename = side('baseline __typename')!;
    rows.push([
      `pension-aid vs baseline ${opts.baseline}: page / + eligibility / __typename`,
      `${f(ours.rps)} / ${f(ourEligibility.rps)} / ${f(ourTypename.rps, 0)} rps`,
      '–',
      `baseline ${f(before.rps)} / ${f(beforeEligibility.rps)} / ${f(beforeTypename.rps, 0)} rps`,
      `${f(ours.rps / before.rps, 2)} / ${f(ourEligibility.rps / beforeEligibility.rps, 2)} / ${f(ourTypename.rps / beforeTypename.rps, 2)}; CPU per 1,000 pages ${f(ours.nodeCpuPer1000, 2)} s vs ${f(before.nodeCpuPer1000, 2)} s`,
      '',
    ]);
  }
  const perRequest = (name: string) => f(statements[name]?.perRequest ?? null, 2);
  rows.push([
    'SQL statements per page request, first 10 / 100 / 500',
    `${perRequest('page 10')} / ${perRequest('page 100')} / ${perRequest('page 500')}`,
    `${perRequest('PostGraphile page 100')} (100)`,
    '',
    `with eligibility ${perRequest('page 10 + eligibility')} / ${perRequest('page 100 + eligibility')} / ${perRequest('page 500 + eligibility')}`,
    'constant',
  ]);
  if (scaling.length > 1) {
    for (const name of [`dispatchReport ${YEAR}-06`, `budget(${YEAR})`]) {
      const points = scaling.map((step) => {
        const figure = step.figures.find((candidate) => candidate.name === name);
        return { persons: step.persons, ms: figure?.apiMs ?? Number.NaN, limitMs: figure?.limitMs ?? Number.NaN };
      });
      const first = points[0]!;
      const last = points.at(-1)!;
      // The limit is timed at every step too: what the data's size alone does to the time (caches outgrown)
      // is the limit's own growth, against which the server's is read.
      rows.push([
        `${name} at ${points.map((point) => `${Math.round(point.persons / 1000)}k`).join(' / ')} persons`,
        points.map((point) => ms(point.ms)).join(' / '),
        '–',
        `${points.map((point) => ms(point.limitMs)).join(' / ')}: ${f(last.limitMs / first.limitMs, 1)}×`,
        `${f(last.ms / first.ms, 1)}× time for ${f(last.persons / first.persons, 1)}× persons (limit ${f(last.limitMs / first.limitMs, 1)}×)`,
        'no worse than linear, nor than the limit',
      ]);
    }
  }

  const header = ['measure', 'pension-aid', `PostGraphile ${POSTGRAPHILE_VERSION}`, 'limit (same run)', 'ratio', 'target'];
  log(
    `\n${summary.city.persons.toLocaleString('en')} persons, ${summary.city.entries.toLocaleString('en')} roster entries, ${summary.city.payments.toLocaleString('en')} payments, ${summary.city.statusChanges.toLocaleString('en')} status changes; ${opts.rounds} interleaved load rounds of ${opts.seconds} s per side, ${opts.reportRuns} interleaved runs per report\n`,
  );
  log(`| ${header.join(' | ')} |`);
  log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) log(`| ${row.join(' | ')} |`);
  return {
    generatedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, loadAverageAtEnd: os.loadavg() },
    options: opts,
    city: summary.city,
    page: {
      shape: {
        pensionAid: pageQuery(100, false),
        postgraphile: postgraphilePage,
        samePersons: summary.samePersons,
        sameSize: summary.sameShape,
      },
      connections: CONNECTIONS,
      rounds: opts.rounds,
      sides: Object.fromEntries([...load.keys()].map((name) => [name, side(name)])),
    },
    reports,
    import: importFigures,
    statements,
    scaling,
    profile: summary.profile,
    table: { header, rows },
    seconds: summary.seconds,
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
