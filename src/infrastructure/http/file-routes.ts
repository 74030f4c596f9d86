import type { Request, Response } from 'express';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../../shared/archive-limits';
import type { Viewer } from '../../shared/auth';
import { BadUserInputError } from '../../shared/errors';
import type { ImportRun } from '../../shared/import-progress';
import type { Logger } from '../logger';
import { requireAuthenticated } from './authenticate';
import { httpErrorBody, sendHttpError } from './error-mapping';
import { receiveUpload, type Upload, type UploadedFile } from './upload';

export type { Upload, UploadedFile };

// HTTP plumbing of the file routes (files do not fit GraphQL): the same bearer tokens as /graphql, one
// error mapping, uploads streamed to a temporary file. Each module's *.routes.ts says what a route does.

export interface ImportLimits {
  /** Upload size; larger → 413. */
  maxBytes: number;
  /** Data rows per file; more → 400 BAD_USER_INPUT. */
  maxRows: number;
  /** XLSX archives: entry sizes and ratios checked before inflating; over → 400 BAD_USER_INPUT. */
  archive?: ArchiveLimits;
  /** Where uploads are streamed to while an import runs (removed afterwards, whatever happens); os.tmpdir() by default. */
  temporaryDirectory?: string;
  /** Files larger than this become import jobs (202 and a job id) when jobs are on; `async=true` asks for one at any size. */
  asyncFromBytes?: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxBytes: 200 * 1024 * 1024,
  maxRows: 2_000_000,
  archive: DEFAULT_ARCHIVE_LIMITS,
};

export interface FileRouteSettings {
  jwtSecret: string;
  production: boolean;
  logger: Logger;
  limits: ImportLimits;
  /** Import jobs (the upload kept in the database, run by a worker); null → every import answers in its request. */
  jobs?: ImportJobQueue | null;
}

/** Keeps an upload and queues its import as a job; answers the job's id at once. */
export interface ImportJobQueue {
  submit(kind: string, viewer: Viewer, upload: Upload & { file: UploadedFile }): Promise<{ id: string }>;
}

const FILE_TOKEN_REQUIRED = 'A bearer token is required: "Authorization: Bearer <token>"';

export interface ImportRoute<Result> {
  /** The job kind ("roster", "enrolment", "payment"): an import job names the route that runs it. */
  kind: string;
  /** Throws FORBIDDEN when the viewer may not call the mutation the file mirrors. */
  authorise(viewer: Viewer): void;
  /** Checks the form fields before a job is queued (a job is not queued for a bad category). */
  checkFields?(viewer: Viewer, fields: Record<string, string>): void;
  /** The answer's shape with nothing done, sent with the problems when the file is refused. */
  emptyResult(dryRun: boolean): Record<string, unknown>;
  /** `run` is empty in a request; an import job passes its transaction and progress listeners. */
  run(viewer: Viewer, upload: Upload & { file: UploadedFile }, run: ImportRun): Promise<Result>;
}

export function isDryRun(fields: Record<string, string>): boolean {
  return /^(true|1|yes)$/i.test(fields.dryRun ?? '');
}

function asksForJob(fields: Record<string, string>): boolean {
  return /^(true|1|yes)$/i.test(fields.async ?? '');
}

/** The answer of a refused import, as a request or a job gives it: status and JSON body. */
export function refusedImport(
  error: unknown,
  route: Pick<ImportRoute<unknown>, 'emptyResult'>,
  fields: Record<string, string> | null,
  production: boolean,
): { status: number; body: Record<string, unknown> } {
  const { status, body } = httpErrorBody(error, production);
  const extra = error instanceof BadUserInputError ? route.emptyResult(fields !== null && isDryRun(fields)) : {};
  return { status, body: { ...extra, ...body } };
}

/** Authenticates and authorises before reading the body (refused → the body is drained, not read), then runs the import. */
export function importHandler<Result>(settings: FileRouteSettings, route: ImportRoute<Result>) {
  return async (request: Request, response: Response): Promise<void> => {
    let upload: Upload | null = null;
    try {
      const viewer = authoriseBeforeBody(request, settings, route);
      upload = await receiveUpload(request, settings.limits.maxBytes, settings.limits.temporaryDirectory);
      if (upload.file === null) throw BadUserInputError.single('file', 'the form has no "file" part');
      const received = upload as Upload & { file: UploadedFile };
      const jobs = settings.jobs ?? null;
      if (
        jobs !== null &&
        (asksForJob(upload.fields) || upload.file.bytes > (settings.limits.asyncFromBytes ?? Number.POSITIVE_INFINITY))
      ) {
        route.checkFields?.(viewer, upload.fields);
        const { id } = await jobs.submit(route.kind, viewer, received);
        response
          .status(202)
          .location(`/jobs/${id}`)
          .json({ id, state: 'QUEUED', status: `/jobs/${id}` });
        return;
      }
      response.status(200).json(await route.run(viewer, received, {}));
    } catch (error) {
      const extra = error instanceof BadUserInputError ? route.emptyResult(upload !== null && isDryRun(upload.fields)) : {};
      sendHttpError(response, error, settings.logger, settings.production, extra);
    } finally {
      await upload?.dispose();
    }
  };
}

function authoriseBeforeBody(request: Request, settings: FileRouteSettings, route: ImportRoute<unknown>): Viewer {
  try {
    const viewer = requireAuthenticated(request, settings.jwtSecret, FILE_TOKEN_REQUIRED);
    route.authorise(viewer);
    return viewer;
  } catch (error) {
    // Answer without reading the body; let it drain so the client sees the answer.
    request.resume();
    throw error;
  }
}

export interface Download {
  body: Buffer | string;
  contentType: string;
  /** ASCII file name, and the name shown to users (UTF-8). */
  filename: string;
  displayName: string;
  /** 'attachment' (default) saves the file; 'inline' lets a browser show it (an SVG chart). */
  disposition?: 'attachment' | 'inline';
}

/** A file out (an export): authenticated like the imports, errors as JSON. */
export function downloadHandler(settings: FileRouteSettings, produce: (viewer: Viewer, request: Request) => Promise<Download>) {
  return async (request: Request, response: Response): Promise<void> => {
    try {
      const viewer = requireAuthenticated(request, settings.jwtSecret, FILE_TOKEN_REQUIRED);
      const download = await produce(viewer, request);
      response
        .status(200)
        .type(download.contentType)
        .set(
          'content-disposition',
          `${download.disposition ?? 'attachment'}; filename="${download.filename}"; filename*=UTF-8''${encodeURIComponent(download.displayName)}`,
        )
        .send(download.body);
    } catch (error) {
      sendHttpError(response, error, settings.logger, settings.production);
    }
  };
}
