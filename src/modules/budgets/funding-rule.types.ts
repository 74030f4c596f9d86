import { Field, Float, InputType, Int } from 'type-graphql';
import { DecimalScalar } from '../../shared/graphql/scalars';

@InputType('FundingRuleInput', { description: "R1/R5: a county's contribution standard and the city's share for a year" })
export class FundingRuleInput {
  @Field(() => String)
  county!: string;

  @Field(() => Int)
  year!: number;

  @Field(() => DecimalScalar, { description: 'Yearly contribution standard in yuan (default 100.00)' })
  standard!: string;

  @Field(() => Float, { description: "City's share, 0-1 with at most four decimals (default 0.5); the county pays the rest" })
  cityShare!: number;
}
