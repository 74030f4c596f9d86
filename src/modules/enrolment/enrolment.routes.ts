import { Router } from 'express';
import type { Viewer } from '../../shared/auth';
import type { UseCaseContext } from '../../shared/use-case';
import type { QueryRunner } from '../../shared/sql';
import { importHandler, type FileRouteSettings, type ImportRoute } from '../../infrastructure/http/file-routes';
import { assertMayCall } from '../access/permission-table';
import { fileSource } from '../exchange/table-reader';
import { EnrolmentService, type EnrolmentImportResult } from './enrolment.service';

/** What POST /enrolments/import does with a file, in its request or as an import job. */
export function enrolmentImportRoute(
  settings: FileRouteSettings,
  contextFor: (viewer: Viewer, operation: string, db?: QueryRunner) => UseCaseContext,
): ImportRoute<EnrolmentImportResult> {
  return {
    kind: 'enrolment',
    authorise: (viewer) =>
      assertMayCall(
        viewer,
        'Mutation',
        'recordEnrolment',
        `Your department (${viewer.department}) may not import this file (it mirrors recordEnrolment)`,
      ),
    emptyResult: () => ({ rows: 0, updated: 0, unchanged: 0 }),
    run: (viewer, upload, run) =>
      new EnrolmentService(contextFor(viewer, 'POST /enrolments/import', run.db)).importFile(
        fileSource(upload.file.path, settings.limits.archive, run.onBytes),
        settings.limits.maxRows,
        run.onProgress,
      ),
  };
}

/** POST /enrolments/import: a file of pension statuses through the same service as recordEnrolment. */
export function enrolmentRoutes(
  settings: FileRouteSettings,
  contextFor: (viewer: Viewer, operation: string, db?: QueryRunner) => UseCaseContext,
): Router {
  const router = Router();
  router.post('/enrolments/import', importHandler(settings, enrolmentImportRoute(settings, contextFor)));
  return router;
}
