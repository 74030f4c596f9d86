import { Field, Int, ObjectType } from 'type-graphql';
import { HardshipCategoryEnum } from '../../shared/graphql/enums';
import type { HardshipCategory } from '../../shared/domain';
import { PageInfo, PersonNode } from '../people/person.types';

@ObjectType('ScreeningEntry', {
  description: 'R10: a level 3/4 disabled person already proxy-paid this year; remove from the federation subsidy',
})
export class ScreeningEntryNode {
  @Field(() => PersonNode)
  person!: PersonNode;

  @Field(() => HardshipCategoryEnum, { description: 'After R8' })
  countedCategory!: HardshipCategory;

  @Field(() => Int)
  disabilityLevel!: number;
}

@ObjectType('ScreeningEntryEdge')
export class ScreeningEntryEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => ScreeningEntryNode)
  node!: ScreeningEntryNode;
}

@ObjectType('ScreeningEntryConnection', { description: 'R10 in pages: subsidyScreening in ID number order' })
export class ScreeningEntryConnection {
  @Field(() => [ScreeningEntryEdge])
  edges!: ScreeningEntryEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Counted only when asked for. */
  countTotal!: () => Promise<number>;
}
