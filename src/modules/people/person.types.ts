import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../../shared/graphql/scalars';
import { HardshipCategoryEnum, PensionStatusEnum } from '../../shared/graphql/enums';
import type { HardshipCategory, PensionStatus } from '../../shared/domain';

@ObjectType('RosterEntry', { simpleResolvers: true, description: 'A period on one roster in one county' })
export class RosterEntryNode {
  personId!: number;

  @Field(() => HardshipCategoryEnum)
  category!: HardshipCategory;

  @Field(() => String)
  county!: string;

  @Field(() => DateScalar)
  recognizedOn!: string;

  @Field(() => DateScalar, { nullable: true })
  exitedOn!: string | null;
}

@ObjectType('Person', { simpleResolvers: true })
export class PersonNode {
  /** Internal key; not exposed. */
  id!: number;

  @Field(() => String, { description: 'R13: 18-character resident ID number' })
  idNumber!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: '"M" or "F", from the ID number' })
  gender!: 'M' | 'F';

  @Field(() => DateScalar)
  birthDate!: string;

  @Field(() => Int, { nullable: true, description: 'R7: 1-4, or null when not disabled' })
  disabilityLevel!: number | null;

  @Field(() => PensionStatusEnum)
  pensionStatus!: PensionStatus;
}

@InputType('PersonFilter')
export class PersonFilterInput {
  @Field(() => String, { nullable: true, description: 'Persons with a roster entry in this county' })
  county?: string | null;

  @Field(() => HardshipCategoryEnum, { nullable: true, description: 'Persons with a roster entry of this category' })
  category?: HardshipCategory | null;

  @Field(() => [Int], { nullable: true, description: 'Persons whose disability level is one of these' })
  disabilityLevels?: number[] | null;

  @Field(() => DateScalar, { nullable: true, description: 'With county or category: only entries active on this date match' })
  activeOn?: string | null;
}

@ObjectType('PersonEdge', { simpleResolvers: true })
export class PersonEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => PersonNode)
  node!: PersonNode;
}

@ObjectType('PageInfo', { simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType('PersonConnection', { simpleResolvers: true })
export class PersonConnection {
  @Field(() => [PersonEdge])
  edges!: PersonEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Counted only when asked for. */
  countTotal!: () => Promise<number>;
}
