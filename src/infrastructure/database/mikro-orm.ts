import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MikroORM, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import type { MigrationObject } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '../logger';

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../../migrations');

type MigrationClass = MigrationObject['class'];

/**
 * Loads the committed migrations with import(), so they run the same under tsx, vitest and compiled
 * code (MikroORM's own loader require()s .ts files and fails under vitest).
 */
export async function loadMigrations(directory = MIGRATIONS_DIR): Promise<MigrationObject[]> {
  const files = readdirSync(directory)
    .filter((file) => /^Migration\d+.*\.(ts|js)$/.test(file) && !file.endsWith('.d.ts'))
    .sort();
  const migrations: MigrationObject[] = [];
  for (const file of files) {
    const loaded = (await import(pathToFileURL(path.join(directory, file)).href)) as Record<string, unknown>;
    const exported = Object.values(loaded).find((value) => typeof value === 'function') as MigrationClass | undefined;
    if (!exported) throw new Error(`Migration file ${file} exports no class`);
    migrations.push({ name: path.basename(file, path.extname(file)), class: exported });
  }
  return migrations;
}

/** Entities are passed in: the composition lists them (src/app/orm.ts); infrastructure knows no module. */
export interface OrmSettings {
  entities: NonNullable<Options['entities']>;
  logger?: Logger;
  poolMax?: number;
  /** false: no connection at start (a test of an unreachable database). */
  connect?: boolean;
  /** How long a new connection may take to open (pg connectionTimeoutMillis), default 1000 ms. */
  connectTimeoutMs?: number;
  /** How long a statement may wait for a free pool connection (knex acquireConnectionTimeout), default 10000 ms. */
  acquireTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 1000;
export const DEFAULT_ACQUIRE_TIMEOUT_MS = 10_000;

export function ormOptions(url: string, migrationsList: MigrationObject[], settings: OrmSettings): Options {
  const {
    entities,
    logger,
    poolMax = 20,
    connect = true,
    connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS,
    acquireTimeoutMs = DEFAULT_ACQUIRE_TIMEOUT_MS,
  } = settings;
  const knexLog = (level: 'warn' | 'debug') => (message: unknown) =>
    logger?.[level]({ component: 'knex' }, typeof message === 'string' ? message : String(message));
  return {
    driver: PostgreSqlDriver,
    clientUrl: url,
    connect,
    entities,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    forceUtcTimezone: true,
    // A database outage (see README "When the database goes away"): opening a connection gives up after
    // connectTimeoutMs, a refused one fails at once (knex propagates the error to the waiting statement), and
    // a connection that saw an error or an end is discarded by knex before it is handed out again, so the pool
    // recovers by itself when PostgreSQL is back. Idle connections close after 30 s; min 0 keeps none
    // open for nothing. TCP keep-alive finds connections a network cut left half-open.
    pool: { min: 0, max: poolMax, idleTimeoutMillis: 30_000 },
    driverOptions: {
      acquireConnectionTimeout: acquireTimeoutMs,
      connection: { connectionTimeoutMillis: connectTimeoutMs, keepAlive: true },
      // knex warns on the console ("Connection Error: ...") when it drops a broken connection; to our logger instead.
      log: { warn: knexLog('warn'), error: knexLog('warn'), deprecate: knexLog('debug'), debug: knexLog('debug') },
    },
    debug: false,
    allowGlobalContext: false,
    logger: (message: string) => logger?.debug({ component: 'mikro-orm' }, message),
    migrations: {
      path: MIGRATIONS_DIR,
      pathTs: MIGRATIONS_DIR,
      migrationsList,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
      fileName: (timestamp: string, name?: string) => `Migration${timestamp}${name ? `_${name}` : ''}`,
    },
  };
}

export async function initOrm(url: string, settings: OrmSettings): Promise<MikroORM> {
  return MikroORM.init(ormOptions(url, await loadMigrations(), settings));
}

/** Applies pending migrations; returns their names. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((migration) => migration.name);
}
