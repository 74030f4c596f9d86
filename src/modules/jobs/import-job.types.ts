import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('ImportProblem', { description: 'A problem found in an imported file; row is the spreadsheet row (header = 1)' })
export class ImportProblemNode {
  @Field(() => Int, { nullable: true })
  row!: number | null;

  @Field(() => String)
  field!: string;

  @Field(() => String)
  message!: string;
}

@ObjectType('ImportJob', { description: 'A file import run in the background (POST /…/import with async=true or a large file)' })
export class ImportJobNode {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'roster, enrolment or payment' })
  kind!: string;

  @Field(() => String, { description: 'QUEUED, RUNNING, DONE or FAILED' })
  state!: string;

  @Field(() => String, { description: 'QUEUED, READING, APPLYING, DONE or FAILED' })
  phase!: string;

  @Field(() => String)
  filename!: string;

  @Field(() => Int, { description: 'Data rows read so far' })
  rowsRead!: number;

  @Field(() => Float, { description: 'Bytes of the file read so far' })
  bytesRead!: number;

  @Field(() => Float, { description: 'Size of the file' })
  bytesTotal!: number;

  @Field(() => Int, { description: 'Problems found so far' })
  problemCount!: number;

  @Field(() => [ImportProblemNode], { description: 'The first problems found so far; the full list is in result' })
  problems!: ImportProblemNode[];

  @Field(() => Int, { description: 'Attempts started (more than one after a crash or a retried failure)' })
  attempts!: number;

  @Field(() => String, { description: 'ISO 8601 timestamp (UTC)' })
  submittedAt!: string;

  @Field(() => String, { nullable: true })
  startedAt!: string | null;

  @Field(() => String, { nullable: true })
  finishedAt!: string | null;

  @Field(() => Int, { nullable: true, description: 'The HTTP status the import would have answered in its request; null until finished' })
  httpStatus!: number | null;

  @Field(() => String, { nullable: true, description: "The import's answer as JSON text, the same as in its request; null until finished" })
  result!: string | null;
}
