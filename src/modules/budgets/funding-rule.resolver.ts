import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { UseCaseContext } from '../../shared/use-case';
import { FundingRuleService } from './funding-rule.service';
import { FundingRuleInput } from './funding-rule.types';

@Resolver()
export class FundingRuleResolver {
  @Mutation(() => Boolean, { description: 'Creates or replaces the funding rule of a county and year (city-level FINANCE or HRSS)' })
  setFundingRule(@Arg('input', () => FundingRuleInput) input: FundingRuleInput, @Ctx() context: UseCaseContext): Promise<boolean> {
    return new FundingRuleService(context).set(input);
  }
}
