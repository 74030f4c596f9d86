import { Check, Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Person } from '../people/person.entity';

/** A contribution booked for a person and year. R6: `funder` says who paid (government or a third party). */
@Entity({ tableName: 'proxy_payment' })
@Check({ name: 'proxy_payment_amount_not_negative', expression: 'amount >= 0' })
@Check({ name: 'proxy_payment_year_range', expression: 'year >= 2000 and year <= 2100' })
@Index({ name: 'proxy_payment_year_person_idx', properties: ['year', 'person', 'paidOn'] })
@Index({ name: 'proxy_payment_person_idx', properties: ['person'] })
// Booking is idempotent: at most one payment per person, year and funder.
@Unique({ name: 'proxy_payment_person_year_funder_unique', properties: ['person', 'year', 'funder'] })
export class ProxyPayment {
  [OptionalProps]?: 'funder' | 'recordedBy' | 'createdAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne({ entity: () => Person, deleteRule: 'restrict' })
  person!: Person;

  @Property({ type: 'smallint' })
  year!: number;

  /** Yuan, exact: numeric(12,2) in the database, a "100.00" string in JavaScript. */
  @Property({ type: 'decimal', precision: 12, scale: 2 })
  amount!: string;

  @Property({ type: 'date' })
  paidOn!: string;

  /** GOVERNMENT for proxy payment; otherwise the collective, charity or individual that funded it (R6). */
  @Property({ type: 'string', length: 200, default: 'GOVERNMENT' })
  funder: string = 'GOVERNMENT';

  @Property({ type: 'string', length: 200, nullable: true })
  recordedBy: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
