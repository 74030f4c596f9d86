import DataLoader from 'dataloader';
import { groupByPerson } from '../../shared/group-by-person';
import type { QueryRunner } from '../../shared/sql';
import type { UseCaseContext } from '../../shared/use-case';
import { PaymentQueries, type PaymentRow } from './payments.queries';

export interface PaymentLoaders {
  /** Person.payments is granted to HRSS and TAX only; the person rows themselves are already row-filtered. */
  payments: DataLoader<number, PaymentRow[]>;
}

export interface PaymentsContext extends UseCaseContext {
  loaders: PaymentLoaders;
}

export function createPaymentLoaders(db: QueryRunner): PaymentLoaders {
  const queries = new PaymentQueries(db);
  return { payments: new DataLoader<number, PaymentRow[]>(async (ids) => groupByPerson(ids, await queries.forPersons(ids))) };
}
