import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPATCH_TITLE } from '../../src/modules/reports/dispatch-export';
import { insertPerson } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

const TALLY = 'persons eligible enrolled proxyPaid proxyPaidAmount completionRate';
const DISPATCH = `query Dispatch($month: String!, $county: String) {
  dispatchReport(month: $month, county: $county) {
    rows { county countyName disabledLevel34 dibao { ${TALLY} } tekun { ${TALLY} } returnedPoverty { ${TALLY} } all { ${TALLY} } }
    total { county countyName disabledLevel34 dibao { ${TALLY} } tekun { ${TALLY} } returnedPoverty { ${TALLY} } all { ${TALLY} } }
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

const GROUPS = [
  ['dibao', '低保对象'],
  ['tekun', '特困人员'],
  ['returnedPoverty', '返贫致贫人口'],
  ['all', '合计(一人只计一次)'],
] as const;

/** A supertest parser that keeps the body as bytes. */
function binary(response: NodeJS.ReadableStream, callback: (error: Error | null, body: unknown) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

async function readSheet(file: Buffer): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as unknown as ArrayBuffer);
  return workbook.worksheets[0]!;
}

describe('GET /reports/dispatch.xlsx and .csv', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-12-01T04:00:00Z') });
    // Five persons over two counties: paid and unpaid, R8 double listing, level 3/4, one too old.
    await insertPerson(app.db, {
      birthDate: '1980-05-17',
      pensionStatus: 'CONTRIBUTING',
      disabilityLevel: 3,
      entries: [{ category: 'DIBAO', county: '530102', recognizedOn: '2020-01-01' }],
      payments: [{ year: 2024, paidOn: '2024-03-01' }],
    });
    await insertPerson(app.db, {
      birthDate: '1970-01-09',
      pensionStatus: 'NOT_ENROLLED',
      disabilityLevel: 4,
      entries: [
        { category: 'DIBAO', county: '530102', recognizedOn: '2020-01-01' },
        { category: 'RETURNED_POVERTY', county: '530103', recognizedOn: '2022-05-01' },
      ],
    });
    await insertPerson(app.db, {
      birthDate: '1985-03-03',
      pensionStatus: 'CONTRIBUTING',
      entries: [{ category: 'TEKUN', county: '530102', recognizedOn: '2021-01-01' }],
    });
    await insertPerson(app.db, {
      birthDate: '1975-03-03',
      pensionStatus: 'SUSPENDED',
      entries: [{ category: 'RETURNED_POVERTY', county: '530103', recognizedOn: '2021-01-01' }],
      payments: [{ year: 2024, amount: '150.50', paidOn: '2024-05-01' }],
    });
    await insertPerson(app.db, {
      birthDate: '1950-03-03',
      pensionStatus: 'RECEIVING',
      entries: [{ category: 'DIBAO', county: '530103', recognizedOn: '2021-01-01' }],
    });
  });

  afterAll(async () => {
    await app.close();
  });

  const download = (path: string, token: string | null) => {
    let request = app.http().get(path);
    if (token) request = request.set('authorization', `Bearer ${token}`);
    return request.buffer(true).parse(binary as unknown as Parameters<typeof request.parse>[0]);
  };

  it('should hold the same figures as dispatchReport when HRSS reads the XLSX back', async () => {
    const token = app.token('HRSS');
    const response = await download('/reports/dispatch.xlsx?month=2024-06', token);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    const graph = await app.graphql<{ dispatchReport: { rows: Row[]; total: Row } }>(DISPATCH, { month: '2024-06' }, token);
    expect(graph.errors).toBeUndefined();
    const expectedRows = [...graph.data!.dispatchReport.rows, graph.data!.dispatchReport.total];

    const sheet = await readSheet(response.body as Buffer);
    expect(sheet.getCell(1, 1).value).toBe(DISPATCH_TITLE);
    expect(String(sheet.getCell(2, 1).value)).toContain('2024-06');
    expect(sheet.getCell(3, 3).value).toBe('低保对象');
    expect(sheet.getCell(4, 3).value).toBe('在册人数');
    expect(sheet.getCell(4, 8).value).toBe('完成率');
    expect(sheet.getCell(3, 27).value).toBe('三、四级残疾人数');
    expect(sheet.rowCount).toBe(4 + expectedRows.length);

    expectedRows.forEach((expected, index) => {
      const row = sheet.getRow(5 + index);
      expect(row.getCell(1).value).toBe(expected.county);
      expect(row.getCell(2).value).toBe(expected.countyName);
      GROUPS.forEach(([field], group) => {
        const base = 3 + group * 6;
        const tally = expected[field];
        expect([0, 1, 2, 3].map((offset) => row.getCell(base + offset).value)).toEqual([
          tally.persons,
          tally.eligible,
          tally.enrolled,
          tally.proxyPaid,
        ]);
        expect(row.getCell(base + 4).value).toBe(Number(tally.proxyPaidAmount));
        expect(row.getCell(base + 5).value).toBe(tally.completionRate);
        expect(row.getCell(base + 5).numFmt).toBe('0.00%');
      });
      expect(row.getCell(27).value).toBe(expected.disabledLevel34);
    });
    expect(sheet.getRow(5 + expectedRows.length - 1).getCell(2).value).toBe('合计');
    // The figures are not all zero: the test data reaches the file.
    expect(graph.data!.dispatchReport.total.all.persons).toBe(5);
  });

  it('should leave out the columns a department may not read when Civil Affairs downloads', async () => {
    const response = await download('/reports/dispatch.xlsx?month=2024-06', app.token('CIVIL_AFFAIRS'));
    expect(response.status).toBe(200);
    const sheet = await readSheet(response.body as Buffer);
    const groups = (sheet.getRow(3).values as unknown[]).filter((value) => typeof value === 'string');
    // No 合计(一人只计一次) group: with 低保对象 and 特困人员 it would give 返贫致贫人口 by difference.
    expect(new Set(groups)).toEqual(new Set(['区划代码', '县(市)区', '低保对象', '特困人员']));
    expect(sheet.columnCount).toBe(2 + 2 * 6);

    const disabled = await download('/reports/dispatch.csv?month=2024-06', app.token('DISABLED_FEDERATION'));
    const text = (disabled.body as Buffer).toString('utf8');
    expect(text).toContain('三、四级残疾人数');
    expect(text).not.toContain('低保对象');
    expect(text).not.toContain('返贫致贫人口');
  });

  it('should write the same layout as CSV with a BOM, percentages and a 合计 row', async () => {
    const response = await download('/reports/dispatch.csv?month=2024-06&county=530103', app.token('RURAL_REVITALIZATION', '530103'));
    expect(response.status).toBe(200);
    const body = response.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines[0]).toBe(DISPATCH_TITLE);
    expect(lines[2]).toBe('区划代码,县(市)区,返贫致贫人口,返贫致贫人口,返贫致贫人口,返贫致贫人口,返贫致贫人口,返贫致贫人口');
    expect(lines[3]).toBe(',,在册人数,应代缴人数,已参保人数,已代缴人数,代缴金额(元),完成率');
    // 530103: RETURNED_POVERTY = the double-listed person (not enrolled, unpaid) and the paid one. The
    // DIBAO person aged 74 there is in no column of this file (an `all` group would have shown 3).
    expect(lines[4]).toBe('530103,盘龙区,2,2,1,1,150.50,50.00%');
    expect(lines[5]).toBe('530100,合计,2,2,1,1,150.50,50.00%');
  });

  it('should refuse TAX, a county user asking for another county, a bad month and a missing token', async () => {
    expect((await download('/reports/dispatch.xlsx?month=2024-06', app.token('TAX'))).status).toBe(403);
    expect((await download('/reports/dispatch.csv?month=2024-06&county=530102', app.token('HRSS', '530103'))).status).toBe(403);
    const badMonth = await app
      .http()
      .get('/reports/dispatch.xlsx?month=2024-13')
      .set('authorization', `Bearer ${app.token('HRSS')}`);
    expect(badMonth.status).toBe(400);
    expect(badMonth.body.problems).toEqual([{ row: null, field: 'month', message: expect.any(String) }]);
    expect((await download('/reports/dispatch.xlsx?month=2024-06', null)).status).toBe(401);
  });
});
