import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { HardshipCategoryEnum } from '../../shared/graphql/enums';
import { DateScalar } from '../../shared/graphql/scalars';
import type { HardshipCategory } from '../../shared/domain';

@InputType('RosterEntryInput', { description: 'One person on a submitted roster' })
export class RosterEntryInput {
  @Field(() => String, { description: 'R13: 18 characters, or a 15-digit legacy number (converted)' })
  idNumber!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Int, { nullable: true, description: 'R7: 1-4 when the roster marks a disability' })
  disabilityLevel?: number | null;

  @Field(() => DateScalar, { description: 'Date of recognition; not after asOf' })
  recognizedOn!: string;
}

@InputType('SubmitRosterInput', { description: 'The whole list of one category and county as of a date' })
export class SubmitRosterInput {
  @Field(() => HardshipCategoryEnum)
  category!: HardshipCategory;

  @Field(() => String)
  county!: string;

  @Field(() => DateScalar)
  asOf!: string;

  @Field(() => [RosterEntryInput])
  entries!: RosterEntryInput[];
}

@ObjectType('SubmitRosterResult')
export class SubmitRosterResult {
  @Field(() => Int, { description: 'New periods: people not on this roster before, or reappearing' })
  added!: number;

  @Field(() => Int, { description: 'Open periods of people missing from the list, closed on asOf' })
  exited!: number;

  @Field(() => Int, { description: 'People already on this roster' })
  unchanged!: number;
}
