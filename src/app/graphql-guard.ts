import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { GraphQLError, NoSchemaIntrospectionCustomRule, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { IntrospectionPolicy } from '../config/protection-settings';
import type { Viewer } from '../shared/auth';
import type { Department } from '../shared/domain';
import { sendJsonError } from '../infrastructure/http/json-errors';
import { viewerOf } from '../infrastructure/http/security';
import { checkOperationShape, parseWithinLimits, type OperationLimits } from './operation-limits';
import type { TrustedDocuments } from './trusted-documents';

export type { IntrospectionPolicy };

// What every GraphQL endpoint checks before Apollo sees the request: one operation per request, the
// variables' size, trusted documents, the token and shape limits, and who may introspect. Refusals are
// answered here, in the GraphQL error shape, without running anything.

/** Who may introspect (and get "Did you mean …" suggestions): everyone, token holders, or nobody. */

export function mayIntrospect(policy: IntrospectionPolicy, viewer: Viewer | null): boolean {
  return policy === 'all' || (policy === 'authenticated' && viewer !== null);
}

export interface GraphQLGuardOptions {
  schema: GraphQLSchema;
  limits: OperationLimits;
  introspection: IntrospectionPolicy;
  trustedDocuments: TrustedDocuments;
  /** Whether only manifest operations may run at this endpoint. */
  enforceTrustedDocuments: boolean;
  /** The manifest that applies: the view's department, or the caller's at /graphql. */
  manifestFor(viewer: Viewer | null): Department | null;
  /** A department view answers token holders only: no token is 401 before anything else is looked at. */
  requiresToken: boolean;
}

interface GraphQLRequestFields {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } } & Record<string, unknown>;
  documentId?: unknown;
}

function refuse(error: GraphQLError): { status: number; code: string; message: string; extensions: Record<string, unknown> } {
  const { code, http, ...extensions } = error.extensions as { code?: string; http?: { status?: number } } & Record<string, unknown>;
  return { status: http?.status ?? 400, code: code ?? 'BAD_REQUEST', message: error.message, extensions };
}

function coded(status: number, code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}

function parseJsonParameter(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** The fields of a POST body or of GET parameters; a batch or a body of the wrong type is a refusal. */
function requestFields(method: string, body: unknown, query: Record<string, unknown>): GraphQLRequestFields | GraphQLError {
  if (method === 'GET') {
    return { ...query, extensions: parseJsonParameter(query.extensions) as GraphQLRequestFields['extensions'] };
  }
  if (Array.isArray(body)) {
    return coded(400, 'BAD_REQUEST', 'HTTP batching (a JSON array of operations) is not supported: send one operation per request');
  }
  if (body === null || typeof body !== 'object') {
    return coded(415, 'UNSUPPORTED_MEDIA_TYPE', 'POST a JSON object with content-type: application/json');
  }
  return body as GraphQLRequestFields;
}

function variablesBytes(method: string, fields: GraphQLRequestFields): number {
  const { variables } = fields;
  if (variables === undefined || variables === null) return 0;
  return Buffer.byteLength(typeof variables === 'string' && method === 'GET' ? variables : JSON.stringify(variables), 'utf8');
}

/** What the guard finds in one document text; it depends on the text alone (and the endpoint's schema and limits). */
interface DocumentVerdict {
  /** The parsed document, or the parse error (QUERY_TOO_COMPLEX for the token limit). */
  parsed: { document: DocumentNode } | { error: GraphQLError };
  /** The first shape-limit refusal, or null (only for a parsed document). */
  shape: GraphQLError | null;
  /** Whether the document selects introspection fields (only for a parsed document). */
  introspects: boolean;
}

/** Document texts seen most recently, and their total length: a client sends the same few operations again and again. */
export const GUARD_CACHE_LIMITS = { entries: 500, characters: 256 * 1024 };

// The same text gets the same verdict, so the guard parses and validates each text once rather than on every
// request (issue 11: two AST walks with graphql-armor's rules per request). Bounded in entries and in text (a
// parsed tree grows with its text): least recently used out; a text over a tenth of the bound is not kept.
class VerdictCache {
  private readonly entries = new Map<string, DocumentVerdict>();
  private characters = 0;

  get(text: string, compute: () => DocumentVerdict): DocumentVerdict {
    const known = this.entries.get(text);
    if (known) {
      this.entries.delete(text);
      this.entries.set(text, known);
      return known;
    }
    const verdict = compute();
    if (text.length > GUARD_CACHE_LIMITS.characters / 10) return verdict;
    this.entries.set(text, verdict);
    this.characters += text.length;
    while (this.entries.size > GUARD_CACHE_LIMITS.entries || this.characters > GUARD_CACHE_LIMITS.characters) {
      const oldest = this.entries.keys().next().value!;
      this.entries.delete(oldest);
      this.characters -= oldest.length;
    }
    return verdict;
  }
}

export function graphqlGuard(options: GraphQLGuardOptions): RequestHandler {
  const { schema, limits, trustedDocuments } = options;
  const verdicts = new VerdictCache();
  const verdictOf = (text: string): DocumentVerdict =>
    verdicts.get(text, () => {
      const parsed = parseWithinLimits(text, limits);
      if ('error' in parsed) return { parsed, shape: null, introspects: false };
      return {
        parsed,
        shape: checkOperationShape(schema, parsed.document, limits),
        introspects: validate(schema, parsed.document, [NoSchemaIntrospectionCustomRule]).length > 0,
      };
    });

  const check = (method: string, fields: GraphQLRequestFields, viewer: Viewer | null): GraphQLError | null => {
    const size = variablesBytes(method, fields);
    if (size > limits.maxVariablesBytes) {
      return new GraphQLError(`The variables are over the limit of maxVariablesBytes = ${limits.maxVariablesBytes} bytes (found ${size})`, {
        extensions: {
          code: 'PAYLOAD_TOO_LARGE',
          limit: { name: 'maxVariablesBytes', value: limits.maxVariablesBytes, found: size },
          http: { status: 413 },
        },
      });
    }

    const persistedId = fields.extensions?.persistedQuery?.sha256Hash ?? fields.documentId;
    if (fields.query === undefined && typeof persistedId === 'string') {
      const operation = trustedDocuments.find(persistedId);
      if (operation) {
        if (method === 'GET') return coded(400, 'BAD_REQUEST', 'Send document ids with POST');
        fields.query = operation.body;
        delete fields.extensions?.persistedQuery;
      } else if (options.enforceTrustedDocuments) {
        return coded(404, 'PERSISTED_QUERY_NOT_FOUND', `No trusted document has the id ${persistedId}`);
      } else {
        return null; // Apollo's own automatic persisted queries answer it.
      }
    }
    if (typeof fields.query !== 'string') {
      return options.enforceTrustedDocuments && method !== 'GET'
        ? coded(400, 'BAD_REQUEST', 'The request has no query and no document id')
        : null;
    }

    const verdict = verdictOf(fields.query);
    const { parsed } = verdict;
    if ('error' in parsed) {
      // A plain syntax error: Apollo reports it (GRAPHQL_PARSE_FAILED), unless only trusted documents may run.
      if (parsed.error.extensions.code === 'QUERY_TOO_COMPLEX' || options.enforceTrustedDocuments) {
        return parsed.error.extensions.code === 'QUERY_TOO_COMPLEX'
          ? parsed.error
          : coded(403, 'OPERATION_NOT_ALLOWED', 'Only trusted documents may run here');
      }
      return null;
    }
    if (options.enforceTrustedDocuments) {
      const department = options.manifestFor(viewer);
      if (department === null || !trustedDocuments.allows(department, fields.query, parsed.document)) {
        const manifest = department === null ? 'none (no token)' : `schema/operations of ${department}`;
        return coded(
          403,
          'OPERATION_NOT_ALLOWED',
          `Only trusted documents may run here; this operation is not in the manifest (${manifest})`,
        );
      }
    }
    if (verdict.shape) return verdict.shape;
    if (!mayIntrospect(options.introspection, viewer) && verdict.introspects) {
      return coded(
        403,
        'INTROSPECTION_DISABLED',
        `Introspection is not available to ${viewer === null ? 'anonymous callers' : 'this caller'} here`,
      );
    }
    return null;
  };

  return (request, response, next) => {
    if (request.method !== 'GET' && request.method !== 'POST') {
      response.setHeader('allow', 'GET, POST');
      return sendJsonError(
        request,
        response,
        405,
        'METHOD_NOT_ALLOWED',
        `${request.method} is not supported on ${request.originalUrl.split('?')[0]}; use GET or POST`,
      );
    }
    const viewer = viewerOf(response);
    if (options.requiresToken && viewer === null) {
      return sendJsonError(request, response, 401, 'UNAUTHENTICATED', 'A valid bearer token is required');
    }
    const fields = requestFields(request.method, request.body, request.query as Record<string, unknown>);
    const error = fields instanceof GraphQLError ? fields : check(request.method, fields, viewer);
    if (!error) return next();
    const refusal = refuse(error);
    sendJsonError(request, response, refusal.status, refusal.code, refusal.message, refusal.extensions);
  };
}

/** Removes "Did you mean …" from errors for callers who may not introspect (it reveals the schema). */
export function hideSuggestionsPlugin(
  policy: IntrospectionPolicy,
  viewerOfContext: (context: unknown) => Viewer | null,
): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          if (mayIntrospect(policy, viewerOfContext(contextValue))) return;
          for (const error of errors) error.message = error.message.replace(/\s*Did you mean .+\?$/, '');
        },
      };
    },
  };
}
