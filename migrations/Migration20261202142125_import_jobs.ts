import { Migration } from '@mikro-orm/migrations';

export class Migration20261202142125_import_jobs extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "import_job" ("id" uuid not null, "kind" varchar(20) not null, "state" text check ("state" in ('QUEUED', 'RUNNING', 'DONE', 'FAILED')) not null default 'QUEUED', "phase" varchar(20) not null default 'QUEUED', "submitted_by" varchar(200) not null, "department" text check ("department" in ('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION', 'DISABLED_FEDERATION', 'FINANCE', 'TAX')) not null, "submitter_county" char(6) null, "fields" jsonb not null, "filename" varchar(500) not null, "bytes" bigint not null, "sha256" varchar(64) not null, "rows_read" int not null default 0, "bytes_read" bigint not null default '0', "problem_count" int not null default 0, "problems" jsonb not null, "attempts" int not null default 0, "http_status" int null, "result" jsonb null, "submitted_at" timestamptz not null default now(), "started_at" timestamptz null, "heartbeat_at" timestamptz null, "finished_at" timestamptz null, constraint "import_job_pkey" primary key ("id"));`);
    this.addSql(`create index "import_job_state_heartbeat_at_index" on "import_job" ("state", "heartbeat_at");`);

    this.addSql(`create table "import_job_chunk" ("job_id" uuid not null, "sequence" int not null, "data" bytea not null, constraint "import_job_chunk_pkey" primary key ("job_id", "sequence"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "import_job" cascade;`);

    this.addSql(`drop table if exists "import_job_chunk" cascade;`);
  }

}
