import type { GraphQLResolveInfo } from 'graphql';
import type { Viewer } from '../shared/auth';
import { isPolicyYear, type HardshipCategory } from '../shared/domain';
import { integerArgument, selectedFields, selects } from '../shared/graphql/selection';
import type { QueryRunner } from '../shared/sql';
import { createEligibilityLoaders, type EligibilityLoaders } from '../modules/eligibility/eligibility.loader';
import { createPaymentLoaders } from '../modules/payments/payments.loaders';
import { createPeopleLoaders, type PeopleLoaders } from '../modules/people/people.loaders';
import type { PersonRow } from '../modules/people/people.queries';

// One set of loaders per request: batching within the request, never a cache shared between users.
export function createLoaders(db: QueryRunner, viewer: Viewer | null, precedence: readonly HardshipCategory[]) {
  const people = createPeopleLoaders(db, viewer);
  // Eligibility of a person for a year, decided by the pure rule from facts loaded per page.
  const eligibility = createEligibilityLoaders(db, precedence, people.allEntries);
  return {
    ...people,
    ...createPaymentLoaders(db),
    eligibility,
    primePage: (persons: readonly PersonRow[], info: GraphQLResolveInfo) => primePage(people, eligibility, persons, info),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * A persons page: what its persons' fields will load, loaded for the whole page before they are resolved, only
 * when the request selects it (the same statements the loaders would batch, one per kind). Afterwards each
 * person's field answers with a plain value instead of one promise per person (issue 11).
 */
async function primePage(
  people: PeopleLoaders,
  eligibility: EligibilityLoaders,
  persons: readonly PersonRow[],
  info: GraphQLResolveInfo,
): Promise<void> {
  if (persons.length === 0) return;
  const personIds = persons.map((person) => person.id);
  const primes: Array<Promise<void>> = [];
  if (people.visibleEntries !== null && selects(info, ['edges', 'node', 'rosterEntries']))
    primes.push(people.visibleEntries.prime(personIds));
  if (selects(info, ['edges', 'node', 'county'])) primes.push(people.allEntries.prime(personIds));
  const years = new Set(selectedFields(info, ['edges', 'node', 'eligibility']).map((field) => integerArgument(field, 'year', info)));
  // A year outside the policy's is refused by the field itself, before anything is loaded.
  for (const year of years) if (year !== null && isPolicyYear(year)) primes.push(eligibility(year).prime(persons));
  // A failed load is not the page's error: each person's field loads again and reports it, as without priming.
  await Promise.all(primes).catch(() => undefined);
}
