import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import express, { type Request, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Viewer } from '../shared/auth';
import type { Department } from '../shared/domain';
import { ForbiddenError } from '../shared/errors';
import { apolloHandler } from '../infrastructure/http/apollo-handler';
import { authenticate, requireAuthenticated } from '../infrastructure/http/authenticate';
import { observationOf } from '../infrastructure/http/request-observation';
import { routedOnly } from '../infrastructure/http/routed-only';
import { createErrorFormatter, serviceUnavailableStatusPlugin, toGraphQLError } from '../infrastructure/http/error-mapping';
import { DEFAULT_IMPORT_LIMITS, type FileRouteSettings, type ImportLimits } from '../infrastructure/http/file-routes';
import { departmentViews } from '../modules/access/schema-view';
import { AuditLog, type AuditLogOptions } from '../modules/audit/audit-log';
import { recordPersonReads } from '../modules/audit/person-reads';
import type { ImportJobSettings } from '../config/config';
import { startJobEngine } from '../infrastructure/jobs/job-engine';
import type { ImportRoute } from '../infrastructure/http/file-routes';
import type { QueryRunner } from '../shared/sql';
import { enrolmentImportRoute, enrolmentRoutes } from '../modules/enrolment/enrolment.routes';
import { ImportJobWorker } from '../modules/jobs/import-job.runner';
import { ImportJobService } from '../modules/jobs/import-job.service';
import { importJobRoutes } from '../modules/jobs/import-jobs.routes';
import { paymentImportRoute, paymentRoutes } from '../modules/payments/payments.routes';
import { reportRoutes } from '../modules/reports/reports.routes';
import { rosterImportRoute, rosterRoutes } from '../modules/rosters/rosters.routes';
import { auditPlugin } from './audit-plugin';
import { inputTextGuardPlugin } from './input-text-guard';
import {
  bindObservation,
  createObservability,
  OperationLabels,
  operationLabelPlugin,
  requestIdPlugin,
  type Observability,
} from './observability';
import { createRequestContext, createUseCaseContext, type AppServices, type RequestContext } from './context';
import { createExplorerRouter } from './explorer';
import { CompiledOperations, compiledExecution, type ExecutionCounts } from './compiled-execution';
import { buildBaseSchema } from './schema';
import { ProtectionWiring, resolveProtections, type Protections } from './protections';
import { applyShield } from './shield';
import { executableSubgraph, subgraphDefinitions } from './subgraph';

export type { ImportLimits, ImportJobSettings };

export interface ServerOptions {
  services: AppServices;
  jwtSecret: string;
  production: boolean;
  /** The self-hosted GraphiQL at GET /graphql and each view (config `explorer`); default: outside production. */
  explorer?: boolean;
  /** `compiled` (default): operations run compiled by graphql-jit; `graphql-js`: graphql-js's executor (config PA_EXECUTION). */
  execution?: 'compiled' | 'graphql-js';
  /** File import limits (config importMaxBytes/importMaxRows). */
  importLimits?: ImportLimits;
  /** Import jobs on pg-boss: large (or async=true) uploads answer 202 and run in this process's worker; off when absent. */
  importJobs?: ImportJobSettings | null;
  /** Batching of the audit log's writes. */
  audit?: AuditLogOptions;
  /** Operation limits, introspection, CORS, token lifetime, rate limits, trusted documents; safe defaults. */
  protections?: Partial<Protections>;
  /** How long /readyz waits for the database before answering 503 (config PA_READINESS_TIMEOUT_MS); 500 ms. */
  readinessTimeoutMs?: number;
  /** Bearer token of GET /metrics (PA_METRICS_TOKEN); without one /metrics is open outside production and absent (404) in it. */
  metricsToken?: string | null;
}

export interface AppServer {
  app: express.Express;
  httpServer: http.Server;
  /** The full schema served at /graphql (all departments, with rules). */
  schema: GraphQLSchema;
  /** Each department's view, served at /graphql/<slug>. */
  views: ReadonlyArray<{ department: Department; slug: string; schema: GraphQLSchema }>;
  audit: AuditLog;
  observability: Observability;
  /** Operations compiled and run compiled, over all endpoints (all zero with `execution: 'graphql-js'`). */
  executionCounts: Readonly<ExecutionCounts>;
  /** Stops accepting, waits for requests in flight, writes the audit events left, then resolves. */
  stop(): Promise<void>;
}

// Personal data is never cached by a proxy or browser. Apollo's cache-control plugin used to send this header;
// it also added per-field hooks nothing reads (issue 11), so it is off and this one header stays, once per request.
const noStorePlugin: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};

/** Shutdown waits this long for a running import job (main.ts gives the whole shutdown 15 s). */
const JOB_STOP_TIMEOUT_MS = 8_000;

interface Wiring {
  options: ServerOptions;
  app: express.IRouter;
  httpServer: http.Server;
  audit: AuditLog;
  protection: ProtectionWiring;
  observability: Observability;
  operationLabels: OperationLabels;
  compiledOperations: CompiledOperations;
}

/** The worker: the same import routes a request runs, fed from the files kept in PostgreSQL. */
interface ImportJobs {
  service: ImportJobService;
  worker: ImportJobWorker;
}

function makeApollo(wiring: Wiring, schema: GraphQLSchema, drainsHttpServer: boolean): ApolloServer<RequestContext> {
  const { options, httpServer, audit, protection } = wiring;
  const guarded = protection.apolloOptions(!drainsHttpServer, (context) => (context as RequestContext).viewer);
  return new ApolloServer<RequestContext>({
    ...guarded,
    // Operations run compiled (compiled-execution.ts); Apollo's pipeline before execution is unchanged.
    ...((options.execution ?? 'compiled') === 'compiled' ? { gateway: compiledExecution(schema, wiring.compiledOperations) } : { schema }),
    introspection: true,
    // main.ts owns shutdown; Apollo's own handler would re-raise the signal mid-cleanup.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: !options.production,
    formatError: createErrorFormatter(options.services.logger, options.production),
    plugins: [
      requestIdPlugin(),
      operationLabelPlugin(wiring.operationLabels),
      ...(drainsHttpServer ? [ApolloServerPluginDrainHttpServer({ httpServer })] : []),
      inputTextGuardPlugin(),
      auditPlugin(audit),
      serviceUnavailableStatusPlugin,
      ...guarded.plugins,
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin,
      // Apollo's landing pages load from a CDN; the explorer router serves GET /graphql instead.
      ApolloServerPluginLandingPageDisabled(),
      // A subgraph would otherwise hand its resolver timings to any caller that asks for a trace.
      ApolloServerPluginInlineTraceDisabled(),
    ],
  });
}

function operationNameOf(request: Request): string | null {
  const body = request.body as { operationName?: unknown } | undefined;
  return typeof body?.operationName === 'string' ? body.operationName : null;
}

function mountProbes({ app, options, audit, observability }: Wiring): void {
  if (observability.metricsRoute) app.get('/metrics', observability.metricsRoute);
  app.get('/healthz', (_request, response) => {
    response.status(200).json({ status: 'ok' });
  });
  app.get('/readyz', async (_request, response) => {
    const database = await options.services.db.readiness(options.readinessTimeoutMs);
    // A full audit buffer means personal-data reads are about to go unrecorded: not ready for more traffic.
    const auditStatus = audit.status;
    const status = !database.primary ? 'database unavailable' : auditStatus.full ? 'audit buffer full' : 'ready';
    // A replica that is down does not make the server unready: analyst reads fall back to the primary.
    response.status(status === 'ready' ? 200 : 503).json({ status, database, audit: auditStatus });
  });
}

function fileRouteSettings(options: ServerOptions, jobs: ImportJobs | null): FileRouteSettings {
  return {
    jwtSecret: options.jwtSecret,
    production: options.production,
    logger: options.services.logger,
    limits: { ...(options.importLimits ?? DEFAULT_IMPORT_LIMITS), asyncFromBytes: options.importJobs?.asyncFromBytes },
    jobs: jobs?.service ?? null,
  };
}

function useCaseContexts(options: ServerOptions) {
  return (viewer: Viewer, operation: string, db?: QueryRunner) => {
    const context = createUseCaseContext(options.services, viewer, operation);
    return db === undefined ? context : { ...context, db };
  };
}

/** Starts pg-boss (its schema migrated at start) and the import worker over the one pool. */
async function startImportJobs(options: ServerOptions, audit: AuditLog): Promise<ImportJobs | null> {
  const settings = options.importJobs ?? null;
  if (settings === null) return null;
  const { db, logger } = options.services;
  const engine = await startJobEngine(db, logger, {
    pollingSeconds: settings.pollingSeconds,
    maintenanceSeconds: Math.max(1, Math.min(60, settings.staleSeconds)),
    expireSeconds: settings.expireSeconds,
    retryLimit: settings.retryLimit,
    retryDelaySeconds: 1,
  });
  const routeSettings = fileRouteSettings(options, null);
  const contextFor = useCaseContexts(options);
  const routes = new Map<string, ImportRoute<unknown>>(
    [
      rosterImportRoute(routeSettings, contextFor, audit),
      enrolmentImportRoute(routeSettings, contextFor),
      paymentImportRoute(routeSettings, contextFor),
    ].map((route) => [route.kind, route as ImportRoute<unknown>]),
  );
  const worker = new ImportJobWorker(db, engine, routes, logger, {
    heartbeatMs: settings.heartbeatMs,
    staleSeconds: settings.staleSeconds,
    temporaryDirectory: options.importLimits?.temporaryDirectory,
    production: options.production,
    retentionDays: settings.retentionDays,
    purgeEverySeconds: settings.purgeEverySeconds,
  });
  await worker.start();
  return { service: new ImportJobService(db, engine), worker };
}

/** Files in and out, each route in the module it serves, calling the same service as its resolver. */
function mountFileRoutes({ app, options, audit }: Wiring, jobs: ImportJobs | null): void {
  const settings = fileRouteSettings(options, jobs);
  const contextFor = useCaseContexts(options);
  app.use(routedOnly(rosterRoutes(settings, contextFor, audit)));
  app.use(routedOnly(enrolmentRoutes(settings, contextFor)));
  app.use(routedOnly(paymentRoutes(settings, contextFor)));
  app.use(routedOnly(reportRoutes(settings, contextFor)));
  app.use(routedOnly(importJobRoutes(settings, options.services.db)));
}

/**
 * A view answers only its own department: no token is UNAUTHENTICATED (401), another department's
 * valid token is FORBIDDEN (403) — the caller is known, the portal is not theirs.
 */
function mountView(
  wiring: Wiring,
  view: { department: Department; slug: string; schema: GraphQLSchema },
  apollo: ApolloServer<RequestContext>,
  // A department's subgraph: its own path, and no trusted-document manifest (a router writes its operations).
  subgraph?: { endpoint: string },
): void {
  const { app, options, protection } = wiring;
  const endpoint = subgraph?.endpoint ?? `/graphql/${view.slug}`;
  const viewerOfView = (request: Request): Viewer => {
    const viewer = requireAuthenticated(request, options.jwtSecret, undefined, protection.protections.tokenPolicy);
    if (viewer.department !== view.department) {
      throw new ForbiddenError(`${endpoint} is the ${view.department} portal; use /graphql or your department's view`);
    }
    return viewer;
  };
  app.use(
    endpoint,
    protection.graphqlEntry(view.schema, subgraph ? null : view.department),
    apolloHandler(apollo, async (request: Request, response: Response) => {
      try {
        const context = createRequestContext(options.services, viewerOfView(request), operationNameOf(request), endpoint);
        return bindObservation(context, observationOf(response));
      } catch (error) {
        throw toGraphQLError(error);
      }
    }),
  );
}

function mountFullEndpoint(
  { app, options, protection }: Wiring,
  schema: GraphQLSchema,
  apollo: ApolloServer<RequestContext>,
  endpoint = '/graphql',
): void {
  const fullEndpoint = apolloHandler(apollo, async (request: Request, response: Response) => {
    try {
      const context = createRequestContext(
        options.services,
        authenticate(request, options.jwtSecret, protection.protections.tokenPolicy),
        operationNameOf(request),
        endpoint,
      );
      return bindObservation(context, observationOf(response));
    } catch (error) {
      throw toGraphQLError(error);
    }
  });
  // A route on '/' only: app.use matches by prefix, and an unknown /graphql/<name> must be a 404, not the full schema.
  app.use(endpoint, express.Router().all('/', protection.graphqlEntry(schema, null), fullEndpoint));
}

/**
 * Federation subgraphs (subgraph.ts): the full graph at /subgraph, each department's view at
 * /subgraph/<slug>, answering only that department's tokens like its view. Built on the first request
 * to them: seven subgraph schemas cost about a second that a server nobody federates should not pay.
 */
function mountSubgraphs(wiring: Wiring, base: GraphQLSchema): { stop(): Promise<void> } {
  const router = express.Router();
  const routed: Wiring = { ...wiring, app: router };
  let apollos: Array<ApolloServer<RequestContext>> = [];
  let ready: Promise<void> | null = null;
  const build = async () => {
    const built = subgraphDefinitions(base, { scopes: true }).map((subgraph) => {
      const schema = executableSubgraph(base, subgraph.typeDefs, wiring.options.production);
      return { subgraph, schema, apollo: makeApollo(wiring, schema, false) };
    });
    apollos = built.map((entry) => entry.apollo);
    await Promise.all(apollos.map((server) => server.start()));
    for (const { subgraph, apollo, schema } of built) {
      if (subgraph.department === null) mountFullEndpoint(routed, schema, apollo, '/subgraph');
      else
        mountView(routed, { department: subgraph.department, slug: subgraph.name, schema }, apollo, {
          endpoint: `/subgraph/${subgraph.name}`,
        });
    }
  };
  wiring.app.use((request, response, next) => {
    if (request.path !== '/subgraph' && !request.path.startsWith('/subgraph/')) return next();
    (ready ??= build()).then(() => router(request, response, next), next);
  });
  return {
    async stop() {
      await ready?.catch(() => undefined);
      await Promise.all(apollos.map((server) => server.stop()));
    },
  };
}

export async function createServer(options: ServerOptions): Promise<AppServer> {
  const app = express();
  app.disable('x-powered-by');
  // No ETag: every answer is personal data sent with cache-control: no-store, so nobody revalidates it, and the
  // tag was a SHA-1 of every answer's body (a 100-person page: 32 KB hashed per request).
  app.set('etag', false);
  const httpServer = http.createServer(app);
  const base = await buildBaseSchema();
  const resolved = recordPersonReads(base);
  const schema = applyShield(resolved);
  const views = departmentViews(resolved).map((view) => ({ ...view, schema: applyShield(view.schema) }));
  // Background writes on the same pool, not counted among a request's statements.
  const audit = new AuditLog(options.services.db.uncounted(), options.services.logger, options.audit);
  const protection = new ProtectionWiring(resolveProtections(options.production, options.protections), options.jwtSecret);
  const observability = createObservability({
    logger: options.services.logger,
    db: options.services.db,
    audit,
    production: options.production,
    metricsToken: options.metricsToken ?? null,
  });
  const operationLabels = new OperationLabels(protection.trustedDocuments);
  const compiledOperations = new CompiledOperations();
  const wiring: Wiring = { options, app, httpServer, audit, protection, observability, operationLabels, compiledOperations };
  // First: every request gets its id, its log line and its metrics, refusals by the protections included.
  app.use(observability.observe);
  app.use(protection.front(app));

  const apollo = makeApollo(wiring, schema, true);
  const viewApollos = views.map((view) => ({ view, apollo: makeApollo(wiring, view.schema, false) }));
  await Promise.all([apollo.start(), ...viewApollos.map((entry) => entry.apollo.start())]);

  mountProbes(wiring);
  const jobs = await startImportJobs(options, audit);
  mountFileRoutes(wiring, jobs);
  app.use(
    routedOnly(
      createExplorerRouter({
        enabled: options.explorer ?? !options.production,
        endpoints: [
          { path: '/graphql', schema },
          ...views.map((view) => ({ path: `/graphql/${view.slug}`, schema: view.schema, department: view.department })),
        ],
      }),
    ),
  );
  for (const { view, apollo: viewApollo } of viewApollos) mountView(wiring, view, viewApollo);
  const subgraphs = mountSubgraphs(wiring, base);
  mountFullEndpoint(wiring, schema, apollo);
  app.use(protection.back(app, options.services.logger, options.production));

  let stopped: Promise<void> | null = null;
  return {
    app,
    httpServer,
    schema,
    views,
    audit,
    observability,
    executionCounts: compiledOperations.counts,
    stop() {
      stopped ??= (async () => {
        // The full endpoint's server drains the HTTP server, i.e. every endpoint's requests in flight.
        await apollo.stop();
        await Promise.all(viewApollos.map((entry) => entry.apollo.stop()));
        await subgraphs.stop();
        if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        // A job still running after this is rolled back when the pool closes, and run again by the next worker.
        await jobs?.worker.stop(JOB_STOP_TIMEOUT_MS);
        await audit.close();
      })();
      return stopped;
    },
  };
}
