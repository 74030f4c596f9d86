import DataLoader from 'dataloader';
import type { UseCaseContext } from '../../shared/use-case';
import type { PersonRow } from './people.queries';
import { PersonService } from './person.service';

// Person as a Federation entity, keyed by idNumber (DESIGN.md §7). A router's `_entities` call resolves
// each representation here, under the row rules of person(idNumber): a person the viewer may not see is
// null, exactly like an unknown one. Field rules are not this function's job: the entity's fields are
// resolved (and shielded) like any Person's. One DataLoader per request context batches a whole
// `_entities` call into one statement.

export const PERSON_ENTITY = { typeName: 'Person', key: 'idNumber' } as const;

export interface PersonRepresentation {
  __typename: 'Person';
  idNumber?: unknown;
}

const loadersByRequest = new WeakMap<UseCaseContext, DataLoader<string, PersonRow | null>>();

function entityLoader(context: UseCaseContext): DataLoader<string, PersonRow | null> {
  let loader = loadersByRequest.get(context);
  if (!loader) {
    // No cache across requests (the WeakMap is keyed by the request's own context); maxBatchSize unbounded.
    loader = new DataLoader<string, PersonRow | null>((idNumbers) => new PersonService(context).findManyByIdNumber(idNumbers));
    loadersByRequest.set(context, loader);
  }
  return loader;
}

export function resolvePersonReference(representation: PersonRepresentation, context: UseCaseContext): Promise<PersonRow | null> {
  return entityLoader(context).load(typeof representation.idNumber === 'string' ? representation.idNumber : '');
}

/** The resolver map entry buildSubgraphSchema takes for the Person entity. */
export const personEntityResolvers = {
  Person: {
    __resolveReference: (representation: PersonRepresentation, context: UseCaseContext) => resolvePersonReference(representation, context),
  },
};
