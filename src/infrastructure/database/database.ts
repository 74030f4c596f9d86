import { Client } from 'pg';
import type { AppConfig } from '../../config/config';
import { runningEmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import type { Logger } from '../logger';

export const EMBEDDED_DATABASE_NAME = 'pension_aid';

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
  /** Embedded only: called if that PostgreSQL exits while the server runs. */
  onUnexpectedExit(listener: (reason: string) => void): void;
}

/** Creates `database` on the server behind `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/**
 * DATABASE_URL when given; otherwise an embedded PostgreSQL in PA_DATA_DIR. With `shareRunning`, a tool
 * uses the embedded server that `npm start` already runs on that folder instead of failing.
 */
export async function openDatabase(config: AppConfig, logger: Logger, options: { shareRunning?: boolean } = {}): Promise<DatabaseHandle> {
  if (config.databaseUrl !== null) {
    return { url: config.databaseUrl, embedded: false, stop: async () => undefined, onUnexpectedExit: () => undefined };
  }
  const running = options.shareRunning ? runningEmbeddedPostgres(config.dataDir, config.embeddedPort) : null;
  if (running)
    return { url: running.urlFor(EMBEDDED_DATABASE_NAME), embedded: true, stop: running.stop, onUnexpectedExit: running.onUnexpectedExit };
  const server = await startEmbeddedPostgres(config.dataDir, config.embeddedPort, logger);
  try {
    await ensureDatabase(server.adminUrl, EMBEDDED_DATABASE_NAME);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url: server.urlFor(EMBEDDED_DATABASE_NAME),
    embedded: true,
    stop: () => server.stop(),
    onUnexpectedExit: (listener) => server.onUnexpectedExit(listener),
  };
}
