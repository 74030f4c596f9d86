import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Viewer } from '../../shared/auth';
import type { QueryRunner } from '../../shared/sql';
import type { ImportJobQueue, Upload, UploadedFile } from '../../infrastructure/http/file-routes';
import type { JobEngine } from '../../infrastructure/jobs/job-engine';
import { maySeeImportJob } from './domain/import-job';
import { findImportJob, insertImportJob, insertImportJobChunk, type ImportJobRow } from './import-jobs.queries';

// Submitting an import job (the file into PostgreSQL, the job into the engine, in one transaction) and
// reading one back for whoever may see it.

export const IMPORT_QUEUE = 'import';

/** Pieces of the stored file: small enough for one statement, large enough that a 200 MB file is 200 rows. */
const CHUNK_BYTES = 1024 * 1024;

export interface ImportJobMessage {
  jobId: string;
}

/** What GET /jobs/:id and importJob(id) tell: state, progress, and the import's own answer when finished. */
export interface ImportJobView {
  id: string;
  kind: string;
  state: ImportJobRow['state'];
  phase: string;
  filename: string;
  submittedBy: string;
  department: string;
  county: string | null;
  rowsRead: number;
  bytesRead: number;
  bytesTotal: number;
  problemCount: number;
  problems: ImportJobRow['problems'];
  attempts: number;
  submittedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The HTTP status the import would have answered in its request (200, 400...); null until finished. */
  httpStatus: number | null;
  /** The JSON the import would have answered in its request; null until finished. */
  result: Record<string, unknown> | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function viewOf(row: ImportJobRow): ImportJobView {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    phase: row.phase,
    filename: row.filename,
    submittedBy: row.submittedBy,
    department: row.department,
    county: row.submitterCounty,
    rowsRead: row.rowsRead,
    bytesRead: Number(row.bytesRead),
    bytesTotal: Number(row.bytes),
    problemCount: row.problemCount,
    problems: row.problems,
    attempts: row.attempts,
    submittedAt: row.submittedAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    httpStatus: row.httpStatus,
    result: row.result,
  };
}

export class ImportJobService implements ImportJobQueue {
  constructor(
    private readonly db: QueryRunner,
    private readonly engine: JobEngine,
  ) {}

  async submit(kind: string, viewer: Viewer, upload: Upload & { file: UploadedFile }): Promise<{ id: string }> {
    const id = randomUUID();
    await this.db.transaction(async (transaction) => {
      await insertImportJob(transaction, {
        id,
        kind,
        submittedBy: viewer.subject,
        department: viewer.department,
        submitterCounty: viewer.county,
        fields: upload.fields,
        filename: upload.file.filename,
        bytes: upload.file.bytes,
        sha256: upload.file.sha256,
      });
      let sequence = 0;
      for await (const chunk of createReadStream(upload.file.path, { highWaterMark: CHUNK_BYTES })) {
        await insertImportJobChunk(transaction, id, sequence++, chunk as Buffer);
      }
      const message: ImportJobMessage = { jobId: id };
      await this.engine.send(IMPORT_QUEUE, message, transaction);
    });
    return { id };
  }

  /** The job, or null when it does not exist or the viewer may not see it (the same answer, so ids do not leak). */
  find(viewer: Viewer, id: string): Promise<ImportJobView | null> {
    return findVisibleImportJob(this.db, viewer, id);
  }
}

/** The job, or null when it does not exist or the viewer may not see it (the same answer, so ids do not leak). */
export async function findVisibleImportJob(db: QueryRunner, viewer: Viewer, id: string): Promise<ImportJobView | null> {
  if (!UUID.test(id)) return null;
  const row = await findImportJob(db, id);
  if (row === undefined || !maySeeImportJob(viewer, row)) return null;
  return viewOf(row);
}
