import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Department } from '../../src/shared/domain';
import { insertPerson } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

// Row rules in the reports branch's operations: comparison and screening list only persons the viewer
// may see (a subset of its persons list), eligibility(idNumber) outside the rows is null, and report
// figures (dispatch report, budget) cover only the viewer's county and, for budgets, its department.

type Key = 'A' | 'C' | 'E' | 'K' | 'L' | 'M';

const SCOPES: Array<[Department, string | null]> = [
  ['HRSS', null],
  ['HRSS', '530102'],
  ['HRSS', '530103'],
  ['CIVIL_AFFAIRS', null],
  ['CIVIL_AFFAIRS', '530102'],
  ['CIVIL_AFFAIRS', '530103'],
  ['RURAL_REVITALIZATION', null],
  ['RURAL_REVITALIZATION', '530102'],
  ['RURAL_REVITALIZATION', '530103'],
  ['DISABLED_FEDERATION', null],
  ['DISABLED_FEDERATION', '530102'],
  ['DISABLED_FEDERATION', '530103'],
];

const ADDED: Record<string, Key[]> = {
  'HRSS:city': ['L', 'M'],
  'HRSS:530102': ['L'],
  'HRSS:530103': ['M'],
  'CIVIL_AFFAIRS:city': ['L'],
  'CIVIL_AFFAIRS:530102': ['L'],
  'CIVIL_AFFAIRS:530103': [],
  'RURAL_REVITALIZATION:city': ['M'],
  'RURAL_REVITALIZATION:530102': [],
  'RURAL_REVITALIZATION:530103': ['M'],
};

const SCREENED: Record<string, Key[]> = {
  'HRSS:city': ['A', 'C', 'K'],
  'HRSS:530102': ['A', 'C'],
  'HRSS:530103': ['K'],
  'DISABLED_FEDERATION:city': ['A', 'C', 'K'],
  'DISABLED_FEDERATION:530102': ['A', 'C'],
  'DISABLED_FEDERATION:530103': ['K'],
};

const scopeName = (department: Department, county: string | null) => `${department}:${county ?? 'city'}`;

describe('row rules in comparison, screening, eligibility and report figures', () => {
  let app: TestApp;
  const people = new Map<Key, { id: number; idNumber: string }>();
  const keyOf = (idNumber: string) => [...people.entries()].find(([, person]) => person.idNumber === idNumber)?.[0] ?? idNumber;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z') });
    const add = async (key: Key, spec: Parameters<typeof insertPerson>[1]) => people.set(key, await insertPerson(app.db, spec));
    await add('A', {
      disabilityLevel: 3,
      pensionStatus: 'CONTRIBUTING',
      entries: [{ category: 'DIBAO', county: '530102', recognizedOn: '2020-01-01' }],
    });
    await add('C', { disabilityLevel: 4, entries: [{ category: 'RETURNED_POVERTY', county: '530102', recognizedOn: '2020-01-01' }] });
    await add('E', {
      birthDate: '1950-03-01',
      disabilityLevel: 3,
      pensionStatus: 'CONTRIBUTING',
      entries: [
        { category: 'DIBAO', county: '530103', recognizedOn: '2020-01-01' },
        { category: 'RETURNED_POVERTY', county: '530102', recognizedOn: '2020-01-01' },
      ],
    });
    await add('K', {
      disabilityLevel: 3,
      pensionStatus: 'CONTRIBUTING',
      entries: [{ category: 'TEKUN', county: '530103', recognizedOn: '2020-01-01' }],
    });
    await add('L', { entries: [{ category: 'DIBAO', county: '530102', recognizedOn: '2024-03-01' }] });
    await add('M', { entries: [{ category: 'RETURNED_POVERTY', county: '530103', recognizedOn: '2024-02-01' }] });
  });

  afterAll(async () => {
    await app.close();
  });

  async function visibleKeys(department: Department, county: string | null): Promise<Set<string>> {
    const result = await app.graphql<{ persons: { edges: Array<{ node: { idNumber: string } }> } }>(
      '{ persons(first: 500) { edges { node { idNumber } } } }',
      {},
      app.token(department, county),
    );
    return new Set(result.data!.persons.edges.map((edge) => keyOf(edge.node.idNumber)));
  }

  for (const [department, county] of SCOPES) {
    const scope = scopeName(department, county);
    it(`should list in comparison and screening only persons ${scope} may see`, async () => {
      const visible = await visibleKeys(department, county);
      const token = app.token(department, county);
      if (ADDED[scope]) {
        const result = await app.graphql<{ rosterComparison: Record<'added' | 'removed' | 'changed', Array<{ idNumber: string }>> }>(
          '{ rosterComparison(from: "2024-01-01", to: "2024-06-30") { added { idNumber } removed { idNumber } changed { idNumber } } }',
          {},
          token,
        );
        expect(result.errors).toBeUndefined();
        const lists = result.data!.rosterComparison;
        expect(lists.added.map((entry) => keyOf(entry.idNumber)).sort()).toEqual(ADDED[scope]);
        for (const entry of [...lists.added, ...lists.removed, ...lists.changed])
          expect(visible.has(keyOf(entry.idNumber)), `${scope} comparison ${keyOf(entry.idNumber)}`).toBe(true);
      }
      if (SCREENED[scope]) {
        const result = await app.graphql<{ subsidyScreening: Array<{ person: { idNumber: string } }> }>(
          '{ subsidyScreening(year: 2024) { person { idNumber } } }',
          {},
          token,
        );
        expect(result.errors).toBeUndefined();
        const listed = result.data!.subsidyScreening.map((entry) => keyOf(entry.person.idNumber));
        expect(listed.sort()).toEqual(SCREENED[scope]);
        for (const key of listed) expect(visible.has(key), `${scope} screening ${key}`).toBe(true);
      }
      // eligibility(idNumber): a decision exactly for the visible persons, null for the others.
      for (const [key, person] of people) {
        const result = await app.graphql<{ eligibility: { status: string } | null }>(
          `{ eligibility(idNumber: "${person.idNumber}", year: 2024) { status } }`,
          {},
          token,
        );
        expect(result.errors, `${scope} eligibility ${key}`).toBeUndefined();
        expect(result.data!.eligibility !== null, `${scope} eligibility(${key})`).toBe(visible.has(key));
      }
    });
  }

  it('should limit TAX eligibility(idNumber) to its rows', async () => {
    const token = app.token('TAX');
    const eligible = await app.graphql<{ eligibility: { status: string } | null }>(
      `{ eligibility(idNumber: "${people.get('A')!.idNumber}", year: 2024) { status amount } }`,
      {},
      token,
    );
    expect(eligible.data!.eligibility).toEqual({ status: 'ELIGIBLE', amount: '100.00' });
    const tooOld = await app.graphql<{ eligibility: unknown }>(
      `{ eligibility(idNumber: "${people.get('E')!.idNumber}", year: 2024) { status } }`,
      {},
      token,
    );
    expect(tooOld.data!.eligibility).toBeNull();
  });

  it('should give county users only their county in the dispatch report, with their columns', async () => {
    const query =
      '{ dispatchReport(month: "2024-06") { rows { county dibao { persons } tekun { persons } } total { dibao { persons } } } }';
    const civil = await app.graphql<{
      dispatchReport: {
        rows: Array<{ county: string; dibao: { persons: number }; tekun: { persons: number } }>;
        total: { dibao: { persons: number } };
      };
    }>(query, {}, app.token('CIVIL_AFFAIRS', '530102'));
    expect(civil.errors).toBeUndefined();
    expect(civil.data!.dispatchReport.rows.map((row) => row.county)).toEqual(['530102']);
    expect(civil.data!.dispatchReport.rows[0]).toMatchObject({ dibao: { persons: 2 }, tekun: { persons: 0 } });
    expect(civil.data!.dispatchReport.total.dibao.persons).toBe(2);
    const federation = await app.graphql<{ dispatchReport: { rows: Array<{ county: string; disabledLevel34: number }> } }>(
      '{ dispatchReport(month: "2024-06") { rows { county disabledLevel34 } } }',
      {},
      app.token('DISABLED_FEDERATION', '530103'),
    );
    expect(federation.data!.dispatchReport.rows).toEqual([{ county: '530103', disabledLevel34: 1 }]);
    const other = await app.graphql(
      '{ dispatchReport(month: "2024-06", county: "530103") { rows { county } } }',
      {},
      app.token('CIVIL_AFFAIRS', '530102'),
    );
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('should give budget lines of the own department only, and of the own county at county level', async () => {
    const query = '{ budget(year: 2024) { lines { county department persons } } }';
    type Lines = { budget: { lines: Array<{ county: string; department: string; persons: number }> } };
    const civil = await app.graphql<Lines>(query, {}, app.token('CIVIL_AFFAIRS'));
    expect(civil.data!.budget.lines).toEqual([
      { county: '530102', department: 'CIVIL_AFFAIRS', persons: 2 },
      { county: '530103', department: 'CIVIL_AFFAIRS', persons: 1 },
    ]);
    const rural = await app.graphql<Lines>(query, {}, app.token('RURAL_REVITALIZATION', '530103'));
    expect(rural.data!.budget.lines).toEqual([{ county: '530103', department: 'RURAL_REVITALIZATION', persons: 1 }]);
    const finance = await app.graphql<Lines>(query, {}, app.token('FINANCE'));
    expect(finance.data!.budget.lines.map((line) => `${line.county}:${line.department}`).sort()).toEqual([
      '530102:CIVIL_AFFAIRS',
      '530102:RURAL_REVITALIZATION',
      '530103:CIVIL_AFFAIRS',
      '530103:RURAL_REVITALIZATION',
    ]);
  });
});
