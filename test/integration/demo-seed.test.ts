import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../../src/app/orm';
import { DatabaseQueryRunner } from '../../src/infrastructure/database/query-runner';
import { demoCity } from '../../src/modules/seed/demo-city';
import { IdNumber } from '../../src/shared/id-number';
import { sql } from '../../src/shared/sql';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// `npm run seed -- --demo` itself, against DATABASE_URL: writes the demo city once, says so when it is
// already there, refuses beside other data, and starts again with --reset.

const root = path.resolve(__dirname, '../..');
const run = promisify(execFile);

describe('npm run seed -- --demo', () => {
  let database: TestDatabase;
  let orm: MikroORM;
  let db: DatabaseQueryRunner;

  beforeAll(async () => {
    database = await createTestDatabase(inject('adminUrl'), inject('templateDatabase'));
    orm = await openOrm(database.url, undefined, 2);
    db = DatabaseQueryRunner.over(orm);
  });

  afterAll(async () => {
    await orm?.close(true);
    await database?.drop();
  });

  async function seed(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run('npm', ['run', '-s', 'seed', '--', ...args], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'silent' },
      });
      return { status: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { status: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  async function counts(): Promise<{ persons: number; entries: number; payments: number; rules: number }> {
    return (await db.one<{ persons: number; entries: number; payments: number; rules: number }>(
      sql`select (select count(*)::int from person) as persons, (select count(*)::int from roster_entry) as entries,
                 (select count(*)::int from proxy_payment) as payments, (select count(*)::int from funding_rule) as rules`,
    ))!;
  }

  it('should write the demo city into an empty database, with valid ID numbers, in the order of demo-city.ts', async () => {
    const result = await seed('--demo');
    expect(result).toMatchObject({ status: 0, stdout: 'demo city written: 14 persons, 16 roster entries, 8 payments, 1 funding rule\n' });
    expect(await counts()).toEqual({ persons: 14, entries: 16, payments: 8, rules: 1 });
    const persons = await db.rows<{ idNumber: string; name: string }>(sql`select id_number as "idNumber", name from person order by id`);
    expect(persons).toEqual(demoCity().persons.map(({ idNumber, name }) => ({ idNumber, name })));
    for (const person of persons) expect(IdNumber.parse(person.idNumber).value).toBe(person.idNumber);
  });

  it('should write nothing and say so when the demo city is already loaded', async () => {
    const result = await seed('--demo');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('the demo city is already loaded (14 persons); nothing written');
    expect(await counts()).toEqual({ persons: 14, entries: 16, payments: 8, rules: 1 });
  });

  it('should refuse, change nothing and name what is there when other persons are in the database', async () => {
    await db.rows(
      sql`insert into person (id_number, name, gender, birth_date) values (${IdNumber.compose('530102', '1990-01-01', 1).value}, '测试', 'M', '1990-01-01')`,
    );
    const result = await seed('--demo');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the database already holds 15 persons (14 of them from the demo city) and 1 funding rules');
    expect(result.stderr).toContain('--reset');
    expect(await counts()).toEqual({ persons: 15, entries: 16, payments: 8, rules: 1 });
  });

  it('should empty the database and write the demo city again with --reset', async () => {
    const result = await seed('--demo', '--reset');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('demo city written: 14 persons');
    expect(await counts()).toEqual({ persons: 14, entries: 16, payments: 8, rules: 1 });
  });

  it('should refuse --demo together with the synthetic options', async () => {
    const result = await seed('--demo', '--persons', '10');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--demo writes the fixed demo city; --persons and --seed are for the synthetic city');
  });

  it('should list in README "Demo data" exactly the demo persons and ID numbers, in order', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### The demo city'), readme.indexOf('### A synthetic city'));
    const rows = [...section.matchAll(/^\| (\S+) \| (\d{17}[\dX])\b/gm)].map(([, name, idNumber]) => ({ idNumber, name }));
    expect(rows).toEqual(demoCity().persons.map(({ idNumber, name }) => ({ idNumber, name })));
  });
});
