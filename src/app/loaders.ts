import type { Viewer } from '../shared/auth';
import type { HardshipCategory } from '../shared/domain';
import type { QueryRunner } from '../shared/sql';
import { createEligibilityLoaders } from '../modules/eligibility/eligibility.loader';
import { createPaymentLoaders } from '../modules/payments/payments.loaders';
import { createPeopleLoaders } from '../modules/people/people.loaders';

// One set of loaders per request: batching within the request, never a cache shared between users.
export function createLoaders(db: QueryRunner, viewer: Viewer | null, precedence: readonly HardshipCategory[]) {
  return {
    ...createPeopleLoaders(db, viewer),
    ...createPaymentLoaders(db),
    // Eligibility of a person for a year, decided by the pure rule from facts loaded per page.
    eligibility: createEligibilityLoaders(db, precedence),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
