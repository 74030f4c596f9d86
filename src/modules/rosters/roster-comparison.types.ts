import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { HardshipCategoryEnum } from '../../shared/graphql/enums';
import type { HardshipCategory } from '../../shared/domain';
import { PageInfo } from '../people/person.types';
import type { ComparisonKind } from './roster-comparison.queries';

export const ComparisonKindEnum = { ADDED: 'ADDED', REMOVED: 'REMOVED', CHANGED: 'CHANGED' } as const satisfies Record<
  ComparisonKind,
  ComparisonKind
>;
registerEnumType(ComparisonKindEnum, { name: 'ComparisonKind', description: 'Which list of the comparison an entry belongs to' });

@ObjectType('ComparisonEntry', { description: 'A person whose counted roster place differs between the two dates' })
export class ComparisonEntryNode {
  @Field(() => ComparisonKindEnum, { description: 'added, removed or changed' })
  kind!: ComparisonKind;

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

@ObjectType('ComparisonEntryEdge')
export class ComparisonEntryEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => ComparisonEntryNode)
  node!: ComparisonEntryNode;
}

@ObjectType('ComparisonEntryConnection', { description: 'R3 in pages, in (kind, ID number) order' })
export class ComparisonEntryConnection {
  @Field(() => [ComparisonEntryEdge])
  edges!: ComparisonEntryEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  /** Counted only when asked for. */
  countTotal!: () => Promise<number>;
}

/**
 * R3 between two dates. Nothing is read until a field asks: the three lists share one statement
 * (each bounded by MAX_UNPAGED_LIST), `entries` reads one page per call.
 */
@ObjectType('RosterComparison', { description: 'R3: who was added, removed or changed category/county between two dates' })
export class RosterComparisonNode {
  /** The lists of `added`, `removed` and `changed` (one statement, memoised). */
  list!: (kind: ComparisonKind) => Promise<ComparisonEntryNode[]>;

  /** A page of `entries`. */
  page!: (kind: ComparisonKind | null, first: number, after: string | null) => Promise<ComparisonEntryConnection>;
}
