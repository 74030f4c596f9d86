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
}

export function ormOptions(url: string, migrationsList: MigrationObject[], settings: OrmSettings): Options {
  const { entities, logger, poolMax = 20, connect = true } = settings;
  return {
    driver: PostgreSqlDriver,
    clientUrl: url,
    connect,
    entities,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    forceUtcTimezone: true,
    pool: { min: 0, max: poolMax },
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
