import { Migration } from '@mikro-orm/migrations';

export class Migration20261128180544_pension_status_history extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "pension_status_change" ("id" serial primary key, "person_id" int not null, "previous_status" text check ("previous_status" in ('NOT_ENROLLED', 'CONTRIBUTING', 'SUSPENDED', 'RECEIVING', 'EMPLOYEE_PENSION', 'TERMINATED')) not null, "status" text check ("status" in ('NOT_ENROLLED', 'CONTRIBUTING', 'SUSPENDED', 'RECEIVING', 'EMPLOYEE_PENSION', 'TERMINATED')) not null, "changed_on" date not null, "recorded_by" varchar(200) null, "recorded_at" timestamptz not null default now());`);
    this.addSql(`create index "pension_status_change_person_changed_on_idx" on "pension_status_change" ("person_id", "changed_on");`);

    this.addSql(`alter table "pension_status_change" add constraint "pension_status_change_person_id_foreign" foreign key ("person_id") references "person" ("id") on update cascade on delete restrict;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "pension_status_change" cascade;`);
  }

}
