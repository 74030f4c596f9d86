import 'reflect-metadata';
import { loadConfig } from '../config/config';
import { openDatabase } from '../infrastructure/database/database';
import { createLogger } from '../infrastructure/logger';
import { migrate, openOrm } from '../app/orm';

// Generates a migration from the difference between the entities and the migrated database.
// Usage: npm run migration:create -- [name]
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'silent' ? 'silent' : 'warn');
  const database = await openDatabase(config, logger);
  const orm = await openOrm(database.url, logger);
  try {
    await migrate(orm);
    const name = process.argv[2];
    const result = await orm.getMigrator().createMigration(undefined, false, false, name);
    process.stdout.write(result.fileName ? `created migrations/${result.fileName}\n` : 'no changes: entities and migrations agree\n');
  } finally {
    await orm.close(true);
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
