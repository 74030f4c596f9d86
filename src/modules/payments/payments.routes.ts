import { Router } from 'express';
import type { Viewer } from '../../shared/auth';
import type { UseCaseContext } from '../../shared/use-case';
import { importHandler, type FileRouteSettings } from '../../infrastructure/http/file-routes';
import { assertMayCall } from '../access/permission-table';
import { fileSource } from '../exchange/table-reader';
import { PaymentService } from './payment.service';

/** POST /payments/import: a file of proxy payments through the same service as recordProxyPayments. */
export function paymentRoutes(settings: FileRouteSettings, contextFor: (viewer: Viewer, operation: string) => UseCaseContext): Router {
  const router = Router();
  router.post(
    '/payments/import',
    importHandler(settings, {
      authorise: (viewer) =>
        assertMayCall(
          viewer,
          'Mutation',
          'recordProxyPayments',
          `Your department (${viewer.department}) may not import this file (it mirrors recordProxyPayments)`,
        ),
      emptyResult: () => ({ rows: 0, year: null, recorded: 0, unchanged: 0 }),
      run: (viewer, upload) =>
        new PaymentService(contextFor(viewer, 'POST /payments/import')).importFile(
          fileSource(upload.file.path, settings.limits.archive),
          settings.limits.maxRows,
        ),
    }),
  );
  return router;
}
