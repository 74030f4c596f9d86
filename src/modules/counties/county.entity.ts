import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** The 14 county-level units; rows are inserted by a migration. */
@Entity({ tableName: 'county' })
export class County {
  @PrimaryKey({ type: 'string', columnType: 'char(6)' })
  code!: string;

  @Property({ type: 'string', length: 50 })
  name!: string;
}
