import { Router } from 'express';
import type { Viewer } from '../../shared/auth';
import type { UseCaseContext } from '../../shared/use-case';
import { importHandler, type FileRouteSettings } from '../../infrastructure/http/file-routes';
import { assertMayCall } from '../access/permission-table';
import { fileSource } from '../exchange/table-reader';
import { EnrolmentService } from './enrolment.service';

/** POST /enrolments/import: a file of pension statuses through the same service as recordEnrolment. */
export function enrolmentRoutes(settings: FileRouteSettings, contextFor: (viewer: Viewer, operation: string) => UseCaseContext): Router {
  const router = Router();
  router.post(
    '/enrolments/import',
    importHandler(settings, {
      authorise: (viewer) =>
        assertMayCall(
          viewer,
          'Mutation',
          'recordEnrolment',
          `Your department (${viewer.department}) may not import this file (it mirrors recordEnrolment)`,
        ),
      emptyResult: () => ({ rows: 0, updated: 0, unchanged: 0 }),
      run: (viewer, upload) =>
        new EnrolmentService(contextFor(viewer, 'POST /enrolments/import')).importFile(
          fileSource(upload.file.path, settings.limits.archive),
          settings.limits.maxRows,
        ),
    }),
  );
  return router;
}
