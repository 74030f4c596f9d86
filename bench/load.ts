import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/infrastructure/logger';
import { seedPersons } from '../src/modules/seed/seed-writer';
import { SyntheticCity } from '../src/modules/seed/synthetic-city';
import { signToken } from '../src/shared/auth';
import { IdNumber } from '../src/shared/id-number';
import { sql, type QueryRunner } from '../src/shared/sql';
import { openBenchDatabase } from './bench-database';
import { startPensionAidServer, type ChildServer } from './lib/processes';

// npm run load [-- --duration 60] [--persons 20000] [--connections 2]
//
// A bounded mixed load (issue 9 point 11) against a seeded server in production mode, started as bench/run.ts
// starts it (a child `node dist/src/main.js`, built first, over a throw-away embedded PostgreSQL): reads (a page of
// persons), reports (dispatchReport), roster submissions (submitRoster) and payments (recordProxyPayments,
// each with a key of its own), `--connections` each, for `--duration` seconds. Every acknowledged write is
// recorded and looked for in the database at the end. Prints throughput, p50/p99 per kind, errors and the
// check; exits 1 on any error or lost write.

const SECRET = 'load-secret-0123456789abcdef-0123456789';
const YEAR = 2026;
const TODAY = '2026-11-28';
const PAGE_COUNTY = '530111';
// Each roster connection submits the whole TEKUN list of a county of its own (whole-list semantics).
const ROSTER_COUNTIES = ['530102', '530103', '530112', '530113', '530114', '530115', '530124', '530125'];
const ROSTER_SIZE = 5;
const REPO = path.resolve(__dirname, '..');

const log = (line: string) => process.stdout.write(`${line}\n`);

type Kind = 'read' | 'report' | 'roster' | 'payment';
const KINDS: readonly Kind[] = ['read', 'report', 'roster', 'payment'];

interface Options {
  duration: number;
  persons: number;
  connections: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: { duration: { type: 'string' }, persons: { type: 'string' }, connections: { type: 'string' } },
    strict: true,
  });
  const read = (name: string, raw: string | undefined, fallback: number, min: number, max: number) => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
    return value;
  };
  return {
    duration: read('duration', values.duration, 60, 1, 3600),
    persons: read('persons', values.persons, 20_000, 100, 5_000_000),
    connections: read('connections', values.connections, 2, 1, ROSTER_COUNTIES.length),
  };
}

interface KindStats {
  latenciesMs: number[];
  errors: number;
  firstError: string | null;
}

interface AcknowledgedWrites {
  /** Payment keys (funder names, unique per payment) the server answered 1 for. */
  payments: Array<{ idNumber: string; funder: string }>;
  /** Submissions the server answered: the county and the ID numbers on the list. */
  rosters: Array<{ county: string; idNumbers: string[] }>;
}

async function post(port: number, token: string, query: string, variables: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: { data?: Record<string, unknown> | null; errors?: unknown[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
  }
  if (response.status !== 200 || body.errors || !body.data)
    throw new Error(`HTTP ${response.status}: ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
  return body.data;
}

const READ = `query LoadPersons($county: String!) { persons(first: 50, filter: { county: $county, category: DIBAO }) {
  totalCount edges { node { idNumber name birthDate pensionStatus rosterEntries { category county recognizedOn exitedOn } } } } }`;
const REPORT = `query LoadDispatch($month: String!) { dispatchReport(month: $month) { month total { all { persons eligible enrolled } } rows { county all { persons } } } }`;
const SUBMIT = `mutation LoadRoster($input: SubmitRosterInput!) { submitRoster(input: $input) { added exited unchanged } }`;
const PAY = `mutation LoadPayment($year: Int!, $payments: [PaymentInput!]!) { recordProxyPayments(year: $year, payments: $payments) }`;

/** A fresh ID number of the county for the n-th person a roster connection submits (born 1931-…, apart from the seeded city). */
function rosterIdNumber(county: string, worker: number, n: number): string {
  const serial = worker * 1_000_000 + n;
  const birth = new Date(Date.UTC(1931, 0, 1) + Math.floor(serial / 1000) * 86_400_000).toISOString().slice(0, 10);
  return IdNumber.compose(county, birth, serial % 1000).value;
}

interface Worker {
  kind: Kind;
  run(): Promise<void>;
}

function workers(port: number, payable: string[], connections: number, writes: AcknowledgedWrites): Worker[] {
  const hrss = signToken({ subject: 'load-hrss', department: 'HRSS', county: null }, SECRET);
  const civilAffairs = signToken({ subject: 'load-civil-affairs', department: 'CIVIL_AFFAIRS', county: null }, SECRET);
  const list: Worker[] = [];
  for (let worker = 0; worker < connections; worker++) {
    list.push({ kind: 'read', run: () => post(port, hrss, READ, { county: PAGE_COUNTY }).then(() => undefined) });
    list.push({ kind: 'report', run: () => post(port, hrss, REPORT, { month: '2026-11' }).then(() => undefined) });
    const county = ROSTER_COUNTIES[worker]!;
    let submitted = 0;
    list.push({
      kind: 'roster',
      run: async () => {
        const idNumbers = Array.from({ length: ROSTER_SIZE }, () => rosterIdNumber(county, worker, submitted++));
        const entries = idNumbers.map((idNumber, index) => ({ idNumber, name: `载荷${index}`, recognizedOn: '2026-01-15' }));
        const data = (await post(port, civilAffairs, SUBMIT, { input: { category: 'TEKUN', county, asOf: TODAY, entries } })) as {
          submitRoster: { added: number };
        };
        if (data.submitRoster.added !== ROSTER_SIZE) throw new Error(`submitRoster added ${data.submitRoster.added}, not ${ROSTER_SIZE}`);
        writes.rosters.push({ county, idNumbers });
      },
    });
    let paid = 0;
    list.push({
      kind: 'payment',
      run: async () => {
        const n = paid++;
        const idNumber = payable[(worker * 7919 + n) % payable.length]!;
        const funder = `load-${worker}-${n}`;
        const data = (await post(port, hrss, PAY, {
          year: YEAR,
          payments: [{ idNumber, amount: '10.00', paidOn: '2026-11-20', funder }],
        })) as { recordProxyPayments: number };
        if (data.recordProxyPayments !== 1) throw new Error(`recordProxyPayments booked ${data.recordProxyPayments}, not 1`);
        writes.payments.push({ idNumber, funder });
      },
    });
  }
  return list;
}

async function drive(list: Worker[], seconds: number): Promise<Record<Kind, KindStats>> {
  const stats = Object.fromEntries(
    KINDS.map((kind): [Kind, KindStats] => [kind, { latenciesMs: [], errors: 0, firstError: null }]),
  ) as Record<Kind, KindStats>;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    list.map(async (worker) => {
      while (performance.now() < deadline) {
        const started = performance.now();
        try {
          await worker.run();
          stats[worker.kind].latenciesMs.push(performance.now() - started);
        } catch (error) {
          stats[worker.kind].errors++;
          stats[worker.kind].firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  return stats;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

/** Every acknowledged write, looked for in the database; returns how many are missing. */
async function lostWrites(
  db: QueryRunner,
  writes: AcknowledgedWrites,
): Promise<{ payments: number; rosters: number; rosterPersons: number }> {
  const booked = await db.rows<{ funder: string; idNumber: string }>(sql`
    select payment.funder, person.id_number as "idNumber" from proxy_payment payment join person on person.id = payment.person_id
    where payment.year = ${YEAR} and payment.funder like 'load-%'`);
  const bookedKeys = new Set(booked.map((row) => `${row.idNumber}|${row.funder}`));
  const payments = writes.payments.filter((write) => !bookedKeys.has(`${write.idNumber}|${write.funder}`)).length;
  const listed = await db.rows<{ county: string; idNumber: string }>(sql`
    select entry.county::text as county, person.id_number as "idNumber" from roster_entry entry join person on person.id = entry.person_id
    where entry.category = 'TEKUN' and entry.county = any(${ROSTER_COUNTIES}::text[]) and entry.recognized_on = date '2026-01-15'`);
  const listedKeys = new Set(listed.map((row) => `${row.county}|${row.idNumber}`));
  let rosterPersons = 0;
  let rosters = 0;
  for (const write of writes.rosters) {
    const missing = write.idNumbers.filter((idNumber) => !listedKeys.has(`${write.county}|${idNumber}`)).length;
    rosterPersons += missing;
    if (missing > 0) rosters++;
  }
  return { payments, rosters, rosterPersons };
}

async function main(): Promise<void> {
  const settings = options();
  const logger = createLogger('warn');
  const loadBefore = os.loadavg();
  log(
    `npm run load: ${settings.duration} s, ${settings.persons.toLocaleString('en')} persons, ${settings.connections} connection(s) per kind`,
  );
  const database = await openBenchDatabase({ logger, externalUrl: process.env.BENCH_DATABASE_URL, poolMax: 4 });
  let server: ChildServer | null = null;
  try {
    const started = Date.now();
    await seedPersons(database.db, new SyntheticCity(99, { year: YEAR, today: TODAY }), settings.persons);
    await database.db.rows(sql`vacuum analyze`);
    log(`  seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const payable = (
      await database.db.rows<{ idNumber: string }>(sql`select id_number as "idNumber" from person order by id limit 5000`)
    ).map((row) => row.idNumber);
    server = await startPensionAidServer({ databaseUrl: database.url, secret: SECRET, cwd: REPO });
    const port = server.port;
    const writes: AcknowledgedWrites = { payments: [], rosters: [] };
    const runStarted = performance.now();
    const stats = await drive(workers(port, payable, settings.connections, writes), settings.duration);
    const elapsed = (performance.now() - runStarted) / 1000;
    await server.stop();
    server = null;
    const lost = await lostWrites(database.db, writes);
    const loadAfter = os.loadavg();

    log('');
    log('kind      requests   per s    p50 ms    p99 ms  errors');
    let total = 0;
    let errors = 0;
    for (const kind of KINDS) {
      const { latenciesMs, errors: failed } = stats[kind];
      const sorted = [...latenciesMs].sort((left, right) => left - right);
      total += latenciesMs.length;
      errors += failed;
      log(
        `${kind.padEnd(8)} ${String(latenciesMs.length).padStart(9)} ${(latenciesMs.length / elapsed).toFixed(1).padStart(7)} ${percentile(sorted, 0.5).toFixed(1).padStart(9)} ${percentile(sorted, 0.99).toFixed(1).padStart(9)} ${String(failed).padStart(7)}`,
      );
    }
    log(`all      ${String(total).padStart(9)} ${(total / elapsed).toFixed(1).padStart(7)}   in ${elapsed.toFixed(1)} s`);
    for (const kind of KINDS) if (stats[kind].firstError) log(`first ${kind} error: ${stats[kind].firstError}`);
    log(
      `writes acknowledged: ${writes.payments.length} payments, ${writes.rosters.length} roster submissions (${writes.rosters.length * ROSTER_SIZE} persons)`,
    );
    log(`writes missing in the database: ${lost.payments} payments, ${lost.rosters} roster submissions (${lost.rosterPersons} persons)`);
    log(`load average (1 min) before ${loadBefore[0]!.toFixed(2)}, after ${loadAfter[0]!.toFixed(2)}; ${os.cpus().length} cores`);
    const failed = errors > 0 || lost.payments > 0 || lost.rosters > 0 || writes.payments.length === 0 || writes.rosters.length === 0;
    log(failed ? 'FAILED: errors, lost writes or no writes at all' : 'OK: no errors, every acknowledged write is in the database');
    process.exitCode = failed ? 1 : 0;
  } finally {
    await server?.stop();
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run load failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
