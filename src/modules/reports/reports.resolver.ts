import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../app/context';
import { buildDispatchReport } from './dispatch-report.service';
import { DispatchReportNode } from './reports.types';

@Resolver()
export class ReportsResolver {
  @Query(() => DispatchReportNode, { description: 'R11: the monthly dispatch report of "YYYY-MM", every county or one' })
  dispatchReport(
    @Arg('month', () => String) month: string,
    @Arg('county', () => String, { nullable: true }) county: string | null,
    @Ctx() context: RequestContext,
  ): Promise<DispatchReportNode> {
    return buildDispatchReport(context, month, county ?? null);
  }
}
