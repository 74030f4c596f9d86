import 'reflect-metadata';
import { loadConfig } from './config/config';
import { openDatabase } from './infrastructure/database/database';
import { createLogger } from './infrastructure/logger';
import { migrate, openOrm } from './app/orm';
import { createServer } from './app/server';
import { DatabaseQueryRunner } from './infrastructure/database/query-runner';

// config -> database (embedded or DATABASE_URL) -> migrations -> server; and back down on SIGINT/SIGTERM.
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const cleanups: Array<() => Promise<void>> = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((error: unknown) => logger.error({ err: error }, 'shutdown step failed'));
    cleanups.length = 0;
  };

  let stopping = false;
  const shutdown = (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 15 s; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    void cleanUp().then(() => {
      logger.info('stopped');
      process.exit(exitCode);
    });
  };
  // Registered before the database starts, so that Ctrl-C during start-up also stops it.
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  try {
    const database = await openDatabase(config, logger);
    cleanups.push(() => database.stop());
    // Without its database the server cannot do its job: stop, exit 1, and let a process manager restart it.
    database.onUnexpectedExit((reason) => {
      logger.fatal(`embedded PostgreSQL ${reason}; the server stops too (exit status 1) so that it can be restarted`);
      shutdown('embedded PostgreSQL exit', 1);
    });
    const orm = await openOrm(database.url, logger);
    cleanups.push(() => orm.close(true));
    const applied = await migrate(orm);
    logger.info({ applied }, applied.length > 0 ? 'migrations applied' : 'database schema is up to date');
    // One pool (MikroORM's): migrations, entities and every statement of the modules share its connections.
    const db = DatabaseQueryRunner.over(orm);

    const server = await createServer({
      services: { db, settings: { precedence: config.precedence }, logger },
      jwtSecret: config.jwtSecret,
      production: config.nodeEnv === 'production',
      explorer: config.explorer,
      importLimits: {
        maxBytes: config.importMaxBytes,
        maxRows: config.importMaxRows,
        archive: config.importArchive,
        temporaryDirectory: config.uploadDirectory ?? undefined,
      },
      protections: config.protections,
      metricsToken: config.metricsToken,
    });
    // Runs before the pool closes (cleanups run in reverse): drains requests, then writes the buffered audit events.
    cleanups.push(() => server.stop());
    await new Promise<void>((resolve, reject) => {
      server.httpServer.once('error', reject);
      server.httpServer.listen(config.port, () => resolve());
    });
    logger.info({ port: config.port, embedded: database.embedded }, `pension-aid listening on http://localhost:${config.port}/graphql`);
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`pension-aid failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
