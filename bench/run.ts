import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDatabase } from '../src/app/database';
import { startEmbeddedPostgres } from '../src/app/embedded-postgres';
import { createLogger } from '../src/app/logger';
import { migrate, openOrm } from '../src/app/orm';
import { createServer } from '../src/app/server';
import { SqlPool } from '../src/app/sql-pool';
import { DEFAULT_PRECEDENCE } from '../src/modules/eligibility/domain/precedence';
import { seedPersons } from '../src/modules/seed/seed-writer';
import { SyntheticCity } from '../src/modules/seed/synthetic-city';
import { signToken } from '../src/shared/auth';
import { sql } from '../src/shared/sql';
import { BENCH_CASES, type BenchCase } from './cases';

// npm run bench [-- --persons 100000 --runs 15]
// Seeds a synthetic city in a throw-away embedded PostgreSQL (or BENCH_DATABASE_URL), then times each case
// through GraphQL over HTTP and the raw SQL that does the same work, in the same run, and prints the ratio.

const SECRET = 'bench-secret-0123456789abcdef';

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(runs: number, work: () => Promise<void>): Promise<number> {
  await work(); // warm-up: plans cached, pages in memory
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    await work();
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(samples);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { persons: { type: 'string', default: '100000' }, runs: { type: 'string', default: '15' } } });
  const persons = Number(values.persons);
  const runs = Number(values.runs);
  const logger = createLogger('warn');
  let dataDir: string | null = null;
  let stopEmbedded = async () => undefined as void;
  let url = process.env.BENCH_DATABASE_URL ?? '';
  if (!url) {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-bench-'));
    const embedded = await startEmbeddedPostgres(dataDir, 55990, logger);
    await ensureDatabase(embedded.adminUrl, 'pension_aid_bench');
    url = embedded.urlFor('pension_aid_bench');
    stopEmbedded = () => embedded.stop();
  }
  const orm = await openOrm(url, logger, 4);
  await migrate(orm);
  const db = new SqlPool(url, 8);
  const existing = (await db.one<{ count: number }>(sql`select count(*)::int as count from person`))!.count;
  if (existing < persons) {
    const started = Date.now();
    await seedPersons(db, new SyntheticCity(99 + existing, { year: 2026, today: '2026-11-28' }), persons - existing);
    await db.rows(sql`analyze`);
    process.stdout.write(`seeded ${persons - existing} persons in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const server = await createServer({
    services: { em: orm.em, db, settings: { precedence: DEFAULT_PRECEDENCE }, logger, clock: () => new Date('2026-11-28T04:00:00Z') },
    jwtSecret: SECRET,
    production: true,
  });
  await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.httpServer.address() as AddressInfo).port;
  const token = signToken({ subject: 'bench', department: 'HRSS', county: null }, SECRET);

  const graphql = async (benchCase: BenchCase) => {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: benchCase.query, variables: benchCase.variables ?? {} }),
    });
    const body = (await response.json()) as { errors?: unknown[] };
    if (body.errors) throw new Error(`${benchCase.name}: ${JSON.stringify(body.errors).slice(0, 500)}`);
  };

  process.stdout.write(`\n${persons.toLocaleString('en')} persons, median of ${runs} runs (ms)\n`);
  process.stdout.write(`${'case'.padEnd(44)} ${'GraphQL'.padStart(9)} ${'raw SQL'.padStart(9)} ${'ratio'.padStart(7)}\n`);
  for (const benchCase of BENCH_CASES) {
    const api = await time(runs, () => graphql(benchCase));
    const raw = await time(runs, async () => {
      await benchCase.rawSql(db);
    });
    process.stdout.write(`${benchCase.name.padEnd(44)} ${api.toFixed(1).padStart(9)} ${raw.toFixed(1).padStart(9)} ${(api / raw).toFixed(2).padStart(7)}\n`);
  }

  await server.stop();
  await db.close();
  await orm.close(true);
  await stopEmbedded();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
