import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { migrate, openOrm } from '../../src/app/orm';
import { createServer, type AppServer } from '../../src/app/server';
import { DatabaseQueryRunner } from '../../src/infrastructure/database/query-runner';
import { createLogger } from '../../src/infrastructure/logger';
import { sql } from '../../src/shared/sql';
import { DEFAULT_PRECEDENCE } from '../../src/modules/eligibility/domain/precedence';
import { signToken } from '../../src/shared/auth';
import { insertPerson } from '../factories/person.factory';
import { cleanupAllPgClusters } from '../support/pg-cluster';
import { createStreamingReplica, type StreamingReplica } from '../support/pg-replica';
import { TEST_JWT_SECRET } from '../support/test-app';

// DATABASE_REPLICA_URL against a real streaming replica (pg_basebackup -R, hot standby). While the standby's
// replay is paused, data written since exists only on the primary: the reports (and the report export) must
// not see it, because they read the replica; the person query must, because it reads the primary; and the
// writes must land on the primary (the standby is read-only: a write routed there would fail).

const DATABASE = 'pension_aid_replica_test';
const REPLICA_APPLICATION = 'pension-aid-replica-reads';

const REPORTS = `query Reports($from: Date!, $to: Date!) {
  dispatchReport(month: "2024-06") { total { all { persons eligible } disabledLevel34 } }
  budget(year: 2024) { amount lines { county department persons amount } }
  rosterComparison(from: $from, to: $to) { added { idNumber } }
  subsidyScreening(year: 2024) { person { idNumber } disabilityLevel }
}`;
const SET_RULE = `mutation Rule($input: FundingRuleInput!) { setFundingRule(input: $input) }`;
const PERSON = `query Person($idNumber: String!) { person(idNumber: $idNumber) { idNumber name } }`;

describe('reports on a streaming read replica (DATABASE_REPLICA_URL)', () => {
  let cluster: StreamingReplica;
  let orm: MikroORM;
  let db: DatabaseQueryRunner;
  let server: AppServer;
  let agent: ReturnType<typeof supertest>;
  const hrss = signToken({ subject: 'analyst', department: 'HRSS', county: null }, TEST_JWT_SECRET);

  const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await agent.post('/graphql').set('authorization', `Bearer ${hrss}`).send({ query, variables });
    expect(response.body.errors).toBeUndefined();
    return response.body.data as Record<string, unknown>;
  };
  const reports = () => graphql(REPORTS, { from: '2024-01-01', to: '2024-06-15' });
  const exportCsv = async () => {
    const response = await agent.get('/reports/dispatch.csv?month=2024-06').set('authorization', `Bearer ${hrss}`);
    expect(response.status).toBe(200);
    expect(response.text).toContain('合计');
    return response.text;
  };
  const replicaSessions = async (on: 'primary' | 'standby') =>
    (
      await cluster.query<{ count: number }>(
        on,
        'postgres',
        'select count(*)::int as count from pg_stat_activity where application_name = $1',
        [REPLICA_APPLICATION],
      )
    )[0]!.count;

  beforeAll(async () => {
    cluster = await createStreamingReplica(async (primary) => {
      const admin = await openOrm(primary.url, createLogger('silent'), 1);
      await admin.em.getConnection().execute(`create database ${DATABASE}`);
      await admin.close(true);
    });
    const logger = createLogger('silent');
    orm = await openOrm(cluster.primary.urlFor(DATABASE), logger, 5);
    await migrate(orm);
    db = DatabaseQueryRunner.over(orm, { replica: { url: cluster.standby.urlFor(DATABASE), poolMax: 3 } });
    // On the roster before the test: a level-3 DIBAO person of 530102 who contributes (screened, counted).
    await insertPerson(db, {
      name: '早在名册',
      disabilityLevel: 3,
      pensionStatus: 'CONTRIBUTING',
      entries: [{ category: 'DIBAO', county: '530102', recognizedOn: '2020-01-01' }],
    });
    server = await createServer({
      services: { db, settings: { precedence: DEFAULT_PRECEDENCE }, logger, clock: () => new Date('2024-06-15T04:00:00Z') },
      jwtSecret: TEST_JWT_SECRET,
      production: false,
      protections: { rateLimits: null },
    });
    agent = supertest(server.app);
    await cluster.caughtUp();
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await db?.close();
    await orm?.close(true);
    await cluster?.cleanup();
    await cleanupAllPgClusters();
  });

  it('should report the primary and the replica in /readyz', async () => {
    const response = await agent.get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ready');
    expect(response.body.database).toEqual({ primary: true, replica: { ready: true, inRecovery: true, lagSeconds: 0, fallbacks: 0 } });
  });

  it('should read the reports from the replica and write to (and read back from) the primary', async () => {
    const before = await reports();
    const csvBefore = await exportCsv();
    expect((before.dispatchReport as { total: { all: { persons: number } } }).total.all.persons).toBe(1);

    await cluster.pause();
    // A write through the API, and one straight into the primary (a new level-4 DIBAO person of 2024).
    await graphql(SET_RULE, { input: { county: '530102', year: 2024, standard: '200.00', cityShare: 0.5 } });
    const added = await insertPerson(db, {
      name: '新入名册',
      disabilityLevel: 4,
      entries: [{ category: 'DIBAO', county: '530102', recognizedOn: '2024-03-01' }],
    });
    const ruleOn = (on: 'primary' | 'standby') =>
      cluster.query<{ standard: string }>(on, DATABASE, "select standard::text from funding_rule where county = '530102' and year = 2024");
    expect(await ruleOn('primary')).toEqual([{ standard: '200.00' }]);
    expect(await ruleOn('standby')).toEqual([]);
    // The standby refuses writes: had the mutation been routed there, it would have failed like this.
    await expect(
      cluster.query('standby', DATABASE, "insert into funding_rule (county, year, standard, city_share) values ('530103', 2024, 1, 1)"),
    ).rejects.toThrow(/read-only transaction/);

    // Reports and the export: the replica's (paused) data, without either write.
    expect(await reports()).toEqual(before);
    expect(await exportCsv()).toBe(csvBefore);
    // The person query reads the primary: it sees the person written a moment ago.
    expect(await graphql(PERSON, { idNumber: added.idNumber })).toEqual({ person: { idNumber: added.idNumber, name: '新入名册' } });
    // Connections of the replica pool exist on the standby only.
    expect(await replicaSessions('standby')).toBeGreaterThan(0);
    expect(await replicaSessions('primary')).toBe(0);

    await cluster.resume();
    await cluster.caughtUp();
    const after = (await reports()) as {
      dispatchReport: { total: { all: { persons: number } } };
      budget: { amount: string; lines: Array<{ persons: number }> };
      rosterComparison: { added: Array<{ idNumber: string }> };
      subsidyScreening: Array<{ person: { idNumber: string } }>;
    };
    expect(after.dispatchReport.total.all.persons).toBe(2);
    expect(after.budget).not.toEqual(before.budget);
    expect(after.rosterComparison.added.map((entry) => entry.idNumber)).toContain(added.idNumber);
    expect(after.subsidyScreening.map((entry) => entry.person.idNumber)).toContain(added.idNumber);
    expect(await exportCsv()).not.toBe(csvBefore);
  }, 60_000);

  it('should not hand out a replica connection whose backend was killed mid-query, and answer the killed reads from the primary', async () => {
    const replica = db.analystReads() as DatabaseQueryRunner;
    const fallbacksBefore = (await agent.get('/readyz')).body.database.replica.fallbacks as number;
    // Sleeps on the standby only: a read retried on the primary answers at once.
    const long = sql`select pg_is_in_recovery() as recovering from (select pg_sleep(case when pg_is_in_recovery() then 30 else 0 end)) as sleeping`;
    const quick = sql`select pg_is_in_recovery() as recovering`;
    // The replica pool's 3 connections busy, a 4th read waiting for one of them.
    const killed = [1, 2, 3].map(() => replica.one<{ recovering: boolean }>(long));
    const waiting = replica.one<{ recovering: boolean }>(quick);
    const sleeping = async () =>
      (
        await cluster.query<{ count: number }>(
          'standby',
          'postgres',
          "select count(*)::int as count from pg_stat_activity where application_name = $1 and query like '%pg_sleep%' and state = 'active'",
          [REPLICA_APPLICATION],
        )
      )[0]!.count;
    const deadline = Date.now() + 10_000;
    while ((await sleeping()) < 3 || replica.poolStatus().waiting < 1) {
      if (Date.now() > deadline) throw new Error('the replica pool did not fill up');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The standby ends its backends (57P01): each sleeping read fails with a connection-class error.
    await cluster.query('standby', 'postgres', 'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [
      REPLICA_APPLICATION,
    ]);

    const [waited, ...interrupted] = await Promise.allSettled([waiting, ...killed]);
    // The waiting read gets a new connection to the replica, not one of the dead ones.
    expect(waited).toEqual({ status: 'fulfilled', value: { recovering: true } });
    // The interrupted reads were answered by the primary, and counted as fallbacks.
    expect(interrupted).toEqual(Array.from({ length: 3 }, () => ({ status: 'fulfilled', value: { recovering: false } })));
    const readiness = (await agent.get('/readyz')).body.database.replica;
    expect(readiness).toMatchObject({ ready: true, inRecovery: true });
    expect(readiness.fallbacks).toBe(fallbacksBefore + 3);
    // And the pool serves from the replica again, as many reads as it has connections and more.
    const next = await Promise.all(Array.from({ length: 6 }, () => replica.one<{ recovering: boolean }>(quick)));
    expect(next).toEqual(Array.from({ length: 6 }, () => ({ recovering: true })));
  }, 60_000);

  it('should answer the reports from the primary when the replica is down, and say so in /readyz', async () => {
    const upFigures = await reports();
    await cluster.standby.stop('fast');
    expect(await reports()).toEqual(upFigures);
    const response = await agent.get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body.database.primary).toBe(true);
    expect(response.body.database.replica.ready).toBe(false);
    expect(response.body.database.replica.fallbacks).toBeGreaterThan(0);
  }, 60_000);
});
