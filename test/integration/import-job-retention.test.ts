import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_IMPORT_LIMITS } from '../../src/infrastructure/http/file-routes';
import { sql } from '../../src/shared/sql';
import { insertImportJob, insertImportJobChunk } from '../../src/modules/jobs/import-jobs.queries';
import { anIdNumber } from '../factories/person.factory';
import { utf8Csv } from '../support/exchange-files';
import { ROSTER_HEADER } from '../support/large-roster';
import { startTestApp, type TestApp } from '../support/test-app';

// Finished import jobs (their rows, answers and problem lists, which name persons) are kept
// PA_IMPORT_JOB_RETENTION_DAYS after they finish, then purged by the worker's periodic sweep, with any
// temp file a crashed attempt left behind. Jobs still queued or running are never purged, nor is the audit log.

const RETENTION_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

describe('import job retention', () => {
  let app: TestApp;
  let clerk: string;
  let temporaryDirectory: string;

  beforeAll(async () => {
    temporaryDirectory = await mkdtemp(path.join(os.tmpdir(), 'pa-job-retention-'));
    app = await startTestApp({
      now: new Date('2024-06-15T04:00:00Z'),
      importLimits: { ...DEFAULT_IMPORT_LIMITS, temporaryDirectory },
      importJobs: {
        asyncFromBytes: 50_000,
        heartbeatMs: 100,
        staleSeconds: 30,
        pollingSeconds: 0.5,
        expireSeconds: 3600,
        retryLimit: 1,
        retentionDays: RETENTION_DAYS,
        purgeEverySeconds: 0.2,
      },
    });
    clerk = app.token('CIVIL_AFFAIRS', '530102', 'ca-wuhua');
  });

  afterAll(async () => {
    await app?.close();
    await rm(temporaryDirectory, { recursive: true, force: true });
  });

  const importAsJob = async (rows: string[][]): Promise<string> => {
    const response = await app
      .http()
      .post('/rosters/import')
      .set('authorization', `Bearer ${clerk}`)
      .field('category', 'DIBAO')
      .field('county', '530102')
      .field('asOf', '2024-03-31')
      .field('async', 'true')
      .attach('file', utf8Csv([ROSTER_HEADER, ...rows]), 'roster.csv');
    expect(response.status).toBe(202);
    const id = response.body.id as string;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const job = await app.http().get(`/jobs/${id}`).set('authorization', `Bearer ${clerk}`);
      expect(job.status).toBe(200);
      if (job.body.state === 'DONE' || job.body.state === 'FAILED') return id;
      if (Date.now() > deadline) throw new Error(`job ${id} did not finish`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  /** A job row with its file, as a submission leaves it, in `state`, submitted `daysAgo`. */
  const storedJob = async (state: 'QUEUED' | 'RUNNING', daysAgo: number): Promise<string> => {
    const id = randomUUID();
    await insertImportJob(app.db, {
      id,
      kind: 'roster',
      submittedBy: 'ca-wuhua',
      department: 'CIVIL_AFFAIRS',
      submitterCounty: '530102',
      fields: { category: 'DIBAO', county: '530102', asOf: '2024-03-31' },
      filename: 'roster.csv',
      bytes: 3,
      sha256: '0'.repeat(64),
    });
    await insertImportJobChunk(app.db, id, 0, Buffer.from('abc'));
    await app.db.execute(sql`update import_job set state = ${state}, submitted_at = now() - make_interval(days => ${daysAgo}),
        started_at = case when ${state} = 'RUNNING' then now() - make_interval(days => ${daysAgo}) end,
        heartbeat_at = case when ${state} = 'RUNNING' then now() end
      where id = ${id}`);
    return id;
  };

  const finishedDaysAgo = (id: string, days: number) =>
    app.db.execute(sql`update import_job set finished_at = clock_timestamp() - make_interval(days => ${days}) where id = ${id}`);
  const jobExists = async (id: string) =>
    (await app.db.one<{ count: number }>(sql`select count(*)::int as count from import_job where id = ${id}`))!.count === 1;
  const chunkCount = async (id: string) =>
    (await app.db.one<{ count: number }>(sql`select count(*)::int as count from import_job_chunk where job_id = ${id}`))!.count;
  const agedAuditEvents = async () =>
    (await app.db.one<{ count: number }>(sql`select count(*)::int as count from audit_event where at < now() - interval '399 days'`))!
      .count;

  const until = async (what: string, check: () => Promise<boolean>) => {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('should purge finished jobs past the retention with their files, and keep younger, queued and running ones and the audit log', async () => {
    const oldDone = await importAsJob([[anIdNumber(), '旧甲', '', '2024-01-05']]);
    const oldFailed = await importAsJob([['123', '坏号', '', '2024-01-05']]);
    const youngDone = await importAsJob([[anIdNumber(), '新乙', '', '2024-01-05']]);
    expect((await app.http().get(`/jobs/${oldFailed}`).set('authorization', `Bearer ${clerk}`)).body.state).toBe('FAILED');
    const queued = await storedJob('QUEUED', 90);
    const running = await storedJob('RUNNING', 90);
    // A file a crashed attempt left behind, one of an attempt still under way, and a file that is not a job's.
    const leftOver = path.join(temporaryDirectory, `pension-aid-job-${randomUUID()}`);
    const current = path.join(temporaryDirectory, `pension-aid-job-${randomUUID()}`);
    const other = path.join(temporaryDirectory, 'notes.txt');
    for (const file of [leftOver, current, other]) await writeFile(file, 'x');
    const longAgo = new Date(Date.now() - (RETENTION_DAYS + 1) * DAY_MS);
    await utimes(leftOver, longAgo, longAgo);
    await utimes(other, longAgo, longAgo);
    await app.db.execute(sql`update audit_event set at = now() - interval '400 days'`);
    const agedBefore = await agedAuditEvents();
    expect(agedBefore).toBeGreaterThan(0);

    await finishedDaysAgo(oldDone, RETENTION_DAYS + 1);
    await finishedDaysAgo(oldFailed, RETENTION_DAYS + 5);
    await finishedDaysAgo(youngDone, RETENTION_DAYS - 1);

    await until('the old jobs to be purged', async () => !(await jobExists(oldDone)) && !(await jobExists(oldFailed)));
    await until(
      'the left-over temp file to be removed',
      async () => !(await readdir(temporaryDirectory)).includes(path.basename(leftOver)),
    );
    expect((await app.http().get(`/jobs/${oldDone}`).set('authorization', `Bearer ${clerk}`)).status).toBe(404);
    expect(await jobExists(youngDone)).toBe(true);
    expect((await app.http().get(`/jobs/${youngDone}`).set('authorization', `Bearer ${clerk}`)).body.state).toBe('DONE');
    expect(await jobExists(queued)).toBe(true);
    expect(await jobExists(running)).toBe(true);
    expect(await chunkCount(queued)).toBe(1);
    expect(await chunkCount(running)).toBe(1);
    expect((await readdir(temporaryDirectory)).sort()).toEqual([path.basename(current), 'notes.txt'].sort());
    expect(await agedAuditEvents()).toBe(agedBefore);
  }, 90_000);

  it('should purge the stored file of a finished job past the retention whose pieces were left behind', async () => {
    const done = await importAsJob([[anIdNumber(), '丙', '', '2024-01-05']]);
    await insertImportJobChunk(app.db, done, 0, Buffer.from('left behind'));
    await finishedDaysAgo(done, RETENTION_DAYS + 1);
    await until('the job to be purged', async () => !(await jobExists(done)));
    expect(await chunkCount(done)).toBe(0);
  }, 60_000);
});
