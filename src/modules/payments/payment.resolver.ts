import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { PaymentsContext } from './payments.loaders';
import { PersonNode } from '../people/person.types';
import { PaymentService } from './payment.service';
import { PaymentInput, ProxyPaymentNode } from './payment.types';

/** Person.payments; also served directly, without type-graphql's handler (app/schema.ts). */
export function resolvePersonPayments(person: Pick<PersonNode, 'id'>, context: PaymentsContext): Promise<ProxyPaymentNode[]> {
  return context.loaders.payments.load(person.id);
}

@Resolver(() => PersonNode)
export class PersonPaymentsResolver {
  @FieldResolver(() => [ProxyPaymentNode], { description: 'Contributions booked for this person (HRSS, TAX)' })
  payments(@Root() person: PersonNode, @Ctx() context: PaymentsContext): Promise<ProxyPaymentNode[]> {
    return resolvePersonPayments(person, context);
  }
}

@Resolver()
export class PaymentResolver {
  @Mutation(() => Int, {
    description: 'Books proxy payments for a year; returns how many were newly booked (identical re-sends are unchanged)',
  })
  recordProxyPayments(
    @Arg('year', () => Int) year: number,
    @Arg('payments', () => [PaymentInput]) payments: PaymentInput[],
    @Ctx() context: PaymentsContext,
  ): Promise<number> {
    return new PaymentService(context).record(year, payments);
  }
}
