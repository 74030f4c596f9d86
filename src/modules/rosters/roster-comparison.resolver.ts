import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { UseCaseContext } from '../../shared/use-case';
import { DateScalar } from '../../shared/graphql/scalars';
import { HardshipCategoryEnum } from '../../shared/graphql/enums';
import type { HardshipCategory } from '../../shared/domain';
import { RosterComparisonService } from './roster-comparison.service';
import { RosterComparisonNode } from './roster-comparison.types';

@Resolver()
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
}
