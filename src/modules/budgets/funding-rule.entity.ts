import { Check, Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { County } from '../counties/county.entity';

/** R1/R5: the year's contribution standard and the city's share of it, per county. */
@Entity({ tableName: 'funding_rule' })
@Check({ name: 'funding_rule_city_share_range', expression: 'city_share >= 0 and city_share <= 1' })
@Check({ name: 'funding_rule_standard_not_negative', expression: 'standard >= 0' })
@Unique({ name: 'funding_rule_county_year_unique', properties: ['county', 'year'] })
export class FundingRule {
  [OptionalProps]?: 'updatedAt' | 'updatedBy';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne({ entity: () => County, fieldName: 'county', columnType: 'char(6)' })
  county!: County;

  @Property({ type: 'smallint' })
  year!: number;

  @Property({ type: 'decimal', precision: 12, scale: 2 })
  standard!: string;

  /** Fraction 0..1 with at most four decimals (5000 basis points = 0.5). */
  @Property({ type: 'decimal', precision: 5, scale: 4 })
  cityShare!: string;

  @Property({ type: 'string', length: 200, nullable: true })
  updatedBy: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
