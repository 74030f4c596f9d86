import type { Problem } from '../../shared/errors';
import type { Department } from '../../shared/domain';
import { sql, type QueryRunner } from '../../shared/sql';
import type { ImportJobState } from './domain/import-job';

// The import_job and import_job_chunk tables: a job's row (who, how far, its answer) and its file in pieces.

export interface ImportJobRow {
  id: string;
  kind: string;
  state: ImportJobState;
  phase: string;
  submittedBy: string;
  department: Department;
  submitterCounty: string | null;
  fields: Record<string, string>;
  filename: string;
  bytes: string;
  sha256: string;
  rowsRead: number;
  bytesRead: string;
  problemCount: number;
  problems: Problem[];
  attempts: number;
  httpStatus: number | null;
  result: Record<string, unknown> | null;
  submittedAt: Date;
  startedAt: Date | null;
  heartbeatAt: Date | null;
  finishedAt: Date | null;
}

export interface NewImportJob {
  id: string;
  kind: string;
  submittedBy: string;
  department: Department;
  submitterCounty: string | null;
  fields: Record<string, string>;
  filename: string;
  bytes: number;
  sha256: string;
}

export interface JobProgress {
  phase: string;
  rowsRead: number;
  bytesRead: number;
  problemCount: number;
  problems: Problem[];
}

/** Advisory-lock class of import jobs: an attempt holds (class, hashtext(id)) for the length of its transaction. */
const JOB_LOCK_CLASS = 7310;

const COLUMNS = sql.raw(`id, kind, state, phase, submitted_by as "submittedBy", department, submitter_county as "submitterCounty",
  fields, filename, bytes::text as bytes, sha256, rows_read as "rowsRead", bytes_read::text as "bytesRead",
  problem_count as "problemCount", problems, attempts, http_status as "httpStatus", result,
  submitted_at as "submittedAt", started_at as "startedAt", heartbeat_at as "heartbeatAt", finished_at as "finishedAt"`);

export async function insertImportJob(db: QueryRunner, job: NewImportJob): Promise<void> {
  await db.execute(sql`insert into import_job (id, kind, submitted_by, department, submitter_county, fields, filename, bytes, sha256, problems)
    values (${job.id}, ${job.kind}, ${job.submittedBy}, ${job.department}, ${job.submitterCounty}, ${JSON.stringify(job.fields)}::jsonb,
            ${job.filename}, ${job.bytes}, ${job.sha256}, '[]'::jsonb)`);
}

export async function insertImportJobChunk(db: QueryRunner, jobId: string, sequence: number, data: Buffer): Promise<void> {
  await db.execute(sql`insert into import_job_chunk (job_id, sequence, data) values (${jobId}, ${sequence}, ${data})`);
}

export async function importJobChunk(db: QueryRunner, jobId: string, sequence: number): Promise<Buffer | undefined> {
  const row = await db.one<{ data: Buffer }>(sql`select data from import_job_chunk where job_id = ${jobId} and sequence = ${sequence}`);
  return row?.data;
}

export function findImportJob(db: QueryRunner, id: string): Promise<ImportJobRow | undefined> {
  return db.one<ImportJobRow>(sql`select ${COLUMNS} from import_job where id = ${id}`);
}

/** True when this transaction now holds the job's lock; false when another live attempt holds it. */
export async function tryLockImportJob(transaction: QueryRunner, id: string): Promise<boolean> {
  const row = await transaction.one<{ locked: boolean }>(
    sql`select pg_try_advisory_xact_lock(${JOB_LOCK_CLASS}, hashtext(${id})) as locked`,
  );
  return row?.locked === true;
}

/** A new attempt starts: counters back to zero (the last attempt's work was rolled back with it). */
export async function markImportJobRunning(db: QueryRunner, id: string): Promise<void> {
  await db.execute(sql`update import_job set state = 'RUNNING', phase = 'READING', attempts = attempts + 1, rows_read = 0,
      bytes_read = 0, problem_count = 0, problems = '[]'::jsonb, started_at = now(), heartbeat_at = now()
    where id = ${id} and state in ('QUEUED', 'RUNNING')`);
}

/** Progress and heartbeat, written outside the import's transaction so that pollers see it. */
export async function writeImportJobProgress(db: QueryRunner, id: string, progress: JobProgress): Promise<void> {
  await db.execute(sql`update import_job set state = 'RUNNING', phase = ${progress.phase}, rows_read = ${progress.rowsRead},
      bytes_read = ${progress.bytesRead}, problem_count = ${progress.problemCount}, problems = ${JSON.stringify(progress.problems)}::jsonb,
      heartbeat_at = now()
    where id = ${id} and state in ('QUEUED', 'RUNNING')`);
}

/**
 * The answer is kept and the file dropped; run inside the import's transaction, it commits with the import.
 * finished_at is clock_timestamp(): now() is the transaction's start, which came before started_at.
 */
export async function finishImportJob(
  db: QueryRunner,
  id: string,
  outcome: { state: 'DONE' | 'FAILED'; httpStatus: number; result: Record<string, unknown>; progress: JobProgress },
): Promise<void> {
  const { progress } = outcome;
  await db.execute(sql`update import_job set state = ${outcome.state}, phase = ${progress.phase}, http_status = ${outcome.httpStatus},
      result = ${JSON.stringify(outcome.result)}::jsonb, rows_read = ${progress.rowsRead}, bytes_read = ${progress.bytesRead},
      problem_count = ${progress.problemCount}, problems = ${JSON.stringify(progress.problems)}::jsonb, finished_at = clock_timestamp()
    where id = ${id}`);
  await db.execute(sql`delete from import_job_chunk where job_id = ${id}`);
}

/** Back in the queue, for the engine's next attempt. */
export async function requeueImportJob(db: QueryRunner, id: string): Promise<void> {
  await db.execute(sql`update import_job set state = 'QUEUED', phase = 'QUEUED' where id = ${id} and state = 'RUNNING'`);
}

/**
 * Finished jobs (DONE, FAILED) that finished more than `retentionDays` ago, with any pieces of their file:
 * deleted, their count returned. Queued and running jobs have no finished_at and are never touched.
 */
export async function purgeFinishedImportJobs(db: QueryRunner, retentionDays: number): Promise<number> {
  const row = await db.one<{ count: number }>(sql`with purged as (
      delete from import_job
      where state in ('DONE', 'FAILED') and finished_at < now() - make_interval(days => ${retentionDays})
      returning id
    ), pieces as (
      delete from import_job_chunk where job_id in (select id from purged)
    )
    select count(*)::int as count from purged`);
  return row?.count ?? 0;
}

/** Running jobs whose attempt stopped writing its heartbeat (its process died): queued again, their ids returned. */
export async function requeueOrphanedImportJobs(db: QueryRunner, staleSeconds: number): Promise<string[]> {
  const rows = await db.rows<{ id: string }>(sql`update import_job set state = 'QUEUED', phase = 'QUEUED'
    where state = 'RUNNING' and heartbeat_at < now() - make_interval(secs => ${staleSeconds})
    returning id`);
  return rows.map((row) => row.id);
}
