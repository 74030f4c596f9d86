import { Check, Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { DEPARTMENTS, HARDSHIP_CATEGORIES, type Department, type HardshipCategory } from '../../shared/domain';
import { County } from '../counties/county.entity';
import { Person } from '../people/person.entity';
import { RosterSubmission } from './roster-submission.entity';

/**
 * A period during which a person is on one roster in one county. Active on D when
 * recognizedOn <= D and (exitedOn is null or D < exitedOn). Never deleted: leaving sets exitedOn (R3).
 */
@Entity({ tableName: 'roster_entry' })
@Check({ name: 'roster_entry_disability_level_range', expression: 'disability_level >= 1 and disability_level <= 4' })
@Check({ name: 'roster_entry_dates_ordered', expression: 'exited_on is null or exited_on >= recognized_on' })
// One open period per person, roster and county: whole-list submissions rely on it.
@Index({
  name: 'roster_entry_open_unique',
  expression:
    'create unique index "roster_entry_open_unique" on "roster_entry" ("person_id", "category", "county") where "exited_on" is null',
})
@Index({ name: 'roster_entry_person_idx', properties: ['person', 'recognizedOn'] })
@Index({ name: 'roster_entry_category_county_dates_idx', properties: ['category', 'county', 'recognizedOn', 'exitedOn'] })
@Index({ name: 'roster_entry_county_dates_idx', properties: ['county', 'recognizedOn', 'exitedOn'] })
export class RosterEntry {
  [OptionalProps]?: 'exitedOn' | 'disabilityLevel' | 'submission' | 'createdAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne({ entity: () => Person, deleteRule: 'restrict' })
  person!: Person;

  @Enum({ items: () => [...HARDSHIP_CATEGORIES] })
  category!: HardshipCategory;

  @ManyToOne({ entity: () => County, fieldName: 'county', columnType: 'char(6)' })
  county!: County;

  @Property({ type: 'date' })
  recognizedOn!: string;

  @Property({ type: 'date', nullable: true })
  exitedOn: string | null = null;

  /** R7: the disability level as the source roster marked it. */
  @Property({ type: 'smallint', nullable: true })
  disabilityLevel: number | null = null;

  @Enum({ items: () => [...DEPARTMENTS] })
  sourceDepartment!: Department;

  @ManyToOne({ entity: () => RosterSubmission, nullable: true, deleteRule: 'restrict' })
  submission: RosterSubmission | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
