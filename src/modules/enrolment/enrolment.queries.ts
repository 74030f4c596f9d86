import type { IsoDate } from '../../shared/dates';
import type { PensionStatus } from '../../shared/domain';
import { sql, type QueryRunner } from '../../shared/sql';

export interface CurrentStatus {
  personId: number;
  status: PensionStatus;
  latestChangeOn: IsoDate | null;
}

export interface StatusChange {
  personId: number;
  status: PensionStatus;
  effectiveOn: IsoDate;
}

/**
 * Current status and latest recorded change of these persons, rows locked (inside the caller's transaction),
 * so that a concurrent enrolment cannot record a change between the check and the write.
 */
export function lockCurrentStatuses(transaction: QueryRunner, personIds: readonly number[]): Promise<CurrentStatus[]> {
  return transaction.rows<CurrentStatus>(sql`
    select person.id as "personId", person.pension_status as status,
           (select max(change.changed_on) from pension_status_change change where change.person_id = person.id) as "latestChangeOn"
    from person where person.id = any(${[...personIds]}::int[])
    order by person.id for update`);
}

/** One statement: updates the persons whose status differs and writes their history rows; returns their ids. */
export function applyStatusChanges(
  transaction: QueryRunner,
  changes: readonly StatusChange[],
  recordedBy: string,
): Promise<Array<{ id: number }>> {
  return transaction.rows<{ id: number }>(sql`
    with given as (
      select * from unnest(${changes.map((change) => change.personId)}::int[], ${changes.map((change) => change.status)}::text[],
                           ${changes.map((change) => change.effectiveOn)}::date[]) as given(person_id, status, effective_on)
    ),
    changing as (
      select person.id, person.pension_status as previous_status, given.status, given.effective_on
      from person join given on given.person_id = person.id
      where person.pension_status <> given.status
    ),
    history as (
      insert into pension_status_change (person_id, previous_status, status, changed_on, recorded_by)
      select id, previous_status, status, effective_on, ${recordedBy} from changing
    )
    update person set pension_status = changing.status, updated_at = now()
    from changing where person.id = changing.id
    returning person.id`);
}
