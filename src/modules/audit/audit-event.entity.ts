import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** Who did or read what. Personal-data reads list the persons returned (issue: department access). */
@Entity({ tableName: 'audit_event' })
@Index({ name: 'audit_event_at_idx', properties: ['at'] })
@Index({ name: 'audit_event_subject_idx', properties: ['subject', 'at'] })
export class AuditEvent {
  [OptionalProps]?: 'at' | 'county' | 'operation' | 'personCount' | 'personIds' | 'details';

  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  at: Date = new Date();

  /** The token's `sub`. */
  @Property({ type: 'string', length: 200 })
  subject!: string;

  @Property({ type: 'string', length: 40 })
  department!: string;

  @Property({ type: 'string', columnType: 'char(6)', nullable: true })
  county: string | null = null;

  /** READ, SUBMIT_ROSTER, RECORD_ENROLMENT, RECORD_PAYMENTS, SET_FUNDING_RULE, IMPORT ... */
  @Property({ type: 'string', length: 40 })
  action!: string;

  @Property({ type: 'string', length: 200, nullable: true })
  operation: string | null = null;

  @Property({ type: 'integer', default: 0 })
  personCount: number = 0;

  @Property({ type: 'array', columnType: 'integer[]', nullable: true })
  personIds: number[] | null = null;

  @Property({ type: 'json', nullable: true })
  details: Record<string, unknown> | null = null;
}
