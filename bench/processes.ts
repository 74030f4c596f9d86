import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/infrastructure/logger';
import { seedPersons } from '../src/modules/seed/seed-writer';
import { SyntheticCity } from '../src/modules/seed/synthetic-city';
import { signToken } from '../src/shared/auth';
import { sql } from '../src/shared/sql';
import { openBenchDatabase } from './bench-database';
import { runLoad, type LoadResult } from './lib/load';
import { pageQuery } from './lib/page-shape';
import { startPensionAidServer, type ChildServer } from './lib/processes';

// npm run bench:processes [-- --persons N] [--rounds R] [--seconds S] [--connections C] [--processes 1,2]
//
// Page throughput of pension-aid with PA_PROCESSES=1 and =2 (node:cluster) against one database: a seeded
// synthetic city in a throw-away embedded PostgreSQL, each server a child process (production mode), the
// bench's page shape (100 persons of a county and category with their entries) under autocannon, in
// interleaved rounds so that a neighbour's load hits both alike. Prints medians and the load average before
// and after, writes bench/results-processes.json.

const SECRET = 'bench-secret-0123456789abcdef-0123456789';
const YEAR = 2026;
const log = (line: string) => process.stdout.write(`${line}\n`);

function options() {
  const { values } = parseArgs({
    options: {
      persons: { type: 'string', default: '100000' },
      rounds: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '8' },
      connections: { type: 'string', default: '20' },
      processes: { type: 'string', default: '1,2' },
    },
    strict: true,
  });
  return {
    persons: Number(values.persons),
    rounds: Number(values.rounds),
    seconds: Number(values.seconds),
    connections: Number(values.connections),
    processes: values.processes!.split(',').map(Number),
  };
}

async function startServer(url: string, processes: number): Promise<ChildServer> {
  return startPensionAidServer({
    databaseUrl: url,
    secret: SECRET,
    name: `pension-aid x${processes}`,
    env: { PA_PROCESSES: String(processes) },
  });
}

const median = (values: number[]) => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)]!;
const loadAverage = () => os.loadavg().map((value) => Number(value.toFixed(2)));

async function main(): Promise<void> {
  const settings = options();
  const logger = createLogger('warn');
  const database = await openBenchDatabase({ logger, poolMax: 8 });
  const servers: ChildServer[] = [];
  try {
    const count = (await database.db.one<{ count: number }>(sql`select count(*)::int as count from person`))!.count;
    if (count < settings.persons) {
      log(`seeding ${settings.persons.toLocaleString('en')} persons...`);
      await seedPersons(database.db, new SyntheticCity(99, { year: YEAR, today: '2026-11-28' }), settings.persons - count);
      await database.db.rows(sql`vacuum analyze`);
    }
    for (const processes of settings.processes) servers.push(await startServer(database.url, processes));
    const token = signToken({ subject: 'bench', department: 'HRSS', county: null }, SECRET);
    const body = JSON.stringify({ query: pageQuery(100, false, YEAR) });
    const load = (server: ChildServer, seconds: number) =>
      runLoad({
        url: `http://127.0.0.1:${server.port}/graphql`,
        body,
        headers: { authorization: `Bearer ${token}` },
        connections: settings.connections,
        seconds,
      });
    // Warm-up: plans cached, pages in memory, every worker's JIT warm.
    for (const server of servers) await load(server, 3);
    const loadBefore = loadAverage();
    const results = new Map<number, LoadResult[]>(settings.processes.map((processes) => [processes, []]));
    for (let round = 0; round < settings.rounds; round++) {
      for (const [index, processes] of settings.processes.entries()) {
        const result = await load(servers[index]!, settings.seconds);
        if (result.errors > 0 || result.non2xx > 0) throw new Error(`x${processes}: ${result.errors} errors, ${result.non2xx} non-2xx`);
        results.get(processes)!.push(result);
        log(`round ${round + 1} PA_PROCESSES=${processes}: ${result.rps.toFixed(1)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`);
      }
    }
    const loadAfter = loadAverage();
    const figures = settings.processes.map((processes) => {
      const runs = results.get(processes)!;
      return {
        processes,
        rps: Number(median(runs.map((run) => run.rps)).toFixed(1)),
        p50Ms: median(runs.map((run) => run.p50Ms)),
        p99Ms: median(runs.map((run) => run.p99Ms)),
        rounds: runs.map((run) => Number(run.rps.toFixed(1))),
      };
    });
    const one = figures.find((figure) => figure.processes === 1);
    log('');
    log('processes   req/s (median)   p50 ms   p99 ms   vs 1 process');
    for (const figure of figures) {
      const ratio = one ? `${(figure.rps / one.rps).toFixed(2)}x` : '-';
      log(
        `${String(figure.processes).padEnd(11)} ${String(figure.rps).padEnd(16)} ${String(figure.p50Ms).padEnd(8)} ${String(figure.p99Ms).padEnd(8)} ${ratio}`,
      );
    }
    log(`load average (1, 5, 15 min) before: ${loadBefore.join(' ')}, after: ${loadAfter.join(' ')}; ${os.cpus().length} cores`);
    writeFileSync(
      path.join(__dirname, 'results-processes.json'),
      `${JSON.stringify(
        {
          measuredAt: new Date().toISOString(),
          cores: os.cpus().length,
          persons: settings.persons,
          connections: settings.connections,
          seconds: settings.seconds,
          shape: 'page: persons(first: 100, filter: county 530111, DIBAO) with roster entries, HRSS city level',
          loadAverageBefore: loadBefore,
          loadAverageAfter: loadAfter,
          figures,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    for (const server of servers) await server.stop();
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
