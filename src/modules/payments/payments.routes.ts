import { Router } from 'express';
import type { Viewer } from '../../shared/auth';
import type { UseCaseContext } from '../../shared/use-case';
import type { QueryRunner } from '../../shared/sql';
import { importHandler, type FileRouteSettings, type ImportRoute } from '../../infrastructure/http/file-routes';
import { assertMayCall } from '../access/permission-table';
import { fileSource } from '../exchange/table-reader';
import { PaymentService, type PaymentImportResult } from './payment.service';

/** What POST /payments/import does with a file, in its request or as an import job. */
export function paymentImportRoute(
  settings: FileRouteSettings,
  contextFor: (viewer: Viewer, operation: string, db?: QueryRunner) => UseCaseContext,
): ImportRoute<PaymentImportResult> {
  return {
    kind: 'payment',
    authorise: (viewer) =>
      assertMayCall(
        viewer,
        'Mutation',
        'recordProxyPayments',
        `Your department (${viewer.department}) may not import this file (it mirrors recordProxyPayments)`,
      ),
    emptyResult: () => ({ rows: 0, year: null, recorded: 0, unchanged: 0 }),
    run: (viewer, upload, run) =>
      new PaymentService(contextFor(viewer, 'POST /payments/import', run.db)).importFile(
        fileSource(upload.file.path, settings.limits.archive, run.onBytes),
        settings.limits.maxRows,
        run.onProgress,
      ),
  };
}

/** POST /payments/import: a file of proxy payments through the same service as recordProxyPayments. */
export function paymentRoutes(
  settings: FileRouteSettings,
  contextFor: (viewer: Viewer, operation: string, db?: QueryRunner) => UseCaseContext,
): Router {
  const router = Router();
  router.post('/payments/import', importHandler(settings, paymentImportRoute(settings, contextFor)));
  return router;
}
