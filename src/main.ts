import 'reflect-metadata';
import cluster, { type Worker } from 'node:cluster';
import { loadConfig, type AppConfig } from './config/config';
import { openDatabase } from './infrastructure/database/database';
import { createLogger, type Logger } from './infrastructure/logger';
import { migrate, openOrm } from './app/orm';
import { createServer } from './app/server';
import { DatabaseQueryRunner } from './infrastructure/database/query-runner';

// config -> database (embedded or DATABASE_URL) -> migrations -> server; and back down on SIGINT/SIGTERM.
// PA_PROCESSES=N (N > 1): this process becomes a cluster primary that owns the database (the embedded
// PostgreSQL, migrations) and serves nothing; N workers (node:cluster) share the port and run the server
// against DATABASE_URL. Workers hold no state another process needs: rate-limit counters and the audit
// buffer are per process (README "Running several processes").

type Cleanup = () => Promise<void>;

interface Lifecycle {
  cleanups: Cleanup[];
  /** Runs the cleanups (last registered first) once, then exits. */
  shutdown(signal: string, exitCode?: number): void;
  /** Runs the cleanups without exiting (a start-up failure: main reports it, then exits 1). */
  cleanUp(): Promise<void>;
  readonly stopping: boolean;
}

function lifecycle(logger: Logger, forceAfterMs: number): Lifecycle {
  const cleanups: Cleanup[] = [];
  let stopping = false;
  const cleanUp = async () => {
    // Whatever runs now (a primary's workers exiting, say) sees a process that is stopping.
    stopping = true;
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((error: unknown) => logger.error({ err: error }, 'shutdown step failed'));
    cleanups.length = 0;
  };
  const shutdown = (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => {
      logger.error(`shutdown took longer than ${forceAfterMs / 1000} s; exiting`);
      process.exit(1);
    }, forceAfterMs);
    force.unref();
    void cleanUp().then(() => {
      logger.info('stopped');
      process.exit(exitCode);
    });
  };
  // Registered before the database starts, so that Ctrl-C during start-up also stops it.
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  return {
    cleanups,
    shutdown,
    cleanUp,
    get stopping() {
      return stopping;
    },
  };
}

/** The database this process uses (embedded or DATABASE_URL), its migrations applied; stops with `life`. */
async function openMigratedDatabase(config: AppConfig, logger: Logger, life: Lifecycle): Promise<string> {
  const database = await openDatabase(config, logger);
  life.cleanups.push(() => database.stop());
  // Without its database the server cannot do its job: stop, exit 1, and let a process manager restart it.
  database.onUnexpectedExit((reason) => {
    logger.fatal(`embedded PostgreSQL ${reason}; the server stops too (exit status 1) so that it can be restarted`);
    life.shutdown('embedded PostgreSQL exit', 1);
  });
  const orm = await openOrm(database.url, logger, 2, config.databaseTimeouts);
  try {
    const applied = await migrate(orm);
    logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'database schema is up to date');
  } finally {
    await orm.close(true);
  }
  return database.url;
}

/** One server process: its own pool (and replica pool), Apollo, HTTP server on PORT. */
async function serve(config: AppConfig, logger: Logger, life: Lifecycle, databaseUrl: string): Promise<void> {
  const orm = await openOrm(databaseUrl, logger, undefined, config.databaseTimeouts);
  life.cleanups.push(() => orm.close(true));
  // One pool (MikroORM's): entities and every statement of the modules share its connections; analyst
  // reads go to the replica's pool when DATABASE_REPLICA_URL is set.
  const db = DatabaseQueryRunner.over(orm, { replica: config.databaseReplicaUrl ? { url: config.databaseReplicaUrl } : null });
  life.cleanups.push(() => db.close());
  const server = await createServer({
    services: { db, settings: { precedence: config.precedence, statisticsMinimumCount: config.statisticsMinimumCount }, logger },
    jwtSecret: config.jwtSecret,
    production: config.nodeEnv === 'production',
    explorer: config.explorer,
    execution: config.execution,
    importLimits: {
      maxBytes: config.importMaxBytes,
      maxRows: config.importMaxRows,
      archive: config.importArchive,
      temporaryDirectory: config.uploadDirectory ?? undefined,
    },
    protections: config.protections,
    importJobs: config.importJobs,
    readinessTimeoutMs: config.databaseTimeouts.readinessTimeoutMs,
    metricsToken: config.metricsToken,
  });
  // Runs before the pools close (cleanups run in reverse): drains requests, then writes the buffered audit events.
  life.cleanups.push(() => server.stop());
  await new Promise<void>((resolve, reject) => {
    server.httpServer.once('error', reject);
    server.httpServer.listen(config.port, () => resolve());
  });
}

async function single(config: AppConfig, logger: Logger): Promise<void> {
  const life = lifecycle(logger, 15_000);
  try {
    const url = await openMigratedDatabase(config, logger, life);
    await serve(config, logger, life, url);
    logger.info(
      { port: config.port, embedded: config.databaseUrl === null, replica: config.databaseReplicaUrl !== null },
      `pension-aid listening on http://localhost:${config.port}/graphql`,
    );
  } catch (error) {
    await life.cleanUp();
    throw error;
  }
}

/** A cluster worker: the primary migrated the database and passed its URL in DATABASE_URL. */
async function worker(config: AppConfig, logger: Logger): Promise<void> {
  const life = lifecycle(logger, 15_000);
  try {
    await serve(config, logger, life, config.databaseUrl!);
  } catch (error) {
    await life.cleanUp();
    throw error;
  }
}

/** The cluster primary: database and migrations, then PA_PROCESSES workers, restarted if one dies. */
async function primary(config: AppConfig, logger: Logger): Promise<void> {
  // Workers have 15 s each to drain; the primary stops its database only after they are gone.
  const life = lifecycle(logger, 25_000);
  const url = await openMigratedDatabase(config, logger, life);
  const workers = new Set<Worker>();
  const restarts: number[] = [];
  // Until every first worker listens, a worker that exits fails the start (exit 1, for a process manager to
  // retry) instead of being replaced: a start that cannot work is not retried in a loop behind its back.
  let started = false;
  const fork = (): Promise<void> => {
    const child = cluster.fork({ DATABASE_URL: url, PA_CLUSTER_WORKER: '1' });
    workers.add(child);
    return new Promise<void>((resolve, reject) => {
      child.once('listening', () => resolve());
      child.once('exit', (code, signal) => {
        workers.delete(child);
        reject(new Error(`worker ${child.process.pid} exited during start-up (${signal ?? code})`));
        if (life.stopping || !started) return;
        logger.error({ pid: child.process.pid, code, signal }, 'server worker exited; starting another');
        const now = Date.now();
        restarts.push(now);
        while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
        // A worker that cannot stay up (bad configuration, a lost database) is not restarted in a loop.
        if (restarts.length > 5) {
          logger.fatal('more than 5 worker restarts in a minute; stopping (exit status 1)');
          life.shutdown('worker restarts', 1);
          return;
        }
        fork().catch((error: unknown) => logger.error({ err: error }, 'restarted worker did not start'));
      });
    });
  };
  // Registered after the database's cleanup, so it runs first: workers drain and flush, then the database stops.
  life.cleanups.push(async () => {
    const exits = [...workers].map((child) => new Promise<void>((resolve) => child.once('exit', () => resolve())));
    for (const child of workers) child.process.kill('SIGTERM');
    await Promise.all(exits);
  });
  try {
    await Promise.all(Array.from({ length: config.processes }, () => fork()));
    started = true;
  } catch (error) {
    await life.cleanUp();
    throw error;
  }
  logger.info(
    { port: config.port, processes: config.processes, embedded: config.databaseUrl === null, replica: config.databaseReplicaUrl !== null },
    `pension-aid listening on http://localhost:${config.port}/graphql with ${config.processes} server processes`,
  );
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (cluster.isWorker) return worker(config, logger.child({ worker: cluster.worker?.id }));
  if (config.processes > 1) return primary(config, logger);
  return single(config, logger);
}

main().catch((error: unknown) => {
  process.stderr.write(`pension-aid failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  // Start-up failed: whatever had started was cleaned up before the error reached here.
  process.exit(1);
});
