import jwt from 'jsonwebtoken';
import supertest from 'supertest';
import { createLogger } from '../../src/infrastructure/logger';
import { createServer } from '../../src/app/server';
import { ENTITIES } from '../../src/app/orm';
import { initOrm } from '../../src/infrastructure/database/mikro-orm';
import { DatabaseQueryRunner } from '../../src/infrastructure/database/query-runner';
import { DEFAULT_PRECEDENCE } from '../../src/modules/eligibility/domain/precedence';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anIdNumber, insertPerson } from '../factories/person.factory';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';

const PERSONS = `query Persons($filter: PersonFilter, $first: Int, $after: String) {
  persons(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { idNumber name gender birthDate county disabilityLevel pensionStatus rosterEntries { category county recognizedOn exitedOn } } }
  }
}`;

describe('foundation: server, authentication and the persons slice', () => {
  let app: TestApp;
  let hrss: string;
  let onTwoRosters: string;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z') });
    hrss = app.token('HRSS');
    onTwoRosters = (
      await insertPerson(app.db, {
        name: '张三',
        birthDate: '1970-02-03',
        disabilityLevel: 3,
        entries: [
          { category: 'DIBAO', county: '530102', recognizedOn: '2020-01-01' },
          { category: 'RETURNED_POVERTY', county: '530125', recognizedOn: '2021-03-01' },
        ],
      })
    ).idNumber;
    await insertPerson(app.db, {
      name: '李四',
      entries: [{ category: 'TEKUN', county: '530181', recognizedOn: '2019-01-01', exitedOn: '2023-05-01' }],
    });
    for (let index = 0; index < 23; index++) {
      await insertPerson(app.db, { name: `王${index}`, entries: [{ category: 'DIBAO', county: index % 2 === 0 ? '530103' : '530111' }] });
    }
  });

  afterAll(async () => {
    await app.close();
  });

  it('should answer /healthz and /readyz with 200 when the database answers', async () => {
    expect((await app.http().get('/healthz')).status).toBe(200);
    const ready = await app.http().get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', audit: { full: false } });
  });

  it('should answer /readyz with 503 when the database does not answer', async () => {
    const unreachableOrm = await initOrm('postgres://nobody@127.0.0.1:1/none', { entities: ENTITIES, poolMax: 1, connect: false });
    const unreachable = DatabaseQueryRunner.over(unreachableOrm);
    const server = await createServer({
      services: { db: unreachable, settings: { precedence: DEFAULT_PRECEDENCE }, logger: createLogger('silent') },
      jwtSecret: TEST_JWT_SECRET,
      production: true,
    });
    try {
      expect((await supertest(server.app).get('/readyz')).status).toBe(503);
      expect((await supertest(server.app).get('/healthz')).status).toBe(200);
    } finally {
      await server.stop();
      await unreachableOrm.close(true);
    }
  });

  it('should mark GraphQL answers as not to be stored (cache-control: no-store), with and without errors', async () => {
    const answered = await app
      .http()
      .post('/graphql')
      .set('authorization', `Bearer ${hrss}`)
      .send({ query: '{ persons(first: 1) { totalCount } }' });
    expect(answered.status).toBe(200);
    expect(answered.headers['cache-control']).toBe('no-store');
    // Nothing to revalidate, so no ETag (Express would hash every body for one).
    expect(answered.headers.etag).toBeUndefined();
    const refused = await app.http().post('/graphql').send({ query: '{ persons(first: 1) { totalCount } }' });
    expect(refused.headers['cache-control']).toBe('no-store');
  });

  it('should refuse a request without a token with UNAUTHENTICATED', async () => {
    const result = await app.graphql(PERSONS);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data?.persons ?? null).toBeNull();
  });

  it('should refuse expired, badly signed, non-HS256 and unknown-department tokens with 401 UNAUTHENTICATED', async () => {
    const expired = jwt.sign({ department: 'HRSS', exp: Math.floor(Date.now() / 1000) - 60 }, TEST_JWT_SECRET, { subject: 'x' });
    const wrongSecret = jwt.sign({ department: 'HRSS' }, 'another-secret-of-enough-length', { subject: 'x' });
    const hs512 = jwt.sign({ department: 'HRSS' }, TEST_JWT_SECRET, { subject: 'x', algorithm: 'HS512' });
    const unknownDepartment = jwt.sign({ department: 'POLICE' }, TEST_JWT_SECRET, { subject: 'x' });
    const unknownCounty = jwt.sign({ department: 'HRSS', county: '110105' }, TEST_JWT_SECRET, { subject: 'x' });
    for (const token of [expired, wrongSecret, hs512, unknownDepartment, unknownCounty, 'not-a-jwt']) {
      const result = await app.graphql(PERSONS, {}, token);
      expect(result.status).toBe(401);
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('should list persons with their roster entries and county for HRSS at city level', async () => {
    const result = await app.graphql<{ persons: { totalCount: number; edges: Array<{ node: Record<string, unknown> }> } }>(
      PERSONS,
      { first: 2 },
      hrss,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.persons.totalCount).toBe(25);
    const first = result.data!.persons.edges[0]!.node;
    expect(first).toMatchObject({
      idNumber: onTwoRosters,
      name: '张三',
      gender: 'M',
      birthDate: '1970-02-03',
      disabilityLevel: 3,
      pensionStatus: 'NOT_ENROLLED',
      // R8: RETURNED_POVERTY wins, so the person's county is that entry's county
      county: '530125',
    });
    expect(first.rosterEntries).toEqual([
      { category: 'DIBAO', county: '530102', recognizedOn: '2020-01-01', exitedOn: null },
      { category: 'RETURNED_POVERTY', county: '530125', recognizedOn: '2021-03-01', exitedOn: null },
    ]);
  });

  it('should page through every person once with cursors', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result: Awaited<
        ReturnType<
          typeof app.graphql<{
            persons: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { idNumber: string } }> };
          }>
        >
      > = await app.graphql(PERSONS, { first: 10, after }, hrss);
      const connection = result.data!.persons;
      seen.push(...connection.edges.map((edge) => edge.node.idNumber));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
  });

  it('should filter by county, category and disability level', async () => {
    const count = async (filter: Record<string, unknown>) =>
      (await app.graphql<{ persons: { totalCount: number } }>(PERSONS, { filter, first: 0 }, hrss)).data!.persons.totalCount;
    expect(await count({ county: '530103' })).toBe(12);
    expect(await count({ county: '530125' })).toBe(1);
    expect(await count({ category: 'TEKUN' })).toBe(1);
    expect(await count({ category: 'TEKUN', activeOn: '2024-01-01' })).toBe(0);
    expect(await count({ category: 'DIBAO', county: '530102' })).toBe(1);
    expect(await count({ disabilityLevels: [3, 4] })).toBe(1);
  });

  it('should load roster entries for a whole page in one statement (no N+1)', async () => {
    const before = app.db.statementCount;
    const result = await app.graphql(PERSONS, { first: 20 }, hrss);
    expect(result.errors).toBeUndefined();
    // page + totalCount + one batch of entries
    expect(app.db.statementCount - before).toBe(3);
  });

  it("should load a page's entries for the whole page only when the request selects them (fragments, @skip)", async () => {
    const statements = async (query: string, variables: Record<string, unknown> = {}) => {
      const before = app.db.statementCount;
      const result = await app.graphql<{ persons: { edges: Array<{ node: { rosterEntries?: unknown[] } }> } }>(query, variables, hrss);
      expect(result.errors).toBeUndefined();
      return { count: app.db.statementCount - before, edges: result.data!.persons.edges };
    };
    const skippable =
      'query S($skip: Boolean!) { persons(first: 20) { edges { node { idNumber rosterEntries @skip(if: $skip) { category } } } } }';
    expect((await statements(skippable, { skip: true })).count).toBe(1);
    const selected = await statements(skippable, { skip: false });
    expect(selected.count).toBe(2);
    expect(selected.edges.every((edge) => Array.isArray(edge.node.rosterEntries))).toBe(true);
    const viaFragment = await statements(
      '{ persons(first: 20) { edges { ...E } } } fragment E on PersonEdge { node { rosterEntries { category } } }',
    );
    expect(viaFragment.count).toBe(2);
    // county and rosterEntries of a viewer who sees only some entries: two loaders, one statement each.
    const before = app.db.statementCount;
    const civil = await app.graphql(
      '{ persons(first: 20) { edges { node { county rosterEntries { category } } } } }',
      {},
      app.token('CIVIL_AFFAIRS'),
    );
    expect(civil.errors).toBeUndefined();
    expect(app.db.statementCount - before).toBe(3);
  });

  it('should scope a county-level HRSS user to persons with an entry in its county', async () => {
    const token = app.token('HRSS', '530125');
    const result = await app.graphql<{ persons: { totalCount: number; edges: Array<{ node: { idNumber: string } }> } }>(PERSONS, {}, token);
    expect(result.data!.persons.totalCount).toBe(1);
    expect(result.data!.persons.edges.map((edge) => edge.node.idNumber)).toEqual([onTwoRosters]);
  });

  it('should find one person by ID number, and give null for an unknown one', async () => {
    const query = 'query One($id: String!) { person(idNumber: $id) { name county } }';
    expect((await app.graphql(query, { id: onTwoRosters }, hrss)).data).toEqual({ person: { name: '张三', county: '530125' } });
    expect((await app.graphql(query, { id: anIdNumber() }, hrss)).data).toEqual({ person: null });
  });

  it('should answer a malformed idNumber with BAD_USER_INPUT naming the field', async () => {
    const result = await app.graphql('{ person(idNumber: "530102198001011234") { name } }', {}, hrss);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.problems?.[0]?.field).toBe('idNumber');
  });

  it('should answer an unknown county and a bad page size with BAD_USER_INPUT listing every problem', async () => {
    const result = await app.graphql(PERSONS, { filter: { county: '999999', disabilityLevels: [7] }, first: 100000 }, hrss);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.problems?.map((problem) => problem.field).sort()).toEqual([
      'filter.county',
      'filter.disabilityLevels',
      'first',
    ]);
  });
});

describe('production error hygiene', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ production: true });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should not return stack traces when NODE_ENV=production', async () => {
    const results = [
      await app.graphql('{ person(idNumber: "bad") { name } }', {}, app.token('HRSS')),
      await app.graphql('{ persons { totalCount } }', {}, 'garbage'),
      await app.graphql('{ nope }', {}, app.token('HRSS')),
    ];
    for (const result of results) {
      expect(result.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(result.errors)).not.toMatch(/stacktrace|\.ts:|node_modules/);
    }
  });
});
