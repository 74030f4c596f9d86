import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/shared/sql';
import { anIdNumber } from '../factories/person.factory';
import { utf8Csv } from '../support/exchange-files';
import { largeRosterCsv, ROSTER_HEADER } from '../support/large-roster';
import { startTestApp, type TestApp } from '../support/test-app';

// Issue 13 point 5: imports as jobs on pg-boss. A large (or async=true) upload answers 202 with a job id;
// GET /jobs/:id and importJob(id) report progress, then the same answer the import gives in its request.

interface JobView {
  id: string;
  state: string;
  phase: string;
  rowsRead: number;
  bytesRead: number;
  bytesTotal: number;
  problemCount: number;
  problems: Array<{ row: number | null; field: string; message: string }>;
  attempts: number;
  httpStatus: number | null;
  result: Record<string, unknown> | null;
  startedAt: string | null;
  finishedAt: string | null;
}

const ASYNC_FROM_BYTES = 50_000;

describe('import jobs', () => {
  let app: TestApp;
  let countyClerk: string;

  beforeAll(async () => {
    app = await startTestApp({
      now: new Date('2024-06-15T04:00:00Z'),
      importJobs: {
        asyncFromBytes: ASYNC_FROM_BYTES,
        heartbeatMs: 100,
        staleSeconds: 30,
        pollingSeconds: 0.5,
        expireSeconds: 3600,
        retryLimit: 1,
      },
    });
    countyClerk = app.token('CIVIL_AFFAIRS', '530102', 'ca-wuhua');
  });

  afterAll(async () => {
    await app.close();
  });

  const send = (path: string, file: Buffer, fields: Record<string, string>, token: string | null = countyClerk) => {
    let request = app.http().post(path);
    if (token) request = request.set('authorization', `Bearer ${token}`);
    for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
    return request.attach('file', file, 'roster.csv');
  };

  const getJob = (id: string, token: string | null = countyClerk) => {
    const request = app.http().get(`/jobs/${id}`);
    return token ? request.set('authorization', `Bearer ${token}`) : request;
  };

  /** Polls until the job is finished; returns every view seen on the way. */
  const follow = async (id: string, token = countyClerk, everyMs = 20): Promise<JobView[]> => {
    const seen: JobView[] = [];
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const response = await getJob(id, token);
      expect(response.status).toBe(200);
      const job = response.body as JobView;
      seen.push(job);
      if (job.state === 'DONE' || job.state === 'FAILED') return seen;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
    throw new Error(`job ${id} did not finish`);
  };

  const smallRoster = (count: number) =>
    utf8Csv([ROSTER_HEADER, ...Array.from({ length: count }, (_u, i) => [anIdNumber(), `小${i}`, '', '2024-01-05'])]);

  it('should answer 202 with a job id at once when async=true is asked for a small file', async () => {
    const response = await send('/rosters/import', smallRoster(3), {
      category: 'DIBAO',
      county: '530102',
      asOf: '2024-03-31',
      async: 'true',
    });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ state: 'QUEUED', status: `/jobs/${response.body.id}` });
    expect(response.headers.location).toBe(`/jobs/${response.body.id}`);
    const last = (await follow(response.body.id as string)).at(-1)!;
    expect(last).toMatchObject({ state: 'DONE', phase: 'DONE', httpStatus: 200, rowsRead: 3, attempts: 1 });
    expect(last.result).toMatchObject({ added: 3, exited: 0, unchanged: 0, dryRun: false });
  });

  it('should answer in the request when a file is under the size setting, and queue a job when it is over', async () => {
    const small = await send('/rosters/import', smallRoster(2), {
      category: 'DIBAO',
      county: '530102',
      asOf: '2024-03-31',
      dryRun: 'true',
    });
    expect(small.status).toBe(200);
    const large = largeRosterCsv(2_000);
    expect(large.length).toBeGreaterThan(ASYNC_FROM_BYTES);
    const queued = await send('/rosters/import', large, { category: 'DIBAO', county: '530102', asOf: '2024-03-31', dryRun: 'true' });
    expect(queued.status).toBe(202);
    await follow(queued.body.id as string);
  });

  it('should refuse bad form fields at once, before any job is queued', async () => {
    const before = await app.db.one<{ count: number }>(sql`select count(*)::int as count from import_job`);
    const response = await send('/rosters/import', smallRoster(1), {
      category: 'NOPE',
      county: '530102',
      asOf: '2024-03-31',
      async: 'true',
    });
    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([expect.objectContaining({ field: 'category' })]);
    const forbidden = await send('/rosters/import', smallRoster(1), {
      category: 'DIBAO',
      county: '530103',
      asOf: '2024-03-31',
      async: 'true',
    });
    expect(forbidden.status).toBe(403);
    const after = await app.db.one<{ count: number }>(sql`select count(*)::int as count from import_job`);
    expect(after!.count).toBe(before!.count);
  });

  it('should report rowsRead rising while a large file is read', async () => {
    const response = await send('/rosters/import', largeRosterCsv(60_000), {
      category: 'DIBAO',
      county: '530102',
      asOf: '2024-03-31',
      dryRun: 'true',
    });
    expect(response.status).toBe(202);
    const seen = await follow(response.body.id as string);
    const reading = seen.filter((job) => job.state === 'RUNNING' && job.rowsRead > 0 && job.rowsRead < 60_000);
    const counts = [...new Set(reading.map((job) => job.rowsRead))];
    expect(counts.length, JSON.stringify(seen.map((job) => [job.state, job.phase, job.rowsRead]))).toBeGreaterThanOrEqual(2);
    expect(counts).toEqual([...counts].sort((left, right) => left - right));
    expect(reading.some((job) => job.bytesRead > 0 && job.bytesRead < job.bytesTotal)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ state: 'DONE', rowsRead: 60_000, httpStatus: 200 });
    // Finished after it started (the finish is written in the import's transaction, whose now() is its start).
    const { startedAt, finishedAt } = seen.at(-1)!;
    expect(Date.parse(finishedAt!)).toBeGreaterThan(Date.parse(startedAt!));
  });

  it('should give the same answer as the synchronous import, for an applied file and for a refused one', async () => {
    const file = smallRoster(4);
    const fields = { category: 'TEKUN', county: '530102', asOf: '2024-03-31', dryRun: 'true' };
    const inRequest = await send('/rosters/import', file, fields);
    const job = await send('/rosters/import', file, { ...fields, async: 'true' });
    const finished = (await follow(job.body.id as string)).at(-1)!;
    expect(finished.httpStatus).toBe(inRequest.status);
    expect(finished.result).toEqual(withoutRequestId(inRequest.body));

    const bad = utf8Csv([ROSTER_HEADER, ['123', '坏行', '', '2024-01-05'], [anIdNumber(), '好行', '9', '2024-01-05']]);
    const refusedInRequest = await send('/rosters/import', bad, { ...fields, dryRun: 'false' });
    expect(refusedInRequest.status).toBe(400);
    const refusedJob = await send('/rosters/import', bad, { ...fields, dryRun: 'false', async: 'true' });
    const failed = (await follow(refusedJob.body.id as string)).at(-1)!;
    expect(failed).toMatchObject({ state: 'FAILED', httpStatus: 400, problemCount: refusedInRequest.body.problems.length });
    expect(failed.result).toEqual(withoutRequestId(refusedInRequest.body));

    const hrss = app.token('HRSS');
    // A person nobody knows: refused alike (the answer of a file that changes something differs on a second run).
    const enrolment = utf8Csv([
      ['身份证号', '参保状态'],
      [anIdNumber({ area: '530181' }), 'CONTRIBUTING'],
    ]);
    const enrolmentInRequest = await send('/enrolments/import', enrolment, {}, hrss);
    const enrolmentJob = await send('/enrolments/import', enrolment, { async: 'true' }, hrss);
    const enrolmentResult = (await follow(enrolmentJob.body.id as string, hrss)).at(-1)!;
    expect(enrolmentResult.httpStatus).toBe(enrolmentInRequest.status);
    expect(enrolmentResult.result).toEqual(withoutRequestId(enrolmentInRequest.body));
  });

  it("should show a job only to the submitter's department in scope and to city-level HRSS; others get the unknown-id answer", async () => {
    const submitted = await send('/rosters/import', smallRoster(1), {
      category: 'DIBAO',
      county: '530102',
      asOf: '2024-03-31',
      async: 'true',
    });
    const id = submitted.body.id as string;
    await follow(id);
    const unknown = await getJob('00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    const notAnId = await getJob('not-a-job');
    for (const token of [
      app.token('RURAL_REVITALIZATION', '530102'),
      app.token('CIVIL_AFFAIRS', '530103'),
      app.token('TAX'),
      app.token('HRSS', '530102'),
    ]) {
      const response = await getJob(id, token);
      expect(response.status).toBe(404);
      expect(withoutRequestId(response.body)).toEqual(withoutRequestId(unknown.body));
    }
    expect(withoutRequestId(notAnId.body)).toEqual(withoutRequestId(unknown.body));
    expect((await getJob(id, null)).status).toBe(401);
    for (const token of [countyClerk, app.token('CIVIL_AFFAIRS'), app.token('HRSS')]) expect((await getJob(id, token)).status).toBe(200);

    const query = 'query Job($id: ID!) { importJob(id: $id) { id state phase rowsRead problemCount httpStatus result } }';
    const own = await app.graphql<{ importJob: { id: string; state: string; result: string } | null }>(query, { id }, countyClerk);
    expect(own.errors).toBeUndefined();
    expect(own.data!.importJob).toMatchObject({ id, state: 'DONE', rowsRead: 1, httpStatus: 200 });
    expect(JSON.parse(own.data!.importJob!.result)).toEqual((await getJob(id)).body.result);
    const other = await app.graphql<{ importJob: unknown }>(query, { id }, app.token('CIVIL_AFFAIRS', '530103'));
    expect(other.errors).toBeUndefined();
    expect(other.data!.importJob).toBeNull();
    const finance = await app.graphql(query, { id }, app.token('FINANCE'));
    expect(finance.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await app.graphql(query, { id }, null);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('should apply a job all at once: a refused file writes no roster entry and keeps no file', async () => {
    const countEntries = async () =>
      (await app.db.one<{ count: number }>(sql`select count(*)::int as count from roster_entry where county = '530112'`))!.count;
    const writer = app.token('CIVIL_AFFAIRS', '530112');
    const rows = largeRosterCsv(3_000, '530112');
    const broken = Buffer.concat([rows, Buffer.from('123,坏行,,2024-01-05\r\n')]);
    const job = await send('/rosters/import', broken, { category: 'DIBAO', county: '530112', asOf: '2024-03-31', async: 'true' }, writer);
    const state = (await follow(job.body.id as string, writer)).at(-1)!.state;
    expect(state).toBe('FAILED');
    expect(await countEntries()).toBe(0);
    const chunks = await app.db.one<{ count: number }>(
      sql`select count(*)::int as count from import_job_chunk where job_id = ${job.body.id}`,
    );
    expect(chunks!.count).toBe(0);
  });
});

/** An answer without its request's own id (each request has one; a job's stored result has none of its own). */
function withoutRequestId(body: Record<string, unknown>): Record<string, unknown> {
  const { requestId: _requestId, ...rest } = body;
  return rest;
}
