import { IdNumber } from '../../src/shared/id-number';
import { utf8Csv, type Cell } from './exchange-files';

// A roster file of `rows` distinct valid persons: large enough that an import job's progress can be watched.

export const ROSTER_HEADER: Cell[] = ['身份证号', '姓名', '残疾等级', '认定日期'];

export function manyIdNumbers(count: number, area = '530102'): string[] {
  const start = Date.UTC(1970, 0, 1);
  return Array.from({ length: count }, (_unused, index) => {
    const birthDate = new Date(start + Math.floor(index / 900) * 86_400_000).toISOString().slice(0, 10);
    return IdNumber.compose(area, birthDate, (index % 900) + 1).value;
  });
}

export function largeRosterCsv(rows: number, area = '530102'): Buffer {
  return utf8Csv([ROSTER_HEADER, ...manyIdNumbers(rows, area).map((idNumber, index) => [idNumber, `居民${index}`, '', '2024-01-05'])]);
}
