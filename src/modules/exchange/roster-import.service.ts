import type { PoolClient } from 'pg';
import type { SqlPool } from '../../infrastructure/database/sql-pool';
import type { Viewer } from '../../shared/auth';
import type { HardshipCategory } from '../../shared/domain';
import { BadUserInputError, type Problem } from '../../shared/errors';
import { writeAuditEvent } from '../audit/audit-log';
import { RosterRowChecker, type StagedRosterRow } from '../rosters/domain/roster-row';
import { assertMaySubmitRoster } from '../rosters/roster-permissions';
import {
  createRosterStaging,
  findStagedDuplicates,
  STAGING_BATCH_SIZE,
  insertStagedRows,
  mergeStagedRoster,
  type RosterConflict,
} from '../rosters/roster-merge';
import type { RosterImportFields } from './import-fields';
import { ImportReader } from './import-reader';
import { ROSTER_SCHEMA } from './import-schemas';
import type { TableSource } from './table-reader';

// POST /rosters/import: the same whole-list merge as submitRoster, fed from a file. Rows are checked
// by the same rules, staged in batches while the file streams in, and merged only when no row has a
// problem — all in one transaction, so a bad file writes nothing.

export interface RosterImportResult {
  added: number;
  exited: number;
  unchanged: number;
  dryRun: boolean;
  /** The same file with the same category, county and date was the last one applied to this roster. */
  alreadyApplied: boolean;
  rows: number;
  fileHash: string;
  problems: Problem[];
  conflicts: RosterConflict[];
  message: string;
}

export interface RosterImportRequest extends RosterImportFields {
  viewer: Viewer;
  fileHash: string;
  precedence: readonly HardshipCategory[];
  maxRows: number;
}

/** Thrown inside the transaction so that it rolls back; carries the problems out. */
class RejectedImport extends BadUserInputError {}

async function lastSubmissionWasThisFile(client: PoolClient, request: RosterImportRequest): Promise<boolean> {
  const result = await client.query<{ file_hash: string | null; as_of: string }>(
    `select file_hash, as_of::text as as_of from roster_submission
     where category = $1 and county = $2 order by submitted_at desc, id desc limit 1`,
    [request.category, request.county],
  );
  const last = result.rows[0];
  return last !== undefined && last.file_hash === request.fileHash && last.as_of === request.asOf;
}

export async function importRosterFile(db: SqlPool, source: TableSource, request: RosterImportRequest): Promise<RosterImportResult> {
  assertMaySubmitRoster(request.viewer, request.category, request.county);
  return db.transaction(async (client) => {
    await createRosterStaging(client);
    // Duplicates are found in the staging table, not in a set in memory: a million rows stay flat.
    const reader = new ImportReader(source, ROSTER_SCHEMA, { maxRows: request.maxRows, detectDuplicates: false });
    const checker = new RosterRowChecker({ asOf: request.asOf, fieldPrefix: '', trackDuplicates: false });
    let batch: StagedRosterRow[] = [];
    let staged = 0;
    for await (const { row, record } of reader.records()) {
      const rowProblems: Problem[] = [];
      const stagedRow = checker.check(record, row, rowProblems);
      rowProblems.forEach((problem) => reader.addProblem(problem));
      // Valid rows are staged even after a problem, so that duplicates among them are reported too.
      if (stagedRow === null) continue;
      batch.push(stagedRow);
      if (batch.length >= STAGING_BATCH_SIZE) {
        await insertStagedRows(client, batch);
        staged += batch.length;
        batch = [];
      }
    }
    await insertStagedRows(client, batch);
    staged += batch.length;
    for (const duplicate of await findStagedDuplicates(client)) {
      const [first, ...later] = duplicate.rowNumbers;
      const rows =
        duplicate.rowNumbers.length === 2
          ? `rows ${first} and ${later[0]}`
          : `rows ${duplicate.rowNumbers.slice(0, -1).join(', ')} and ${duplicate.rowNumbers.at(-1)}`;
      for (const row of later)
        reader.addProblem({ row, field: 'idNumber', message: `${duplicate.idNumber} appears more than once in the file (${rows})` });
    }
    if (reader.hasProblems) throw new RejectedImport(reader.problems);

    const alreadyApplied = await lastSubmissionWasThisFile(client, request);
    const merge = await mergeStagedRoster(
      client,
      {
        category: request.category,
        county: request.county,
        asOf: request.asOf,
        viewer: request.viewer,
        fileHash: request.fileHash,
        // A repeated file is only counted, not applied again: it would change nothing but the log.
        dryRun: request.dryRun || alreadyApplied,
      },
      request.precedence,
    );
    if (!request.dryRun && !alreadyApplied) {
      await writeAuditEvent(client, request.viewer, {
        action: 'IMPORT',
        operation: 'POST /rosters/import',
        personCount: staged,
        details: {
          kind: 'roster',
          category: request.category,
          county: request.county,
          asOf: request.asOf,
          fileHash: request.fileHash,
          rows: staged,
          added: merge.added,
          exited: merge.exited,
          unchanged: merge.unchanged,
          conflicts: merge.conflicts.length,
        },
      });
    }
    return {
      added: merge.added,
      exited: merge.exited,
      unchanged: merge.unchanged,
      dryRun: request.dryRun,
      alreadyApplied,
      rows: staged,
      fileHash: request.fileHash,
      problems: [],
      conflicts: merge.conflicts,
      message: describe(request, merge, alreadyApplied),
    };
  });
}

function describe(
  request: RosterImportRequest,
  merge: { added: number; exited: number; unchanged: number },
  alreadyApplied: boolean,
): string {
  const counts = `${merge.added} added, ${merge.exited} exited, ${merge.unchanged} unchanged`;
  if (alreadyApplied) return `This file (same content, category, county and date) was already applied; nothing changed (${counts})`;
  if (request.dryRun) return `Dry run: nothing was written; the import would give ${counts}`;
  return `Imported: ${counts}`;
}
