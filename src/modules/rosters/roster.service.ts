import type { Viewer } from '../../shared/auth';
import { isCountyCode } from '../../shared/county';
import { BadUserInputError, type Problem } from '../../shared/errors';
import type { QueryRunner } from '../../shared/sql';
import { requireViewer, type UseCaseContext } from '../../shared/use-case';
import { assertMaySubmitRoster } from '../access/row-scope';
import { writeAuditEvent, type AuditRecord } from '../audit/audit-log';
import { ImportReader, type ReadProgress } from '../exchange/import-reader';
import { ROSTER_SCHEMA } from '../exchange/import-schemas';
import type { TableSource } from '../exchange/table-reader';
import { RosterRowChecker, type StagedRosterRow } from './domain/roster-row';
import type { RosterImportFields } from './roster-import-fields';
import {
  createRosterStaging,
  findStagedDuplicates,
  findUnchangedApplication,
  insertStagedRows,
  lastSubmissionOf,
  mergeStagedRoster,
  STAGING_BATCH_SIZE,
  type RosterConflict,
  type RosterMergeResult,
} from './roster-merge.queries';
import type { SubmitRosterInput, SubmitRosterResult } from './roster.types';

// One use case, two doors: the submitRoster mutation (a list) and POST /rosters/import (a file) both run
// check → stage → merge → audit through `submitStaged`, in one transaction: nothing is written on any problem.

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
  /** The first MAX_LISTED_CONFLICTS (1,000) conflicts in row order. */
  conflicts: RosterConflict[];
  /** How many conflicts there are in all (more than `conflicts` lists when over 1,000). */
  conflictCount: number;
  message: string;
}

export interface RosterFile {
  source: TableSource;
  /** SHA-256 of the file, the idempotency key. */
  fileHash: string;
  maxRows: number;
  /** An import job's progress hook (rows read, problems so far). */
  onProgress?: (progress: ReadProgress) => void;
}

interface Submission {
  viewer: Viewer;
  roster: { category: SubmitRosterInput['category']; county: string; asOf: string; fileHash: string | null };
  dryRun: boolean;
  /** Fills roster_staging; throws a BadUserInputError with every problem (the transaction then rolls back). */
  stage(transaction: QueryRunner): Promise<number>;
  audit(merge: RosterMergeResult, staged: number): AuditRecord;
}

function counts(merge: RosterMergeResult): SubmitRosterResult {
  return { added: merge.added, exited: merge.exited, unchanged: merge.unchanged };
}

function rosterDetails(roster: { category: string; county: string; asOf: string }): Record<string, unknown> {
  return { category: roster.category, county: roster.county, asOf: roster.asOf };
}

export class RosterService {
  constructor(private readonly context: UseCaseContext) {}

  /** Whole-list submission: validate every row, stage, merge set-based. */
  async submit(input: SubmitRosterInput): Promise<SubmitRosterResult> {
    const viewer = requireViewer(this.context);
    assertMaySubmitRoster(viewer, input.category, input.county);
    const problems: Problem[] = [];
    if (!isCountyCode(input.county))
      problems.push({ row: null, field: 'county', message: `"${input.county}" is not one of the 14 county codes` });
    const checker = new RosterRowChecker({ asOf: input.asOf, fieldPrefix: 'entries.', trackDuplicates: true, today: this.context.today });
    const rows: StagedRosterRow[] = [];
    input.entries.forEach((entry, index) => {
      const row = checker.check(entry, index + 1, problems);
      if (row) rows.push(row);
    });
    if (problems.length > 0) throw new BadUserInputError(problems);

    const { merge } = await this.submitStaged({
      viewer,
      roster: { category: input.category, county: input.county, asOf: input.asOf, fileHash: null },
      dryRun: false,
      stage: async (transaction) => {
        await insertStagedRows(transaction, rows);
        return rows.length;
      },
      audit: (result) => ({
        action: 'SUBMIT_ROSTER',
        operation: this.context.operationName,
        personCount: rows.length,
        details: { ...rosterDetails(input), entries: rows.length, ...counts(result), conflicts: result.conflictCount },
      }),
    });
    return counts(merge);
  }

  /** The same merge fed from a file: rows are checked and staged in batches while the file streams in. */
  async importFile(fields: RosterImportFields, file: RosterFile): Promise<RosterImportResult> {
    const viewer = requireViewer(this.context);
    assertMaySubmitRoster(viewer, fields.category, fields.county);
    const repeated = await this.unchangedRepeat(fields, file);
    if (repeated !== null) return repeated;
    const { merge, staged, alreadyApplied } = await this.submitStaged({
      viewer,
      roster: { category: fields.category, county: fields.county, asOf: fields.asOf, fileHash: file.fileHash },
      dryRun: fields.dryRun,
      stage: (transaction) => stageFile(transaction, fields, file),
      audit: (result, rows) => ({
        action: 'IMPORT',
        operation: this.context.operationName,
        personCount: rows,
        details: {
          kind: 'roster',
          ...rosterDetails(fields),
          fileHash: file.fileHash,
          rows,
          ...counts(result),
          conflicts: result.conflictCount,
        },
      }),
    });
    return {
      ...counts(merge),
      dryRun: fields.dryRun,
      alreadyApplied,
      rows: staged,
      fileHash: file.fileHash,
      problems: [],
      conflicts: merge.conflicts,
      conflictCount: merge.conflictCount,
      message: describeImport(fields.dryRun, merge, alreadyApplied),
    };
  }

  /**
   * The short cut for a file imported again unchanged: the roster's latest submission applied this
   * very file as of this date and no roster entry has changed since, so staging, checking and merging it
   * again would only find what that application found (every row unchanged, the same conflicts).
   * Answered from that submission in one statement; null when the full work is needed.
   */
  private async unchangedRepeat(fields: RosterImportFields, file: RosterFile): Promise<RosterImportResult | null> {
    const application = await findUnchangedApplication(this.context.db, { ...fields, fileHash: file.fileHash });
    if (application === undefined) return null;
    const rows = application.added + application.unchanged;
    const samePrecedence = application.outcome.precedence.join() === this.context.settings.precedence.join();
    // A lower row limit since then, or another precedence (conflicts name the counted category): do the work.
    if (rows > file.maxRows || !samePrecedence) return null;
    const { conflicts, conflictCount = conflicts.length } = application.outcome;
    const merge: RosterMergeResult = { added: 0, exited: 0, unchanged: rows, conflicts, conflictCount };
    return {
      ...counts(merge),
      dryRun: fields.dryRun,
      alreadyApplied: true,
      rows,
      fileHash: file.fileHash,
      problems: [],
      conflicts: merge.conflicts,
      conflictCount: merge.conflictCount,
      message: describeImport(fields.dryRun, merge, true),
    };
  }

  private submitStaged(submission: Submission): Promise<{ merge: RosterMergeResult; staged: number; alreadyApplied: boolean }> {
    const { viewer, roster } = submission;
    return this.context.db.transaction(async (transaction) => {
      await createRosterStaging(transaction);
      const staged = await submission.stage(transaction);
      const last = roster.fileHash === null ? undefined : await lastSubmissionOf(transaction, roster.category, roster.county);
      const alreadyApplied = last !== undefined && last.fileHash === roster.fileHash && last.asOf === roster.asOf;
      // A repeated file is only counted, not applied again: it would change nothing but the log.
      const dryRun = submission.dryRun || alreadyApplied;
      const merge = await mergeStagedRoster(transaction, { ...roster, viewer, dryRun }, this.context.settings.precedence);
      if (!dryRun) await writeAuditEvent(transaction, viewer, submission.audit(merge, staged));
      return { merge, staged, alreadyApplied };
    });
  }
}

/** Streams the file into roster_staging; duplicates are found in the staging table, so a million rows stay flat. */
async function stageFile(transaction: QueryRunner, fields: RosterImportFields, file: RosterFile): Promise<number> {
  const reader = new ImportReader(file.source, ROSTER_SCHEMA, {
    maxRows: file.maxRows,
    detectDuplicates: false,
    onProgress: file.onProgress,
  });
  const checker = new RosterRowChecker({ asOf: fields.asOf, fieldPrefix: '', trackDuplicates: false });
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
      await insertStagedRows(transaction, batch);
      staged += batch.length;
      batch = [];
    }
  }
  await insertStagedRows(transaction, batch);
  staged += batch.length;
  for (const duplicate of await findStagedDuplicates(transaction)) {
    const [first, ...later] = duplicate.rowNumbers;
    const rows =
      duplicate.rowNumbers.length === 2
        ? `rows ${first} and ${later[0]}`
        : `rows ${duplicate.rowNumbers.slice(0, -1).join(', ')} and ${duplicate.rowNumbers.at(-1)}`;
    for (const row of later)
      reader.addProblem({ row, field: 'idNumber', message: `${duplicate.idNumber} appears more than once in the file (${rows})` });
  }
  if (reader.hasProblems) throw new BadUserInputError(reader.problems);
  return staged;
}

function describeImport(dryRun: boolean, merge: RosterMergeResult, alreadyApplied: boolean): string {
  const changes = `${merge.added} added, ${merge.exited} exited, ${merge.unchanged} unchanged`;
  if (alreadyApplied) return `This file (same content, category, county and date) was already applied; nothing changed (${changes})`;
  if (dryRun) return `Dry run: nothing was written; the import would give ${changes}`;
  return `Imported: ${changes}`;
}
