import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../../src/app/orm';
import { MIGRATIONS_DIR } from '../../src/infrastructure/database/mikro-orm';
import { buildBaseSchema, printSdl, SCHEMA_FILE, viewFile, viewTitle, VIEWS_DIRECTORY } from '../../src/app/schema';
import { departmentViews } from '../../src/modules/access/schema-view';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('committed artefacts', () => {
  let database: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    database = await createTestDatabase(inject('adminUrl'), inject('templateDatabase'));
    orm = await openOrm(database.url, undefined, 2);
  });

  afterAll(async () => {
    await orm.close(true);
    await database.drop();
  });

  it('should match schema/schema.graphql when the code emits its schema (run npm run schema:emit)', async () => {
    const emitted = printSdl(await buildBaseSchema());
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(emitted);
  });

  it('should match schema/views/<slug>.graphql for every department view when the code emits them (run npm run schema:emit)', async () => {
    const views = departmentViews(await buildBaseSchema());
    expect(views.length).toBeGreaterThanOrEqual(5);
    for (const view of views) {
      expect(existsSync(viewFile(view.slug)), `${viewFile(view.slug)} is missing`).toBe(true);
      expect(readFileSync(viewFile(view.slug), 'utf8'), `${view.slug} view drifted`).toBe(
        printSdl(view.schema, viewTitle(view.department, view.slug)),
      );
    }
    const committed = readdirSync(VIEWS_DIRECTORY)
      .filter((name) => name.endsWith('.graphql'))
      .sort();
    expect(committed).toEqual(views.map((view) => `${view.slug}.graphql`).sort());
  });

  it('should need no new migration when all committed migrations are applied (run npm run migration:create)', async () => {
    // The database was migrated by the test set-up: every committed file must have run, none skipped by the loader.
    const committed = readdirSync(MIGRATIONS_DIR)
      .filter((name) => /\.(ts|js)$/.test(name) && !name.endsWith('.d.ts'))
      .map((name) => path.basename(name, path.extname(name)))
      .sort();
    const executed = (await orm.getMigrator().getExecutedMigrations()).map((migration) => migration.name).sort();
    expect(committed.length).toBeGreaterThan(0);
    expect(executed).toEqual(committed);
    const pending = await orm.getMigrator().getPendingMigrations();
    expect(pending).toEqual([]);
    const difference = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    expect(difference.trim()).toBe('');
  });

  it('should hold the 14 counties of DESIGN.md after migrating', async () => {
    const rows = await orm.em.fork().getConnection().execute<Array<{ count: string }>>('select count(*) as count from county');
    expect(Number(rows[0]!.count)).toBe(14);
  });
});
