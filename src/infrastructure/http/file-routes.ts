import type { Request, Response } from 'express';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../../shared/archive-limits';
import type { Viewer } from '../../shared/auth';
import { BadUserInputError } from '../../shared/errors';
import type { Logger } from '../logger';
import { requireAuthenticated } from './authenticate';
import { sendHttpError } from './error-mapping';
import { receiveUpload, type Upload, type UploadedFile } from './upload';

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
}

const FILE_TOKEN_REQUIRED = 'A bearer token is required: "Authorization: Bearer <token>"';

export interface ImportRoute<Result> {
  /** Throws FORBIDDEN when the viewer may not call the mutation the file mirrors. */
  authorise(viewer: Viewer): void;
  /** The answer's shape with nothing done, sent with the problems when the file is refused. */
  emptyResult(dryRun: boolean): Record<string, unknown>;
  run(viewer: Viewer, upload: Upload & { file: UploadedFile }): Promise<Result>;
}

function isDryRun(fields: Record<string, string>): boolean {
  return /^(true|1|yes)$/i.test(fields.dryRun ?? '');
}

/** Authenticates and authorises before reading the body (refused → the body is drained, not read), then runs the import. */
export function importHandler<Result>(settings: FileRouteSettings, route: ImportRoute<Result>) {
  return async (request: Request, response: Response): Promise<void> => {
    let upload: Upload | null = null;
    try {
      const viewer = authoriseBeforeBody(request, settings, route);
      upload = await receiveUpload(request, settings.limits.maxBytes, settings.limits.temporaryDirectory);
      if (upload.file === null) throw BadUserInputError.single('file', 'the form has no "file" part');
      response.status(200).json(await route.run(viewer, upload as Upload & { file: UploadedFile }));
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
