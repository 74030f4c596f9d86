import { afterAll, describe, expect, inject, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../../src/app/orm';
import { DatabaseQueryRunner } from '../../src/infrastructure/database/query-runner';
import { startJobEngine } from '../../src/infrastructure/jobs/job-engine';
import { createLogger } from '../../src/infrastructure/logger';
import { sql } from '../../src/shared/sql';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// Several server processes (PA_PROCESSES, or several hosts) start their job engines at once on a database
// that has no job schema yet. pg-boss lets exactly one create it: the others' create script raises its
// "already exists" race inside an explicit BEGIN, and pg-boss swallows the error. The connection that ran
// it must not go back to the pool inside that aborted transaction: the next statement on it would fail with
// "current transaction is aborted", which is how a cluster worker died at start-up in CI.
// Then each registers its worker on the same new queue at once. pg-boss's create_queue inserts the queue row
// and, in the same transaction, adds a foreign key to that table: two of them at once deadlock (one waits on
// the other's row, the other on the first's table lock), which is how a cluster worker died in CI again.

const ENGINE = { pollingSeconds: 2, maintenanceSeconds: 600, expireSeconds: 60, retryLimit: 1, retryDelaySeconds: 1 };
const PROCESSES = 4;

describe('job engines starting at once on a fresh database', () => {
  const databases: TestDatabase[] = [];
  const orms: MikroORM[] = [];

  afterAll(async () => {
    for (const orm of orms) await orm.close(true);
    for (const database of databases) await database.drop();
  });

  it('should start every engine, register every worker on one new queue and leave every pooled connection usable', async () => {
    // Each round a fresh database and fresh pools, as a fresh deployment's processes have.
    for (let round = 0; round < 3; round++) {
      const database = await createTestDatabase(inject('adminUrl'), inject('templateDatabase'));
      databases.push(database);
      const runners: DatabaseQueryRunner[] = [];
      for (let i = 0; i < PROCESSES; i++) {
        // One connection each: the statement after start-up runs on the very connection pg-boss used.
        const orm = await openOrm(database.url, undefined, 1);
        orms.push(orm);
        runners.push(DatabaseQueryRunner.over(orm));
      }
      const engines = await Promise.all(runners.map((runner) => startJobEngine(runner, createLogger('silent'), ENGINE)));
      try {
        await Promise.all(engines.map((engine) => engine.work(`fresh-queue-${round}`, async () => {})));
        for (const runner of runners) {
          expect(await runner.one<{ one: number }>(sql`select 1 as one`)).toEqual({ one: 1 });
          await runner.transaction(async (transaction) => expect(await transaction.one(sql`select 2 as two`)).toEqual({ two: 2 }));
        }
      } finally {
        await Promise.all(engines.map((engine) => engine.stop(1_000)));
      }
    }
  }, 60_000);
});
