import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * One row: a counter a statement trigger on roster_entry raises on every insert, update, delete or
 * truncate, whoever writes (submissions, imports, seeds, hand-written SQL). A file import compares it
 * with the value its last application recorded to know that nothing has changed since.
 */
@Entity({ tableName: 'roster_entry_version' })
export class RosterEntryVersion {
  @PrimaryKey({ type: 'smallint', autoincrement: false })
  id!: number;

  @Property({ type: 'bigint' })
  version!: string;
}
