import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { DateScalar } from '../../shared/graphql/scalars';
import type { UseCaseContext } from '../../shared/use-case';
import type { StatisticsDimension } from './domain/dimensions';
import { StatisticsService } from './statistics.service';
import { StatisticsDimensionEnum, StatisticsFilterNode, StatisticsNode } from './statistics.types';

@Resolver()
export class StatisticsResolver {
  @Query(() => StatisticsNode, {
    description:
      'Counts and amounts grouped by up to three dimensions, for a year (its cut-off; the current year when neither is given) or a date; small cells withheld',
  })
  statistics(
    @Arg('year', () => Int, { nullable: true }) year: number | null,
    @Arg('date', () => DateScalar, { nullable: true }) date: string | null,
    @Arg('groupBy', () => [StatisticsDimensionEnum]) groupBy: StatisticsDimension[],
    @Arg('filter', () => StatisticsFilterNode, { nullable: true }) filter: StatisticsFilterNode | null,
    @Ctx() context: UseCaseContext,
  ): Promise<StatisticsNode> {
    return new StatisticsService(context).statistics({ year: year ?? null, date: date ?? null, groupBy, filter: filter ?? null });
  }
}
