import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPerson } from '../factories/person.factory';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { startTestApp, type TestApp } from '../support/test-app';

// A real @apollo/gateway composing pension-aid with the household test subgraph (issue 12, point 4):
// one query joins both, each department gets its own rows, and the token reaches both subgraphs.

const PERSON_WITH_HOUSEHOLD = `query P($id: String!) { person(idNumber: $id) { name county householdSize householdIncome } }`;

describe('pension-aid behind @apollo/gateway with a household subgraph', () => {
  let app: TestApp;
  let gateway: TestGateway;
  let civilGateway: TestGateway;
  let dibao: string;
  let rural: string;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z') });
    dibao = (await insertPerson(app.db, { name: '低保', entries: [{ category: 'DIBAO', county: '530102' }] })).idNumber;
    rural = (await insertPerson(app.db, { name: '返贫', entries: [{ category: 'RETURNED_POVERTY', county: '530103' }] })).idNumber;
    const households = new Map([
      [dibao, { householdSize: 3, householdIncome: '8400.00' }],
      [rural, { householdSize: 5, householdIncome: '12000.00' }],
    ]);
    gateway = await startTestGateway(app, households);
    civilGateway = await startTestGateway(app, households, 'civil-affairs');
  });

  afterAll(async () => {
    await civilGateway?.close();
    await gateway?.close();
    await app.close();
  });

  it('should join pension-aid and household data in one query for the department that may see the person', async () => {
    const token = app.token('CIVIL_AFFAIRS');
    const result = await gateway.graphql(PERSON_WITH_HOUSEHOLD, { id: dibao }, token);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ person: { name: '低保', county: '530102', householdSize: 3, householdIncome: '8400.00' } });
    // The caller's token reached the department's own subgraph too.
    expect(gateway.household.authorizations).toContain(`Bearer ${token}`);
  });

  it("should give each department only its own persons' households across both subgraphs", async () => {
    const list = `{ persons { edges { node { name householdSize } } } }`;
    const civil = await gateway.graphql(list, {}, app.token('CIVIL_AFFAIRS'));
    expect(civil.data).toEqual({ persons: { edges: [{ node: { name: '低保', householdSize: 3 } }] } });
    const ruralView = await gateway.graphql(list, {}, app.token('RURAL_REVITALIZATION'));
    expect(ruralView.data).toEqual({ persons: { edges: [{ node: { name: '返贫', householdSize: 5 } }] } });
    const hidden = await gateway.graphql(PERSON_WITH_HOUSEHOLD, { id: rural }, app.token('CIVIL_AFFAIRS'));
    expect(hidden.errors).toBeUndefined();
    expect(hidden.data).toEqual({ person: null });
    const finance = await gateway.graphql(PERSON_WITH_HOUSEHOLD, { id: dibao }, app.token('FINANCE'));
    expect(finance.errors?.map((error) => [error.extensions?.code, error.path])).toEqual([['FORBIDDEN', ['person']]]);
  });

  it("should serve Civil Affairs' own supergraph (its view + households) and nothing outside the view", async () => {
    const result = await civilGateway.graphql(PERSON_WITH_HOUSEHOLD, { id: dibao }, app.token('CIVIL_AFFAIRS', '530102'));
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ person: { name: '低保', county: '530102', householdSize: 3, householdIncome: '8400.00' } });
    // payments is not in the Civil Affairs view, so not in its supergraph: the gateway rejects the query.
    const outside = await civilGateway.graphql(
      `query P($id: String!) { person(idNumber: $id) { payments { amount } } }`,
      { id: dibao },
      app.token('CIVIL_AFFAIRS'),
    );
    expect(outside.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // Another department's token is refused by the Civil Affairs subgraph itself.
    const other = await civilGateway.graphql(PERSON_WITH_HOUSEHOLD, { id: dibao }, app.token('HRSS'));
    expect(other.data?.person ?? null).toBeNull();
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("should leak nothing when another department's token calls _entities directly", async () => {
    const entities = `query E($r: [_Any!]!) { _entities(representations: $r) { ... on Person { name county } } }`;
    const representations = [{ __typename: 'Person', idNumber: dibao }];
    const asRural = await app.graphql(entities, { r: representations }, app.token('RURAL_REVITALIZATION'), '/subgraph');
    expect(asRural).toMatchObject({ status: 200, data: { _entities: [null] } });
    expect(asRural.errors).toBeUndefined();
    const viaRuralSubgraph = await app.graphql(
      entities,
      { r: representations },
      app.token('RURAL_REVITALIZATION'),
      '/subgraph/rural-revitalization',
    );
    expect(viaRuralSubgraph.data).toEqual({ _entities: [null] });
    const onCivilSubgraph = await app.graphql(
      entities,
      { r: representations },
      app.token('RURAL_REVITALIZATION'),
      '/subgraph/civil-affairs',
    );
    expect(onCivilSubgraph.status).toBe(403);
    expect(onCivilSubgraph.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const disability = await app.graphql(
      `query E($r: [_Any!]!) { _entities(representations: $r) { ... on Person { name disabilityLevel } } }`,
      { r: representations },
      app.token('TAX'),
      '/subgraph',
    );
    // TAX sees this person (TO_ENROL this year) but may not read its disability level: FORBIDDEN, value withheld.
    expect(disability.data).toEqual({ _entities: [{ name: '低保', disabilityLevel: null }] });
    expect(disability.errors?.map((error) => [error.extensions?.code, error.path])).toEqual([
      ['FORBIDDEN', ['_entities', 0, 'disabilityLevel']],
    ]);
  });
});
