import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/shared/sql';
import { anIdNumber, insertPerson } from '../factories/person.factory';
import { gbkCsv, utf8Csv, xlsxFile } from '../support/exchange-files';
import { startTestApp, type TestApp } from '../support/test-app';

describe('POST /enrolments/import and /payments/import', () => {
  let app: TestApp;
  let wuhua: { id: number; idNumber: string };
  let yiliang: { id: number; idNumber: string };

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z') });
    wuhua = await insertPerson(app.db, { entries: [{ category: 'DIBAO', county: '530102' }] });
    yiliang = await insertPerson(app.db, { entries: [{ category: 'TEKUN', county: '530125' }] });
  });

  afterAll(async () => {
    await app.close();
  });

  const send = (path: string, file: Buffer, token: string | null, filename = 'file.csv') => {
    let request = app.http().post(path);
    if (token) request = request.set('authorization', `Bearer ${token}`);
    return request.attach('file', file, filename);
  };
  const statusOf = async (id: number) =>
    (await app.db.one<{ status: string }>(sql`select pension_status as status from person where id = ${id}`))!.status;
  const paymentCount = async () => (await app.db.one<{ count: number }>(sql`select count(*)::int as count from proxy_payment`))!.count;

  it('should set statuses from a GBK file and change nothing when the file is sent again', async () => {
    const file = gbkCsv([
      ['身份证号', '参保状态'],
      [wuhua.idNumber, '参保缴费'],
      [yiliang.idNumber, 'RECEIVING'],
    ]);
    const first = await send('/enrolments/import', file, app.token('HRSS'));
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ rows: 2, updated: 2, unchanged: 0, problems: [] });
    expect(await statusOf(wuhua.id)).toBe('CONTRIBUTING');
    const again = await send('/enrolments/import', file, app.token('HRSS'));
    expect(again.body).toEqual({ rows: 2, updated: 0, unchanged: 2, problems: [] });
    // The file goes through recordEnrolment's service, so it writes the status history too (once).
    const history = await app.db.rows<{ personId: number; previousStatus: string; status: string; changedOn: string }>(sql`
      select person_id as "personId", previous_status as "previousStatus", status, changed_on as "changedOn"
      from pension_status_change order by person_id`);
    expect(history).toEqual([
      { personId: wuhua.id, previousStatus: 'NOT_ENROLLED', status: 'CONTRIBUTING', changedOn: '2024-06-15' },
      { personId: yiliang.id, previousStatus: 'NOT_ENROLLED', status: 'RECEIVING', changedOn: '2024-06-15' },
    ]);
  });

  it('should name spreadsheet rows and write nothing when a person is unknown or outside the county', async () => {
    const file = utf8Csv([
      ['status', 'idNumber'],
      ['SUSPENDED', wuhua.idNumber],
      ['SUSPENDED', anIdNumber()],
      ['SUSPENDED', yiliang.idNumber],
    ]);
    const response = await send('/enrolments/import', file, app.token('HRSS', '530102'));
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('BAD_USER_INPUT');
    expect(response.body.problems.map((problem: { row: number; field: string }) => [problem.row, problem.field])).toEqual([
      [3, 'idNumber'],
      [4, 'idNumber'],
    ]);
    expect(await statusOf(wuhua.id)).toBe('CONTRIBUTING');
  });

  it('should book payments from an XLSX file once, however often it is sent', async () => {
    const file = await xlsxFile([
      ['身份证号', '年度', '金额', '缴费日期'],
      [wuhua.idNumber, 2024, 100, new Date(Date.UTC(2024, 4, 20))],
      [yiliang.idNumber, 2024, '100.00', '2024-05-21'],
    ]);
    const before = await paymentCount();
    const first = await send('/payments/import', file, app.token('HRSS'), 'payments.xlsx');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ rows: 2, year: 2024, recorded: 2, unchanged: 0, problems: [] });
    const again = await send('/payments/import', file, app.token('HRSS'), 'payments.xlsx');
    expect(again.body).toEqual({ rows: 2, year: 2024, recorded: 0, unchanged: 2, problems: [] });
    // TAX may import payments for the persons it may see (those eligible this year, or already paid).
    const byTax = await send(
      '/payments/import',
      utf8Csv([
        ['身份证号', '年度', '金额', '缴费日期'],
        [wuhua.idNumber, '2024', '100', '2024-05-20'],
      ]),
      app.token('TAX'),
    );
    expect(byTax.body).toEqual({ rows: 1, year: 2024, recorded: 0, unchanged: 1, problems: [] });
    expect(await paymentCount()).toBe(before + 2);
  });

  it('should refuse a payment file with bad rows or two years and write nothing', async () => {
    const before = await paymentCount();
    const bad = utf8Csv([
      ['身份证号', '年度', '金额', '缴费日期'],
      [wuhua.idNumber, '2023', '100', '2023-05-01'],
      [yiliang.idNumber, '2023', 'abc', '2023/13/01'],
    ]);
    const badRows = await send('/payments/import', bad, app.token('HRSS'));
    expect(badRows.status).toBe(400);
    expect(badRows.body.problems.map((problem: { row: number; field: string }) => [problem.row, problem.field])).toEqual([
      [3, 'amount'],
      [3, 'paidOn'],
    ]);
    const twoYears = utf8Csv([
      ['身份证号', '年度', '金额', '缴费日期'],
      [wuhua.idNumber, '2023', '100', '2023-05-01'],
      [yiliang.idNumber, '2022', '100', '2022-05-01'],
    ]);
    const mixed = await send('/payments/import', twoYears, app.token('HRSS'));
    expect(mixed.status).toBe(400);
    expect(mixed.body.problems).toEqual([{ row: 3, field: 'year', message: expect.stringContaining('one year') }]);
    expect(await paymentCount()).toBe(before);
  });

  it('should refuse departments that may not call the mirrored mutations', async () => {
    const enrolment = utf8Csv([
      ['身份证号', '参保状态'],
      [wuhua.idNumber, 'CONTRIBUTING'],
    ]);
    expect((await send('/enrolments/import', enrolment, app.token('TAX'))).status).toBe(403);
    expect((await send('/enrolments/import', enrolment, app.token('CIVIL_AFFAIRS'))).status).toBe(403);
    const payments = utf8Csv([
      ['身份证号', '年度', '金额', '缴费日期'],
      [wuhua.idNumber, '2024', '100', '2024-05-01'],
    ]);
    expect((await send('/payments/import', payments, app.token('FINANCE'))).status).toBe(403);
    expect((await send('/payments/import', payments, null)).status).toBe(401);
  });
});
