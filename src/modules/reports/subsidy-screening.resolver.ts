import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { UseCaseContext } from '../../shared/use-case';
import { SubsidyScreeningService } from './subsidy-screening.service';
import { ScreeningEntryNode } from './subsidy-screening.types';

@Resolver()
export class SubsidyScreeningResolver {
  @Query(() => [ScreeningEntryNode], { description: "R10: level 3/4 disabled persons on the year's proxy roster" })
  subsidyScreening(
    @Arg('year', () => Int) year: number,
    @Arg('county', () => String, { nullable: true }) county: string | null,
    @Ctx() context: UseCaseContext,
  ): Promise<ScreeningEntryNode[]> {
    return new SubsidyScreeningService(context).screen(year, county ?? null);
  }
}
