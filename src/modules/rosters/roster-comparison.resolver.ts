import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { UseCaseContext } from '../../shared/use-case';
import { DateScalar } from '../../shared/graphql/scalars';
import { HardshipCategoryEnum } from '../../shared/graphql/enums';
import type { HardshipCategory } from '../../shared/domain';
import { DEFAULT_REPORT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_UNPAGED_LIST } from '../../shared/paging';
import { RosterComparisonService } from './roster-comparison.service';
import type { ComparisonKind } from './roster-comparison.queries';
import { ComparisonEntryConnection, ComparisonEntryNode, ComparisonKindEnum, RosterComparisonNode } from './roster-comparison.types';

const UNPAGED = `at most ${MAX_UNPAGED_LIST} (LIST_TOO_LARGE beyond: use entries)`;

@Resolver(() => RosterComparisonNode)
export class RosterComparisonResolver {
  @Query(() => RosterComparisonNode, { description: 'R3: added, removed and changed between two dates (quarterly comparison)' })
  rosterComparison(
    @Arg('from', () => DateScalar) from: string,
    @Arg('to', () => DateScalar) to: string,
    @Arg('county', () => String, { nullable: true }) county: string | null,
    @Arg('category', () => HardshipCategoryEnum, { nullable: true }) category: HardshipCategory | null,
    @Ctx() context: UseCaseContext,
  ): Promise<RosterComparisonNode> {
    return new RosterComparisonService(context).compare(from, to, county ?? null, category ?? null);
  }

  @FieldResolver(() => [ComparisonEntryNode], { description: `Counted on \`to\`, not on \`from\`; ${UNPAGED}` })
  added(@Root() comparison: RosterComparisonNode): Promise<ComparisonEntryNode[]> {
    return comparison.list('ADDED');
  }

  @FieldResolver(() => [ComparisonEntryNode], { description: `Counted on \`from\`, not on \`to\`; ${UNPAGED}` })
  removed(@Root() comparison: RosterComparisonNode): Promise<ComparisonEntryNode[]> {
    return comparison.list('REMOVED');
  }

  @FieldResolver(() => [ComparisonEntryNode], { description: `Counted on both dates, in another category or county; ${UNPAGED}` })
  changed(@Root() comparison: RosterComparisonNode): Promise<ComparisonEntryNode[]> {
    return comparison.list('CHANGED');
  }

  @FieldResolver(() => ComparisonEntryConnection, {
    description: `The same entries in pages of \`first\` (at most ${MAX_PAGE_SIZE}), in (kind, ID number) order; one kind, or all`,
  })
  entries(
    @Root() comparison: RosterComparisonNode,
    @Arg('kind', () => ComparisonKindEnum, { nullable: true }) kind: ComparisonKind | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: DEFAULT_REPORT_PAGE_SIZE }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ): Promise<ComparisonEntryConnection> {
    return comparison.page(kind ?? null, first ?? DEFAULT_REPORT_PAGE_SIZE, after ?? null);
  }
}

@Resolver(() => ComparisonEntryConnection)
export class ComparisonEntryConnectionResolver {
  @FieldResolver(() => Int, { description: 'Entries of the asked kind (all kinds when none)' })
  totalCount(@Root() connection: ComparisonEntryConnection): Promise<number> {
    return connection.countTotal();
  }
}
