import { Router, type Request, type Response } from 'express';
import { createRequestContext, type AppServices } from '../../app/context';
import { sendHttpError } from '../../infrastructure/http/http-errors';
import { viewerFromHeader, type Viewer } from '../../shared/auth';
import { BadUserInputError, ForbiddenError, UnauthenticatedError } from '../../shared/errors';
import { isGranted, PERMISSIONS } from '../access/permission-table';
import { readRosterImportFields } from './import-fields';
import { buildDispatchReport } from '../reports/dispatch-report.service';
import { dispatchColumns, dispatchCsv, dispatchXlsx } from './dispatch-export';
import { importEnrolmentFile, importPaymentFile } from './ledger-import.service';
import { importRosterFile } from './roster-import.service';
import { fileSource } from './table-reader';
import { receiveUpload, type Upload } from './upload';
import type { AuditLog } from '../audit/audit-log';

// File exchange over plain HTTP (files do not fit GraphQL): imports of rosters, enrolments and
// payments, and the dispatch table export. Same bearer tokens and permission table as /graphql.

export interface ImportLimits {
  /** Upload size; larger → 413. */
  maxBytes: number;
  /** Data rows per file; more → 400 BAD_USER_INPUT. */
  maxRows: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = { maxBytes: 200 * 1024 * 1024, maxRows: 2_000_000 };

export interface ExchangeRouterOptions {
  services: AppServices;
  jwtSecret: string;
  production: boolean;
  limits: ImportLimits;
  /** Conflicts name persons on other departments' rosters: a personal-data read, audited like GraphQL reads. */
  audit?: AuditLog;
}

/** A token is required here (no anonymous access to files); a bad one is 401. */
export function requireHttpViewer(request: Request, secret: string): Viewer {
  const viewer = viewerFromHeader(request.headers.authorization, secret);
  if (viewer === null) throw new UnauthenticatedError('A bearer token is required: "Authorization: Bearer <token>"');
  return viewer;
}

/** The import may be called by whoever may call the GraphQL mutation it mirrors. */
function assertMayCall(viewer: Viewer, mutation: 'submitRoster' | 'recordEnrolment' | 'recordProxyPayments'): void {
  if (!isGranted(PERMISSIONS.Mutation?.[mutation], viewer.department, viewer.county === null)) {
    throw new ForbiddenError(`Your department (${viewer.department}) may not import this file (it mirrors ${mutation})`);
  }
}

type ImportMutation = Parameters<typeof assertMayCall>[1];

interface ImportRoute<Result> {
  mutation: ImportMutation;
  /** The answer's shape with nothing done, sent with the problems when the file is refused. */
  emptyResult(dryRun: boolean): Record<string, unknown>;
  run(viewer: Viewer, upload: Upload & { file: NonNullable<Upload['file']> }): Promise<Result>;
}

export function createExchangeRouter(options: ExchangeRouterOptions): Router {
  const { services, jwtSecret, production, limits, audit } = options;
  const router = Router();

  const handleImport =
    <Result>(route: ImportRoute<Result>) =>
    async (request: Request, response: Response) => {
      let upload: Upload | null = null;
      let dryRun = false;
      try {
        let viewer: Viewer;
        try {
          viewer = requireHttpViewer(request, jwtSecret);
          assertMayCall(viewer, route.mutation);
        } catch (error) {
          // Answer without reading the body; let it drain so the client sees the answer.
          request.resume();
          throw error;
        }
        upload = await receiveUpload(request, limits.maxBytes);
        dryRun = /^(true|1|yes)$/i.test(upload.fields.dryRun ?? '');
        if (upload.file === null) throw BadUserInputError.single('file', 'the form has no "file" part');
        const result = await route.run(viewer, upload as Upload & { file: NonNullable<Upload['file']> });
        response.status(200).json(result);
      } catch (error) {
        const extra = error instanceof BadUserInputError ? route.emptyResult(dryRun) : {};
        sendHttpError(response, error, services.logger, production, extra);
      } finally {
        await upload?.dispose();
      }
    };

  router.post(
    '/rosters/import',
    handleImport({
      mutation: 'submitRoster',
      emptyResult: (dryRun) => ({ added: 0, exited: 0, unchanged: 0, dryRun, alreadyApplied: false, conflicts: [] }),
      run: async (viewer, upload) => {
        const fields = readRosterImportFields(upload.fields);
        const result = await importRosterFile(services.db, fileSource(upload.file.path), {
          ...fields,
          viewer,
          fileHash: upload.file.sha256,
          precedence: services.settings.precedence,
          maxRows: limits.maxRows,
        });
        const idNumbers = [...new Set(result.conflicts.map((conflict) => conflict.idNumber))];
        if (idNumbers.length > 0) {
          audit?.record({
            at: new Date(),
            subject: viewer.subject,
            department: viewer.department,
            county: viewer.county,
            action: 'READ',
            operation: 'POST /rosters/import',
            personIds: [],
            idNumbers,
            details: { endpoint: '/rosters/import', conflicts: result.conflicts.length, dryRun: result.dryRun },
          });
        }
        return result;
      },
    }),
  );

  router.post(
    '/enrolments/import',
    handleImport({
      mutation: 'recordEnrolment',
      emptyResult: () => ({ rows: 0, updated: 0, unchanged: 0 }),
      run: (viewer, upload) =>
        importEnrolmentFile(
          createRequestContext(services, viewer, 'POST /enrolments/import'),
          fileSource(upload.file.path),
          limits.maxRows,
        ),
    }),
  );

  router.post(
    '/payments/import',
    handleImport({
      mutation: 'recordProxyPayments',
      emptyResult: () => ({ rows: 0, year: null, recorded: 0, unchanged: 0 }),
      run: (viewer, upload) =>
        importPaymentFile(createRequestContext(services, viewer, 'POST /payments/import'), fileSource(upload.file.path), limits.maxRows),
    }),
  );

  const handleDispatchExport = (format: 'xlsx' | 'csv') => async (request: Request, response: Response) => {
    try {
      const viewer = requireHttpViewer(request, jwtSecret);
      if (!isGranted(PERMISSIONS.Query?.dispatchReport, viewer.department, viewer.county === null)) {
        throw new ForbiddenError(`Your department (${viewer.department}) may not read the dispatch report`);
      }
      const month = typeof request.query.month === 'string' ? request.query.month : '';
      const county = typeof request.query.county === 'string' && request.query.county !== '' ? request.query.county : null;
      const report = await buildDispatchReport(createRequestContext(services, viewer, `GET /reports/dispatch.${format}`), month, county);
      const columns = dispatchColumns(viewer);
      const body = format === 'xlsx' ? await dispatchXlsx(report, columns) : dispatchCsv(report, columns);
      const filename = `dispatch-${report.month}${county ? `-${county}` : ''}.${format}`;
      response
        .status(200)
        .type(format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8')
        .set('content-disposition', `attachment; filename="${filename}"; filename*=UTF-8''${encodeURIComponent(`调度表-${filename}`)}`)
        .send(body);
    } catch (error) {
      sendHttpError(response, error, services.logger, production);
    }
  };

  router.get('/reports/dispatch.xlsx', handleDispatchExport('xlsx'));
  router.get('/reports/dispatch.csv', handleDispatchExport('csv'));

  return router;
}
