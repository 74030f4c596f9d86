import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, getNamedType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { IdNumber } from '../../shared/id-number';

// Every field that hands out a person's data records which person, wherever it sits in the schema
// (persons, person, screening entries, ...): new fields returning these types are covered without
// further code. A read is recorded once the resolver returned the object, before child rules run, so
// the log may name a person whose fields were then refused: it errs on the side of recording.

/** Which person a resolved value belongs to: internal id, or ID number when that is all the value has. */
export type PersonKey = { id: number } | { idNumber: string } | null;

/** Types that carry one person's data, and how to tell whose (from the value, or the field's arguments). */
export const PERSON_DATA_TYPES: Record<string, (value: unknown, args: Record<string, unknown>) => PersonKey> = {
  Person: (value) => byProperty(value, 'id'),
  // Federation's _entities (subgraph endpoints): each resolved Person entity carries its __typename.
  _Entity: (value) => (isPersonEntity(value) ? byProperty(value, 'id') : null),
  // Comparison lists carry identity fields but no internal id.
  ComparisonEntry: (value) => byProperty(value, 'idNumber'),
  // eligibility(idNumber, year): the person is the argument; nested Person.eligibility is covered by Person.
  Eligibility: (_value, args) => (typeof args.idNumber === 'string' ? { idNumber: normalised(args.idNumber) } : null),
};

function isPersonEntity(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { __typename?: unknown }).__typename === 'Person';
}

function byProperty(value: unknown, key: 'id' | 'idNumber'): PersonKey {
  if (typeof value !== 'object' || value === null) return null;
  const property = (value as Record<string, unknown>)[key];
  if (key === 'id') return typeof property === 'number' ? { id: property } : null;
  return typeof property === 'string' ? { idNumber: property } : null;
}

function normalised(idNumber: string): string {
  try {
    return IdNumber.parse(idNumber).value;
  } catch {
    return idNumber;
  }
}

/** What a request collects: the persons it handed out. */
export interface PersonReadCollector {
  personIds: Set<number>;
  /** Persons known only by ID number; resolved to ids when the batch is written. */
  idNumbers: Set<string>;
}

function collect(
  value: unknown,
  args: Record<string, unknown>,
  keyOf: (value: unknown, args: Record<string, unknown>) => PersonKey,
  into: PersonReadCollector,
): void {
  if (value === null || value === undefined || value instanceof Error) return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, args, keyOf, into);
    return;
  }
  // _entities answers a list of promises, one per representation; a rejected one is reported by GraphQL.
  if (value instanceof Promise) {
    value.then(
      (resolved: unknown) => collect(resolved, args, keyOf, into),
      () => undefined,
    );
    return;
  }
  const key = keyOf(value, args);
  if (key === null) return;
  if ('id' in key) into.personIds.add(key.id);
  else into.idNumbers.add(key.idNumber);
}

export function recordPersonReads(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (fieldConfig) => {
      const keyOf = PERSON_DATA_TYPES[getNamedType(fieldConfig.type).name];
      if (!keyOf) return fieldConfig;
      const resolve: GraphQLFieldResolver<unknown, { personReads?: PersonReadCollector }> = fieldConfig.resolve ?? defaultFieldResolver;
      return {
        ...fieldConfig,
        resolve(parent, args, context, info) {
          const result: unknown = resolve(parent, args, context, info);
          const into = context.personReads;
          if (!into) return result;
          const argumentValues = args as Record<string, unknown>;
          // Plain values stay synchronous: no extra promise per list item.
          if (result instanceof Promise) {
            return result.then((value: unknown) => {
              collect(value, argumentValues, keyOf, into);
              return value;
            });
          }
          collect(result, argumentValues, keyOf, into);
          return result;
        },
      };
    },
  });
}
