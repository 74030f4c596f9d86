import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anIdNumber, insertPerson } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';
import { sql } from '../../src/shared/sql';

const ELIGIBILITY = `query E($idNumber: String!, $year: Int!) {
  eligibility(idNumber: $idNumber, year: $year) { year status countedCategory fundingDepartment amount cityShare countyShare reasons { rule message } }
}`;

describe('eligibility over GraphQL', () => {
  let app: TestApp;
  let twoRosters: string;
  let retired: string;
  let ruralOnly: string;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-12-01T04:00:00Z') });
    await app.db.rows(sql`insert into funding_rule (county, year, standard, city_share) values ('530125', 2024, 180.00, 0.6)`);
    twoRosters = (
      await insertPerson(app.db, {
        birthDate: '1975-04-01',
        pensionStatus: 'CONTRIBUTING',
        entries: [
          { category: 'DIBAO', county: '530102', recognizedOn: '2020-01-01' },
          { category: 'RETURNED_POVERTY', county: '530125', recognizedOn: '2022-01-01' },
        ],
      })
    ).idNumber;
    retired = (
      await insertPerson(app.db, {
        birthDate: '1962-04-01',
        pensionStatus: 'RECEIVING',
        entries: [{ category: 'DIBAO', county: '530102', recognizedOn: '2020-01-01' }],
      })
    ).idNumber;
    ruralOnly = (
      await insertPerson(app.db, {
        birthDate: '1990-04-01',
        entries: [{ category: 'RETURNED_POVERTY', county: '530103', recognizedOn: '2024-11-01' }],
      })
    ).idNumber;
    for (let index = 0; index < 30; index++) {
      await insertPerson(app.db, {
        birthDate: `19${70 + (index % 20)}-01-01`,
        pensionStatus: index % 2 === 0 ? 'CONTRIBUTING' : 'NOT_ENROLLED',
        entries: [
          { category: index % 3 === 0 ? 'TEKUN' : 'DIBAO', county: index % 2 === 0 ? '530102' : '530125', recognizedOn: '2021-01-01' },
        ],
      });
    }
  });

  afterAll(async () => {
    await app.close();
  });

  it('should explain an eligible person on two rosters in two counties with R2, R8, R9, R4, R1 and R5', async () => {
    const result = await app.graphql<{ eligibility: Record<string, unknown> & { reasons: Array<{ rule: string; message: string }> } }>(
      ELIGIBILITY,
      { idNumber: twoRosters, year: 2024 },
      app.token('HRSS'),
    );
    expect(result.errors).toBeUndefined();
    // RETURNED_POVERTY in 宜良县 wins; its 2024 rule: 180.00 x 0.6 = 108.00 city, 72.00 county.
    expect(result.data!.eligibility).toMatchObject({
      year: 2024,
      status: 'ELIGIBLE',
      countedCategory: 'RETURNED_POVERTY',
      fundingDepartment: 'RURAL_REVITALIZATION',
      amount: '180.00',
      cityShare: '108.00',
      countyShare: '72.00',
    });
    expect(result.data!.eligibility.reasons.map((reason) => reason.rule)).toEqual(['R2', 'R8', 'R9', 'R4', 'R1', 'R5']);
    expect(result.data!.eligibility.reasons[0]!.message).toBe('on the RETURNED_POVERTY (返贫致贫) roster in 宜良县 on 2024-10-31');
  });

  it('should say why a 62-year-old drawing a pension is not proxy-paid', async () => {
    const result = await app.graphql<{
      eligibility: { status: string; amount: string; reasons: Array<{ rule: string; message: string }> };
    }>(ELIGIBILITY, { idNumber: retired, year: 2024 }, app.token('HRSS'));
    expect(result.data!.eligibility.status).toBe('INELIGIBLE');
    expect(result.data!.eligibility.amount).toBe('0.00');
    expect(result.data!.eligibility.reasons).toContainEqual({
      rule: 'R4',
      message: 'aged 62 in 2024: draws a pension, no longer contributes',
    });
  });

  it('should answer null for a person outside the viewer rows, so existence does not leak', async () => {
    const civil = await app.graphql(ELIGIBILITY, { idNumber: ruralOnly, year: 2024 }, app.token('CIVIL_AFFAIRS'));
    expect(civil.errors).toBeUndefined();
    expect(civil.data).toEqual({ eligibility: null });
    const unknown = await app.graphql(ELIGIBILITY, { idNumber: anIdNumber(), year: 2024 }, app.token('HRSS'));
    expect(unknown.data).toEqual({ eligibility: null });
    const rural = await app.graphql<{ eligibility: { status: string; countedCategory: string } }>(
      ELIGIBILITY,
      { idNumber: ruralOnly, year: 2024 },
      app.token('RURAL_REVITALIZATION'),
    );
    expect(rural.data!.eligibility).toMatchObject({ status: 'NEXT_YEAR', countedCategory: 'RETURNED_POVERTY' });
  });

  it('should refuse a malformed idNumber and a year outside 2000-2100 with BAD_USER_INPUT naming both fields', async () => {
    const result = await app.graphql(ELIGIBILITY, { idNumber: '530102198001011234', year: 1999 }, app.token('HRSS'));
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.problems?.map((problem) => problem.field).sort()).toEqual(['idNumber', 'year']);
    const nested = await app.graphql(
      '{ persons(first: 1) { edges { node { eligibility(year: 2101) { status } } } } }',
      {},
      app.token('HRSS'),
    );
    expect(nested.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(nested.errors?.[0]?.extensions?.problems?.[0]?.field).toBe('year');
  });

  it('should let TAX read status and amount but not the counted category', async () => {
    const allowed = await app.graphql<{ eligibility: { status: string; amount: string } }>(
      'query E($id: String!) { eligibility(idNumber: $id, year: 2024) { status amount } }',
      { id: twoRosters },
      app.token('TAX'),
    );
    expect(allowed.data!.eligibility).toEqual({ status: 'ELIGIBLE', amount: '180.00' });
    const denied = await app.graphql(
      'query E($id: String!) { eligibility(idNumber: $id, year: 2024) { countedCategory } }',
      { id: twoRosters },
      app.token('TAX'),
    );
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('should decide a whole page of persons in a constant number of statements (no N+1)', async () => {
    const query =
      'query P($first: Int) { persons(first: $first) { edges { node { idNumber eligibility(year: 2024) { status amount countedCategory } } } } }';
    const measure = async (first: number) => {
      const before = app.db.statementCount;
      const result = await app.graphql<{ persons: { edges: Array<{ node: { eligibility: { status: string } } }> } }>(
        query,
        { first },
        app.token('HRSS'),
      );
      expect(result.errors).toBeUndefined();
      expect(result.data!.persons.edges).toHaveLength(first);
      return app.db.statementCount - before;
    };
    const small = await measure(3);
    const large = await measure(30);
    // the page, one batch of facts, the year's funding rules
    expect(small).toBe(3);
    expect(large).toBe(3);
  });

  it("should load a page's decisions only for the years its fields ask and accept, a year from a variable included", async () => {
    const statements = async (query: string, variables: Record<string, unknown>) => {
      const before = app.db.statementCount;
      const result = await app.graphql(query, variables, app.token('HRSS'));
      return { count: app.db.statementCount - before, code: result.errors?.[0]?.extensions?.code };
    };
    const page = 'query P($year: Int!) { persons(first: 5) { edges { node { idNumber eligibility(year: $year) { status } } } } }';
    // A year outside the policy's: refused by the field, nothing loaded for it (the page alone).
    expect(await statements(page, { year: 1900 })).toEqual({ count: 1, code: 'BAD_USER_INPUT' });
    expect(await statements(page, { year: 2024 })).toEqual({ count: 3, code: undefined });
    const twoYears =
      '{ persons(first: 5) { edges { node { a: eligibility(year: 2024) { status } b: eligibility(year: 2025) { status } } } } }';
    // The page, its persons' entries once, then each year's funding rules.
    expect(await statements(twoYears, {})).toEqual({ count: 4, code: undefined });
  });

  it("should decide from the page's rows and the entries its rosterEntries loaded, with no statement of facts of its own", async () => {
    const statements = async (query: string, token: string) => {
      const before = app.db.statementCount;
      const result = await app.graphql<{ persons: { edges: Array<{ node: Record<string, unknown> }> } }>(query, {}, token);
      expect(result.errors).toBeUndefined();
      return { count: app.db.statementCount - before, edges: result.data!.persons.edges };
    };
    const both =
      '{ persons(first: 40) { edges { node { idNumber rosterEntries { category } eligibility(year: 2024) { status countedCategory amount } } } } }';
    const alone = '{ persons(first: 40) { edges { node { idNumber eligibility(year: 2024) { status countedCategory amount } } } } }';
    // HRSS sees every entry: one batch of entries serves rosterEntries and the decisions (page, entries, funding rules).
    const hrss = await statements(both, app.token('HRSS'));
    expect(hrss.count).toBe(3);
    expect(hrss.edges.find((edge) => edge.node.idNumber === twoRosters)!.node.eligibility).toEqual({
      status: 'ELIGIBLE',
      countedCategory: 'RETURNED_POVERTY',
      amount: '180.00',
    });
    // The same decisions as when the page selects no entries.
    const decisions = (edges: Array<{ node: Record<string, unknown> }>) => edges.map((edge) => [edge.node.idNumber, edge.node.eligibility]);
    expect(decisions(hrss.edges)).toEqual(decisions((await statements(alone, app.token('HRSS'))).edges));
    // HRSS at county level sees only that county's entries, but R8 decides over all of a person's entries:
    // the visible ones and all of them are two batches, and the person on two rosters still counts in 530125.
    const county = await statements(both, app.token('HRSS', '530102'));
    expect(county.count).toBe(4);
    const seen = county.edges.find((edge) => edge.node.idNumber === twoRosters)!.node;
    expect(seen.rosterEntries).toEqual([{ category: 'DIBAO' }]);
    expect(seen.eligibility).toEqual({ status: 'ELIGIBLE', countedCategory: 'RETURNED_POVERTY', amount: '180.00' });
  });

  it('should agree between Person.eligibility and Query.eligibility for the same person', async () => {
    const viaPerson = await app.graphql<{ person: { eligibility: unknown } }>(
      'query P($id: String!) { person(idNumber: $id) { eligibility(year: 2024) { status countedCategory amount cityShare countyShare reasons { rule message } } } }',
      { id: twoRosters },
      app.token('HRSS'),
    );
    const direct = await app.graphql<{ eligibility: unknown }>(
      'query E($id: String!) { eligibility(idNumber: $id, year: 2024) { status countedCategory amount cityShare countyShare reasons { rule message } } }',
      { id: twoRosters },
      app.token('HRSS'),
    );
    expect(viaPerson.data!.person.eligibility).toEqual(direct.data!.eligibility);
  });
});
