import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../../app/context';
import { FundingRuleService } from './funding-rule.service';
import { FundingRuleInput } from './funding-rule.types';

@Resolver()
export class FundingRuleResolver {
  @Mutation(() => Boolean, { description: 'Creates or replaces the funding rule of a county and year (city-level FINANCE or HRSS)' })
  setFundingRule(@Arg('input', () => FundingRuleInput) input: FundingRuleInput, @Ctx() context: RequestContext): Promise<boolean> {
    return new FundingRuleService(context).set(input);
  }
}
