import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { execute, parse, type GraphQLSchema } from 'graphql';
import { createRequestContext, type AppServices } from '../src/app/context';
import { openBenchDatabase } from './bench-database';
import { createLogger } from '../src/infrastructure/logger';
import { buildBaseSchema } from '../src/app/schema';
import { applyShield } from '../src/app/shield';
import { AuditLog } from '../src/modules/audit/audit-log';
import { recordPersonReads } from '../src/modules/audit/person-reads';
import { DEFAULT_PRECEDENCE } from '../src/modules/eligibility/domain/precedence';
import type { Viewer } from '../src/shared/auth';
import { IdNumber } from '../src/shared/id-number';
import { sql, type QueryRunner } from '../src/shared/sql';

// What the access machinery costs on a persons page of 500 with nested fields:
//   no shield | shield on every field | shield without redundant rules (served) | served + audit.
// Executes the schema directly (no HTTP), same database and data for every variant, interleaved runs.
// Usage: npm run -s bench:access [-- iterations]    (BENCH_PG_PORT picks the embedded PostgreSQL port)

const ITERATIONS = Number(process.argv[2] ?? 40);
const PERSONS = 1500;
const QUERY = parse(`{ persons(first: 500) { totalCount edges { cursor node {
  idNumber name gender birthDate county disabilityLevel pensionStatus
  rosterEntries { category county recognizedOn exitedOn } } } } }`);

async function seed(db: QueryRunner): Promise<void> {
  const counties = ['530102', '530103', '530111', '530112'];
  const categories = ['DIBAO', 'TEKUN', 'RETURNED_POVERTY'] as const;
  const people = Array.from({ length: PERSONS }, (_, index) => {
    const id = IdNumber.compose('530102', `19${60 + (index % 40)}-0${1 + (index % 9)}-1${index % 10}`, index % 1000);
    return sql`(${id.value}, ${`测试${index}`}, ${id.gender}, ${id.birthDate}, ${index % 7 === 0 ? 3 : null}, ${index % 3 === 0 ? 'CONTRIBUTING' : 'NOT_ENROLLED'})`;
  });
  const inserted = await db.rows<{ id: number }>(
    sql`insert into person (id_number, name, gender, birth_date, disability_level, pension_status) values ${sql.join(people, ', ')} on conflict do nothing returning id`,
  );
  const entries = inserted.flatMap(({ id }, index) => {
    const first = sql`(${id}, ${categories[index % 3]}, ${counties[index % 4]}, '2020-01-01', null, 'CIVIL_AFFAIRS')`;
    return index % 4 === 0
      ? [first, sql`(${id}, 'RETURNED_POVERTY', ${counties[(index + 1) % 4]}, '2021-06-01', '2023-01-01', 'RURAL_REVITALIZATION')`]
      : [first];
  });
  await db.rows(
    sql`insert into roster_entry (person_id, category, county, recognized_on, exited_on, source_department) values ${sql.join(entries, ', ')}`,
  );
}

interface Variant {
  name: string;
  schema: GraphQLSchema;
  audit: AuditLog | null;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  const logger = createLogger('warn');
  const { db, close } = await openBenchDatabase({ logger, port: Number(process.env.BENCH_PG_PORT ?? 55731), poolMax: 10 });
  try {
    await seed(db);
    const services: AppServices = {
      db,
      settings: { precedence: DEFAULT_PRECEDENCE },
      logger,
      clock: () => new Date('2024-06-15T04:00:00Z'),
    };
    const base = await buildBaseSchema();
    const audit = new AuditLog(db, logger, { flushIntervalMs: 3_600_000, batchSize: 1_000_000 });
    const variants: Variant[] = [
      { name: 'no shield', schema: base, audit: null },
      { name: 'shield, every field wrapped', schema: applyShield(base, { skipRedundant: false }), audit: null },
      { name: 'shield, redundant rules skipped', schema: applyShield(base), audit: null },
      { name: 'served: skipped rules + audit', schema: applyShield(recordPersonReads(base)), audit },
    ];
    const viewers: Viewer[] = [
      { subject: 'bench', department: 'HRSS', county: null },
      { subject: 'bench', department: 'CIVIL_AFFAIRS', county: null },
    ];
    for (const viewer of viewers) {
      const timings = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
      for (let round = 0; round < ITERATIONS + 5; round++) {
        // Rotate the order each round so that no variant always pays for the garbage of the one before.
        for (const variant of variants.map((_, index) => variants[(index + round) % variants.length]!)) {
          const context = createRequestContext(services, viewer, null);
          const started = performance.now();
          const result = await execute({ schema: variant.schema, document: QUERY, contextValue: context });
          if (variant.audit && context.personReads.personIds.size > 0) {
            // What the plugin does at willSendResponse: append to the buffer.
            variant.audit.record({
              at: new Date(),
              subject: viewer.subject,
              department: viewer.department,
              county: viewer.county,
              action: 'READ',
              operation: 'bench',
              personIds: [...context.personReads.personIds],
              details: null,
            });
          }
          const elapsed = performance.now() - started;
          if (result.errors) throw new Error(`${variant.name}: ${result.errors[0]!.message}`);
          const edges = (result.data as { persons: { edges: unknown[] } }).persons.edges.length;
          if (edges !== 500) throw new Error(`${variant.name}: expected 500 edges, got ${edges}`);
          if (round >= 5) timings.get(variant.name)!.push(elapsed);
        }
      }
      process.stdout.write(`\n${viewer.department} city, persons(first: 500) with county and rosterEntries, ${ITERATIONS} runs each:\n`);
      for (const [name, values] of timings) {
        const sorted = [...values].sort((left, right) => left - right);
        process.stdout.write(
          `  ${name.padEnd(34)} median ${quantile(sorted, 0.5).toFixed(1).padStart(6)} ms   p90 ${quantile(sorted, 0.9).toFixed(1).padStart(6)} ms\n`,
        );
      }
    }
    const pending = audit.pending;
    const flushStarted = performance.now();
    await audit.close();
    process.stdout.write(
      `\naudit flush (after the responses): ${pending} READ events of 500 persons each in ${(performance.now() - flushStarted).toFixed(1)} ms (one INSERT)\n`,
    );
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
