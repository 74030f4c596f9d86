import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { execute, getVariableValues, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

// Execution compiled per document (issue 11). graphql-js walks the document anew for every request and allocates,
// for every field of every list item, its resolve info, path and arguments: on a page of 100 persons that was a
// quarter of the server's CPU and most of its garbage. graphql-jit compiles an operation once into a function that
// does only what that operation needs, and the compiled function is kept by the parsed document it was compiled from
// (Apollo's document store hands back the same document object for the same text).
//
// Compiled functions are kept for the most recently used MAX_COMPILED_DOCUMENTS documents of the whole server (all
// its endpoints) only: a compiled page holds about 60 KB of heap and takes about 1 ms to compile, and a client that
// sends endless distinct documents must not fill the heap (each endpoint's Apollo store keeps up to 30 MiB of them).
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

export const MAX_COMPILED_DOCUMENTS = 300;

/** One server's compiled operations, shared by its endpoints (each document object belongs to one endpoint's schema). */
export class CompiledOperations {
  readonly counts: ExecutionCounts = { compiled: 0, notCompilable: 0, compiledRuns: 0 };
  // Least recently used first (a Map keeps insertion order; a hit is moved to the end).
  private readonly byDocument = new Map<DocumentNode, Compiled>();

  constructor(readonly maxDocuments = MAX_COMPILED_DOCUMENTS) {}

  /** Documents whose compilations are kept. */
  get size(): number {
    return this.byDocument.size;
  }

  of(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): CompiledQuery | null {
    let compiled = this.byDocument.get(document);
    if (compiled) this.byDocument.delete(document);
    else compiled = new Map();
    this.byDocument.set(document, compiled);
    if (this.byDocument.size > this.maxDocuments) this.byDocument.delete(this.byDocument.keys().next().value!);
    const key = operationName ?? '';
    let query = compiled.get(key);
    if (query === undefined) {
      const result = compileQuery(schema, document, operationName ?? undefined);
      query = isCompiledQuery(result) ? result : null;
      compiled.set(key, query);
      if (query) this.counts.compiled++;
      else this.counts.notCompilable++;
    }
    return query;
  }
}

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

/** The gateway that hands Apollo the compiled executor of `schema`, keeping its compilations in `operations`. */
export function compiledExecution(schema: GraphQLSchema, operations: CompiledOperations): Gateway {
  const { counts } = operations;

  const executor: Executor = async (requestContext) => {
    const { document, operation, operationName, context } = requestContext;
    const variables = requestContext.request.variables ?? {};
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    const query = operations.of(schema, document, operationName);
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
