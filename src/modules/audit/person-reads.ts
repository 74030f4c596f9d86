import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, getNamedType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';

// Every field that hands out a person's data records which person, wherever it sits in the schema
// (persons, person, screening entries, ...): new fields returning these types are covered without
// further code. A read is recorded once the resolver returned the object, before child rules run, so
// the log may name a person whose fields were then refused: it errs on the side of recording.

/** Types that carry one person's data, and how to find that person's internal id on a resolved value. */
export const PERSON_DATA_TYPES: Record<string, (value: unknown) => number | null> = {
  Person: (value) => numericProperty(value, 'id'),
};

function numericProperty(value: unknown, key: string): number | null {
  if (typeof value !== 'object' || value === null) return null;
  const property = (value as Record<string, unknown>)[key];
  return typeof property === 'number' ? property : null;
}

/** What a request collects: the persons it handed out. */
export interface PersonReadCollector {
  personIds: Set<number>;
}

function collect(value: unknown, idOf: (value: unknown) => number | null, into: Set<number>): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, idOf, into);
    return;
  }
  const id = idOf(value);
  if (id !== null) into.add(id);
}

export function recordPersonReads(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (fieldConfig) => {
      const idOf = PERSON_DATA_TYPES[getNamedType(fieldConfig.type).name];
      if (!idOf) return fieldConfig;
      const resolve: GraphQLFieldResolver<unknown, { personReads?: PersonReadCollector }> = fieldConfig.resolve ?? defaultFieldResolver;
      return {
        ...fieldConfig,
        resolve(parent, args, context, info) {
          const result: unknown = resolve(parent, args, context, info);
          const into = context.personReads?.personIds;
          if (!into) return result;
          // Plain values stay synchronous: no extra promise per list item.
          if (result instanceof Promise) {
            return result.then((value: unknown) => {
              collect(value, idOf, into);
              return value;
            });
          }
          collect(result, idOf, into);
          return result;
        },
      };
    },
  });
}
