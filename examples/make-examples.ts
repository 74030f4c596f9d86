import { writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { IdNumber } from '../src/shared/id-number';

// Writes the sample import files next to this script: npx tsx examples/make-examples.ts
// Every ID number is valid (R13) and made up.

const people = [
  { idNumber: IdNumber.compose('530102', '1980-05-17', 11).value, name: '张三', level: '', recognizedOn: '2024-01-05', status: '参保缴费' },
  { idNumber: IdNumber.compose('530102', '1975-11-02', 24).value, name: '李四', level: '3', recognizedOn: '2024-02-20', status: '未参保' },
  {
    idNumber: IdNumber.compose('530122', '1990-07-30', 37).value,
    name: '王五',
    level: '4',
    recognizedOn: '2024-03-01',
    status: 'CONTRIBUTING',
  },
];

const here = __dirname;
const csv = (rows: string[][]) => rows.map((row) => row.join(',')).join('\r\n') + '\r\n';

const rosterRows = [
  ['身份证号', '姓名', '残疾等级', '认定日期'],
  ...people.map((person) => [person.idNumber, person.name, person.level, person.recognizedOn]),
];
writeFileSync(path.join(here, 'roster-utf8.csv'), csv(rosterRows), 'utf8');
// As Chinese office software saves "CSV": GBK, slashes in dates, English headers work the same.
const gbkRows = [
  ['idNumber', 'name', 'disabilityLevel', 'recognizedOn'],
  ...people.map((person) => [person.idNumber, person.name, person.level, person.recognizedOn.replace(/-/g, '/')]),
];
writeFileSync(path.join(here, 'roster-gbk.csv'), iconv.encode(csv(gbkRows), 'gbk'));
writeFileSync(
  path.join(here, 'enrolments.csv'),
  csv([['身份证号', '参保状态'], ...people.map((person) => [person.idNumber, person.status])]),
  'utf8',
);
writeFileSync(
  path.join(here, 'payments.csv'),
  csv([
    ['身份证号', '年度', '金额', '缴费日期'],
    [people[0]!.idNumber, '2024', '100.00', '2024-05-20'],
  ]),
  'utf8',
);

async function writeWorkbook(): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('名册');
  sheet.addRow(['身份证号', '姓名', '残疾等级', '认定日期', '备注']);
  sheet.getColumn(1).numFmt = '@'; // ID numbers as text: a number cell would lose digits
  for (const person of people) {
    const [year, month, day] = person.recognizedOn.split('-').map(Number) as [number, number, number];
    const row = sheet.addRow([
      person.idNumber,
      person.name,
      person.level === '' ? null : Number(person.level),
      new Date(Date.UTC(year, month - 1, day)),
      '',
    ]);
    row.getCell(4).numFmt = 'yyyy"年"m"月"d"日"';
  }
  await workbook.xlsx.writeFile(path.join(here, 'roster.xlsx'));
}

void writeWorkbook();
