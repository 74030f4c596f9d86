import http from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Request } from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { viewerFromHeader, type Viewer } from '../shared/auth';
import { AppError } from '../shared/errors';
import { createExchangeRouter, DEFAULT_IMPORT_LIMITS, type ImportLimits } from '../modules/exchange/exchange.routes';
import { createRequestContext, type AppServices, type RequestContext } from './context';
import { createErrorFormatter } from './format-error';
import { applyShield } from './shield';
import { buildBaseSchema } from './schema';

export interface ServerOptions {
  services: AppServices;
  jwtSecret: string;
  production: boolean;
  /** File import limits (config importMaxBytes/importMaxRows). */
  importLimits?: ImportLimits;
}

export interface AppServer {
  app: express.Express;
  httpServer: http.Server;
  schema: GraphQLSchema;
  /** Stops accepting, waits for requests in flight, then resolves. */
  stop(): Promise<void>;
}

function authenticate(request: Request, secret: string): Viewer | null {
  try {
    return viewerFromHeader(request.headers.authorization, secret);
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
  const schema = applyShield(await buildBaseSchema());

  const apollo = new ApolloServer<RequestContext>({
    schema,
    introspection: true,
    // main.ts owns shutdown; Apollo's own handler would re-raise the signal mid-cleanup.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: !production,
    formatError: createErrorFormatter(services.logger, production),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      production ? ApolloServerPluginLandingPageProductionDefault({ footer: false }) : ApolloServerPluginLandingPageLocalDefault({ footer: false }),
    ],
  });
  await apollo.start();

  app.get('/healthz', (_request, response) => {
    response.status(200).json({ status: 'ok' });
  });
  app.get('/readyz', async (_request, response) => {
    const ready = await services.db.isReady();
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'database unavailable' });
  });

  app.use(createExchangeRouter({ services, jwtSecret: options.jwtSecret, production, limits: options.importLimits ?? DEFAULT_IMPORT_LIMITS }));

  app.use(
    '/graphql',
    express.json({ limit: '10mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const viewer = authenticate(req, options.jwtSecret);
        const body = req.body as { operationName?: unknown } | undefined;
        const operationName = typeof body?.operationName === 'string' ? body.operationName : null;
        return createRequestContext(services, viewer, operationName);
      },
    }),
  );

  return {
    app,
    httpServer,
    schema,
    async stop() {
      await apollo.stop();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
