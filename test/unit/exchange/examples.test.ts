import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAllRecords } from '../../../src/modules/exchange/import-reader';
import { ENROLMENT_SCHEMA, PAYMENT_SCHEMA, ROSTER_SCHEMA } from '../../../src/modules/exchange/import-schemas';
import { fileSource } from '../../../src/modules/exchange/table-reader';

const EXAMPLES = path.resolve(__dirname, '../../../examples');

describe('sample files in examples/', () => {
  it('should read every sample roster without problems when in UTF-8, GBK or XLSX', async () => {
    for (const name of ['roster-utf8.csv', 'roster-gbk.csv', 'roster.xlsx']) {
      const { records, problems } = await readAllRecords(fileSource(path.join(EXAMPLES, name)), ROSTER_SCHEMA);
      expect(problems, name).toEqual([]);
      expect(
        records.map((record) => [record.record.name, record.record.disabilityLevel, record.record.recognizedOn]),
        name,
      ).toEqual([
        ['张三', null, '2024-01-05'],
        ['李四', 3, '2024-02-20'],
        ['王五', 4, '2024-03-01'],
      ]);
    }
  });

  it('should read the sample enrolment and payment files without problems', async () => {
    expect((await readAllRecords(fileSource(path.join(EXAMPLES, 'enrolments.csv')), ENROLMENT_SCHEMA)).problems).toEqual([]);
    const payments = await readAllRecords(fileSource(path.join(EXAMPLES, 'payments.csv')), PAYMENT_SCHEMA);
    expect(payments.problems).toEqual([]);
    expect(payments.records).toHaveLength(1);
  });
});
