import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import type { MigrationObject } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from './logger';
import { ENTITIES } from './entities';

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

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

export function ormOptions(url: string, migrationsList: MigrationObject[], logger?: Logger, poolMax = 20): Options {
  return {
    clientUrl: url,
    entities: ENTITIES,
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

export async function openOrm(url: string, logger?: Logger, poolMax?: number): Promise<MikroORM> {
  return MikroORM.init(ormOptions(url, await loadMigrations(), logger, poolMax));
}

/** Applies pending migrations; returns their names. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((migration) => migration.name);
}
