import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/shared/sql';
import { anIdNumber, insertPerson } from '../factories/person.factory';
import { gbkCsv, utf8Csv, xlsxFile, type Cell } from '../support/exchange-files';
import { startTestApp, type TestApp } from '../support/test-app';

interface ImportAnswer {
  added: number;
  exited: number;
  unchanged: number;
  dryRun: boolean;
  alreadyApplied: boolean;
  problems: Array<{ row: number | null; field: string; message: string }>;
  conflicts: Array<{ idNumber: string; otherCategory: string; otherCounty: string; countedCategory: string }>;
  code?: string;
}

const HEADER: Cell[] = ['身份证号', '姓名', '残疾等级', '认定日期'];

describe('POST /rosters/import', () => {
  let app: TestApp;
  let civilAffairs: string;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z'), importLimits: { maxBytes: 20_000, maxRows: 50 } });
    civilAffairs = app.token('CIVIL_AFFAIRS', null, 'ca-clerk');
  });

  afterAll(async () => {
    await app.close();
  });

  const send = (file: Buffer, fields: Record<string, string>, token: string | null = civilAffairs, filename = 'roster.csv') => {
    let request = app.http().post('/rosters/import');
    if (token) request = request.set('authorization', `Bearer ${token}`);
    for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
    return request.attach('file', file, filename);
  };

  const openEntries = async (category: string, county: string) =>
    (
      await app.db.rows<{ idNumber: string }>(sql`
        select person.id_number as "idNumber" from roster_entry join person on person.id = roster_entry.person_id
        where category = ${category} and county = ${county} and exited_on is null order by person.id_number`)
    ).map((row) => row.idNumber);

  const tableCounts = async () =>
    app.db.one<{ persons: number; entries: number; submissions: number }>(sql`
      select (select count(*) from person)::int as persons, (select count(*) from roster_entry)::int as entries,
             (select count(*) from roster_submission)::int as submissions`);

  it('should add everyone when a UTF-8 CSV roster is imported for the first time', async () => {
    const ids = [anIdNumber(), anIdNumber()];
    const response = await send(utf8Csv([HEADER, [ids[0]!, '张三', '', '2024-01-05'], [ids[1]!, '李四', '3', '2024/02/06']]), {
      category: 'DIBAO',
      county: '530103',
      asOf: '2024-03-31',
    });
    expect(response.status).toBe(200);
    const body = response.body as ImportAnswer;
    expect(body).toMatchObject({ added: 2, exited: 0, unchanged: 0, dryRun: false, alreadyApplied: false, problems: [], conflicts: [] });
    expect(await openEntries('DIBAO', '530103')).toEqual([...ids].sort());
    const level = await app.db.one<{ level: number }>(sql`select disability_level as level from person where id_number = ${ids[1]!}`);
    expect(level!.level).toBe(3);
  });

  it('should apply the whole list when a GBK CSV, a BOM CSV and an XLSX are imported in turn', async () => {
    const [first, second, third] = [anIdNumber(), anIdNumber(), anIdNumber()];
    const fields = { category: 'TEKUN', county: '530111', asOf: '2024-03-31' };
    const gbk = await send(gbkCsv([HEADER, [first, '王五', '', '2024年01月05日'], [second, '赵六', '', '2024-01-06']]), fields);
    expect(gbk.body).toMatchObject({ added: 2, exited: 0, unchanged: 0 });

    const bom = await send(utf8Csv([HEADER, [first, '王五', '', '2024-01-05'], [third, '钱七', '', '2024-02-01']], { bom: true }), {
      ...fields,
      asOf: '2024-04-30',
    });
    expect(bom.body).toMatchObject({ added: 1, exited: 1, unchanged: 1 });

    const workbook = await xlsxFile([
      ['认定日期', '姓名', '身份证号'],
      [new Date(Date.UTC(2024, 0, 5)), '王五', first],
      [new Date(Date.UTC(2024, 1, 1)), '钱七', third],
    ]);
    const xlsx = await send(workbook, { ...fields, asOf: '2024-05-31' }, civilAffairs, 'roster.xlsx');
    expect(xlsx.status).toBe(200);
    expect(xlsx.body).toMatchObject({ added: 0, exited: 0, unchanged: 2 });
    expect(await openEntries('TEKUN', '530111')).toEqual([first, third].sort());
  });

  it('should write nothing and answer 400 with every problem when rows are bad', async () => {
    const before = await tableCounts();
    const good = anIdNumber();
    const response = await send(
      utf8Csv([
        HEADER,
        [good, '好人', '', '2024-01-05'],
        ['5.30102E+17', '甲', '', '2024-01-05'],
        [good, '好人', '', '2024-01-05'],
        [anIdNumber(), '', '7', '2024-05-01'],
      ]),
      { category: 'DIBAO', county: '530112', asOf: '2024-03-31' },
    );
    expect(response.status).toBe(400);
    const body = response.body as ImportAnswer;
    expect(body.code).toBe('BAD_USER_INPUT');
    expect(body).toMatchObject({ added: 0, exited: 0, unchanged: 0, dryRun: false, conflicts: [] });
    expect(body.problems.map((problem) => [problem.row, problem.field])).toEqual([
      [3, 'idNumber'],
      [4, 'idNumber'],
      [5, 'name'],
      [5, 'disabilityLevel'],
    ]);
    expect(body.problems[0]!.message).toContain('as text');
    expect(body.problems[1]!.message).toContain('rows 2 and 4');
    // The shared roster rule (recognised after the list date) is checked too, on the fourth data row.
    const later = await send(utf8Csv([HEADER, [anIdNumber(), '甲', '', '2024-05-01']]), {
      category: 'DIBAO',
      county: '530112',
      asOf: '2024-03-31',
    });
    expect(later.body.problems).toEqual([{ row: 2, field: 'recognizedOn', message: expect.stringContaining('after the list date') }]);
    expect(await tableCounts()).toEqual(before);
  });

  it('should refuse a sheet whose ID numbers are number cells and write nothing', async () => {
    const before = await tableCounts();
    const workbook = await xlsxFile([HEADER, [530102198005170000, '甲', null, '2024-01-05']]);
    const response = await send(workbook, { category: 'DIBAO', county: '530112', asOf: '2024-03-31' }, civilAffairs, 'roster.xlsx');
    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([{ row: 2, field: 'idNumber', message: expect.stringContaining('stored as a number') }]);
    expect(await tableCounts()).toEqual(before);
  });

  it('should report a missing column and bad form fields when the request is wrong', async () => {
    const noName = await send(
      utf8Csv([
        ['身份证号', '认定日期'],
        [anIdNumber(), '2024-01-05'],
      ]),
      { category: 'DIBAO', county: '530112', asOf: '2024-03-31' },
    );
    expect(noName.status).toBe(400);
    expect(noName.body.problems).toEqual([{ row: 1, field: 'name', message: expect.stringContaining('姓名') }]);

    const badFields = await send(utf8Csv([HEADER]), { category: 'POOR', county: '999999', asOf: '2024-02-30' });
    expect(badFields.status).toBe(400);
    expect(badFields.body.problems.map((problem: { field: string }) => problem.field)).toEqual(['category', 'county', 'asOf']);
  });

  it('should show conflicts and write nothing when a dry run meets a person on another roster', async () => {
    const both = await insertPerson(app.db, { entries: [{ category: 'RETURNED_POVERTY', county: '530113', recognizedOn: '2023-01-01' }] });
    const before = await tableCounts();
    const response = await send(utf8Csv([HEADER, [both.idNumber, '两册', '', '2024-01-05'], [anIdNumber(), '新人', '', '2024-01-05']]), {
      category: 'DIBAO',
      county: '530113',
      asOf: '2024-03-31',
      dryRun: 'true',
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ added: 2, exited: 0, unchanged: 0, dryRun: true, problems: [] });
    expect(response.body.conflicts).toEqual([
      { idNumber: both.idNumber, otherCategory: 'RETURNED_POVERTY', otherCounty: '530113', countedCategory: 'RETURNED_POVERTY' },
    ]);
    expect(await tableCounts()).toEqual(before);
    // The conflict names a person on another department's roster: recorded as a personal-data read.
    await app.server.audit.flush();
    const read = await app.db.one<{ personIds: number[]; operation: string }>(sql`
      select person_ids as "personIds", operation from audit_event where action = 'READ' and operation = 'POST /rosters/import' order by id desc limit 1`);
    expect(read).toEqual({ personIds: [both.id], operation: 'POST /rosters/import' });
  });

  it('should change nothing and say so when the same file is imported twice', async () => {
    const file = utf8Csv([HEADER, [anIdNumber(), '甲', '', '2024-01-05'], [anIdNumber(), '乙', '', '2024-01-06']]);
    const fields = { category: 'DIBAO', county: '530114', asOf: '2024-03-31' };
    const first = await send(file, fields);
    expect(first.body).toMatchObject({ added: 2, alreadyApplied: false });
    const before = await tableCounts();
    const second = await send(file, fields);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ added: 0, exited: 0, unchanged: 2, alreadyApplied: true });
    expect(second.body.message).toContain('already applied');
    expect(await tableCounts()).toEqual(before);
  });

  it('should answer 413 and write nothing when the upload is larger than the limit', async () => {
    const before = await tableCounts();
    const rows: Cell[][] = [HEADER];
    for (let index = 0; index < 400; index++) rows.push([anIdNumber(), '甲'.repeat(20), '', '2024-01-05']);
    const response = await send(utf8Csv(rows), { category: 'DIBAO', county: '530115', asOf: '2024-03-31' });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await tableCounts()).toEqual(before);
  });

  it('should answer 413 at once when the declared upload size is far over the limit', async () => {
    const response = await send(Buffer.alloc(200_000, 0x41), { category: 'DIBAO', county: '530115', asOf: '2024-03-31' });
    expect(response.status).toBe(413);
    expect(response.body.message).toContain('20000 bytes');
  });

  it('should answer BAD_USER_INPUT when the file has more rows than allowed', async () => {
    const rows: Cell[][] = [HEADER];
    for (let index = 0; index < 51; index++) rows.push([anIdNumber(), '甲', '', '2024-01-05']);
    const response = await send(utf8Csv(rows), { category: 'DIBAO', county: '530115', asOf: '2024-03-31' });
    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([{ row: null, field: 'file', message: expect.stringContaining('more than 50') }]);
  });

  it('should refuse callers by the same rules as submitRoster', async () => {
    const file = utf8Csv([HEADER, [anIdNumber(), '甲', '', '2024-01-05']]);
    const tax = await send(file, { category: 'DIBAO', county: '530102', asOf: '2024-03-31' }, app.token('TAX'));
    expect(tax.status).toBe(403);
    expect(tax.body.code).toBe('FORBIDDEN');

    const civilAffairsOnReturnedPoverty = await send(file, { category: 'RETURNED_POVERTY', county: '530102', asOf: '2024-03-31' });
    expect(civilAffairsOnReturnedPoverty.status).toBe(403);

    const otherCounty = await send(file, { category: 'DIBAO', county: '530102', asOf: '2024-03-31' }, app.token('CIVIL_AFFAIRS', '530103'));
    expect(otherCounty.status).toBe(403);

    const noToken = await send(file, { category: 'DIBAO', county: '530102', asOf: '2024-03-31' }, null);
    expect(noToken.status).toBe(401);
    expect(noToken.body.code).toBe('UNAUTHENTICATED');

    const badToken = await send(file, { category: 'DIBAO', county: '530102', asOf: '2024-03-31' }, 'not-a-token');
    expect(badToken.status).toBe(401);
    expect(await openEntries('DIBAO', '530102')).toEqual([]);
  });
});
