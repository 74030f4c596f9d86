import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantFor, isGrantedTo } from '../../src/modules/access/permission-table';
import type { Viewer } from '../../src/shared/auth';
import type { Department } from '../../src/shared/domain';
import { insertPerson, type PersonSpec } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

// Issue 13 point 2 / DESIGN.md §4: no figure a department gets may depend on another department's
// category, or it could compute that category's figures by difference (e.g. `all` minus its own
// columns). Checked as an invariance: everything CIVIL_AFFAIRS (or RURAL_REVITALIZATION) reads — every
// dispatch report field it may read, the trend, budgets, the comparison, person counts, the CSV and
// XLSX files — is the same before and after persons of only the other department's category are added
// (paid, disabled, enrolled, in its own county too), while HRSS's `all` does change.

const COUNTY = '530102';
const OTHER_COUNTY = '530103';
const TALLY = 'persons eligible enrolled proxyPaid proxyPaidAmount completionRate';

/** Every DispatchRow field this viewer may read, with the tally's fields under the category columns. */
function rowSelection(viewer: Viewer): string {
  const fields = ['county', 'countyName', 'dibao', 'tekun', 'returnedPoverty', 'all', 'disabledLevel34'];
  return fields
    .filter((field) => isGrantedTo(grantFor('DispatchRow', field), viewer))
    .map((field) => (['county', 'countyName', 'disabledLevel34'].includes(field) ? field : `${field} { ${TALLY} }`))
    .join(' ');
}

function reportsQuery(viewer: Viewer): string {
  const row = rowSelection(viewer);
  const county = viewer.county ? `, county: "${viewer.county}"` : '';
  return `{
    june: dispatchReport(month: "2024-06"${county}) { month reportDate year rows { ${row} } total { ${row} } }
    november: dispatchReport(month: "2024-11"${county}) { month reportDate year rows { ${row} } total { ${row} } }
    trend: dispatchTrend(from: "2024-01", to: "2024-12"${county}) { month rows { ${row} } total { ${row} } }
    budget(year: 2024${county}) { year amount lines { county department persons amount cityShare countyShare } }
    rosterComparison(from: "2024-01-01", to: "2024-09-30"${county}) {
      added { idNumber county before after } removed { idNumber county before after } changed { idNumber county before after }
    }
    persons(first: 1) { totalCount }
  }`;
}

/** A supertest parser that keeps the body as bytes. */
function binary(response: NodeJS.ReadableStream, callback: (error: Error | null, body: unknown) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('no figure of another department’s category by difference', () => {
  let app: TestApp;

  const viewers: Record<'civil' | 'rural', Viewer[]> = {
    civil: [
      { subject: 'civil-city', department: 'CIVIL_AFFAIRS', county: null },
      { subject: 'civil-county', department: 'CIVIL_AFFAIRS', county: COUNTY },
    ],
    rural: [
      { subject: 'rural-city', department: 'RURAL_REVITALIZATION', county: null },
      { subject: 'rural-county', department: 'RURAL_REVITALIZATION', county: COUNTY },
    ],
  };

  const tokenOf = (viewer: Viewer) => app.token(viewer.department as Department, viewer.county, viewer.subject);

  /** Everything the viewer reads: the GraphQL answers and both files' cells. */
  async function everything(viewer: Viewer): Promise<unknown> {
    const answer = await app.graphql(reportsQuery(viewer), {}, tokenOf(viewer));
    expect(answer.errors).toBeUndefined();
    const files: unknown[] = [];
    for (const month of ['2024-06', '2024-11']) {
      const query = `month=${month}${viewer.county ? `&county=${viewer.county}` : ''}`;
      const csv = await app
        .http()
        .get(`/reports/dispatch.csv?${query}`)
        .set('authorization', `Bearer ${tokenOf(viewer)}`)
        .buffer(true)
        .parse(binary as never);
      expect(csv.status).toBe(200);
      files.push((csv.body as Buffer).toString('utf8'));
      const xlsx = await app
        .http()
        .get(`/reports/dispatch.xlsx?${query}`)
        .set('authorization', `Bearer ${tokenOf(viewer)}`)
        .buffer(true)
        .parse(binary as never);
      expect(xlsx.status).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
      const cells: unknown[] = [];
      workbook.worksheets[0]!.eachRow((row) => cells.push(row.values));
      files.push(cells);
    }
    return { graphql: answer.data, files };
  }

  const hrssAll = async () =>
    (
      await app.graphql<{ dispatchReport: { total: { all: unknown } } }>(
        `{ dispatchReport(month: "2024-06") { total { all { ${TALLY} } } } }`,
        {},
        app.token('HRSS'),
      )
    ).data!.dispatchReport.total.all;

  /** Persons on one roster only, in the viewer's county and another, of every kind a tally distinguishes. */
  async function addPersonsOnly(category: 'RETURNED_POVERTY' | 'DIBAO' | 'TEKUN'): Promise<void> {
    const kinds: PersonSpec[] = [
      { pensionStatus: 'CONTRIBUTING', disabilityLevel: 3, payments: [{ year: 2024, paidOn: '2024-03-01', amount: '137.00' }] },
      { pensionStatus: 'NOT_ENROLLED', disabilityLevel: 4 },
      { pensionStatus: 'SUSPENDED', payments: [{ year: 2024, paidOn: '2024-09-01' }] },
      { pensionStatus: 'RECEIVING', birthDate: '1950-02-02' },
    ];
    for (const county of [COUNTY, OTHER_COUNTY]) {
      for (const kind of kinds) {
        await insertPerson(app.db, { ...kind, entries: [{ category, county, recognizedOn: '2024-02-01' }] });
        // An exit within the year and a late recognition: the comparison and November's cut-off see them.
        await insertPerson(app.db, { ...kind, entries: [{ category, county, recognizedOn: '2023-05-01', exitedOn: '2024-07-01' }] });
        await insertPerson(app.db, { ...kind, entries: [{ category, county, recognizedOn: '2024-10-20' }] });
      }
    }
  }

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-12-01T04:00:00Z') });
    // Each department's own figures are not zero, and a double-listed person is counted under RETURNED_POVERTY (R8).
    for (const county of [COUNTY, OTHER_COUNTY]) {
      await insertPerson(app.db, {
        pensionStatus: 'CONTRIBUTING',
        disabilityLevel: 3,
        entries: [{ category: 'DIBAO', county, recognizedOn: '2020-01-01' }],
        payments: [{ year: 2024, paidOn: '2024-03-01' }],
      });
      await insertPerson(app.db, { pensionStatus: 'NOT_ENROLLED', entries: [{ category: 'TEKUN', county, recognizedOn: '2024-04-01' }] });
      await insertPerson(app.db, {
        pensionStatus: 'CONTRIBUTING',
        entries: [{ category: 'RETURNED_POVERTY', county, recognizedOn: '2021-01-01' }],
        payments: [{ year: 2024, paidOn: '2024-05-01', amount: '120.00' }],
      });
      await insertPerson(app.db, {
        pensionStatus: 'CONTRIBUTING',
        entries: [
          { category: 'DIBAO', county, recognizedOn: '2020-01-01' },
          { category: 'RETURNED_POVERTY', county, recognizedOn: '2022-01-01' },
        ],
      });
    }
  });

  afterAll(async () => {
    await app.close();
  });

  it('should refuse `all` to every department but HRSS and FINANCE', async () => {
    for (const department of ['CIVIL_AFFAIRS', 'RURAL_REVITALIZATION', 'DISABLED_FEDERATION'] as const) {
      for (const county of [null, COUNTY]) {
        const answer = await app.graphql(
          `{ dispatchReport(month: "2024-06") { total { all { persons } } } }`,
          {},
          app.token(department, county),
        );
        expect(answer.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
      }
    }
    for (const department of ['HRSS', 'FINANCE'] as const) {
      const answer = await app.graphql(`{ dispatchReport(month: "2024-06") { total { all { persons } } } }`, {}, app.token(department));
      expect(answer.errors).toBeUndefined();
    }
  });

  for (const [own, other, categories] of [
    ['civil', 'rural', ['RETURNED_POVERTY']],
    ['rural', 'civil', ['DIBAO', 'TEKUN']],
  ] as const) {
    it(`should give ${own === 'civil' ? 'CIVIL_AFFAIRS' : 'RURAL_REVITALIZATION'} the same figures whatever the ${categories.join('/')} rosters hold`, async () => {
      const before = await Promise.all([...viewers[own], ...viewers[other]].map(everything));
      const allBefore = await hrssAll();
      for (const category of categories) await addPersonsOnly(category);
      const after = await Promise.all([...viewers[own], ...viewers[other]].map(everything));
      // The added persons reach the figures: HRSS's `all` and the other department's own answers change…
      expect(await hrssAll()).not.toEqual(allBefore);
      expect(after.slice(2)).not.toEqual(before.slice(2));
      // …and nothing this department reads does.
      expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
    });
  }
});
