import type { QueryRunner } from '../src/shared/sql';
import 'reflect-metadata';
import { openBenchDatabase } from './bench-database';
import { createLogger } from '../src/infrastructure/logger';
import { DEFAULT_PRECEDENCE } from '../src/modules/eligibility/domain/precedence';
import { RosterRowChecker, type StagedRosterRow } from '../src/modules/rosters/domain/roster-row';
import {
  createRosterStaging,
  findStagedDuplicates,
  insertStagedRows,
  mergeStagedRoster,
} from '../src/modules/rosters/roster-merge.queries';
import type { Problem } from '../src/shared/errors';
import { IdNumber } from '../src/shared/id-number';

// Times the whole-list merge on a large roster, generating rows batch by batch as a file import would.
// Usage: npx tsx bench/roster-merge.ts [rows=200000] [port=55732]

const ROWS = Number(process.argv[2] ?? 200_000);
const PORT = Number(process.argv[3] ?? 55732);
const BATCH = 5_000;
const BASE_DAY = Date.UTC(1950, 0, 1);

function idNumberFor(index: number): string {
  const day = new Date(BASE_DAY + (index % 18_000) * 86_400_000).toISOString().slice(0, 10);
  return IdNumber.compose('530102', day, Math.floor(index / 18_000)).value;
}

let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

async function submit(db: QueryRunner, offset: number, dryRun: boolean) {
  const started = Date.now();
  const result = await db.transaction(async (client) => {
    await createRosterStaging(client);
    const checker = new RosterRowChecker({ asOf: '2024-06-30', fieldPrefix: '', trackDuplicates: false });
    const problems: Problem[] = [];
    for (let start = 0; start < ROWS; start += BATCH) {
      const rows: StagedRosterRow[] = [];
      for (let index = start; index < Math.min(start + BATCH, ROWS); index++) {
        const row = checker.check(
          { idNumber: idNumberFor(index + offset), name: `人员${index}`, recognizedOn: '2024-01-01' },
          index + 2,
          problems,
        );
        if (row) rows.push(row);
      }
      await insertStagedRows(client, rows);
      sample();
    }
    if (problems.length > 0) throw new Error(`${problems.length} problems, first: ${problems[0]!.message}`);
    // duplicates are found in SQL, so Node holds one batch at a time
    const duplicates = await findStagedDuplicates(client);
    if (duplicates.length > 0) throw new Error(`${duplicates.length} duplicate ID numbers`);
    const stagedAt = Date.now();
    const merged = await mergeStagedRoster(
      client,
      {
        category: 'DIBAO',
        county: '530102',
        asOf: '2024-06-30',
        viewer: { subject: 'bench', department: 'CIVIL_AFFAIRS', county: null },
        fileHash: null,
        dryRun,
      },
      DEFAULT_PRECEDENCE,
    );
    sample();
    return { ...merged, conflicts: merged.conflicts.length, stagingMs: stagedAt - started, mergeMs: Date.now() - stagedAt };
  });
  return { ...result, totalMs: Date.now() - started };
}

async function main(): Promise<void> {
  const logger = createLogger('warn');
  const { db, close } = await openBenchDatabase({ logger, port: PORT, poolMax: 2 });
  try {
    console.log(`rows: ${ROWS}`);
    console.log('first submission (all new):', await submit(db, 0, false));
    // 10% leave, 10% arrive
    const shift = Math.floor(ROWS / 10);
    console.log('dry run of the next list:', await submit(db, shift, true));
    console.log('next list (10% changed):', await submit(db, shift, false));
    console.log('same list again:', await submit(db, shift, false));
    console.log(`peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB`);
  } finally {
    await close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
