import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { UseCaseContext } from '../../shared/use-case';
import { DEFAULT_REPORT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_UNPAGED_LIST } from '../../shared/paging';
import { SubsidyScreeningService } from './subsidy-screening.service';
import { ScreeningEntryConnection, ScreeningEntryNode } from './subsidy-screening.types';

@Resolver()
export class SubsidyScreeningResolver {
  @Query(() => [ScreeningEntryNode], {
    description: `R10: level 3/4 disabled persons on the year's proxy roster; at most ${MAX_UNPAGED_LIST} (LIST_TOO_LARGE beyond: use subsidyScreeningPage)`,
  })
  subsidyScreening(
    @Arg('year', () => Int) year: number,
    @Arg('county', () => String, { nullable: true }) county: string | null,
    @Ctx() context: UseCaseContext,
  ): Promise<ScreeningEntryNode[]> {
    return new SubsidyScreeningService(context).screen(year, county ?? null);
  }

  @Query(() => ScreeningEntryConnection, {
    description: `R10 in pages of \`first\` (at most ${MAX_PAGE_SIZE}) in ID number order: the same rows as subsidyScreening`,
  })
  subsidyScreeningPage(
    @Arg('year', () => Int) year: number,
    @Arg('county', () => String, { nullable: true }) county: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: DEFAULT_REPORT_PAGE_SIZE }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() context: UseCaseContext,
  ): Promise<ScreeningEntryConnection> {
    return new SubsidyScreeningService(context).page(year, county ?? null, first ?? DEFAULT_REPORT_PAGE_SIZE, after ?? null);
  }
}

@Resolver(() => ScreeningEntryConnection)
export class ScreeningEntryConnectionResolver {
  @FieldResolver(() => Int, { description: 'Rows of the whole list' })
  totalCount(@Root() connection: ScreeningEntryConnection): Promise<number> {
    return connection.countTotal();
  }
}
