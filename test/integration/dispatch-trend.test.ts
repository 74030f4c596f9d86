import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantFor, isGrantedTo } from '../../src/modules/access/permission-table';
import { seedPersons } from '../../src/modules/seed/seed-writer';
import { SyntheticCity } from '../../src/modules/seed/synthetic-city';
import { operationCost, DEFAULT_OPERATION_LIMITS } from '../../src/app/operation-limits';
import type { Viewer } from '../../src/shared/auth';
import type { Department } from '../../src/shared/domain';
import { sql } from '../../src/shared/sql';
import { startTestApp, type TestApp } from '../support/test-app';

// Issue 13 point 3: dispatchTrend(from, to, county) is the month-by-month dispatchReport, computed in one
// statement. Checked against dispatchReport itself, month by month, on a seeded city with a status
// history, payments in two years and funding rules, for departments at city and county level.

const TALLY = 'persons eligible enrolled proxyPaid proxyPaidAmount completionRate';

function rowSelection(viewer: Viewer): string {
  return ['county', 'countyName', 'dibao', 'tekun', 'returnedPoverty', 'all', 'disabledLevel34']
    .filter((field) => isGrantedTo(grantFor('DispatchRow', field), viewer))
    .map((field) => (['county', 'countyName', 'disabledLevel34'].includes(field) ? field : `${field} { ${TALLY} }`))
    .join(' ');
}

const reportSelection = (viewer: Viewer) => `month reportDate year rows { ${rowSelection(viewer)} } total { ${rowSelection(viewer)} }`;

function monthsOf(from: string, count: number): string[] {
  const [year, month] = from.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, index) => {
    const at = year * 12 + month - 1 + index;
    return `${Math.floor(at / 12)}-${String((at % 12) + 1).padStart(2, '0')}`;
  });
}

describe('dispatchTrend', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2026-11-28T04:00:00Z') });
    await seedPersons(app.db, new SyntheticCity(11, { year: 2026, today: '2026-11-28' }), 2_500);
    // A status history crossing the months (changes before, inside and after the range), exits and late entries.
    await app.db.rows(sql`
      insert into pension_status_change (person_id, previous_status, status, changed_on)
      select id, 'NOT_ENROLLED', pension_status, date '2026-01-01' + (id % 300) from person where id % 3 = 0
      union all
      select id, 'CONTRIBUTING', 'NOT_ENROLLED', date '2025-01-01' + (id % 300) from person where id % 6 = 0
      union all
      select id, 'CONTRIBUTING', 'RECEIVING', date '2026-06-15' from person where id % 11 = 0
      union all
      select id, 'SUSPENDED', 'CONTRIBUTING', date '2026-03-15' from person where id % 13 = 0`);
    await app.db.rows(
      sql`update roster_entry set exited_on = greatest(recognized_on, date '2026-02-01' + (id % 200)) where id % 17 = 0 and exited_on is null`,
    );
    await app.db.rows(sql`
      insert into funding_rule (county, year, standard, city_share) values ('530102', 2026, 120.00, 0.6667), ('530125', 2026, 100.00, 0.3)`);
  });

  afterAll(async () => {
    await app.close();
  });

  const cases: Array<{ viewer: Viewer; from: string; months: number; county?: string }> = [
    { viewer: { subject: 'hrss', department: 'HRSS', county: null }, from: '2026-01', months: 12 },
    { viewer: { subject: 'hrss-across', department: 'HRSS', county: null }, from: '2025-07', months: 12 },
    { viewer: { subject: 'hrss-one-county', department: 'HRSS', county: null }, from: '2026-01', months: 12, county: '530111' },
    { viewer: { subject: 'hrss-county', department: 'HRSS', county: '530102' }, from: '2026-01', months: 12 },
    { viewer: { subject: 'finance', department: 'FINANCE', county: null }, from: '2026-01', months: 12 },
    { viewer: { subject: 'civil', department: 'CIVIL_AFFAIRS', county: null }, from: '2026-01', months: 12 },
    { viewer: { subject: 'civil-county', department: 'CIVIL_AFFAIRS', county: '530125' }, from: '2026-01', months: 12 },
    { viewer: { subject: 'rural', department: 'RURAL_REVITALIZATION', county: null }, from: '2026-01', months: 12 },
    { viewer: { subject: 'rural-county', department: 'RURAL_REVITALIZATION', county: '530102' }, from: '2026-01', months: 12 },
    { viewer: { subject: 'disabled', department: 'DISABLED_FEDERATION', county: null }, from: '2026-01', months: 12 },
  ];

  for (const { viewer, from, months, county } of cases) {
    const level = viewer.county ? `county ${viewer.county}` : 'city';
    it(`should equal the month-by-month dispatchReport for ${viewer.department} (${level}) from ${from} over ${months} months${county ? ` in ${county}` : ''}`, async () => {
      const token = app.token(viewer.department as Department, viewer.county, viewer.subject);
      const list = monthsOf(from, months);
      const countyArgument = county ? `, county: "${county}"` : '';
      const trend = await app.graphql<{ dispatchTrend: unknown[] }>(
        `{ dispatchTrend(from: "${list[0]}", to: "${list.at(-1)}"${countyArgument}) { ${reportSelection(viewer)} } }`,
        {},
        token,
      );
      expect(trend.errors).toBeUndefined();
      const reports: unknown[] = [];
      for (const month of list) {
        const answer = await app.graphql<{ dispatchReport: unknown }>(
          `{ dispatchReport(month: "${month}"${countyArgument}) { ${reportSelection(viewer)} } }`,
          {},
          token,
        );
        expect(answer.errors).toBeUndefined();
        reports.push(answer.data!.dispatchReport);
      }
      expect(trend.data!.dispatchTrend).toEqual(reports);
      // The months differ from one another (payments accumulate, entries start and end), or equality proves little.
      expect(new Set(reports.map((report) => JSON.stringify((report as { total: unknown }).total))).size).toBeGreaterThan(months / 2);
    });
  }

  it('should refuse a range that is reversed, longer than 24 months or badly written, naming the field, and refuse TAX', async () => {
    const token = app.token('HRSS');
    const problem = async (from: string, to: string) => {
      const answer = await app.graphql(`{ dispatchTrend(from: "${from}", to: "${to}") { month } }`, {}, token);
      expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      return answer.errors![0]!.extensions!.problems!.map((entry) => entry.field);
    };
    expect(await problem('2026-05', '2026-04')).toEqual(['from']);
    expect(await problem('2024-01', '2026-01')).toEqual(['to']);
    expect(await problem('2026-13', '2026-12')).toEqual(['from']);
    expect(await problem('2026-01', '26-12')).toEqual(['to']);
    const ok = await app.graphql<{ dispatchTrend: Array<{ month: string }> }>(
      `{ dispatchTrend(from: "2024-01", to: "2025-12") { month } }`,
      {},
      token,
    );
    expect(ok.data!.dispatchTrend.map((report) => report.month)).toEqual(monthsOf('2024-01', 24));
    const tax = await app.graphql(`{ dispatchTrend(from: "2026-01", to: "2026-02") { month } }`, {}, app.token('TAX'));
    expect(tax.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const otherCounty = await app.graphql(
      `{ dispatchTrend(from: "2026-01", to: "2026-02", county: "530103") { month } }`,
      {},
      app.token('HRSS', '530102'),
    );
    expect(otherCounty.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('should cost its months: a full 24-month trend fits the limit, and its cost grows with the months asked', () => {
    const schema = app.server.schema;
    const viewer: Viewer = { subject: 'cost', department: 'HRSS', county: null };
    const cost = (from: string, to: string) =>
      operationCost(schema, parse(`{ dispatchTrend(from: "${from}", to: "${to}") { ${reportSelection(viewer)} } }`), {}, undefined);
    const one = cost('2026-01', '2026-01');
    const month = cost('2026-01', '2026-02') - one;
    expect(month).toBeGreaterThan(100);
    expect(cost('2026-01', '2026-12')).toBe(one + 11 * month);
    expect(cost('2025-01', '2026-12')).toBeLessThanOrEqual(DEFAULT_OPERATION_LIMITS.maxCost);
    // Unreadable arguments are costed as the longest range (the service refuses them anyway).
    expect(cost('x', 'y')).toBe(cost('2025-01', '2026-12'));
  });
});
