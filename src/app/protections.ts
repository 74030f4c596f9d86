import type { ApolloServerPlugin } from '@apollo/server';
import type express from 'express';
import type { GraphQLSchema, ParseOptions } from 'graphql';
import type { Protections } from '../config/protection-settings';
import type { Viewer } from '../shared/auth';
import type { Department } from '../shared/domain';
import { jsonBody, jsonErrorHandler, notFoundHandler } from '../infrastructure/http/json-errors';
import { DEFAULT_RATE_LIMITS, rateLimits } from '../infrastructure/http/rate-limit';
import { corsPolicy, securityHeaders, tokenGate } from '../infrastructure/http/security';
import type { Logger } from '../infrastructure/logger';
import { graphqlGuard, hideSuggestionsPlugin } from './graphql-guard';
import { costLimitPlugin, DEFAULT_OPERATION_LIMITS } from './operation-limits';
import { OPERATIONS_DIR, TrustedDocuments } from './trusted-documents';

// The server's protections in one place (issue 9 points 1-4), so server.ts only wires them in.

export type { Protections };

export const DEFAULT_TOKEN_MAX_LIFETIME_SECONDS = 24 * 3600;

/** Safe defaults for whatever is not given; introspection is off in production. */
export function resolveProtections(production: boolean, given: Partial<Protections> = {}): Protections {
  return {
    limits: { ...DEFAULT_OPERATION_LIMITS, ...given.limits },
    introspection: given.introspection ?? (production ? 'off' : 'all'),
    corsOrigins: given.corsOrigins ?? [],
    tokenPolicy: given.tokenPolicy ?? { maxLifetimeSeconds: DEFAULT_TOKEN_MAX_LIFETIME_SECONDS },
    rateLimits: given.rateLimits === undefined ? DEFAULT_RATE_LIMITS : given.rateLimits,
    trustedDocuments: given.trustedDocuments ?? 'off',
    trustProxyHops: given.trustProxyHops ?? 0,
  };
}

// Not rate limited and not behind the JWT gate: probes, and /metrics (its own bearer token, PA_METRICS_TOKEN).
const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export class ProtectionWiring {
  readonly trustedDocuments: TrustedDocuments;

  constructor(
    readonly protections: Protections,
    private readonly jwtSecret: string,
  ) {
    this.trustedDocuments = TrustedDocuments.load();
    if (protections.trustedDocuments !== 'off' && this.trustedDocuments.operations.length === 0) {
      throw new Error(`PA_TRUSTED_DOCUMENTS=${protections.trustedDocuments} but no operations were found in ${OPERATIONS_DIR}`);
    }
  }

  /** Before every route: headers, CORS, the token gate and the rate limits (probes are not limited). */
  front(app: express.Express): express.RequestHandler[] {
    // The client address of rate limits: the socket's, or the one the trusted proxies report.
    app.set('trust proxy', this.protections.trustProxyHops > 0 ? this.protections.trustProxyHops : false);
    const gate = tokenGate(this.jwtSecret, this.protections.tokenPolicy);
    const cors = corsPolicy(this.protections.corsOrigins);
    const limiters = this.protections.rateLimits ? rateLimits(this.protections.rateLimits) : [];
    const unlessProbe =
      (handler: express.RequestHandler): express.RequestHandler =>
      (request, response, next) =>
        PROBES.has(request.path) ? next() : handler(request, response, next);
    return [securityHeaders(), ...(cors ? [cors] : []), gate.identify, ...limiters.map(unlessProbe), unlessProbe(gate.refuseBadToken)];
  }

  private enforcesAt(view: boolean): boolean {
    return this.protections.trustedDocuments === 'all' || (view && this.protections.trustedDocuments === 'views');
  }

  /** Body parsing and the guard in front of one GraphQL endpoint. */
  graphqlEntry(schema: GraphQLSchema, viewDepartment: Department | null): express.RequestHandler[] {
    return [
      jsonBody(this.protections.limits.maxBodyBytes),
      graphqlGuard({
        schema,
        limits: this.protections.limits,
        introspection: this.protections.introspection,
        trustedDocuments: this.trustedDocuments,
        enforceTrustedDocuments: this.enforcesAt(viewDepartment !== null),
        manifestFor: (viewer) => viewDepartment ?? viewer?.department ?? null,
        requiresToken: viewDepartment !== null,
      }),
    ];
  }

  /** Apollo options of one endpoint: the cost limit, hidden suggestions, the parser's token limit, no batching. */
  apolloOptions(
    view: boolean,
    viewerOfContext: (context: unknown) => Viewer | null,
  ): { parseOptions: ParseOptions; allowBatchedHttpRequests: boolean; persistedQueries?: false; plugins: ApolloServerPlugin[] } {
    return {
      parseOptions: { maxTokens: this.protections.limits.maxTokens },
      allowBatchedHttpRequests: false,
      // Only the manifest's ids (resolved by the guard) where trusted documents are enforced.
      ...(this.enforcesAt(view) ? { persistedQueries: false as const } : {}),
      plugins: [costLimitPlugin(this.protections.limits), hideSuggestionsPlugin(this.protections.introspection, viewerOfContext)],
    };
  }

  /** After every route: JSON 404/405 and the JSON error handler. */
  back(app: express.Express, logger: Logger, production: boolean): Array<express.RequestHandler | express.ErrorRequestHandler> {
    return [notFoundHandler(app), jsonErrorHandler(logger, production)];
  }
}
