import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeopleQueries } from '../../src/modules/people/people.queries';
import type { Viewer } from '../../src/shared/auth';
import type { Department } from '../../src/shared/domain';
import { insertPerson } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

// DESIGN.md §4 row rules, run inside SQL: for each department at city level and in two counties, the
// persons it sees — in persons (edges and totalCount), person(idNumber) and nested rosterEntries — are
// exactly the expected ones; everyone else is invisible (null, not an error).

const TODAY = new Date('2024-06-15T04:00:00Z');

type Key = 'A' | 'B' | 'C' | 'D' | 'E' | 'G' | 'H' | 'I';

/** Who sees whom: "<department>:<county or city>" → persons. */
const EXPECTED: Record<string, Key[]> = {
  'HRSS:city': ['A', 'B', 'C', 'D', 'E', 'G', 'H', 'I'],
  'HRSS:530102': ['A', 'C', 'E'],
  'HRSS:530103': ['D', 'E'],
  'CIVIL_AFFAIRS:city': ['A', 'B', 'E', 'H', 'I'],
  'CIVIL_AFFAIRS:530102': ['A'],
  'CIVIL_AFFAIRS:530103': ['E'],
  'RURAL_REVITALIZATION:city': ['C', 'D', 'E'],
  'RURAL_REVITALIZATION:530102': ['C', 'E'],
  'RURAL_REVITALIZATION:530103': ['D'],
  'DISABLED_FEDERATION:city': ['D', 'E', 'G'],
  'DISABLED_FEDERATION:530102': ['E'],
  'DISABLED_FEDERATION:530103': ['D', 'E'],
  // Booked payment, or ELIGIBLE / TO_ENROL in 2024 (entry active on 2024-10-31, aged 16-59, contributing or not enrolled).
  'TAX:city': ['A', 'C', 'E'],
  'TAX:530102': ['A', 'C', 'E'],
  'TAX:530103': ['E'],
};

const PERSONS = `{ persons(first: 500) { totalCount edges { node { idNumber rosterEntries { category county } } } } }`;
const PERSONS_TAX = `{ persons(first: 500) { totalCount edges { node { idNumber } } } }`;

function viewerOf(scope: string): Viewer {
  const [department, where] = scope.split(':') as [Department, string];
  return { subject: `rows-${scope}`, department, county: where === 'city' ? null : where };
}

describe('row rules inside SQL (DESIGN.md §4)', () => {
  let app: TestApp;
  const people = new Map<Key, { id: number; idNumber: string }>();
  const keyOf = (idNumber: string) => [...people.entries()].find(([, person]) => person.idNumber === idNumber)?.[0];

  beforeAll(async () => {
    app = await startTestApp({ now: TODAY });
    const add = async (key: Key, spec: Parameters<typeof insertPerson>[1]) => people.set(key, await insertPerson(app.db, spec));
    await add('A', { pensionStatus: 'CONTRIBUTING', entries: [{ category: 'DIBAO', county: '530102' }] });
    await add('B', {
      pensionStatus: 'RECEIVING',
      entries: [{ category: 'TEKUN', county: '530181', recognizedOn: '2019-01-01', exitedOn: '2023-05-01' }],
    });
    await add('C', { entries: [{ category: 'RETURNED_POVERTY', county: '530102' }] });
    await add('D', {
      disabilityLevel: 4,
      pensionStatus: 'EMPLOYEE_PENSION',
      entries: [{ category: 'RETURNED_POVERTY', county: '530103' }],
    });
    await add('E', {
      birthDate: '1950-03-01',
      disabilityLevel: 3,
      pensionStatus: 'CONTRIBUTING',
      entries: [
        { category: 'DIBAO', county: '530103' },
        { category: 'RETURNED_POVERTY', county: '530102' },
      ],
      payments: [{ year: 2023, paidOn: '2023-04-01' }],
    });
    await add('G', { disabilityLevel: 3 });
    // Recognised after this year's cut-off: NEXT_YEAR, so not TAX's.
    await add('H', { pensionStatus: 'CONTRIBUTING', entries: [{ category: 'DIBAO', county: '530181', recognizedOn: '2024-11-15' }] });
    // Aged 15 in 2024: INELIGIBLE, so not TAX's.
    await add('I', { birthDate: '2009-01-01', pensionStatus: 'CONTRIBUTING', entries: [{ category: 'DIBAO', county: '530181' }] });
  });

  afterAll(async () => {
    await app.close();
  });

  for (const [scope, expected] of Object.entries(EXPECTED)) {
    it(`should show ${scope} exactly ${expected.join(', ')} in persons, totalCount and person(idNumber)`, async () => {
      const viewer = viewerOf(scope);
      const token = app.token(viewer.department, viewer.county);
      const mayReadEntries = ['HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'].includes(viewer.department);
      const list = await app.graphql<{
        persons: {
          totalCount: number;
          edges: Array<{ node: { idNumber: string; rosterEntries?: Array<{ category: string; county: string }> } }>;
        };
      }>(mayReadEntries ? PERSONS : PERSONS_TAX, {}, token);
      expect(list.errors).toBeUndefined();
      const seen = list.data!.persons.edges.map((edge) => keyOf(edge.node.idNumber));
      expect(seen.sort()).toEqual([...expected].sort());
      expect(list.data!.persons.totalCount).toBe(expected.length);

      for (const [key, person] of people) {
        const one = await app.graphql<{ person: { idNumber: string } | null }>(
          'query One($id: String!) { person(idNumber: $id) { idNumber } }',
          { id: person.idNumber },
          token,
        );
        expect(one.errors, `${scope} ${key}`).toBeUndefined();
        expect(one.data!.person?.idNumber ?? null, `${scope} person(${key})`).toBe(expected.includes(key) ? person.idNumber : null);
      }

      if (mayReadEntries) {
        // Nested entries: only the viewer's categories, and at county level only its county.
        const categories =
          viewer.department === 'CIVIL_AFFAIRS'
            ? ['DIBAO', 'TEKUN']
            : viewer.department === 'RURAL_REVITALIZATION'
              ? ['RETURNED_POVERTY']
              : ['DIBAO', 'TEKUN', 'RETURNED_POVERTY'];
        for (const edge of list.data!.persons.edges) {
          // Everyone but city-level HRSS sees a person only through one of its own visible entries.
          if (viewer.department !== 'HRSS' || viewer.county !== null) {
            expect(edge.node.rosterEntries!.length, `${scope} ${keyOf(edge.node.idNumber)} has a visible entry`).toBeGreaterThan(0);
          }
          for (const entry of edge.node.rosterEntries!) {
            expect(categories).toContain(entry.category);
            if (viewer.county !== null) expect(entry.county).toBe(viewer.county);
          }
        }
      }
    });
  }

  it('should show E, on two departments rosters in two counties, only the entries of the viewer', async () => {
    const query = `{ person(idNumber: "${people.get('E')!.idNumber}") { rosterEntries { category county } } }`;
    const entries = async (department: Department, county: string | null = null) =>
      (await app.graphql<{ person: { rosterEntries: unknown[] } }>(query, {}, app.token(department, county))).data!.person.rosterEntries;
    expect(await entries('CIVIL_AFFAIRS')).toEqual([{ category: 'DIBAO', county: '530103' }]);
    expect(await entries('RURAL_REVITALIZATION')).toEqual([{ category: 'RETURNED_POVERTY', county: '530102' }]);
    expect(await entries('HRSS', '530102')).toEqual([{ category: 'RETURNED_POVERTY', county: '530102' }]);
    expect(await entries('HRSS')).toHaveLength(2);
  });

  it('should not let a filter widen the rows: another county or another department category gives nothing', async () => {
    const count = async (filter: Record<string, unknown>, department: Department, county: string | null) =>
      (
        await app.graphql<{ persons: { totalCount: number } }>(
          'query Q($filter: PersonFilter) { persons(filter: $filter) { totalCount } }',
          { filter },
          app.token(department, county),
        )
      ).data!.persons.totalCount;
    expect(await count({ county: '530103' }, 'CIVIL_AFFAIRS', '530102')).toBe(0);
    expect(await count({ category: 'RETURNED_POVERTY' }, 'CIVIL_AFFAIRS', null)).toBe(0);
    // E's DIBAO entry is in 530103: the RETURNED_POVERTY entry in 530102 does not make it a 530102 DIBAO person.
    expect(await count({ county: '530102', category: 'DIBAO' }, 'HRSS', null)).toBe(1);
    expect(await count({ county: '530102' }, 'RURAL_REVITALIZATION', null)).toBe(2);
  });

  it('should refuse filters the department may not use (INPUT_PERMISSIONS) with FORBIDDEN', async () => {
    const query = 'query Q($filter: PersonFilter) { persons(filter: $filter) { totalCount } }';
    for (const [department, filter] of [
      ['TAX', { category: 'DIBAO' }],
      ['TAX', { disabilityLevels: [3] }],
      ['DISABLED_FEDERATION', { category: 'DIBAO' }],
    ] as const) {
      const result = await app.graphql(query, { filter }, app.token(department));
      expect(result.errors?.[0]?.extensions?.code, `${department} ${JSON.stringify(filter)}`).toBe('FORBIDDEN');
      expect(result.data ?? null).toBeNull();
    }
    const allowed = await app.graphql<{ persons: { totalCount: number } }>(
      query,
      { filter: { disabilityLevels: [3, 4] } },
      app.token('DISABLED_FEDERATION'),
    );
    expect(allowed.data!.persons.totalCount).toBe(3);
  });

  it('should give FINANCE no person rows, neither through the API nor through the SQL predicate', async () => {
    const result = await app.graphql('{ persons { totalCount } }', {}, app.token('FINANCE'));
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const queries = new PeopleQueries(app.db);
    const finance: Viewer = { subject: 'f', department: 'FINANCE', county: null };
    expect(await queries.count(finance, {}, 2024)).toBe(0);
    expect(await queries.findVisible(finance, people.get('A')!.idNumber, 2024)).toBeNull();
    expect(
      await queries.visibleEntries(
        finance,
        [...people.values()].map((person) => person.id),
      ),
    ).toEqual([]);
  });
});
