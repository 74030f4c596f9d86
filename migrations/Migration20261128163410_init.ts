import { Migration } from '@mikro-orm/migrations';

export class Migration20261128163410_init extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "audit_event" ("id" bigserial primary key, "at" timestamptz not null default now(), "subject" varchar(200) not null, "department" varchar(40) not null, "county" char(6) null, "action" varchar(40) not null, "operation" varchar(200) null, "person_count" int not null default 0, "person_ids" integer[] null, "details" jsonb null);`);
    this.addSql(`create index "audit_event_subject_idx" on "audit_event" ("subject", "at");`);
    this.addSql(`create index "audit_event_at_idx" on "audit_event" ("at");`);

    this.addSql(`create table "county" ("code" char(6) not null, "name" varchar(50) not null, constraint "county_pkey" primary key ("code"));`);

    this.addSql(`create table "funding_rule" ("id" serial primary key, "county" char(6) not null, "year" smallint not null, "standard" numeric(12,2) not null, "city_share" numeric(5,4) not null, "updated_by" varchar(200) null, "updated_at" timestamptz not null default now(), constraint funding_rule_standard_not_negative check (standard >= 0), constraint funding_rule_city_share_range check (city_share >= 0 and city_share <= 1));`);
    this.addSql(`alter table "funding_rule" add constraint "funding_rule_county_year_unique" unique ("county", "year");`);

    this.addSql(`create table "person" ("id" serial primary key, "id_number" char(18) not null, "name" varchar(100) not null, "gender" text check ("gender" in ('M', 'F')) not null, "birth_date" date not null, "disability_level" smallint null, "pension_status" text check ("pension_status" in ('NOT_ENROLLED', 'CONTRIBUTING', 'SUSPENDED', 'RECEIVING', 'EMPLOYEE_PENSION', 'TERMINATED')) not null default 'NOT_ENROLLED', "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), constraint person_disability_level_range check (disability_level >= 1 and disability_level <= 4));`);
    this.addSql(`alter table "person" add constraint "person_id_number_unique" unique ("id_number");`);
    this.addSql(`create index "person_disability_level_idx" on "person" ("disability_level");`);

    this.addSql(`create table "proxy_payment" ("id" serial primary key, "person_id" int not null, "year" smallint not null, "amount" numeric(12,2) not null, "paid_on" date not null, "funder" varchar(200) not null default 'GOVERNMENT', "recorded_by" varchar(200) null, "created_at" timestamptz not null default now(), constraint proxy_payment_year_range check (year >= 2000 and year <= 2100), constraint proxy_payment_amount_not_negative check (amount >= 0));`);
    this.addSql(`create index "proxy_payment_person_idx" on "proxy_payment" ("person_id");`);
    this.addSql(`create index "proxy_payment_year_person_idx" on "proxy_payment" ("year", "person_id", "paid_on");`);

    this.addSql(`create table "roster_submission" ("id" serial primary key, "submitted_by" varchar(200) not null, "department" text check ("department" in ('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION', 'DISABLED_FEDERATION', 'FINANCE', 'TAX')) not null, "submitter_county" char(6) null, "category" text check ("category" in ('DIBAO', 'TEKUN', 'RETURNED_POVERTY')) not null, "county" char(6) not null, "as_of" date not null, "added" int not null default 0, "exited" int not null default 0, "unchanged" int not null default 0, "file_hash" varchar(64) null, "submitted_at" timestamptz not null default now());`);

    this.addSql(`create table "roster_entry" ("id" serial primary key, "person_id" int not null, "category" text check ("category" in ('DIBAO', 'TEKUN', 'RETURNED_POVERTY')) not null, "county" char(6) not null, "recognized_on" date not null, "exited_on" date null, "disability_level" smallint null, "source_department" text check ("source_department" in ('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION', 'DISABLED_FEDERATION', 'FINANCE', 'TAX')) not null, "submission_id" int null, "created_at" timestamptz not null default now(), constraint roster_entry_dates_ordered check (exited_on is null or exited_on >= recognized_on), constraint roster_entry_disability_level_range check (disability_level >= 1 and disability_level <= 4));`);
    this.addSql(`create index "roster_entry_county_dates_idx" on "roster_entry" ("county", "recognized_on", "exited_on");`);
    this.addSql(`create index "roster_entry_category_county_dates_idx" on "roster_entry" ("category", "county", "recognized_on", "exited_on");`);
    this.addSql(`create index "roster_entry_person_idx" on "roster_entry" ("person_id", "recognized_on");`);
    this.addSql(`create unique index "roster_entry_open_unique" on "roster_entry" ("person_id", "category", "county") where "exited_on" is null;`);

    this.addSql(`alter table "funding_rule" add constraint "funding_rule_county_foreign" foreign key ("county") references "county" ("code") on update cascade;`);

    this.addSql(`alter table "proxy_payment" add constraint "proxy_payment_person_id_foreign" foreign key ("person_id") references "person" ("id") on update cascade on delete restrict;`);

    this.addSql(`alter table "roster_submission" add constraint "roster_submission_county_foreign" foreign key ("county") references "county" ("code") on update cascade;`);

    this.addSql(`alter table "roster_entry" add constraint "roster_entry_person_id_foreign" foreign key ("person_id") references "person" ("id") on update cascade on delete restrict;`);
    this.addSql(`alter table "roster_entry" add constraint "roster_entry_county_foreign" foreign key ("county") references "county" ("code") on update cascade;`);
    this.addSql(`alter table "roster_entry" add constraint "roster_entry_submission_id_foreign" foreign key ("submission_id") references "roster_submission" ("id") on update cascade on delete restrict;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "funding_rule" drop constraint "funding_rule_county_foreign";`);

    this.addSql(`alter table "roster_submission" drop constraint "roster_submission_county_foreign";`);

    this.addSql(`alter table "roster_entry" drop constraint "roster_entry_county_foreign";`);

    this.addSql(`alter table "proxy_payment" drop constraint "proxy_payment_person_id_foreign";`);

    this.addSql(`alter table "roster_entry" drop constraint "roster_entry_person_id_foreign";`);

    this.addSql(`alter table "roster_entry" drop constraint "roster_entry_submission_id_foreign";`);

    this.addSql(`drop table if exists "audit_event" cascade;`);

    this.addSql(`drop table if exists "county" cascade;`);

    this.addSql(`drop table if exists "funding_rule" cascade;`);

    this.addSql(`drop table if exists "person" cascade;`);

    this.addSql(`drop table if exists "proxy_payment" cascade;`);

    this.addSql(`drop table if exists "roster_submission" cascade;`);

    this.addSql(`drop table if exists "roster_entry" cascade;`);
  }

}
