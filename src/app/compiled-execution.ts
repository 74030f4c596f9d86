import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { execute, getVariableValues, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

// Execution compiled per document (issue 11). graphql-js walks the document anew for every request and allocates,
// for every field of every list item, its resolve info, path and arguments: on a page of 100 persons that was a
// quarter of the server's CPU and most of its garbage. graphql-jit compiles an operation once into a function that
// does only what that operation needs, and the compiled function is kept with the parsed document, which Apollo's
// document store already keeps and reuses for the same text.
//
// Apollo Server 5 takes an executor only through its gateway interface, so the executor is handed to it as a
// gateway that serves this one fixed schema. Everything before execution stays Apollo's: parsing, validation, the
// operation limits, every plugin.
//
// Two things are still graphql-js's own, so that answers stay exactly as before:
// - variables are coerced by graphql-js first: a bad variable is refused with graphql-js's error (Apollo then
//   answers 400 BAD_USER_INPUT) and the compiled function only ever sees inputs graphql-js accepts;
// - an operation graphql-jit cannot compile runs on graphql-js.

type Gateway = ApolloServerOptionsWithGateway<Record<string, unknown>>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

/** The compiled operations of one parsed document, by operation name ('' when unnamed); null: not compilable. */
type Compiled = Map<string, CompiledQuery | null>;

/** Operations compiled, operations graphql-jit could not compile (run on graphql-js), and compiled runs. */
export interface ExecutionCounts {
  compiled: number;
  notCompilable: number;
  compiledRuns: number;
}

export const newExecutionCounts = (): ExecutionCounts => ({ compiled: 0, notCompilable: 0, compiledRuns: 0 });

/**
 * graphql-jit's errors are its own objects: no `extensions` object when the resolver's error has none (Apollo and
 * graphql-js always give one), no `toJSON`. They are remade as graphql-js errors with the same message, path,
 * locations, original error and extensions, so that Apollo and the error formatter see what graphql-js gave them.
 */
function asGraphQLJsErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((error) => {
    const remade = new GraphQLError(error.message, {
      path: error.path,
      originalError: error.originalError ?? undefined,
      extensions: error.extensions ?? undefined,
    });
    (remade as { locations?: GraphQLError['locations'] }).locations = error.locations;
    return remade;
  });
  return { ...result, errors };
}

/** The gateway that hands Apollo the compiled executor of `schema`; `counts` is shared by a server's endpoints. */
export function compiledExecution(schema: GraphQLSchema, counts: ExecutionCounts = newExecutionCounts()): Gateway {
  // Keyed by the document object: it lives as long as Apollo's document store keeps it, and so do its compilations.
  const byDocument = new WeakMap<DocumentNode, Compiled>();

  const compiledFor = (document: DocumentNode, operationName: string | null): CompiledQuery | null => {
    let compiled = byDocument.get(document);
    if (!compiled) byDocument.set(document, (compiled = new Map()));
    const key = operationName ?? '';
    let query = compiled.get(key);
    if (query === undefined) {
      const result = compileQuery(schema, document, operationName ?? undefined);
      query = isCompiledQuery(result) ? result : null;
      compiled.set(key, query);
      if (query) counts.compiled++;
      else counts.notCompilable++;
    }
    return query;
  };

  const executor: Executor = async (requestContext) => {
    const { document, operation, operationName, context } = requestContext;
    const variables = requestContext.request.variables ?? {};
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    const query = compiledFor(document, operationName);
    if (query === null) {
      return (await execute({ schema, document, contextValue: context, variableValues: variables, operationName })) as ExecutionResult;
    }
    counts.compiledRuns++;
    return asGraphQLJsErrors((await query.query(undefined, context, variables)) as ExecutionResult);
  };

  return {
    onSchemaLoadOrUpdate(callback) {
      // Apollo derives its document store and validation from the schema given here, before the first request.
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    load: () => Promise.resolve({ executor }),
    stop: () => Promise.resolve(),
  };
}
