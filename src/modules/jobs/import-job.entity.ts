import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { DEPARTMENTS, type Department } from '../../shared/domain';
import { IMPORT_JOB_STATES, type ImportJobState } from './domain/import-job';

/** A file import run by the job worker: who submitted it, how far it got, and its answer once done. */
@Entity({ tableName: 'import_job' })
@Index({ properties: ['state', 'heartbeatAt'] })
export class ImportJob {
  [OptionalProps]?:
    | 'state'
    | 'phase'
    | 'submitterCounty'
    | 'rowsRead'
    | 'bytesRead'
    | 'problemCount'
    | 'problems'
    | 'attempts'
    | 'httpStatus'
    | 'result'
    | 'submittedAt'
    | 'startedAt'
    | 'heartbeatAt'
    | 'finishedAt';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  /** Which import: "roster", "enrolment" or "payment". */
  @Property({ type: 'string', length: 20 })
  kind!: string;

  @Enum({ items: () => [...IMPORT_JOB_STATES] })
  state: ImportJobState = 'QUEUED';

  /** What the job is doing: QUEUED, READING, APPLYING, DONE. */
  @Property({ type: 'string', length: 20 })
  phase: string = 'QUEUED';

  @Property({ type: 'string', length: 200 })
  submittedBy!: string;

  @Enum({ items: () => [...DEPARTMENTS] })
  department!: Department;

  /** County of the submitting user; null for a city-level user. */
  @Property({ type: 'string', columnType: 'char(6)', nullable: true })
  submitterCounty: string | null = null;

  /** The form fields sent with the file (category, county, asOf, dryRun...). */
  @Property({ type: 'json' })
  fields!: Record<string, string>;

  @Property({ type: 'string', length: 500 })
  filename!: string;

  @Property({ type: 'bigint' })
  bytes!: string;

  @Property({ type: 'string', length: 64 })
  sha256!: string;

  @Property({ type: 'integer' })
  rowsRead: number = 0;

  @Property({ type: 'bigint' })
  bytesRead: string = '0';

  @Property({ type: 'integer' })
  problemCount: number = 0;

  /** The first problems found so far (the full list is in the result). */
  @Property({ type: 'json' })
  problems: unknown[] = [];

  @Property({ type: 'integer' })
  attempts: number = 0;

  /** The status the import would have answered in its request (200, 400...); null until finished. */
  @Property({ type: 'integer', nullable: true })
  httpStatus: number | null = null;

  /** The answer the import would have given in its request; null until finished. */
  @Property({ type: 'json', nullable: true })
  result: unknown = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  submittedAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  /** Written every few seconds while an attempt runs: a running job without it is orphaned and queued again. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  heartbeatAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  finishedAt: Date | null = null;
}

/** The uploaded file of an import job, in pieces, so that any server process can run the job. */
@Entity({ tableName: 'import_job_chunk' })
export class ImportJobChunk {
  @PrimaryKey({ type: 'uuid' })
  jobId!: string;

  @PrimaryKey({ type: 'integer' })
  sequence!: number;

  @Property({ type: 'blob' })
  data!: Buffer;
}
