import type { ApolloServerPlugin } from '@apollo/server';
import type express from 'express';
import { Kind, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { DatabaseQueryRunner } from '../infrastructure/database/query-runner';
import { stampErrors } from '../infrastructure/http/apollo-handler';
import { BoundedLabels, noteError, observeRequests, type RequestObservation } from '../infrastructure/http/request-observation';
import { viewerOf } from '../infrastructure/http/security';
import type { Logger } from '../infrastructure/logger';
import { Metrics } from '../infrastructure/metrics';
import type { AuditLog } from '../modules/audit/audit-log';
import type { TrustedDocuments } from './trusted-documents';

// Logs, request ids and metrics wired into the server (issue 9 point 12; README "Running in production").

const MAX_OPERATION_LABELS = 200;
const MAX_ROOT_FIELDS_IN_LABEL = 3;

/**
 * An operation's label: its name when a trusted document has that name, else its type and root fields
 * ("query:persons"), which the schema bounds; more than a few root fields, or past the cap, "other".
 * The name a client sends is never a label of its own: it is free text.
 */
export class OperationLabels {
  private readonly labels = new BoundedLabels(MAX_OPERATION_LABELS);
  private readonly trustedNames: ReadonlySet<string>;

  constructor(trustedDocuments: TrustedDocuments) {
    this.trustedNames = new Set(trustedDocuments.operations.map((operation) => operation.name));
  }

  of(operation: OperationDefinitionNode, rootFields: ReadonlySet<string>): string {
    const name = operation.name?.value;
    if (name !== undefined && this.trustedNames.has(name)) return this.labels.label(name);
    const fields = new Set<string>();
    for (const selection of operation.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) return this.labels.label(null);
      const field = selection.name.value;
      if (!rootFields.has(field) && field !== '__typename') return this.labels.label(null);
      fields.add(field);
    }
    if (fields.size === 0 || fields.size > MAX_ROOT_FIELDS_IN_LABEL) return this.labels.label(null);
    return this.labels.label(`${operation.operation}:${[...fields].sort().join('+')}`);
  }
}

// A GraphQL request's observation, found from its context (the context function binds it): plugins and the
// input guard reach it without an AsyncLocalStorage, whose promise hooks slowed every promise (issue 11).
// A symbol property, since Apollo runs each operation on a shallow copy of the context.
const OBSERVATION = Symbol('observation');

export function bindObservation<Context extends object>(context: Context, observation: RequestObservation | undefined): Context {
  if (observation) (context as Record<symbol, unknown>)[OBSERVATION] = observation;
  return context;
}

export function observationOfContext(context: unknown): RequestObservation | undefined {
  return typeof context === 'object' && context !== null
    ? ((context as Record<symbol, unknown>)[OBSERVATION] as RequestObservation | undefined)
    : undefined;
}

// The names of a schema's root fields, once per schema rather than once per request.
const rootFieldNames = new WeakMap<GraphQLSchema, { query: ReadonlySet<string>; mutation: ReadonlySet<string> }>();

function rootFieldsOf(schema: GraphQLSchema, operation: OperationDefinitionNode['operation']): ReadonlySet<string> {
  let names = rootFieldNames.get(schema);
  if (!names) {
    const fields = (type: ReturnType<GraphQLSchema['getQueryType']>) => new Set(Object.keys(type?.getFields() ?? {}));
    names = { query: fields(schema.getQueryType()), mutation: fields(schema.getMutationType()) };
    rootFieldNames.set(schema, names);
  }
  return operation === 'mutation' ? names.mutation : names.query;
}

/** Names the request's operation once Apollo has resolved it. */
export function operationLabelPlugin(labels: OperationLabels): ApolloServerPlugin {
  return {
    async requestDidStart({ contextValue }) {
      const observation = observationOfContext(contextValue);
      if (!observation) return;
      return {
        async didResolveOperation({ operation, schema }) {
          if (operation) observation.operation = labels.of(operation, rootFieldsOf(schema, operation.operation));
        },
      };
    },
  };
}

/** Every GraphQL error of the pipeline carries the request id in extensions.requestId, and its code is noted for the log line. */
export function requestIdPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart({ contextValue }) {
      const observation = observationOfContext(contextValue);
      if (!observation) return;
      return {
        async willSendResponse({ response }) {
          observation.errorsStamped = true;
          if (response.body.kind !== 'single') return;
          const { singleResult } = response.body;
          if (singleResult.errors) singleResult.errors = stampErrors(observation, singleResult.errors);
        },
      };
    },
  };
}

/** For refusals under a common code (the input guard's BAD_USER_INPUT): the limit to count them under. */
export function noteRefusal(code: string, limit: string, observation: RequestObservation | undefined): void {
  noteError(observation, code, { limit: { name: limit } });
}

export interface Observability {
  metrics: Metrics;
  /** First handler of the app: request id, the log line, the request metrics. */
  observe: express.RequestHandler;
  /** GET /metrics, or null where it is not served (production without PA_METRICS_TOKEN). */
  metricsRoute: express.RequestHandler | null;
}

export function createObservability(options: {
  logger: Logger;
  db: DatabaseQueryRunner;
  audit: AuditLog;
  production: boolean;
  metricsToken: string | null;
}): Observability {
  const metrics = new Metrics({ pool: () => options.db.poolStatus(), audit: () => options.audit.status });
  return {
    metrics,
    observe: observeRequests({ logger: options.logger, viewerOf, onFinish: (finished) => metrics.observe(finished) }),
    metricsRoute: options.production && options.metricsToken === null ? null : metrics.handler(options.metricsToken),
  };
}
