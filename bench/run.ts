import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/infrastructure/logger';
import { createServer } from '../src/app/server';
import { DEFAULT_PRECEDENCE } from '../src/modules/eligibility/domain/precedence';
import { seedPersons } from '../src/modules/seed/seed-writer';
import { SyntheticCity } from '../src/modules/seed/synthetic-city';
import { signToken } from '../src/shared/auth';
import { sql } from '../src/shared/sql';
import { openBenchDatabase, medianMs } from './bench-database';
import { BENCH_CASES, type BenchCase } from './cases';

// npm run bench [-- --persons 100000 --runs 15]
// Seeds a synthetic city in a throw-away embedded PostgreSQL (or BENCH_DATABASE_URL), then times each case
// through GraphQL over HTTP and the raw SQL that does the same work, in the same run, and prints the ratio.

const SECRET = 'bench-secret-0123456789abcdef';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { persons: { type: 'string', default: '100000' }, runs: { type: 'string', default: '15' } } });
  const persons = Number(values.persons);
  const runs = Number(values.runs);
  const logger = createLogger('warn');
  const { db, close } = await openBenchDatabase({ logger, externalUrl: process.env.BENCH_DATABASE_URL, port: 55990 });
  const existing = (await db.one<{ count: number }>(sql`select count(*)::int as count from person`))!.count;
  if (existing < persons) {
    const started = Date.now();
    await seedPersons(db, new SyntheticCity(99 + existing, { year: 2026, today: '2026-11-28' }), persons - existing);
    await db.rows(sql`analyze`);
    process.stdout.write(`seeded ${persons - existing} persons in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const server = await createServer({
    services: { db, settings: { precedence: DEFAULT_PRECEDENCE }, logger, clock: () => new Date('2026-11-28T04:00:00Z') },
    jwtSecret: SECRET,
    production: true,
    // Timing runs send hundreds of requests a minute from one token: the rate limit would be measured instead.
    protections: { rateLimits: null },
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
    const api = await medianMs(runs, () => graphql(benchCase));
    const raw = await medianMs(runs, () => benchCase.rawSql(db));
    process.stdout.write(
      `${benchCase.name.padEnd(44)} ${api.toFixed(1).padStart(9)} ${raw.toFixed(1).padStart(9)} ${(api / raw).toFixed(2).padStart(7)}\n`,
    );
  }

  await server.stop();
  await close();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
