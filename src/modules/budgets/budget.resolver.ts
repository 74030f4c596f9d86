import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { UseCaseContext } from '../../shared/use-case';
import { BudgetService } from './budget.service';
import { BudgetNode } from './budget.types';

@Resolver()
export class BudgetResolver {
  @Query(() => BudgetNode, { description: 'R9: the year budget per county and funding department' })
  budget(
    @Arg('year', () => Int) year: number,
    @Arg('county', () => String, { nullable: true }) county: string | null,
    @Ctx() context: UseCaseContext,
  ): Promise<BudgetNode> {
    return new BudgetService(context).budget(year, county ?? null);
  }
}
