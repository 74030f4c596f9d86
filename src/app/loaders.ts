import DataLoader from 'dataloader';
import type { Viewer } from '../shared/auth';
import { createEligibilityLoaders } from '../modules/eligibility/eligibility.loader';
import { PaymentQueries, type PaymentRow } from '../modules/payments/payments.queries';
import { PeopleQueries, type EntryRow } from '../modules/people/people.queries';
import type { HardshipCategory } from '../shared/domain';
import type { SqlPool } from '../infrastructure/database/sql-pool';

// One set of loaders per request: batching within the request, never a cache shared between users.

function groupByPerson<T extends { personId: number }>(personIds: readonly number[], rows: readonly T[]): T[][] {
  const groups = new Map<number, T[]>(personIds.map((id) => [id, []]));
  for (const row of rows) groups.get(row.personId)?.push(row);
  return personIds.map((id) => groups.get(id) ?? []);
}

export function createLoaders(db: SqlPool, viewer: Viewer | null, precedence: readonly HardshipCategory[]) {
  const people = new PeopleQueries(db);
  const allEntries = new DataLoader<number, EntryRow[]>(async (ids) => groupByPerson(ids, await people.allEntries(ids)));
  const visibleEntries =
    viewer === null
      ? null
      : viewer.department === 'HRSS' && viewer.county === null
        ? allEntries
        : new DataLoader<number, EntryRow[]>(async (ids) => groupByPerson(ids, await people.visibleEntries(viewer, ids)));
  // Eligibility of a person for a year, decided by the pure rule from facts loaded per page.
  const eligibility = createEligibilityLoaders(db, precedence);
  const paymentQueries = new PaymentQueries(db);
  // Person.payments is granted to HRSS and TAX only; the person rows themselves are already row-filtered.
  const payments = new DataLoader<number, PaymentRow[]>(async (ids) => groupByPerson(ids, await paymentQueries.forPersons(ids)));
  return { allEntries, visibleEntries, eligibility, payments };
}

export type Loaders = ReturnType<typeof createLoaders>;
