import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { PENSION_STATUSES, type PensionStatus } from '../../shared/domain';
import { Person } from '../people/person.entity';

/**
 * One change of a person's pension status, so that a past month's report can read the status as it stood then
 * (issue: reports reproducible). `person.pension_status` stays the current status.
 */
@Entity({ tableName: 'pension_status_change' })
@Index({ name: 'pension_status_change_person_changed_on_idx', properties: ['person', 'changedOn'] })
export class PensionStatusChange {
  [OptionalProps]?: 'recordedBy' | 'recordedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne({ entity: () => Person, deleteRule: 'restrict' })
  person!: Person;

  @Enum({ items: () => [...PENSION_STATUSES] })
  previousStatus!: PensionStatus;

  @Enum({ items: () => [...PENSION_STATUSES] })
  status!: PensionStatus;

  /** The day the new status takes effect (China time); reports dated on or after it see the new status. */
  @Property({ type: 'date' })
  changedOn!: string;

  @Property({ type: 'string', length: 200, nullable: true })
  recordedBy: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  recordedAt: Date = new Date();
}
