import { inject } from 'vitest';
import supertest from 'supertest';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { DestinationStream } from 'pino';
import type { LogLevel } from '../../src/config/config';
import { createLogger } from '../../src/infrastructure/logger';
import { openOrm } from '../../src/app/orm';
import { DatabaseQueryRunner } from '../../src/infrastructure/database/query-runner';
import { createServer, type AppServer, type ImportJobSettings, type ImportLimits } from '../../src/app/server';
import type { AuditLogOptions } from '../../src/modules/audit/audit-log';
import type { Protections } from '../../src/app/protections';
import { DEFAULT_PRECEDENCE } from '../../src/modules/eligibility/domain/precedence';
import { signToken } from '../../src/shared/auth';
import type { Department } from '../../src/shared/domain';
import { createTestDatabase, type TestDatabase } from './test-database';

export const TEST_JWT_SECRET = 'pension-aid-test-secret-0123456789';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data: T | null | undefined;
  errors:
    | Array<{
        message: string;
        path?: readonly (string | number)[];
        extensions?: { code?: string; problems?: Array<{ row: number | null; field: string; message: string }> };
      }>
    | undefined;
}

export interface TestApp {
  server: AppServer;
  db: DatabaseQueryRunner;
  orm: MikroORM;
  database: TestDatabase;
  /** A token for a department, city level unless a county is given. */
  token(department: Department, county?: string | null, subject?: string): string;
  /** POSTs a GraphQL operation and returns { status, data, errors }. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
    path?: string,
  ): Promise<GraphQLResponse<T>>;
  http(): ReturnType<typeof supertest>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Fixed "now" for the request context. */
  now?: Date;
  /** A clock read on every request (tests that move time forward); wins over `now`. */
  clock?: () => Date;
  production?: boolean;
  /** The explorer at GET /graphql; the server's default (outside production) unless told. */
  explorer?: boolean;
  /** How operations run; the server's default (compiled) unless told. */
  execution?: 'compiled' | 'graphql-js';
  /** File import limits; the server's defaults otherwise. */
  importLimits?: ImportLimits;
  /** Audit log batching (tests that count buffered events use a long interval). */
  audit?: AuditLogOptions;
  /** The server's protections; rate limits are off unless given (tests send many requests). */
  protections?: Partial<Protections>;
  /** Import jobs (pg-boss and the worker in this process); off unless given. */
  importJobs?: ImportJobSettings;

  /** Statistics' small-cell threshold (the server's default, 5, unless told). */
  statisticsMinimumCount?: number;

  /** Another PostgreSQL than the run's shared one (a throwaway cluster a fault test stops): its server and migrated template. */
  database?: { adminUrl: string; templateDatabase: string };

  /** Where the server logs (tests that read the log lines), at `logLevel`; silent otherwise. */
  logDestination?: DestinationStream;
  logLevel?: LogLevel;
  metricsToken?: string | null;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase(
    options.database?.adminUrl ?? inject('adminUrl'),
    options.database?.templateDatabase ?? inject('templateDatabase'),
  );
  const logger = createLogger(options.logLevel ?? (options.logDestination ? 'info' : 'silent'), options.logDestination);
  const orm = await openOrm(database.url, logger, 5);
  const db = DatabaseQueryRunner.over(orm);
  const server = await createServer({
    services: {
      db,
      settings: { precedence: DEFAULT_PRECEDENCE, statisticsMinimumCount: options.statisticsMinimumCount },
      logger,
      clock: options.clock ?? (options.now ? () => options.now! : undefined),
    },
    jwtSecret: TEST_JWT_SECRET,
    production: options.production ?? false,
    explorer: options.explorer,
    execution: options.execution,
    importLimits: options.importLimits,
    audit: options.audit,
    protections: { rateLimits: null, ...options.protections },
    importJobs: options.importJobs ?? null,
    metricsToken: options.metricsToken,
  });
  const agent = supertest(server.app);
  return {
    server,
    db,
    orm,
    database,
    token: (department, county = null, subject = 'tester') => signToken({ subject, department, county }, TEST_JWT_SECRET),
    async graphql<T>(query: string, variables: Record<string, unknown> = {}, token: string | null = null, path = '/graphql') {
      let request = agent.post(path).set('content-type', 'application/json');
      if (token) request = request.set('authorization', `Bearer ${token}`);
      const response = await request.send({ query, variables });
      const body = response.body as { data?: T | null; errors?: GraphQLResponse<T>['errors'] };
      return { status: response.status, data: body.data, errors: body.errors };
    },
    http: () => agent,
    async close() {
      await server.stop();
      await orm.close(true);
      await database.drop();
    },
  };
}
