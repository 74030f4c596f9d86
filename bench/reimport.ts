import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/infrastructure/free-port';
import { createLogger } from '../src/infrastructure/logger';
import { signToken } from '../src/shared/auth';
import { sql } from '../src/shared/sql';
import { openBenchDatabase } from './bench-database';
import {
  hashAndLookup,
  startUploadFloorServer,
  uploadRoster,
  writeRosterCsv,
  type RosterTarget,
  type UploadFloorServer,
} from './lib/import-case';
import { buildServer, SERVER_NODE_FLAGS, startChildServer } from './lib/processes';

// Issue 11: the cost of importing an unchanged roster file again, against two floors: read + hash the file
// and look the hash up in this process (no upload at all), and the same upload to a bare Node server that
// hashes the file part and runs the same lookup (startUploadFloorServer). "Full work" is the same upload
// after a statement that writes no roster entry but raises roster_entry_version: the path every repeated
// file took before the short cut.
// Usage: nice -n 10 npx tsx bench/reimport.ts [rows=100000] [runs=5]

const SECRET = 'bench-secret-0123456789abcdef-0123456789';
const REPO = path.resolve(__dirname, '..');

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 100_000);
  const runs = Number(process.argv[3] ?? 5);
  const logger = createLogger('warn');
  const database = await openBenchDatabase({ logger, poolMax: 2 });
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-reimport-'));
  const port = await freePort();
  buildServer(REPO);
  const server = await startChildServer({
    name: 'pension-aid',
    command: process.execPath,
    args: [...SERVER_NODE_FLAGS, 'dist/src/main.js'],
    cwd: REPO,
    env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: database.url, PORT: String(port), JWT_SECRET: SECRET, LOG_LEVEL: 'warn' },
    port,
    readyPath: '/readyz',
  });
  let uploadFloorServer: UploadFloorServer | null = null;
  try {
    uploadFloorServer = await startUploadFloorServer(database.url);
    const floorPort = uploadFloorServer.port;
    const token = signToken({ subject: 'bench', department: 'CIVIL_AFFAIRS', county: null }, SECRET);
    const csv = path.join(scratch, 'roster.csv');
    await writeRosterCsv(csv, rows);
    const target: RosterTarget = { category: 'DIBAO', county: '530102', asOf: '2026-11-01' };
    const firstMs = await timed(async () =>
      process.stdout.write(`first import: ${JSON.stringify(await uploadRoster(port, token, csv, target))}`),
    );
    process.stdout.write(` in ${firstMs.toFixed(0)} ms\n`);
    const kept = await database.db.rows(sql`
      select submission.id, submission.entries_version as "entriesVersion", version.version, submission.outcome is not null as "kept",
             submission.as_of::text as "asOf", length(submission.file_hash) as "hashLength"
      from roster_submission submission, roster_entry_version version order by submission.id desc limit 1`);
    process.stdout.write(`kept: ${JSON.stringify(kept)}\n`);
    const full: number[] = [];
    const short: number[] = [];
    const floor: number[] = [];
    const uploadFloor: number[] = [];
    const answers = new Set<string>();
    const floorAnswers = new Set<string>();
    // Short cut and floors interleaved; then one statement that writes no roster entry raises the version
    // for good (a repeated file is only dry-run, so nothing records a new one) and the full work is timed.
    for (let run = 0; run < runs; run++) {
      short.push(await timed(async () => answers.add(JSON.stringify(await uploadRoster(port, token, csv, target)))));
      floor.push(
        await timed(() =>
          hashAndLookup(csv, (hash) =>
            database.db.rows(sql`select id from roster_submission where file_hash = ${hash} order by id desc limit 1`),
          ),
        ),
      );
      uploadFloor.push(await timed(async () => floorAnswers.add(JSON.stringify(await uploadRoster(floorPort, token, csv, target)))));
    }
    await database.db.execute(sql`update roster_entry set exited_on = exited_on where false`);
    for (let run = 0; run < runs; run++) {
      full.push(await timed(async () => answers.add(JSON.stringify(await uploadRoster(port, token, csv, target)))));
    }
    // Upload alone: the same file with a category the route refuses after receiving it.
    const uploadOnly: number[] = [];
    for (let run = 0; run < runs; run++)
      uploadOnly.push(await timed(() => uploadRoster(port, token, csv, { ...target, category: 'NONE' })));
    process.stdout.write(
      `  upload received and refused (no import): ${median(uploadOnly).toFixed(0)} ms  [${uploadOnly.map((ms) => ms.toFixed(0)).join(', ')}]\n`,
    );
    const [one, five, fifteen] = os.loadavg();
    process.stdout.write(
      [
        `rows ${rows}, ${runs} interleaved runs, medians:`,
        `  full work (before): ${median(full).toFixed(0)} ms  [${full.map((ms) => ms.toFixed(0)).join(', ')}]`,
        `  short cut (after):  ${median(short).toFixed(0)} ms  [${short.map((ms) => ms.toFixed(0)).join(', ')}]`,
        `  floor (read + hash + lookup): ${median(floor).toFixed(0)} ms  [${floor.map((ms) => ms.toFixed(0)).join(', ')}]`,
        `  upload floor (same upload to a bare Node server + hash + lookup): ${median(uploadFloor).toFixed(0)} ms  [${uploadFloor.map((ms) => ms.toFixed(0)).join(', ')}]`,
        `  short cut / floor: ${(median(short) / median(floor)).toFixed(2)}x; short cut / upload floor: ${(median(short) / median(uploadFloor)).toFixed(2)}x; full / short: ${(median(full) / median(short)).toFixed(1)}x`,
        `  answers: ${[...answers].join(' | ')}`,
        `  upload floor answers: ${[...floorAnswers].join(' | ')}`,
        `  load average: ${one!.toFixed(2)} ${five!.toFixed(2)} ${fifteen!.toFixed(2)} (${os.cpus().length} cores)`,
      ].join('\n') + '\n',
    );
  } finally {
    await uploadFloorServer?.close();
    await server.stop();
    await database.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
