import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import type { Viewer } from '../../shared/auth';
import { AppError } from '../../shared/errors';
import type { ReadProgress } from '../../shared/import-progress';
import type { QueryRunner } from '../../shared/sql';
import { refusedImport, type ImportRoute, type Upload, type UploadedFile } from '../../infrastructure/http/file-routes';
import type { EngineJob, JobEngine } from '../../infrastructure/jobs/job-engine';
import type { Logger } from '../../infrastructure/logger';
import {
  findImportJob,
  finishImportJob,
  importJobChunk,
  markImportJobRunning,
  requeueImportJob,
  purgeFinishedImportJobs,
  requeueOrphanedImportJobs,
  tryLockImportJob,
  writeImportJobProgress,
  type ImportJobRow,
  type JobProgress,
} from './import-jobs.queries';
import { IMPORT_QUEUE, type ImportJobMessage } from './import-job.service';

// The worker side: an attempt locks its job, runs the same import route as a request would inside one
// transaction, and writes the answer in that transaction, so an import is applied exactly when its job says
// DONE. A crash rolls everything back; the job is then queued again (stale heartbeat) and re-run from the file.

/** Problems shown while a job runs; the full list is in the result. */
const PROBLEMS_SHOWN = 20;

/** PA_IMPORT_JOB_RETENTION_DAYS, PA_IMPORT_JOB_PURGE_SECONDS. */
export const DEFAULT_RETENTION_DAYS = 30;
export const DEFAULT_PURGE_EVERY_SECONDS = 3600;

/** An attempt's copy of the job's file; one older than the retention was left by an attempt that died. */
const TEMPORARY_PREFIX = 'pension-aid-job-';
const DAY_MS = 24 * 3600 * 1000;

export interface ImportWorkerOptions {
  /** How often progress and the heartbeat are written. */
  heartbeatMs: number;
  /** A running job whose heartbeat is older than this has lost its process and is queued again. */
  staleSeconds: number;
  temporaryDirectory?: string;
  production: boolean;
  /** Days a finished job (its row, answer and problems) is kept after it finished; DEFAULT_RETENTION_DAYS. */
  retentionDays?: number;
  /** How often finished jobs past their retention are purged; DEFAULT_PURGE_EVERY_SECONDS. */
  purgeEverySeconds?: number;
}

/** Writes progress at most every `intervalMs`, and at least that often (the heartbeat), off the import's transaction. */
class ProgressWriter {
  private readonly progress: JobProgress = { phase: 'READING', rowsRead: 0, bytesRead: 0, problemCount: 0, problems: [] };
  private read: ReadProgress | null = null;
  private readonly timer: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: QueryRunner,
    private readonly jobId: string,
    intervalMs: number,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => this.flush(), intervalMs);
  }

  onProgress = (read: ReadProgress): void => {
    this.read = read;
    this.progress.rowsRead = read.rowsRead;
    this.progress.problemCount = read.problemCount;
    if (read.finished) this.progress.phase = 'APPLYING';
  };

  onBytes = (bytesRead: number): void => {
    this.progress.bytesRead = bytesRead;
  };

  private flush(): void {
    if (this.read !== null && this.read.problemCount !== this.progress.problems.length) {
      this.progress.problems = this.read.problems().slice(0, PROBLEMS_SHOWN);
    }
    const snapshot = { ...this.progress };
    this.writing = this.writing
      .then(() => writeImportJobProgress(this.db, this.jobId, snapshot))
      .catch((error: unknown) => this.logger.warn({ err: error, jobId: this.jobId }, 'import job progress not written'));
  }

  /** The last counts, once no more writes are under way (the final write must not race the answer). */
  async stop(phase: string): Promise<JobProgress> {
    clearInterval(this.timer);
    await this.writing;
    if (this.read !== null) this.progress.problems = this.read.problems().slice(0, PROBLEMS_SHOWN);
    return { ...this.progress, phase };
  }
}

function viewerOf(job: ImportJobRow): Viewer {
  return { subject: job.submittedBy, department: job.department, county: job.submitterCounty };
}

async function downloadFile(db: QueryRunner, jobId: string, target: string): Promise<void> {
  const output = createWriteStream(target);
  try {
    for (let sequence = 0; ; sequence++) {
      const chunk = await importJobChunk(db, jobId, sequence);
      if (chunk === undefined) break;
      if (!output.write(chunk)) await once(output, 'drain');
    }
  } finally {
    output.end();
    await once(output, 'close');
  }
}

export class ImportJobWorker {
  private reaper: NodeJS.Timeout | null = null;
  private reaping: Promise<void> = Promise.resolve();
  private purger: NodeJS.Timeout | null = null;
  private purging: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: QueryRunner,
    private readonly engine: JobEngine,
    private readonly routes: ReadonlyMap<string, ImportRoute<unknown>>,
    private readonly logger: Logger,
    private readonly options: ImportWorkerOptions,
  ) {}

  async start(): Promise<void> {
    await this.engine.work<ImportJobMessage>(IMPORT_QUEUE, (job) => this.attempt(job));
    this.reap();
    this.reaper = setInterval(() => this.reap(), Math.max(500, (this.options.staleSeconds * 1000) / 2));
    this.purge();
    this.purger = setInterval(() => this.purge(), (this.options.purgeEverySeconds ?? DEFAULT_PURGE_EVERY_SECONDS) * 1000);
  }

  async stop(timeoutMs: number): Promise<void> {
    if (this.reaper) clearInterval(this.reaper);
    if (this.purger) clearInterval(this.purger);
    await this.reaping;
    await this.purging;
    await this.engine.stop(timeoutMs);
  }

  /** Jobs whose process died mid-run go back to the engine; a live attempt still holds the lock, so a stray copy waits it out. */
  private reap(): void {
    this.reaping = this.reaping
      .then(async () => {
        const orphans = await requeueOrphanedImportJobs(this.db, this.options.staleSeconds);
        for (const jobId of orphans) {
          this.logger.warn({ jobId }, 'import job lost its worker; queued again');
          await this.db.transaction((transaction) => this.engine.send(IMPORT_QUEUE, { jobId }, transaction));
        }
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'import job reaper failed'));
  }

  /**
   * Finished jobs past their retention go, with their rows' answers (which name persons), and so do attempts'
   * temp files that old (an attempt that died left them). Every server's worker sweeps; a sweep is one
   * statement, so two at once do no harm. Queued and running jobs stay, and the audit log is not touched.
   */
  private purge(): void {
    const retentionDays = this.options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    this.purging = this.purging
      .then(async () => {
        const purged = await purgeFinishedImportJobs(this.db, retentionDays);
        const files = await this.removeLeftOverFiles(Date.now() - retentionDays * DAY_MS);
        if (purged > 0 || files > 0) this.logger.info({ purged, files, retentionDays }, 'finished import jobs purged');
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'import job purge failed'));
  }

  private async removeLeftOverFiles(olderThanMs: number): Promise<number> {
    const directory = this.options.temporaryDirectory ?? os.tmpdir();
    let removed = 0;
    for (const name of await readdir(directory)) {
      if (!name.startsWith(TEMPORARY_PREFIX)) continue;
      const file = path.join(directory, name);
      const modified = await stat(file).then(
        (found) => found.mtimeMs,
        () => null,
      );
      if (modified === null || modified >= olderThanMs) continue;
      await rm(file, { force: true });
      removed++;
    }
    return removed;
  }

  private async attempt(engineJob: EngineJob<ImportJobMessage>): Promise<void> {
    const { jobId } = engineJob.data;
    const job = await findImportJob(this.db, jobId);
    if (job === undefined || job.state === 'DONE' || job.state === 'FAILED') return;
    const route = this.routes.get(job.kind);
    const temporaryPath = path.join(this.options.temporaryDirectory ?? os.tmpdir(), `${TEMPORARY_PREFIX}${randomUUID()}`);
    try {
      if (route === undefined) throw new Error(`no import route for job kind "${job.kind}"`);
      await downloadFile(this.db, jobId, temporaryPath);
      await this.runLocked(job, route, temporaryPath);
    } catch (error) {
      await this.settleFailure(job, route, error, engineJob.retriesLeft);
    } finally {
      await rm(temporaryPath, { force: true });
    }
  }

  private async runLocked(job: ImportJobRow, route: ImportRoute<unknown>, filePath: string): Promise<void> {
    const upload: Upload & { file: UploadedFile } = {
      fields: job.fields,
      file: { path: filePath, bytes: Number(job.bytes), sha256: job.sha256, filename: job.filename },
      dispose: async () => undefined,
    };
    await this.db.transaction(async (transaction) => {
      // Another live attempt has it (a copy queued by the reaper or the engine's expiry): leave it to that one.
      if (!(await tryLockImportJob(transaction, job.id))) return;
      const current = await findImportJob(transaction, job.id);
      if (current === undefined || current.state === 'DONE' || current.state === 'FAILED') return;
      await markImportJobRunning(this.db, job.id);
      const progress = new ProgressWriter(this.db, job.id, this.options.heartbeatMs, this.logger);
      let result: unknown;
      try {
        result = await route.run(viewerOf(job), upload, { db: transaction, onProgress: progress.onProgress, onBytes: progress.onBytes });
      } catch (error) {
        await progress.stop('FAILED');
        throw error;
      }
      const finalProgress = await progress.stop('DONE');
      await finishImportJob(transaction, job.id, {
        state: 'DONE',
        httpStatus: 200,
        result: result as Record<string, unknown>,
        progress: finalProgress,
      });
    });
  }

  /** A refused file is a finished job (its answer is the 400 a request would get); anything else is retried while attempts are left. */
  private async settleFailure(
    job: ImportJobRow,
    route: ImportRoute<unknown> | undefined,
    error: unknown,
    retriesLeft: number,
  ): Promise<void> {
    const expected = error instanceof AppError;
    if (!expected && retriesLeft > 0) {
      this.logger.warn({ err: error, jobId: job.id, retriesLeft }, 'import job attempt failed; it will be tried again');
      await requeueImportJob(this.db, job.id);
      throw error;
    }
    if (!expected) this.logger.error({ err: error, jobId: job.id }, 'import job failed');
    const refused = refusedImport(error, route ?? { emptyResult: () => ({}) }, job.fields, this.options.production);
    const latest = await findImportJob(this.db, job.id);
    const problems = Array.isArray(refused.body.problems) ? (refused.body.problems as JobProgress['problems']) : [];
    await finishImportJob(this.db, job.id, {
      state: 'FAILED',
      httpStatus: refused.status,
      result: refused.body,
      progress: {
        phase: 'FAILED',
        rowsRead: latest?.rowsRead ?? 0,
        bytesRead: Number(latest?.bytesRead ?? 0),
        problemCount: problems.length,
        problems: problems.slice(0, PROBLEMS_SHOWN),
      },
    });
  }
}
