import type { RequestContext } from '../../app/context';
import { requireViewer } from '../../app/context';
import { yearOf } from '../../shared/dates';
import type { PensionStatus } from '../../shared/domain';
import { PENSION_STATUSES } from '../../shared/domain';
import { ProblemList } from '../../shared/errors';
import { IdNumber } from '../../shared/id-number';
import { sql } from '../../shared/sql';
import { writeAuditEvent } from '../audit/audit-log';
import { findVisiblePersonIds, NOT_VISIBLE } from '../people/visible-persons.queries';

export class EnrolmentService {
  constructor(private readonly context: RequestContext) {}

  /**
   * Sets pension statuses (R4 reads them) in one transaction, for persons the viewer may see.
   * Returns how many persons' status changed; re-sending a status already recorded changes nothing.
   */
  async record(entries: ReadonlyArray<{ idNumber: string; status: PensionStatus }>): Promise<number> {
    const viewer = requireViewer(this.context);
    const problems = new ProblemList();
    const checked: Array<{ row: number; idNumber: string; status: PensionStatus }> = [];
    const firstRowOf = new Map<string, number>();
    entries.forEach((entry, index) => {
      const row = index + 1;
      if (!PENSION_STATUSES.includes(entry.status)) problems.add('status', `"${entry.status}" is not a pension status`, row);
      let idNumber: IdNumber;
      try {
        idNumber = IdNumber.parse(entry.idNumber);
      } catch (error) {
        problems.add('idNumber', `ID number "${entry.idNumber}" ${(error as Error).message}`, row);
        return;
      }
      const first = firstRowOf.get(idNumber.value);
      if (first !== undefined) problems.add('idNumber', `ID number ${idNumber.value} is already listed in row ${first}`, row);
      else {
        firstRowOf.set(idNumber.value, row);
        checked.push({ row, idNumber: idNumber.value, status: entry.status });
      }
    });

    return this.context.db.transaction(async (client) => {
      const personIds = await findVisiblePersonIds(client, viewer, checked.map((entry) => entry.idNumber), yearOf(this.context.today));
      for (const entry of checked) {
        if (!personIds.has(entry.idNumber)) problems.add('idNumber', `${NOT_VISIBLE}: ${entry.idNumber}`, entry.row);
      }
      problems.throwIfAny();

      const updated = await this.context.db.rows<{ id: number }>(sql`
        update person set pension_status = given.status, updated_at = now()
        from unnest(${checked.map((entry) => personIds.get(entry.idNumber)!)}::int[], ${checked.map((entry) => entry.status)}::text[]) as given(person_id, status)
        where person.id = given.person_id and person.pension_status <> given.status
        returning person.id`, client);
      await writeAuditEvent(client, viewer, {
        action: 'RECORD_ENROLMENT',
        operation: this.context.operationName,
        personCount: updated.length,
        details: { entries: entries.length, updated: updated.length, unchanged: entries.length - updated.length },
      });
      return updated.length;
    });
  }
}
