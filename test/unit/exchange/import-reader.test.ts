import { describe, expect, it } from 'vitest';
import { readAllRecords } from '../../../src/modules/exchange/import-reader';
import { ENROLMENT_SCHEMA, PAYMENT_SCHEMA, ROSTER_SCHEMA } from '../../../src/modules/exchange/import-schemas';
import { bufferSource } from '../../../src/modules/exchange/table-reader';
import { BadUserInputError } from '../../../src/shared/errors';
import { IdNumber } from '../../../src/shared/id-number';
import { gbkCsv, utf8Csv, xlsxFile, type Cell } from '../../support/exchange-files';

const ID_A = IdNumber.compose('530102', '1980-05-17', 11).value;
const ID_B = IdNumber.compose('530102', '1975-01-02', 22).value;
const ID_C = IdNumber.compose('530122', '1990-12-31', 33).value;

const CHINESE_ROSTER: Cell[][] = [
  ['身份证号', '姓名', '残疾等级', '认定日期'],
  [ID_A, '张三', '', '2021-01-05'],
  [ID_B, '李四', '3', '2021/02/06'],
  [ID_C, '王五', '四级', '2021年03月07日'],
];

const EXPECTED = [
  { row: 2, record: { idNumber: ID_A, name: '张三', disabilityLevel: null, recognizedOn: '2021-01-05' } },
  { row: 3, record: { idNumber: ID_B, name: '李四', disabilityLevel: 3, recognizedOn: '2021-02-06' } },
  { row: 4, record: { idNumber: ID_C, name: '王五', disabilityLevel: 4, recognizedOn: '2021-03-07' } },
];

describe('roster file reading', () => {
  it('should read the same records when the file is UTF-8 CSV without BOM, with BOM, GBK CSV or XLSX', async () => {
    for (const file of [
      utf8Csv(CHINESE_ROSTER),
      utf8Csv(CHINESE_ROSTER, { bom: true }),
      gbkCsv(CHINESE_ROSTER),
      await xlsxFile(CHINESE_ROSTER),
    ]) {
      const { records, problems } = await readAllRecords(bufferSource(file), ROSTER_SCHEMA);
      expect(problems).toEqual([]);
      expect(records).toEqual(EXPECTED);
    }
  });

  it('should read English headers in any order and ignore extra columns', async () => {
    const file = utf8Csv([
      ['recognizedOn', 'remark', 'name', 'idNumber'],
      ['2021-01-05', 'x', '张三', ID_A],
    ]);
    const { records, problems } = await readAllRecords(bufferSource(file), ROSTER_SCHEMA);
    expect(problems).toEqual([]);
    expect(records).toEqual([{ row: 2, record: { idNumber: ID_A, name: '张三', disabilityLevel: null, recognizedOn: '2021-01-05' } }]);
  });

  it('should read Excel date cells and text ID cells when the file is XLSX', async () => {
    const file = await xlsxFile([
      ['姓名', '身份证号', '认定日期'],
      ['张三', ID_A, new Date(Date.UTC(2021, 0, 5))],
    ]);
    const { records, problems } = await readAllRecords(bufferSource(file), ROSTER_SCHEMA);
    expect(problems).toEqual([]);
    expect(records[0]!.record.recognizedOn).toBe('2021-01-05');
  });

  it('should refuse ID numbers when the XLSX sheet stores them as numbers', async () => {
    const file = await xlsxFile([
      ['身份证号', '姓名', '认定日期'],
      [Number(ID_A.slice(0, 17)) * 10, '张三', '2021-01-05'],
      [ID_B, '李四', '2021-01-05'],
    ]);
    const { records, problems } = await readAllRecords(bufferSource(file), ROSTER_SCHEMA);
    expect(records.map((record) => record.row)).toEqual([3]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ row: 2, field: 'idNumber' });
    expect(problems[0]!.message).toMatch(/stored as a number.*as text/);
  });

  it('should report every bad row with its spreadsheet row number when rows are invalid', async () => {
    const file = utf8Csv([
      ['身份证号', '姓名', '认定日期'],
      [ID_A, '张三', '2021-01-05'],
      ['123', '', '2021-13-01'],
      [ID_B, '李四', 'yesterday'],
      [ID_A, '张三', '2021-01-05'],
    ]);
    const { records, problems } = await readAllRecords(bufferSource(file), ROSTER_SCHEMA);
    expect(records.map((record) => record.row)).toEqual([2]);
    expect(problems.map((problem) => [problem.row, problem.field])).toEqual([
      [3, 'idNumber'],
      [3, 'name'],
      [3, 'recognizedOn'],
      [4, 'recognizedOn'],
      [5, 'idNumber'],
    ]);
    expect(problems[4]!.message).toContain('rows 2 and 5');
  });

  it('should name each missing required column when the header lacks it', async () => {
    const file = utf8Csv([
      ['身份证号', '备注'],
      [ID_A, 'x'],
    ]);
    const { records, problems } = await readAllRecords(bufferSource(file), ROSTER_SCHEMA);
    expect(records).toEqual([]);
    expect(problems.map((problem) => [problem.row, problem.field])).toEqual([
      [1, 'name'],
      [1, 'recognizedOn'],
    ]);
    expect(problems[0]!.message).toContain('姓名');
  });

  it('should report an empty file when there is no header', async () => {
    const { problems } = await readAllRecords(bufferSource(Buffer.alloc(0)), ROSTER_SCHEMA);
    expect(problems).toEqual([{ row: 1, field: 'file', message: expect.stringContaining('empty') }]);
  });

  it('should skip blank lines but keep counting spreadsheet rows when the file has them', async () => {
    const file = Buffer.from(`身份证号,姓名,认定日期\r\n,,\r\n${ID_A},张三,2021-01-05\r\n`);
    const { records } = await readAllRecords(bufferSource(file), ROSTER_SCHEMA);
    expect(records.map((record) => record.row)).toEqual([3]);
  });

  it('should stop with BAD_USER_INPUT when the file has more rows than allowed', async () => {
    const file = utf8Csv([
      ['身份证号', '姓名', '认定日期'],
      [ID_A, '张三', '2021-01-05'],
      [ID_B, '李四', '2021-01-05'],
    ]);
    await expect(readAllRecords(bufferSource(file), ROSTER_SCHEMA, { maxRows: 1 })).rejects.toBeInstanceOf(BadUserInputError);
  });

  it('should report a broken file when the CSV has an unclosed quote', async () => {
    const file = Buffer.from(`身份证号,姓名,认定日期\r\n${ID_A},"张三,2021-01-05\r\n`);
    const { problems } = await readAllRecords(bufferSource(file), ROSTER_SCHEMA);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.field).toBe('file');
  });

  it('should report a broken file when the zip is not a workbook', async () => {
    const broken = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]);
    const { problems } = await readAllRecords(bufferSource(broken), ROSTER_SCHEMA);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field: 'file', message: expect.stringContaining('XLSX') });
  });

  it('should list at most the configured number of problems and count the rest', async () => {
    const rows: Cell[][] = [['身份证号', '姓名', '认定日期']];
    for (let index = 0; index < 10; index++) rows.push(['bad', '张三', '2021-01-05']);
    const { problems } = await readAllRecords(bufferSource(utf8Csv(rows)), ROSTER_SCHEMA, { maxRows: 100, maxListedProblems: 3 });
    expect(problems).toHaveLength(4);
    expect(problems[3]!.message).toContain('7 more problems');
  });
});

describe('enrolment and payment file reading', () => {
  it('should read enrolment rows when headers are Chinese', async () => {
    const file = gbkCsv([
      ['参保状态', '身份证号'],
      ['参保缴费', ID_A],
      ['NOT_ENROLLED', ID_B],
    ]);
    const { records, problems } = await readAllRecords(bufferSource(file), ENROLMENT_SCHEMA);
    expect(problems).toEqual([]);
    expect(records.map((record) => record.record)).toEqual([
      { idNumber: ID_A, status: 'CONTRIBUTING' },
      { idNumber: ID_B, status: 'NOT_ENROLLED' },
    ]);
  });

  it('should read payments and allow the same person in two years but not twice in one year', async () => {
    const file = await xlsxFile([
      ['身份证号', '年度', '金额', '缴费日期'],
      [ID_A, 2021, 100, new Date(Date.UTC(2021, 5, 1))],
      [ID_A, 2022, '100.00', '2022-06-01'],
      [ID_A, 2022, '100.00', '2022-06-02'],
    ]);
    const { records, problems } = await readAllRecords(bufferSource(file), PAYMENT_SCHEMA);
    expect(records.map((record) => record.record)).toEqual([
      { idNumber: ID_A, year: 2021, amount: '100.00', paidOn: '2021-06-01', funder: null },
      { idNumber: ID_A, year: 2022, amount: '100.00', paidOn: '2022-06-01', funder: null },
    ]);
    expect(problems).toEqual([{ row: 4, field: 'idNumber', message: expect.stringContaining('rows 3 and 4') }]);
  });
});
