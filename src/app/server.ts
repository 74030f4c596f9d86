import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Request } from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { viewerFromHeader, type TokenPolicy, type Viewer } from '../shared/auth';
import { AppError } from '../shared/errors';
import { createExchangeRouter, DEFAULT_IMPORT_LIMITS, type ImportLimits } from '../modules/exchange/exchange.routes';
import { departmentViews } from '../modules/access/schema-view';
import { AuditLog, type AuditLogOptions } from '../modules/audit/audit-log';
import { recordPersonReads } from '../modules/audit/person-reads';
import type { Department } from '../shared/domain';
import { auditPlugin } from './audit-plugin';
import { createRequestContext, type AppServices, type RequestContext } from './context';
import { createExplorerRouter } from './explorer';
import { createErrorFormatter } from './format-error';
import { applyShield } from './shield';
import { buildBaseSchema } from './schema';
import { ProtectionWiring, resolveProtections, type Protections } from './protections';

export interface ServerOptions {
  services: AppServices;
  jwtSecret: string;
  production: boolean;
  /** The self-hosted GraphiQL at GET /graphql and each view (config `explorer`); default: outside production. */
  explorer?: boolean;
  /** File import limits (config importMaxBytes/importMaxRows). */
  importLimits?: ImportLimits;
  /** Batching of the audit log's writes. */
  audit?: AuditLogOptions;
  /** Operation limits, introspection, CORS, token lifetime, rate limits, trusted documents; safe defaults. */
  protections?: Partial<Protections>;
}

export interface AppServer {
  app: express.Express;
  httpServer: http.Server;
  /** The full schema served at /graphql (all departments, with rules). */
  schema: GraphQLSchema;
  /** Each department's view, served at /graphql/<slug>. */
  views: ReadonlyArray<{ department: Department; slug: string; schema: GraphQLSchema }>;
  audit: AuditLog;
  /** Stops accepting, waits for requests in flight, writes the audit events left, then resolves. */
  stop(): Promise<void>;
}

function authenticate(request: Request, secret: string, policy: TokenPolicy): Viewer | null {
  try {
    return viewerFromHeader(request.headers.authorization, secret, policy);
  } catch (error) {
    if (error instanceof AppError) {
      throw new GraphQLError(error.message, { extensions: { code: error.code, http: { status: error.httpStatus } } });
    }
    throw error;
  }
}

export async function createServer(options: ServerOptions): Promise<AppServer> {
  const { services, production } = options;
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const resolved = recordPersonReads(await buildBaseSchema());
  const schema = applyShield(resolved);
  const views = departmentViews(resolved).map((view) => ({ ...view, schema: applyShield(view.schema) }));
  const audit = new AuditLog(services.db, services.logger, options.audit);
  const protection = new ProtectionWiring(resolveProtections(production, options.protections), options.jwtSecret);
  const { tokenPolicy } = protection.protections;
  app.use(protection.front(app));

  const makeApollo = (served: GraphQLSchema, drainsHttpServer: boolean) => {
    const guarded = protection.apolloOptions(!drainsHttpServer, (context) => (context as RequestContext).viewer);
    return new ApolloServer<RequestContext>({
      ...guarded,
      schema: served,
      introspection: true,
      // main.ts owns shutdown; Apollo's own handler would re-raise the signal mid-cleanup.
      stopOnTerminationSignals: false,
      includeStacktraceInErrorResponses: !production,
      formatError: createErrorFormatter(services.logger, production),
      plugins: [
        ...(drainsHttpServer ? [ApolloServerPluginDrainHttpServer({ httpServer })] : []),
        auditPlugin(audit),
        ...guarded.plugins,
        // Apollo's landing pages load from a CDN; the explorer router below serves GET /graphql instead.
        ApolloServerPluginLandingPageDisabled(),
      ],
    });
  };
  const apollo = makeApollo(schema, true);
  const viewApollos = views.map((view) => ({ view, apollo: makeApollo(view.schema, false) }));
  await Promise.all([apollo.start(), ...viewApollos.map((entry) => entry.apollo.start())]);

  app.get('/healthz', (_request, response) => {
    response.status(200).json({ status: 'ok' });
  });
  app.get('/readyz', async (_request, response) => {
    const ready = await services.db.isReady();
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'database unavailable' });
  });

  app.use(
    createExchangeRouter({
      services,
      jwtSecret: options.jwtSecret,
      production,
      limits: options.importLimits ?? DEFAULT_IMPORT_LIMITS,
      audit,
    }),
  );

  app.use(
    createExplorerRouter({
      enabled: options.explorer ?? !production,
      endpoints: [
        { path: '/graphql', schema },
        ...views.map((view) => ({ path: `/graphql/${view.slug}`, schema: view.schema, department: view.department })),
      ],
    }),
  );

  const operationNameOf = (request: Request): string | null => {
    const body = request.body as { operationName?: unknown } | undefined;
    return typeof body?.operationName === 'string' ? body.operationName : null;
  };

  // A view answers only its own department: no token is UNAUTHENTICATED (401), another department's
  // valid token is FORBIDDEN (403) — the caller is known, the portal is not theirs.
  for (const { view, apollo: viewApollo } of viewApollos) {
    const endpoint = `/graphql/${view.slug}`;
    app.use(
      endpoint,
      protection.graphqlEntry(view.schema, view.department),
      expressMiddleware(viewApollo, {
        context: async ({ req }) => {
          const viewer = authenticate(req, options.jwtSecret, tokenPolicy);
          if (viewer === null) {
            throw new GraphQLError('A valid bearer token is required', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
          }
          if (viewer.department !== view.department) {
            throw new GraphQLError(`${endpoint} is the ${view.department} portal; use /graphql or your department's view`, {
              extensions: { code: 'FORBIDDEN', http: { status: 403 } },
            });
          }
          return createRequestContext(services, viewer, operationNameOf(req), endpoint);
        },
      }),
    );
  }

  const fullEndpoint = expressMiddleware(apollo, {
    context: async ({ req }) =>
      createRequestContext(services, authenticate(req, options.jwtSecret, tokenPolicy), operationNameOf(req), '/graphql'),
  });
  // A route on '/' only: app.use matches by prefix, and an unknown /graphql/<name> must be a 404, not the full schema.
  app.use('/graphql', express.Router().all('/', protection.graphqlEntry(schema, null), fullEndpoint));
  app.use(protection.back(app, services.logger, production));

  let stopped: Promise<void> | null = null;
  return {
    app,
    httpServer,
    schema,
    views,
    audit,
    stop() {
      stopped ??= (async () => {
        // The full endpoint's server drains the HTTP server, i.e. every endpoint's requests in flight.
        await apollo.stop();
        await Promise.all(viewApollos.map((entry) => entry.apollo.stop()));
        if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await audit.close();
      })();
      return stopped;
    },
  };
}
