import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { DEPARTMENTS, HARDSHIP_CATEGORIES, type Department, type HardshipCategory } from '../../shared/domain';
import { County } from '../counties/county.entity';

/** One whole-list submission of a roster (mutation or file import): who, when, what it changed. */
@Entity({ tableName: 'roster_submission' })
export class RosterSubmission {
  [OptionalProps]?: 'submittedAt' | 'fileHash' | 'submitterCounty' | 'added' | 'exited' | 'unchanged' | 'entriesVersion' | 'outcome';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 200 })
  submittedBy!: string;

  @Enum({ items: () => [...DEPARTMENTS] })
  department!: Department;

  /** County of the submitting user; null for a city-level user. */
  @Property({ type: 'string', columnType: 'char(6)', nullable: true })
  submitterCounty: string | null = null;

  @Enum({ items: () => [...HARDSHIP_CATEGORIES] })
  category!: HardshipCategory;

  @ManyToOne({ entity: () => County, fieldName: 'county', columnType: 'char(6)' })
  county!: County;

  @Property({ type: 'date' })
  asOf!: string;

  @Property({ type: 'integer' })
  added: number = 0;

  @Property({ type: 'integer' })
  exited: number = 0;

  @Property({ type: 'integer' })
  unchanged: number = 0;

  /** SHA-256 of an imported file; null for a submission through GraphQL. */
  @Property({ type: 'string', length: 64, nullable: true })
  fileHash: string | null = null;

  /**
   * roster_entry_version.version right after this submission's merge: while it is still the current
   * version, no roster entry anywhere has changed since (the re-import short cut relies on it).
   */
  @Property({ type: 'bigint', nullable: true })
  entriesVersion: string | null = null;

  /** What a file import reported beside the counts (conflicts and the precedence they were decided with), for the short cut; null when too long to keep. */
  @Property({ type: 'json', nullable: true })
  outcome: unknown = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  submittedAt: Date = new Date();
}
