import { Migration } from '@mikro-orm/migrations';

export class Migration20261202143731_roster_reimport extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "roster_entry_version" ("id" smallint not null, "version" bigint not null, constraint "roster_entry_version_pkey" primary key ("id"));`);

    this.addSql(`alter table "roster_submission" add column "entries_version" bigint null, add column "outcome" jsonb null;`);

    // Written by hand (MikroORM does not generate triggers): the one counter row, raised by every statement
    // that writes roster_entry, whoever runs it. The row lock it takes also orders concurrent writers.
    this.addSql(`insert into "roster_entry_version" ("id", "version") values (1, 0);`);
    this.addSql(`create function "roster_entry_version_bump"() returns trigger language plpgsql as $$
      begin
        update "roster_entry_version" set "version" = "version" + 1 where "id" = 1;
        return null;
      end $$;`);
    this.addSql(`create trigger "roster_entry_version_bump" after insert or update or delete on "roster_entry" for each statement execute function "roster_entry_version_bump"();`);
    this.addSql(`create trigger "roster_entry_version_bump_truncate" after truncate on "roster_entry" for each statement execute function "roster_entry_version_bump"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "roster_entry_version_bump" on "roster_entry";`);
    this.addSql(`drop trigger if exists "roster_entry_version_bump_truncate" on "roster_entry";`);
    this.addSql(`drop function if exists "roster_entry_version_bump"();`);
    this.addSql(`drop table if exists "roster_entry_version" cascade;`);

    this.addSql(`alter table "roster_submission" drop column "entries_version", drop column "outcome";`);
  }

}
