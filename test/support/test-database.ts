import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

// Each test file gets its own database, cloned from the migrated template: clean, fast, isolated.

export function assertTestDatabaseName(name: string): void {
  if (!name.includes('test')) throw new Error(`Refusing to use database "${name}": its name must contain "test"`);
}

/**
 * TEST_DATABASE_URL / DATABASE_URL: the tests create and drop databases on that server, so the database
 * the URL names must say "test" too (postgres://…/pension_aid_test), never an application's database.
 */
export function assertTestDatabaseUrl(url: string): void {
  assertTestDatabaseName(decodeURIComponent(new URL(url).pathname.replace(/^\//, '')));
}

export function databaseUrl(adminUrl: string, database: string): string {
  const parsed = new URL(adminUrl);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(adminUrl: string, template: string): Promise<TestDatabase> {
  const name = `pa_test_${randomBytes(6).toString('hex')}`;
  assertTestDatabaseName(name);
  assertTestDatabaseName(template);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: databaseUrl(adminUrl, name),
    async drop() {
      const cleanup = new Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
