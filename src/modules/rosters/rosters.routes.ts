import { Router } from 'express';
import type { Viewer } from '../../shared/auth';
import type { UseCaseContext } from '../../shared/use-case';
import { importHandler, type FileRouteSettings } from '../../infrastructure/http/file-routes';
import { assertMayCall } from '../access/permission-table';
import type { AuditLog } from '../audit/audit-log';
import { personReadEvent } from '../audit/person-read-event';
import { fileSource } from '../exchange/table-reader';
import { readRosterImportFields } from './roster-import-fields';
import { RosterService } from './roster.service';

const OPERATION = 'POST /rosters/import';

/** POST /rosters/import: a roster file through the same service as submitRoster. */
export function rosterRoutes(
  settings: FileRouteSettings,
  contextFor: (viewer: Viewer, operation: string) => UseCaseContext,
  audit: AuditLog,
): Router {
  const router = Router();
  router.post(
    '/rosters/import',
    importHandler(settings, {
      authorise: (viewer) =>
        assertMayCall(
          viewer,
          'Mutation',
          'submitRoster',
          `Your department (${viewer.department}) may not import this file (it mirrors submitRoster)`,
        ),
      emptyResult: (dryRun) => ({ added: 0, exited: 0, unchanged: 0, dryRun, alreadyApplied: false, conflicts: [] }),
      run: async (viewer, upload) => {
        const fields = readRosterImportFields(upload.fields);
        const result = await new RosterService(contextFor(viewer, OPERATION)).importFile(fields, {
          source: fileSource(upload.file.path, settings.limits.archive),
          fileHash: upload.file.sha256,
          maxRows: settings.limits.maxRows,
        });
        // Conflicts name persons on other departments' rosters: a personal-data read, audited like GraphQL reads.
        const idNumbers = [...new Set(result.conflicts.map((conflict) => conflict.idNumber))];
        if (idNumbers.length > 0) {
          audit.record(
            personReadEvent(viewer, {
              operation: OPERATION,
              personIds: [],
              idNumbers,
              details: { endpoint: '/rosters/import', conflicts: result.conflicts.length, dryRun: result.dryRun },
            }),
          );
        }
        return result;
      },
    }),
  );
  return router;
}
