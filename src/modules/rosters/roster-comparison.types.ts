import { Field, ObjectType } from 'type-graphql';
import { HardshipCategoryEnum } from '../../shared/graphql/enums';
import type { HardshipCategory } from '../../shared/domain';

@ObjectType('ComparisonEntry', { description: 'A person whose counted roster place differs between the two dates' })
export class ComparisonEntryNode {
  @Field(() => String)
  idNumber!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'County on the later date (on the earlier one for a removal)' })
  county!: string;

  @Field(() => HardshipCategoryEnum, { nullable: true, description: 'Counted category on `from`; null when added' })
  before!: HardshipCategory | null;

  @Field(() => HardshipCategoryEnum, { nullable: true, description: 'Counted category on `to`; null when removed' })
  after!: HardshipCategory | null;
}

@ObjectType('RosterComparison', { description: 'R3: who was added, removed or changed category/county between two dates' })
export class RosterComparisonNode {
  @Field(() => [ComparisonEntryNode])
  added!: ComparisonEntryNode[];

  @Field(() => [ComparisonEntryNode])
  removed!: ComparisonEntryNode[];

  @Field(() => [ComparisonEntryNode])
  changed!: ComparisonEntryNode[];
}
