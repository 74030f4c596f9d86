import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openOrm } from '../../src/app/orm';
import { DatabaseQueryRunner } from '../../src/infrastructure/database/query-runner';
import { freePort } from '../../src/infrastructure/free-port';
import { signToken } from '../../src/shared/auth';
import { sql } from '../../src/shared/sql';
import { largeRosterCsv } from '../support/large-roster';
import { killLeftoverServers, startServerProcess, type ServerProcess } from '../support/server-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import type { MikroORM } from '@mikro-orm/postgresql';

// An import job outlives its server: the server is killed (SIGKILL) mid-job, started again on the same
// database, and the job completes with the right answer; nothing of the killed attempt is applied. Then the
// CLI (`npm run import`) against the running server.

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const SECRET = 'pension-aid-restart-test-secret-0123456789';
const ROWS = 120_000;

interface JobView {
  state: string;
  phase: string;
  rowsRead: number;
  attempts: number;
  httpStatus: number | null;
  result: Record<string, unknown> | null;
}

describe('an import job across a server crash', () => {
  let database: TestDatabase;
  let orm: MikroORM;
  let db: DatabaseQueryRunner;
  const folder = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-job-restart-'));
  const token = signToken({ subject: 'ca-wuhua', department: 'CIVIL_AFFAIRS', county: '530102' }, SECRET);
  let server: ServerProcess | null = null;

  const start = async () =>
    // node itself, not the tsx wrapper: SIGKILL must hit the process that runs the job, not a parent that leaves it running.
    startServerProcess(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      port: await freePort(),
      env: {
        DATABASE_URL: database.url,
        JWT_SECRET: SECRET,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        PA_IMPORT_JOB_HEARTBEAT_MS: '200',
        PA_IMPORT_JOB_STALE_SECONDS: '2',
        PA_UPLOAD_DIR: folder,
      },
    });

  const getJob = async (id: string): Promise<JobView> => {
    const response = await fetch(`http://127.0.0.1:${server!.port}/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as JobView;
  };

  const entriesIn = async (county: string) =>
    (await db.one<{ count: number }>(sql`select count(*)::int as count from roster_entry where county = ${county}`))!.count;

  beforeAll(async () => {
    database = await createTestDatabase(inject('adminUrl'), inject('templateDatabase'));
    orm = await openOrm(database.url, undefined, 2);
    db = DatabaseQueryRunner.over(orm);
  });

  afterAll(async () => {
    killLeftoverServers();
    await orm?.close(true);
    await database?.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('should complete a job, with the answer of an uninterrupted import, when its server is killed mid-job and started again', async () => {
    server = await start();
    const form = new FormData();
    for (const [name, value] of Object.entries({ category: 'DIBAO', county: '530102', asOf: '2024-03-31', async: 'true' }))
      form.set(name, value);
    form.set('file', new Blob([largeRosterCsv(ROWS)]), 'roster.csv');
    const submitted = await fetch(`http://127.0.0.1:${server.port}/rosters/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };

    let seen = await getJob(id);
    while (!(seen.state === 'RUNNING' && seen.phase === 'READING' && seen.rowsRead > 0)) {
      expect(seen.state).not.toBe('DONE');
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await getJob(id);
    }
    const killed = await server.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    server = null;
    // The killed attempt's transaction was rolled back with its connections: nothing half-applied.
    expect(await entriesIn('530102')).toBe(0);
    const orphan = await db.one<{ state: string; chunks: number }>(
      sql`select state, (select count(*)::int from import_job_chunk where job_id = ${id}) as chunks from import_job where id = ${id}`,
    );
    expect(orphan).toMatchObject({ state: 'RUNNING' });
    expect(orphan!.chunks).toBeGreaterThan(0);

    server = await start();
    const deadline = Date.now() + 180_000;
    let job = await getJob(id);
    while (job.state !== 'DONE' && job.state !== 'FAILED' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      job = await getJob(id);
    }
    expect(job, server.output()).toMatchObject({ state: 'DONE', httpStatus: 200, rowsRead: ROWS });
    expect(job.attempts).toBeGreaterThanOrEqual(2);
    expect(job.result).toMatchObject({
      added: ROWS,
      exited: 0,
      unchanged: 0,
      dryRun: false,
      alreadyApplied: false,
      rows: ROWS,
      problems: [],
    });
    expect(await entriesIn('530102')).toBe(ROWS);
  }, 300_000);

  it('should upload a file, draw a progress bar until the job is done and print its answer, when run as npm run import', async () => {
    server ??= await start();
    const file = path.join(folder, 'roster-530103.csv');
    writeFileSync(file, largeRosterCsv(20_000, '530103'));
    const writer = signToken({ subject: 'ca-panlong', department: 'CIVIL_AFFAIRS', county: '530103' }, SECRET);
    const run = spawn(
      TSX,
      [
        'src/cli/import.ts',
        file,
        '--category',
        'DIBAO',
        '--county',
        '530103',
        '--as-of',
        '2024-03-31',
        '--url',
        `http://127.0.0.1:${server.port}`,
        '--interval',
        '100',
      ],
      { cwd: ROOT, env: { ...process.env, PA_TOKEN: writer }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    run.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    run.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => run.once('close', resolve));
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/^job [0-9a-f-]{36}$/m);
    expect(stderr).toContain(`[${'#'.repeat(30)}] 100% 20,000 rows DONE`);
    expect(JSON.parse(stdout)).toMatchObject({ added: 20_000, exited: 0, unchanged: 0, dryRun: false, rows: 20_000 });
    expect(await entriesIn('530103')).toBe(20_000);
  }, 180_000);
});
