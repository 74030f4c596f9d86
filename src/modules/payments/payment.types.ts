import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { DateScalar, DecimalScalar } from '../../shared/graphql/scalars';

@ObjectType('ProxyPayment', { simpleResolvers: true, description: 'A contribution booked for a person and year' })
export class ProxyPaymentNode {
  personId!: number;

  @Field(() => Int)
  year!: number;

  @Field(() => DecimalScalar, { description: 'Yuan' })
  amount!: string;

  @Field(() => DateScalar)
  paidOn!: string;

  @Field(() => String, { description: 'R6: GOVERNMENT for proxy payment, else the collective, charity or individual that paid' })
  funder!: string;
}

@InputType('PaymentInput')
export class PaymentInput {
  @Field(() => String)
  idNumber!: string;

  @Field(() => DecimalScalar, { description: 'Yuan, more than 0.00, at most two decimals' })
  amount!: string;

  @Field(() => DateScalar)
  paidOn!: string;

  @Field(() => String, { nullable: true, description: 'R6: who funded it; GOVERNMENT when omitted' })
  funder?: string | null;
}
