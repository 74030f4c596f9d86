import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { Client } from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/infrastructure/database/embedded-postgres';
import { createLogger } from '../../src/infrastructure/logger';
import { migrate, openOrm } from '../../src/app/orm';
import { assertTestDatabaseName, assertTestDatabaseUrl, databaseUrl } from './test-database';
import { freePort } from '../../src/infrastructure/free-port';

// One PostgreSQL for the whole run: TEST_DATABASE_URL / DATABASE_URL when given, else an embedded one
// in a temporary folder. A template database is migrated once; each test file clones it.

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  const logger = createLogger('warn');
  const externalUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  let embedded: EmbeddedServer | null = null;
  let dataDir: string | null = null;
  let adminUrl: string;
  if (externalUrl) {
    assertTestDatabaseUrl(externalUrl);
    adminUrl = externalUrl;
  } else {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-test-'));
    embedded = await startEmbeddedPostgres(dataDir, await freePort(), logger);
    adminUrl = embedded.adminUrl;
  }

  const templateDatabase = `pa_test_template_${process.pid}`;
  assertTestDatabaseName(templateDatabase);
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${templateDatabase}`);
  await admin.query(`create database ${templateDatabase}`);
  await admin.end();
  const orm = await openOrm(databaseUrl(adminUrl, templateDatabase));
  await migrate(orm);
  await orm.close(true);

  project.provide('adminUrl', adminUrl);
  project.provide('templateDatabase', templateDatabase);

  return async () => {
    const cleanup = new Client({ connectionString: adminUrl });
    await cleanup.connect();
    await cleanup.query(`drop database if exists ${templateDatabase} with (force)`);
    await cleanup.end();
    if (embedded) await embedded.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}
