import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anIdNumber, insertPerson } from '../factories/person.factory';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';
import { createServer, type AppServer } from '../../src/app/server';
import { createLogger } from '../../src/infrastructure/logger';
import { DEFAULT_PRECEDENCE } from '../../src/modules/eligibility/domain/precedence';
import { sql } from '../../src/shared/sql';

// Operations run compiled by graphql-jit (src/app/compiled-execution.ts). graphql-js is the reference: the same
// requests, over the same database at the same instant, must get byte-for-byte the same answers from both —
// data, errors (message, locations, path, extensions), HTTP status — whatever the request selects or gets wrong.

const NOW = new Date('2024-12-01T04:00:00Z');

const PAGE = `query Page($first: Int!, $year: Int!, $withCounty: Boolean!, $skipEntries: Boolean!) {
  persons(first: $first, filter: { category: DIBAO }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        ...Who
        county @include(if: $withCounty)
        rosterEntries @skip(if: $skipEntries) { category county recognizedOn exitedOn }
        now: eligibility(year: $year) { status amount cityShare countyShare countedCategory fundingDepartment reasons { rule message } }
        later: eligibility(year: 2025) { status }
        __typename
      }
    }
  }
}
fragment Who on Person { idNumber name gender birthDate disabilityLevel pensionStatus }`;

describe('compiled execution', () => {
  let app: TestApp;
  let reference: AppServer;
  let twoRosters: string;

  beforeAll(async () => {
    app = await startTestApp({ now: NOW });
    // The reference server: graphql-js's executor over the same database and the same clock.
    reference = await createServer({
      services: { db: app.db, settings: { precedence: DEFAULT_PRECEDENCE }, logger: createLogger('silent'), clock: () => NOW },
      jwtSecret: TEST_JWT_SECRET,
      production: false,
      execution: 'graphql-js',
      protections: { rateLimits: null },
    });
    await app.db.rows(sql`insert into funding_rule (county, year, standard, city_share) values ('530125', 2024, 180.00, 0.6)`);
    twoRosters = (
      await insertPerson(app.db, {
        birthDate: '1975-04-01',
        pensionStatus: 'CONTRIBUTING',
        disabilityLevel: 3,
        entries: [
          { category: 'DIBAO', county: '530102', recognizedOn: '2020-01-01' },
          { category: 'RETURNED_POVERTY', county: '530125', recognizedOn: '2022-01-01' },
        ],
      })
    ).idNumber;
    for (let index = 0; index < 12; index++) {
      await insertPerson(app.db, {
        birthDate: `19${60 + index * 3}-0${1 + (index % 9)}-15`,
        pensionStatus: (['CONTRIBUTING', 'NOT_ENROLLED', 'RECEIVING', 'SUSPENDED'] as const)[index % 4],
        entries: [
          {
            category: index % 3 === 0 ? 'TEKUN' : 'DIBAO',
            county: index % 2 === 0 ? '530102' : '530125',
            recognizedOn: index === 5 ? '2024-11-15' : '2021-01-01',
            exitedOn: index === 7 ? '2024-06-30' : null,
          },
        ],
      });
    }
  });

  afterAll(async () => {
    await reference?.stop();
    await app?.close();
  });

  const both = async (body: Record<string, unknown>, token: string | null, path = '/graphql') => {
    const send = async (target: AppServer['app']) => {
      let request = supertest(target).post(path).set('content-type', 'application/json');
      if (token) request = request.set('authorization', `Bearer ${token}`);
      const response = await request.send(body);
      const answer = JSON.parse(response.text) as { errors?: Array<{ extensions?: Record<string, unknown> }> };
      // Each answer's errors carry its own request's id; development answers, their own stack.
      for (const error of answer.errors ?? []) {
        delete error.extensions?.requestId;
        delete error.extensions?.stacktrace;
      }
      return { status: response.status, answer };
    };
    const compiled = await send(app.server.app);
    const graphqlJs = await send(reference.app);
    return { compiled, graphqlJs };
  };

  const cases: Array<[string, () => { body: Record<string, unknown>; token: string | null; path?: string }]> = [
    [
      'a page with fragments, directives from variables, aliases, two years and __typename',
      () => ({
        body: { query: PAGE, variables: { first: 8, year: 2024, withCounty: true, skipEntries: false } },
        token: app.token('HRSS'),
      }),
    ],
    [
      'the same page with the directives the other way',
      () => ({
        body: { query: PAGE, variables: { first: 20, year: 2024, withCounty: false, skipEntries: true } },
        token: app.token('HRSS', '530125'),
      }),
    ],
    [
      "a field TAX may not read (FORBIDDEN, the field's path)",
      () => ({
        body: {
          query: 'query E($id: String!) { eligibility(idNumber: $id, year: 2024) { status amount countedCategory } }',
          variables: { id: twoRosters },
        },
        token: app.token('TAX'),
      }),
    ],
    [
      'a malformed argument (BAD_USER_INPUT naming the field)',
      () => ({ body: { query: '{ person(idNumber: "530102198001011234") { name } }' }, token: app.token('HRSS') }),
    ],
    [
      'an unknown person and a year out of range in one request (null, and an error at its path)',
      () => ({
        body: {
          query: `query Q($id: String!) { person(idNumber: $id) { name } persons(first: 2) { edges { node { eligibility(year: 2101) { status } } } } }`,
          variables: { id: anIdNumber() },
        },
        token: app.token('HRSS'),
      }),
    ],
    [
      'a variable of the wrong type (400, refused before execution)',
      () => ({
        body: { query: PAGE, variables: { first: 'ten', year: 2024, withCounty: true, skipEntries: false } },
        token: app.token('HRSS'),
      }),
    ],
    ['no token (UNAUTHENTICATED)', () => ({ body: { query: '{ persons(first: 1) { edges { node { name } } } }' }, token: null })],
    [
      'a department view',
      () => ({
        body: { query: '{ persons(first: 5) { edges { node { idNumber rosterEntries { category } } } } }' },
        token: app.token('CIVIL_AFFAIRS'),
        path: '/graphql/civil-affairs',
      }),
    ],
    [
      'reports',
      () => ({
        body: {
          query:
            '{ budget(year: 2024) { amount lines { county department persons amount cityShare countyShare } } dispatchReport(month: "2024-11") { total { persons amount } } }',
        },
        token: app.token('HRSS'),
      }),
    ],
    [
      'introspection',
      () => ({
        body: { query: '{ __schema { queryType { name } types { name kind } } __type(name: "Person") { fields { name } } }' },
        token: app.token('HRSS'),
      }),
    ],
  ];

  for (const [name, make] of cases) {
    it(`should answer exactly as graphql-js: ${name}`, async () => {
      const { body, token, path } = make();
      const { compiled, graphqlJs } = await both(body, token, path);
      expect(compiled).toEqual(graphqlJs);
      // Not vacuous: every case has data or errors.
      expect(compiled.answer).toSatisfy((answer: object) => 'data' in answer || 'errors' in answer);
    });
  }

  it('should have run the page compiled, with real answers in it, and the reference never', async () => {
    const before = app.server.executionCounts.compiledRuns;
    const { compiled } = await both(
      { query: PAGE, variables: { first: 8, year: 2024, withCounty: true, skipEntries: false } },
      app.token('HRSS'),
    );
    const edges = (
      compiled.answer as { data: { persons: { edges: Array<{ node: { idNumber: string; now: { status: string; amount: string } } }> } } }
    ).data.persons.edges;
    expect(edges.length).toBeGreaterThan(3);
    expect(edges.find((edge) => edge.node.idNumber === twoRosters)?.node.now).toMatchObject({ status: 'ELIGIBLE', amount: '180.00' });
    expect(app.server.executionCounts.compiledRuns).toBe(before + 1);
    expect(app.server.executionCounts.compiled).toBeGreaterThan(5);
    expect(app.server.executionCounts.notCompilable).toBe(0);
    expect(reference.executionCounts).toEqual({ compiled: 0, notCompilable: 0, compiledRuns: 0 });
  });
});
