import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertPerson } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';
import { sql } from '../../src/shared/sql';
import { createRequestContext } from '../../src/app/context';
import { createLogger } from '../../src/infrastructure/logger';
import { DEFAULT_PRECEDENCE } from '../../src/modules/eligibility/domain/precedence';
import { buildDispatchReport } from '../../src/modules/reports/dispatch-report.service';
import type { Viewer } from '../../src/shared/auth';

// A small city checked figure by figure against numbers computed by hand (comments give the reasoning).
// Counties: A = 530102 五华区, B = 530103 盘龙区 (funding rule 2024: 133.33 yuan, city share 0.6),
// C = 530111 官渡区, D = 530181 安宁市. Year 2024; age = 2024 - birth year.
const A = '530102';
const B = '530103';
const C = '530111';
const D = '530181';

const DISPATCH = `query Dispatch($month: String!, $county: String) {
  dispatchReport(month: $month, county: $county) {
    month reportDate year
    rows { county countyName disabledLevel34
      dibao { persons eligible enrolled proxyPaid proxyPaidAmount completionRate }
      tekun { persons eligible enrolled proxyPaid proxyPaidAmount completionRate }
      returnedPoverty { persons eligible enrolled proxyPaid proxyPaidAmount completionRate }
      all { persons eligible enrolled proxyPaid proxyPaidAmount completionRate } }
    total { county countyName disabledLevel34
      dibao { persons eligible enrolled proxyPaid proxyPaidAmount completionRate }
      tekun { persons eligible enrolled proxyPaid proxyPaidAmount completionRate }
      returnedPoverty { persons eligible enrolled proxyPaid proxyPaidAmount completionRate }
      all { persons eligible enrolled proxyPaid proxyPaidAmount completionRate } }
  }
}`;

interface Tally {
  persons: number;
  eligible: number;
  enrolled: number;
  proxyPaid: number;
  proxyPaidAmount: string;
  completionRate: number | null;
}
interface Row {
  county: string;
  countyName: string;
  disabledLevel34: number;
  dibao: Tally;
  tekun: Tally;
  returnedPoverty: Tally;
  all: Tally;
}
interface Report {
  month: string;
  reportDate: string;
  year: number;
  rows: Row[];
  total: Row;
}

const tally = (
  persons: number,
  eligible: number,
  enrolled: number,
  proxyPaid: number,
  proxyPaidAmount: string,
  completionRate: number | null,
): Tally => ({
  persons,
  eligible,
  enrolled,
  proxyPaid,
  proxyPaidAmount,
  completionRate,
});
const ZERO = tally(0, 0, 0, 0, '0.00', null);

export async function buildSmallCity(app: TestApp): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  const put = async (key: string, spec: Parameters<typeof insertPerson>[1]) => {
    ids[key] = (await insertPerson(app.db, { name: key, ...spec })).idNumber;
  };
  await app.db.rows(sql`insert into funding_rule (county, year, standard, city_share) values (${B}, 2024, 133.33, 0.6)`);
  // P1: DIBAO in A, 44, contributing, paid 100 in March; level 3.
  await put('P1', {
    birthDate: '1980-05-17',
    pensionStatus: 'CONTRIBUTING',
    disabilityLevel: 3,
    entries: [{ category: 'DIBAO', county: A, recognizedOn: '2020-01-01' }],
    payments: [{ year: 2024, paidOn: '2024-03-01' }],
  });
  // P2: DIBAO in A and RETURNED_POVERTY in B: R8 counts RETURNED_POVERTY in B; 54, not enrolled; level 4.
  await put('P2', {
    birthDate: '1970-01-09',
    pensionStatus: 'NOT_ENROLLED',
    disabilityLevel: 4,
    entries: [
      { category: 'DIBAO', county: A, recognizedOn: '2020-01-01' },
      { category: 'RETURNED_POVERTY', county: B, recognizedOn: '2022-05-01' },
    ],
  });
  // P3: TEKUN in A, exited 2024-10-31 (not active on the 31st); 16, contributing; paid 20 Nov.
  await put('P3', {
    birthDate: '2008-12-31',
    pensionStatus: 'CONTRIBUTING',
    entries: [{ category: 'TEKUN', county: A, recognizedOn: '2021-01-01', exitedOn: '2024-10-31' }],
    payments: [{ year: 2024, paidOn: '2024-11-20' }],
  });
  // P4: DIBAO in B recognised on the cut-off day itself; 59, contributing; paid 133.33 on 10 Nov.
  await put('P4', {
    birthDate: '1965-03-03',
    pensionStatus: 'CONTRIBUTING',
    entries: [{ category: 'DIBAO', county: B, recognizedOn: '2024-10-31' }],
    payments: [{ year: 2024, amount: '133.33', paidOn: '2024-11-10' }],
  });
  // P5: TEKUN in B recognised 1 Nov: NEXT_YEAR, in no 2024 figure.
  await put('P5', { birthDate: '1990-07-07', entries: [{ category: 'TEKUN', county: B, recognizedOn: '2024-11-01' }] });
  // P6: DIBAO in C, 60 and receiving: counted, not eligible; level 3.
  await put('P6', {
    birthDate: '1964-02-02',
    pensionStatus: 'RECEIVING',
    disabilityLevel: 3,
    entries: [{ category: 'DIBAO', county: C, recognizedOn: '2019-01-01' }],
  });
  // P7: RETURNED_POVERTY in C, 15: counted, not eligible.
  await put('P7', {
    birthDate: '2009-06-01',
    pensionStatus: 'SUSPENDED',
    entries: [{ category: 'RETURNED_POVERTY', county: C, recognizedOn: '2023-01-01' }],
  });
  // P8: TEKUN and DIBAO in D: counted TEKUN; suspended = enrolled; paid on the report date 15 Nov (counts).
  await put('P8', {
    birthDate: '1985-04-04',
    pensionStatus: 'SUSPENDED',
    entries: [
      { category: 'TEKUN', county: D, recognizedOn: '2022-01-01' },
      { category: 'DIBAO', county: D, recognizedOn: '2023-01-01' },
    ],
    payments: [{ year: 2024, paidOn: '2024-11-15' }],
  });
  // P9: DIBAO in D, employee pension: counted, not eligible.
  await put('P9', {
    birthDate: '1975-08-08',
    pensionStatus: 'EMPLOYEE_PENSION',
    entries: [{ category: 'DIBAO', county: D, recognizedOn: '2018-01-01' }],
  });
  // P10: DIBAO in C exited 1 Sep 2024; a 2023 payment only.
  await put('P10', {
    birthDate: '1980-09-09',
    pensionStatus: 'CONTRIBUTING',
    entries: [{ category: 'DIBAO', county: C, recognizedOn: '2020-06-01', exitedOn: '2024-09-01' }],
    payments: [{ year: 2023, paidOn: '2023-06-01' }],
  });
  // P11: DIBAO moved from A to B on 1 Aug 2024; contributing, unpaid.
  await put('P11', {
    birthDate: '1988-10-10',
    pensionStatus: 'CONTRIBUTING',
    entries: [
      { category: 'DIBAO', county: A, recognizedOn: '2020-01-01', exitedOn: '2024-08-01' },
      { category: 'DIBAO', county: B, recognizedOn: '2024-08-01' },
    ],
  });
  // P12: DIBAO in C from March 2024; contributing; two payments of 50 (June; July from a village collective, R6:
  // one payment per person, year and funder).
  await put('P12', {
    birthDate: '1995-11-11',
    pensionStatus: 'CONTRIBUTING',
    entries: [{ category: 'DIBAO', county: C, recognizedOn: '2024-03-01' }],
    payments: [
      { year: 2024, amount: '50.00', paidOn: '2024-06-01' },
      { year: 2024, amount: '50.00', paidOn: '2024-07-01', funder: '村集体经济组织' },
    ],
  });
  // P13: DIBAO in D, also TEKUN in D from 1 Sep 2024 (category change); not enrolled.
  await put('P13', {
    birthDate: '1999-12-12',
    pensionStatus: 'NOT_ENROLLED',
    entries: [
      { category: 'DIBAO', county: D, recognizedOn: '2019-01-01' },
      { category: 'TEKUN', county: D, recognizedOn: '2024-09-01' },
    ],
  });
  return ids;
}

describe('small city: dispatch report, budget and comparison computed by hand', () => {
  let app: TestApp;
  let ids: Record<string, string>;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-12-01T04:00:00Z') });
    ids = await buildSmallCity(app);
  });

  afterAll(async () => {
    await app.close();
  });

  const report = async (month: string, token: string, county: string | null = null) => {
    const result = await app.graphql<{ dispatchReport: Report }>(DISPATCH, { month, county }, token);
    expect(result.errors).toBeUndefined();
    return result.data!.dispatchReport;
  };

  it('should give the November figures of every county when the population is taken on 31 October', async () => {
    const november = await report('2024-11', app.token('HRSS'));
    expect(november).toMatchObject({ month: '2024-11', reportDate: '2024-11-15', year: 2024 });
    expect(november.rows.map((row) => row.county)).toHaveLength(14);
    const byCounty = new Map(november.rows.map((row) => [row.county, row]));
    // A: P1 only (P3 exited on 31 Oct, P11 moved to B, P2 counts in B).
    expect(byCounty.get(A)).toEqual({
      county: A,
      countyName: '五华区',
      disabledLevel34: 1,
      dibao: tally(1, 1, 1, 1, '100.00', 1),
      tekun: ZERO,
      returnedPoverty: ZERO,
      all: tally(1, 1, 1, 1, '100.00', 1),
    });
    // B: P4 (paid 133.33 on 10 Nov) and P11 DIBAO; P2 RETURNED_POVERTY to enrol; P5 is next year.
    expect(byCounty.get(B)).toEqual({
      county: B,
      countyName: '盘龙区',
      disabledLevel34: 1,
      dibao: tally(2, 2, 2, 1, '133.33', 0.5),
      tekun: ZERO,
      returnedPoverty: tally(1, 1, 0, 0, '0.00', 0),
      all: tally(3, 3, 2, 1, '133.33', 1 / 3),
    });
    // C: P6 (60, receiving) and P12 (two payments of 50) DIBAO; P7 (15) RETURNED_POVERTY.
    expect(byCounty.get(C)).toEqual({
      county: C,
      countyName: '官渡区',
      disabledLevel34: 1,
      dibao: tally(2, 1, 1, 1, '100.00', 1),
      tekun: ZERO,
      returnedPoverty: tally(1, 0, 0, 0, '0.00', null),
      all: tally(3, 1, 1, 1, '100.00', 1),
    });
    // D: P8 (paid on 15 Nov itself) and P13 (to enrol) TEKUN; P9 (employee pension) DIBAO.
    expect(byCounty.get(D)).toEqual({
      county: D,
      countyName: '安宁市',
      disabledLevel34: 0,
      dibao: tally(1, 0, 0, 0, '0.00', null),
      tekun: tally(2, 2, 1, 1, '100.00', 0.5),
      returnedPoverty: ZERO,
      all: tally(3, 2, 1, 1, '100.00', 0.5),
    });
    expect(byCounty.get('530112')).toEqual({
      county: '530112',
      countyName: '西山区',
      disabledLevel34: 0,
      dibao: ZERO,
      tekun: ZERO,
      returnedPoverty: ZERO,
      all: ZERO,
    });
    // Total: 10 persons, 7 eligible (P1 P2 P4 P8 P11 P12 P13), 5 enrolled, 4 paid (P1 P4 P8 P12) = 433.33.
    expect(november.total).toEqual({
      county: '530100',
      countyName: '合计',
      disabledLevel34: 3,
      dibao: tally(6, 4, 4, 3, '333.33', 0.75),
      tekun: tally(2, 2, 1, 1, '100.00', 0.5),
      returnedPoverty: tally(2, 1, 0, 0, '0.00', 0),
      all: tally(10, 7, 5, 4, '433.33', 4 / 7),
    });
  });

  it('should take the population on the report date and payments up to it when the month is before November', async () => {
    const october = await report('2024-10', app.token('HRSS'));
    expect(october.reportDate).toBe('2024-10-15');
    const byCounty = new Map(october.rows.map((row) => [row.county, row]));
    // A on 15 Oct: P1 DIBAO paid; P3 TEKUN still active (exits 31 Oct), 16, paid only on 20 Nov.
    expect(byCounty.get(A)!.tekun).toEqual(tally(1, 1, 1, 0, '0.00', 0));
    expect(byCounty.get(A)!.all).toEqual(tally(2, 2, 2, 1, '100.00', 0.5));
    // B on 15 Oct: P4 not yet recognised; P11 DIBAO; P2 RETURNED_POVERTY.
    expect(byCounty.get(B)!.all).toEqual(tally(2, 2, 1, 0, '0.00', 0));
    // D: P8's payment of 15 Nov does not count yet.
    expect(byCounty.get(D)!.tekun).toEqual(tally(2, 2, 1, 0, '0.00', 0));
    // All: P1 P2 P3 P6 P7 P8 P9 P11 P12 P13 = 10; eligible P1 P2 P3 P8 P11 P12 P13 = 7; enrolled P1 P3 P8 P11 P12 = 5; paid P1 P12.
    expect(october.total.all).toEqual(tally(10, 7, 5, 2, '200.00', 2 / 7));
  });

  it('should give a county user its own row and a total of it, and FORBIDDEN for another county', async () => {
    const token = app.token('HRSS', B);
    const own = await report('2024-11', token);
    expect(own.rows.map((row) => row.county)).toEqual([B]);
    expect(own.total.all).toEqual(own.rows[0]!.all);
    const other = await app.graphql(DISPATCH, { month: '2024-11', county: A }, token);
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('should build the same report as plain data for the file export when called as a service', async () => {
    const context = (viewer: Viewer) =>
      createRequestContext({ db: app.db, settings: { precedence: DEFAULT_PRECEDENCE }, logger: createLogger('silent') }, viewer, null);
    const data = await buildDispatchReport(context({ subject: 'export', department: 'HRSS', county: null }), '2024-11', D);
    expect(data).toEqual({
      month: '2024-11',
      reportDate: '2024-11-15',
      year: 2024,
      rows: [
        {
          county: D,
          countyName: '安宁市',
          disabledLevel34: 0,
          dibao: tally(1, 0, 0, 0, '0.00', null),
          tekun: tally(2, 2, 1, 1, '100.00', 0.5),
          returnedPoverty: ZERO,
          all: tally(3, 2, 1, 1, '100.00', 0.5),
        },
      ],
      total: {
        county: '530100',
        countyName: '合计',
        disabledLevel34: 0,
        dibao: tally(1, 0, 0, 0, '0.00', null),
        tekun: tally(2, 2, 1, 1, '100.00', 0.5),
        returnedPoverty: ZERO,
        all: tally(3, 2, 1, 1, '100.00', 0.5),
      },
    });
    await expect(
      buildDispatchReport(context({ subject: 'export', department: 'HRSS', county: null }), '24-11', null),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('should send a single SQL statement when each report is computed', async () => {
    // Reports shaped for their output (report-sql.ts) run serially: their one statement follows a
    // `set local max_parallel_workers_per_gather = 0` in the same transaction, counted here too.
    const queries: Array<[string, Record<string, unknown>, number]> = [
      [DISPATCH, { month: '2024-11' }, 2],
      ['{ dispatchTrend(from: "2024-01", to: "2024-12") { month } }', {}, 2],
      ['{ budget(year: 2024) { amount } }', {}, 2],
      ['{ rosterComparison(from: "2024-06-30", to: "2024-12-30") { added { name } } }', {}, 1],
      ['{ subsidyScreening(year: 2024) { countedCategory } }', {}, 1],
    ];
    for (const [query, variables, statements] of queries) {
      const before = app.db.statementCount;
      const result = await app.graphql(query, variables, app.token('HRSS'));
      expect(result.errors).toBeUndefined();
      expect(app.db.statementCount - before).toBe(statements);
    }
  });

  it('should refuse a malformed month and an unknown county with BAD_USER_INPUT naming both', async () => {
    const result = await app.graphql(DISPATCH, { month: '2024-13', county: '999999' }, app.token('HRSS'));
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.extensions?.problems?.map((problem) => problem.field).sort()).toEqual(['county', 'month']);
  });

  it('should show CIVIL_AFFAIRS the dibao column and refuse it returnedPoverty', async () => {
    const token = app.token('CIVIL_AFFAIRS');
    const allowed = await app.graphql<{ dispatchReport: { total: { dibao: { persons: number } } } }>(
      '{ dispatchReport(month: "2024-11") { total { dibao { persons } } } }',
      {},
      token,
    );
    expect(allowed.data?.dispatchReport.total.dibao.persons).toBe(6);
    const denied = await app.graphql('{ dispatchReport(month: "2024-11") { total { returnedPoverty { persons } } } }', {}, token);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  const BUDGET =
    'query Budget($year: Int!, $county: String) { budget(year: $year, county: $county) { year amount lines { county department persons amount cityShare countyShare } } }';
  const line = (county: string, department: string, persons: number, amount: string, cityShare: string, countyShare: string) => ({
    county,
    department,
    persons,
    amount,
    cityShare,
    countyShare,
  });

  it('should budget per county and funding department with per-person rounded shares', async () => {
    const result = await app.graphql<{ budget: { year: number; amount: string; lines: unknown[] } }>(
      BUDGET,
      { year: 2024 },
      app.token('FINANCE'),
    );
    expect(result.errors).toBeUndefined();
    // Eligible or to enrol on 31 Oct: P1 (A), P2 (B, RETURNED_POVERTY), P4 and P11 (B), P12 (C), P8 and P13 (D).
    // B's rule: 133.33 x 0.6 = 79.998 -> city 80.00, county 53.33 per person.
    expect(result.data!.budget).toEqual({
      year: 2024,
      amount: '799.99', // 100 + 266.66 + 133.33 + 100 + 200
      lines: [
        line(A, 'CIVIL_AFFAIRS', 1, '100.00', '50.00', '50.00'),
        line(B, 'CIVIL_AFFAIRS', 2, '266.66', '160.00', '106.66'),
        line(B, 'RURAL_REVITALIZATION', 1, '133.33', '80.00', '53.33'),
        line(C, 'CIVIL_AFFAIRS', 1, '100.00', '50.00', '50.00'),
        line(D, 'CIVIL_AFFAIRS', 2, '200.00', '100.00', '100.00'),
      ],
    });
  });

  it('should show a department only its own budget lines and a county user only its county', async () => {
    const rural = await app.graphql<{ budget: { amount: string; lines: unknown[] } }>(
      BUDGET,
      { year: 2024 },
      app.token('RURAL_REVITALIZATION'),
    );
    expect(rural.data!.budget).toEqual({
      year: 2024,
      amount: '133.33',
      lines: [line(B, 'RURAL_REVITALIZATION', 1, '133.33', '80.00', '53.33')],
    });
    const civil = await app.graphql<{ budget: { amount: string; lines: Array<{ department: string }> } }>(
      BUDGET,
      { year: 2024 },
      app.token('CIVIL_AFFAIRS'),
    );
    expect(civil.data!.budget.amount).toBe('666.66');
    expect(new Set(civil.data!.budget.lines.map((budgetLine) => budgetLine.department))).toEqual(new Set(['CIVIL_AFFAIRS']));
    const countyB = await app.graphql<{ budget: { amount: string; lines: unknown[] } }>(BUDGET, { year: 2024 }, app.token('HRSS', B));
    expect(countyB.data!.budget.amount).toBe('399.99');
    expect(countyB.data!.budget.lines).toHaveLength(2);
    const forbidden = await app.graphql(BUDGET, { year: 2024, county: A }, app.token('HRSS', B));
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await app.graphql(BUDGET, { year: 1999, county: 'x' }, app.token('HRSS'));
    expect(bad.errors?.[0]?.extensions?.problems?.map((problem) => problem.field).sort()).toEqual(['county', 'year']);
  });

  const COMPARISON = `query Compare($from: Date!, $to: Date!, $county: String, $category: HardshipCategory) {
    rosterComparison(from: $from, to: $to, county: $county, category: $category) {
      added { idNumber name county before after } removed { idNumber name county before after } changed { idNumber name county before after } } }`;
  interface Comparison {
    added: Array<{ name: string }>;
    removed: Array<{ name: string }>;
    changed: Array<{ name: string; county: string; before: string | null; after: string | null }>;
  }
  const names = (entries: Array<{ name: string }>) => entries.map((entry) => entry.name).sort();

  it('should list added, removed and changed persons between two quarter ends', async () => {
    const result = await app.graphql<{ rosterComparison: Comparison }>(
      COMPARISON,
      { from: '2024-06-30', to: '2024-12-30' },
      app.token('HRSS'),
    );
    expect(result.errors).toBeUndefined();
    const comparison = result.data!.rosterComparison;
    // Added: P4 (31 Oct), P5 (1 Nov). Removed: P3 (exit 31 Oct), P10 (exit 1 Sep).
    expect(names(comparison.added)).toEqual(['P4', 'P5']);
    expect(names(comparison.removed)).toEqual(['P10', 'P3']);
    // Changed: P11 moved A -> B (DIBAO both); P13 DIBAO -> TEKUN in D.
    expect(
      comparison.changed
        .map(({ name, county, before, after }) => ({ name, county, before, after }))
        .sort((x, y) => x.name.localeCompare(y.name)),
    ).toEqual([
      { name: 'P11', county: B, before: 'DIBAO', after: 'DIBAO' },
      { name: 'P13', county: D, before: 'DIBAO', after: 'TEKUN' },
    ]);
    expect(comparison.added.find((entry) => entry.name === 'P4')).toMatchObject({
      idNumber: ids.P4,
      county: B,
      before: null,
      after: 'DIBAO',
    });
  });

  it('should compare only the entries a county-level department may see', async () => {
    // CIVIL_AFFAIRS in A sees DIBAO/TEKUN entries in A only: P3 exits, P11 leaves A; P2's DIBAO in A stays.
    const result = await app.graphql<{ rosterComparison: Comparison }>(
      COMPARISON,
      { from: '2024-06-30', to: '2024-12-30' },
      app.token('CIVIL_AFFAIRS', A),
    );
    expect(names(result.data!.rosterComparison.removed)).toEqual(['P11', 'P3']);
    expect(result.data!.rosterComparison.added).toEqual([]);
    expect(result.data!.rosterComparison.changed).toEqual([]);
    // A city user asking for county B sees the move into B as a change, P4 and P5 as additions.
    const countyB = await app.graphql<{ rosterComparison: Comparison }>(
      COMPARISON,
      { from: '2024-06-30', to: '2024-12-30', county: B },
      app.token('HRSS'),
    );
    expect(names(countyB.data!.rosterComparison.added)).toEqual(['P4', 'P5']);
    expect(names(countyB.data!.rosterComparison.changed)).toEqual(['P11']);
    // Only TEKUN: P13 is added (TEKUN from 1 Sep), P5 added, P3 removed.
    const tekun = await app.graphql<{ rosterComparison: Comparison }>(
      COMPARISON,
      { from: '2024-06-30', to: '2024-12-30', category: 'TEKUN' },
      app.token('HRSS'),
    );
    expect(names(tekun.data!.rosterComparison.added)).toEqual(['P13', 'P5']);
    expect(names(tekun.data!.rosterComparison.removed)).toEqual(['P3']);
  });

  it("should refuse another department's category with FORBIDDEN and from after to with BAD_USER_INPUT", async () => {
    const forbidden = await app.graphql(
      COMPARISON,
      { from: '2024-06-30', to: '2024-12-30', category: 'RETURNED_POVERTY' },
      app.token('CIVIL_AFFAIRS'),
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const backwards = await app.graphql(COMPARISON, { from: '2024-12-30', to: '2024-06-30' }, app.token('HRSS'));
    expect(backwards.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(backwards.errors?.[0]?.extensions?.problems?.[0]?.field).toBe('from');
  });

  it("should screen level 3/4 disabled persons on the proxy roster for the Disabled Persons' Federation", async () => {
    const query =
      'query S($year: Int!, $county: String) { subsidyScreening(year: $year, county: $county) { countedCategory disabilityLevel person { idNumber name } } }';
    const result = await app.graphql<{
      subsidyScreening: Array<{ countedCategory: string; disabilityLevel: number; person: { idNumber: string; name: string } }>;
    }>(query, { year: 2024 }, app.token('DISABLED_FEDERATION'));
    expect(result.errors).toBeUndefined();
    // P1 (level 3, eligible) and P2 (level 4, to enrol); P6 (level 3) is 60 and receiving, so not proxy-paid.
    expect(result.data!.subsidyScreening.map((entry) => [entry.person.name, entry.countedCategory, entry.disabilityLevel]).sort()).toEqual([
      ['P1', 'DIBAO', 3],
      ['P2', 'RETURNED_POVERTY', 4],
    ]);
    // In county A: P1, and P2 through its DIBAO entry in A (it also counts in B).
    const countyA = await app.graphql<{ subsidyScreening: Array<{ person: { name: string } }> }>(
      query,
      { year: 2024 },
      app.token('DISABLED_FEDERATION', A),
    );
    expect(countyA.data!.subsidyScreening.map((entry) => entry.person.name).sort()).toEqual(['P1', 'P2']);
    const countyC = await app.graphql<{ subsidyScreening: unknown[] }>(query, { year: 2024, county: C }, app.token('HRSS'));
    expect(countyC.data!.subsidyScreening).toEqual([]);
    const bad = await app.graphql(query, { year: 2101, county: '530100' }, app.token('HRSS'));
    expect(bad.errors?.[0]?.extensions?.problems?.map((problem) => problem.field).sort()).toEqual(['county', 'year']);
    const civil = await app.graphql(query, { year: 2024 }, app.token('CIVIL_AFFAIRS'));
    expect(civil.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
