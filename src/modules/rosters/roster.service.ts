import type { RequestContext } from '../../app/context';
import { requireViewer } from '../../app/context';
import { isCountyCode } from '../../shared/county';
import { BadUserInputError, type Problem } from '../../shared/errors';
import { writeAuditEvent } from '../audit/audit-log';
import { RosterRowChecker, type StagedRosterRow } from './domain/roster-row';
import { assertMaySubmitRoster } from './roster-permissions';
import { createRosterStaging, insertStagedRows, mergeStagedRoster } from './roster-merge';
import type { SubmitRosterInput, SubmitRosterResult } from './roster.types';

export class RosterService {
  constructor(private readonly context: RequestContext) {}

  /** Whole-list submission: validate every row, stage, merge set-based; one transaction, nothing written on any problem. */
  async submit(input: SubmitRosterInput): Promise<SubmitRosterResult> {
    const viewer = requireViewer(this.context);
    assertMaySubmitRoster(viewer, input.category, input.county);

    const problems: Problem[] = [];
    if (!isCountyCode(input.county))
      problems.push({ row: null, field: 'county', message: `"${input.county}" is not one of the 14 county codes` });
    const checker = new RosterRowChecker({ asOf: input.asOf, fieldPrefix: 'entries.', trackDuplicates: true });
    const rows: StagedRosterRow[] = [];
    input.entries.forEach((entry, index) => {
      const row = checker.check(entry, index + 1, problems);
      if (row) rows.push(row);
    });
    if (problems.length > 0) throw new BadUserInputError(problems);

    return this.context.db.transaction(async (client) => {
      await createRosterStaging(client);
      await insertStagedRows(client, rows);
      const result = await mergeStagedRoster(
        client,
        { category: input.category, county: input.county, asOf: input.asOf, viewer, fileHash: null, dryRun: false },
        this.context.settings.precedence,
      );
      await writeAuditEvent(client, viewer, {
        action: 'SUBMIT_ROSTER',
        operation: this.context.operationName,
        personCount: rows.length,
        details: {
          category: input.category,
          county: input.county,
          asOf: input.asOf,
          entries: rows.length,
          added: result.added,
          exited: result.exited,
          unchanged: result.unchanged,
          conflicts: result.conflicts.length,
        },
      });
      return { added: result.added, exited: result.exited, unchanged: result.unchanged };
    });
  }
}
