import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { UseCaseContext } from '../../shared/use-case';
import { buildDispatchReport, buildDispatchTrend } from './dispatch-report.service';
import { DispatchReportNode } from './reports.types';

@Resolver()
export class ReportsResolver {
  @Query(() => DispatchReportNode, { description: 'R11: the monthly dispatch report of "YYYY-MM", every county or one' })
  dispatchReport(
    @Arg('month', () => String) month: string,
    @Arg('county', () => String, { nullable: true }) county: string | null,
    @Ctx() context: UseCaseContext,
  ): Promise<DispatchReportNode> {
    return buildDispatchReport(context, month, county ?? null);
  }

  @Query(() => [DispatchReportNode], {
    description: 'Trends: the dispatch report of every month from "YYYY-MM" to "YYYY-MM" (at most 24), every county or one, in one pass',
  })
  dispatchTrend(
    @Arg('from', () => String) from: string,
    @Arg('to', () => String) to: string,
    @Arg('county', () => String, { nullable: true }) county: string | null,
    @Ctx() context: UseCaseContext,
  ): Promise<DispatchReportNode[]> {
    return buildDispatchTrend(context, from, to, county ?? null);
  }
}
