import { Router } from 'express';
import type { Viewer } from '../../shared/auth';
import type { UseCaseContext } from '../../shared/use-case';
import type { QueryRunner } from '../../shared/sql';
import { importHandler, type FileRouteSettings, type ImportRoute } from '../../infrastructure/http/file-routes';
import { assertMayCall } from '../access/permission-table';
import type { AuditLog } from '../audit/audit-log';
import { personReadEvent } from '../audit/person-read-event';
import { fileSource } from '../exchange/table-reader';
import { readRosterImportFields } from './roster-import-fields';
import { assertMaySubmitRoster } from '../access/row-scope';
import { RosterService, type RosterImportResult } from './roster.service';

const OPERATION = 'POST /rosters/import';

/** What POST /rosters/import does with a file, in its request or as an import job. */
export function rosterImportRoute(
  settings: FileRouteSettings,
  contextFor: (viewer: Viewer, operation: string, db?: QueryRunner) => UseCaseContext,
  audit: AuditLog,
): ImportRoute<RosterImportResult> {
  return {
    kind: 'roster',
    authorise: (viewer) =>
      assertMayCall(
        viewer,
        'Mutation',
        'submitRoster',
        `Your department (${viewer.department}) may not import this file (it mirrors submitRoster)`,
      ),
    checkFields: (viewer, formFields) => {
      const fields = readRosterImportFields(formFields);
      assertMaySubmitRoster(viewer, fields.category, fields.county);
    },
    emptyResult: (dryRun) => ({ added: 0, exited: 0, unchanged: 0, dryRun, alreadyApplied: false, conflicts: [], conflictCount: 0 }),
    run: async (viewer, upload, run) => {
      const fields = readRosterImportFields(upload.fields);
      const result = await new RosterService(contextFor(viewer, OPERATION, run.db)).importFile(fields, {
        source: fileSource(upload.file.path, settings.limits.archive, run.onBytes),
        fileHash: upload.file.sha256,
        maxRows: settings.limits.maxRows,
        onProgress: run.onProgress,
      });
      // Conflicts name persons on other departments' rosters: a personal-data read, audited like GraphQL reads.
      const idNumbers = [...new Set(result.conflicts.map((conflict) => conflict.idNumber))];
      if (idNumbers.length > 0) {
        audit.record(
          personReadEvent(viewer, {
            operation: OPERATION,
            personIds: [],
            idNumbers,
            details: {
              endpoint: '/rosters/import',
              conflicts: result.conflictCount,
              listed: result.conflicts.length,
              dryRun: result.dryRun,
            },
          }),
        );
      }
      return result;
    },
  };
}

/** POST /rosters/import: a roster file through the same service as submitRoster. */
export function rosterRoutes(
  settings: FileRouteSettings,
  contextFor: (viewer: Viewer, operation: string, db?: QueryRunner) => UseCaseContext,
  audit: AuditLog,
): Router {
  const router = Router();
  router.post('/rosters/import', importHandler(settings, rosterImportRoute(settings, contextFor, audit)));
  return router;
}
