import { requireViewer, type UseCaseContext } from '../../shared/use-case';
import { yearOf, type IsoDate } from '../../shared/dates';
import type { PensionStatus } from '../../shared/domain';
import { PENSION_STATUSES } from '../../shared/domain';
import { ProblemList, type Problem } from '../../shared/errors';
import { readCheckedFile, withSpreadsheetRows } from '../exchange/checked-file';
import type { ReadProgress } from '../exchange/import-reader';
import { ENROLMENT_SCHEMA } from '../exchange/import-schemas';
import type { TableSource } from '../exchange/table-reader';
import { IdNumber } from '../../shared/id-number';
import { writeAuditEvent } from '../audit/audit-log';
import { applyStatusChanges, lockCurrentStatuses } from './enrolment.queries';
import { findVisiblePersonIds, NOT_VISIBLE } from '../people/visible-persons.queries';

/** Status changes dated earlier than this are refused (the scheme has no earlier records). */
export const EARLIEST_EFFECTIVE_ON: IsoDate = '2000-01-01';

export interface EnrolmentRecord {
  idNumber: string;
  status: PensionStatus;
  /** The day the status takes effect; today in China when omitted. */
  effectiveOn?: IsoDate | null;
}

export interface EnrolmentImportResult {
  rows: number;
  /** Persons whose pension status changed. */
  updated: number;
  /** Rows that repeated a status already recorded. */
  unchanged: number;
  problems: Problem[];
}

export class EnrolmentService {
  constructor(private readonly context: UseCaseContext) {}

  /**
   * Sets pension statuses (R4 reads them) in one transaction, for persons the viewer may see.
   * Each person whose status changes also gets a `pension_status_change` row dated `effectiveOn`
   * (default today in China), so that past reports keep their figures. Returns how many persons'
   * status changed; re-sending a status already recorded changes nothing.
   */
  /** POST /enrolments/import: the file's rows through `record`, in one transaction; re-sending changes nothing. */
  async importFile(source: TableSource, maxRows: number, onProgress?: (progress: ReadProgress) => void): Promise<EnrolmentImportResult> {
    const { records, rows } = await readCheckedFile(source, ENROLMENT_SCHEMA, maxRows, onProgress);
    const updated = await withSpreadsheetRows(rows, () => this.record(records));
    return { rows: records.length, updated, unchanged: records.length - updated, problems: [] };
  }

  async record(entries: ReadonlyArray<EnrolmentRecord>): Promise<number> {
    const viewer = requireViewer(this.context);
    const today = this.context.today;
    const problems = new ProblemList();
    const checked: Array<{ row: number; idNumber: string; status: PensionStatus; effectiveOn: IsoDate }> = [];
    const firstRowOf = new Map<string, number>();
    entries.forEach((entry, index) => {
      const row = index + 1;
      if (!PENSION_STATUSES.includes(entry.status)) problems.add('status', `"${entry.status}" is not a pension status`, row);
      const effectiveOn = entry.effectiveOn ?? today;
      if (effectiveOn > today) problems.add('effectiveOn', `${effectiveOn} is after today (${today})`, row);
      else if (effectiveOn < EARLIEST_EFFECTIVE_ON) problems.add('effectiveOn', `${effectiveOn} is before ${EARLIEST_EFFECTIVE_ON}`, row);
      const { idNumber, message } = IdNumber.check(entry.idNumber);
      if (idNumber === null) {
        problems.add('idNumber', message, row);
        return;
      }
      const first = firstRowOf.get(idNumber.value);
      if (first !== undefined) problems.add('idNumber', `ID number ${idNumber.value} is already listed in row ${first}`, row);
      else {
        firstRowOf.set(idNumber.value, row);
        checked.push({ row, idNumber: idNumber.value, status: entry.status, effectiveOn });
      }
    });

    return this.context.db.transaction(async (transaction) => {
      const personIds = await findVisiblePersonIds(
        transaction,
        viewer,
        checked.map((entry) => entry.idNumber),
        yearOf(today),
      );
      for (const entry of checked) {
        if (!personIds.has(entry.idNumber)) problems.add('idNumber', `${NOT_VISIBLE}: ${entry.idNumber}`, entry.row);
      }
      const known = checked.filter((entry) => personIds.has(entry.idNumber));
      // The history is a chain: a change may not be dated before the person's latest recorded change.
      const current = await lockCurrentStatuses(
        transaction,
        known.map((entry) => personIds.get(entry.idNumber)!),
      );
      const currentOf = new Map(current.map((row) => [row.personId, row]));
      for (const entry of known) {
        const person = currentOf.get(personIds.get(entry.idNumber)!);
        const dateRefused = entry.effectiveOn > today || entry.effectiveOn < EARLIEST_EFFECTIVE_ON;
        if (
          person &&
          !dateRefused &&
          person.status !== entry.status &&
          person.latestChangeOn !== null &&
          entry.effectiveOn < person.latestChangeOn
        ) {
          problems.add(
            'effectiveOn',
            `${entry.effectiveOn} is before the latest recorded status change of ${entry.idNumber} (${person.latestChangeOn})`,
            entry.row,
          );
        }
      }
      problems.throwIfAny();

      const updated = await applyStatusChanges(
        transaction,
        known.map((entry) => ({ personId: personIds.get(entry.idNumber)!, status: entry.status, effectiveOn: entry.effectiveOn })),
        viewer.subject,
      );
      await writeAuditEvent(transaction, viewer, {
        action: 'RECORD_ENROLMENT',
        operation: this.context.operationName,
        personCount: updated.length,
        details: { entries: entries.length, updated: updated.length, unchanged: entries.length - updated.length },
      });
      return updated.length;
    });
  }
}
