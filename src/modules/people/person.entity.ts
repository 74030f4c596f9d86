import { Check, Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { PENSION_STATUSES, type PensionStatus } from '../../shared/domain';

@Entity({ tableName: 'person' })
@Check({ name: 'person_disability_level_range', expression: 'disability_level >= 1 and disability_level <= 4' })
@Index({ name: 'person_disability_level_idx', properties: ['disabilityLevel'] })
export class Person {
  [OptionalProps]?: 'pensionStatus' | 'createdAt' | 'updatedAt' | 'disabilityLevel';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** R13: normalised 18-character number; 15-digit legacy numbers are converted before storing. */
  @Property({ type: 'string', columnType: 'char(18)', unique: 'person_id_number_unique' })
  idNumber!: string;

  @Property({ type: 'string', length: 100 })
  name!: string;

  /** Derived from the ID number when the person is created; stored so that reports can group by it. */
  @Enum({ items: () => ['M', 'F'] })
  gender!: 'M' | 'F';

  @Property({ type: 'date' })
  birthDate!: string;

  /** R7: 1-4 as marked on the latest roster row that gave one; null when not disabled. */
  @Property({ type: 'smallint', nullable: true })
  disabilityLevel: number | null = null;

  @Enum({ items: () => [...PENSION_STATUSES], default: 'NOT_ENROLLED' })
  pensionStatus: PensionStatus = 'NOT_ENROLLED';

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
