import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAllRecords } from '../../../src/modules/exchange/import-reader';
import { ENROLMENT_SCHEMA, PAYMENT_SCHEMA, ROSTER_SCHEMA } from '../../../src/modules/exchange/import-schemas';
import { bufferSource } from '../../../src/modules/exchange/table-reader';
import { RosterRowChecker } from '../../../src/modules/rosters/domain/roster-row';
import { BadUserInputError, type Problem } from '../../../src/shared/errors';
import { IdNumber } from '../../../src/shared/id-number';
import { utf8Csv, xlsxFile, type Cell } from '../../support/exchange-files';
import { zipArchive } from '../../support/zip-builder';

// Whatever bytes arrive, the readers answer with records or problems that name a field (and row): never
// an exception of another kind, never a hang.

const SCHEMAS = { roster: ROSTER_SCHEMA, enrolment: ENROLMENT_SCHEMA, payment: PAYMENT_SCHEMA } as const;

const validId = fc
  .tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 20000 }))
  .map(
    ([sequence, days]) =>
      IdNumber.compose('530102', new Date(Date.UTC(1940, 0, 1) + days * 86_400_000).toISOString().slice(0, 10), sequence).value,
  );

/** Text a clerk's file may hold, and text it should not: control characters, emoji, long runs. */
const cellText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '\u0000', 'a\u0007b', '2024-03-01', '2024/3/1', '100.00', '-1', '1e309', '四级', 'X', '="1"'),
  validId,
);
const header = (schema: keyof typeof SCHEMAS) =>
  ({
    roster: ['身份证号', '姓名', '残疾等级', '认定日期'],
    enrolment: ['身份证号', '参保状态'],
    payment: ['身份证号', '年度', '金额', '缴费日期', '出资方'],
  })[schema];

async function readSafely(file: Buffer, schema: keyof typeof SCHEMAS): Promise<{ records: number; problems: Problem[] }> {
  try {
    const { records, problems } = await readAllRecords(bufferSource(file), SCHEMAS[schema] as typeof ROSTER_SCHEMA, { maxRows: 1000 });
    return { records: records.length, problems };
  } catch (error) {
    // The one error a reader may throw: too many rows, itself coded.
    expect(error).toBeInstanceOf(BadUserInputError);
    return { records: 0, problems: (error as BadUserInputError).problems };
  }
}

function expectCodedProblems(problems: Problem[]): void {
  for (const problem of problems) {
    expect(typeof problem.field).toBe('string');
    expect(problem.field.length).toBeGreaterThan(0);
    expect(problem.row === null || (Number.isInteger(problem.row) && problem.row >= 1)).toBe(true);
    expect(problem.message.length).toBeGreaterThan(0);
  }
}

describe('file readers (properties)', () => {
  it('should answer any bytes with records or problems', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.constantFrom('roster', 'enrolment', 'payment' as const),
        async (bytes, schema) => {
          expectCodedProblems((await readSafely(Buffer.from(bytes), schema)).problems);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('should answer bytes that start like a ZIP archive (XLSX path) with problems, never a crash', async () => {
    const real = await xlsxFile([header('roster'), ['x', 'y', '1', '2024-01-01']]);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 1024 }).map((bytes) => Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from(bytes)])),
          // A real workbook cut short or with bytes flipped.
          fc.nat(real.length - 1).map((at) => real.subarray(0, Math.max(at, 4))),
          fc.tuple(fc.nat(real.length - 1), fc.integer({ min: 0, max: 255 })).map(([at, value]) => {
            const copy = Buffer.from(real);
            copy[at] = value;
            return copy;
          }),
          fc
            .array(
              fc.record({
                name: fc.constantFrom('xl/workbook.xml', 'xl/sharedStrings.xml', '[Content_Types].xml', 'x'),
                data: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
              }),
              { maxLength: 4 },
            )
            .map((entries) => zipArchive(entries)),
        ),
        async (file) => {
          expectCodedProblems((await readSafely(file, 'roster')).problems);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('should read any table of cells (CSV and XLSX alike) into records or problems naming a column of the schema', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('roster', 'enrolment', 'payment' as const),
        fc.array(fc.array(cellText, { minLength: 1, maxLength: 6 }), { maxLength: 8 }),
        fc.boolean(),
        async (schema, rows, asXlsx) => {
          const table: Cell[][] = [header(schema), ...rows];
          const file = asXlsx ? await xlsxFile(table) : utf8Csv(table);
          const { records, problems } = await readSafely(file, schema);
          expectCodedProblems(problems);
          const fields = new Set<string>([...SCHEMAS[schema].columns.map((column) => column.field), 'file', 'idNumber']);
          for (const problem of problems) expect(fields.has(problem.field)).toBe(true);
          expect(records).toBeLessThanOrEqual(rows.length);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('roster rows (properties)', () => {
  it('should turn any row into a staged row or problems on the row, never an exception', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            idNumber: fc.oneof(cellText, validId),
            name: cellText,
            disabilityLevel: fc.option(fc.oneof(fc.integer(), fc.double())),
            recognizedOn: fc.oneof(cellText, fc.constantFrom('2024-01-01', '2099-01-01', '1899-12-31', '2024-02-30')),
          }),
          { maxLength: 10 },
        ),
        (rows) => {
          const checker = new RosterRowChecker({ asOf: '2024-06-01', fieldPrefix: 'entries.', trackDuplicates: true, today: '2024-06-15' });
          rows.forEach((row, index) => {
            const problems: Problem[] = [];
            const staged = checker.check(row, index + 1, problems);
            if (staged === null) {
              expect(problems.length).toBeGreaterThan(0);
              for (const problem of problems) {
                expect(problem.row).toBe(index + 1);
                expect(problem.field).toMatch(/^entries\.(idNumber|name|disabilityLevel|recognizedOn)$/);
              }
            } else {
              expect(problems).toEqual([]);
              expect(staged.idNumber).toMatch(/^\d{17}[\dX]$/);
              expect(staged.name.trim()).toBe(staged.name);
              expect(staged.name.length).toBeGreaterThan(0);
              expect(staged.recognizedOn <= '2024-06-01').toBe(true);
            }
          });
        },
      ),
    );
  });
});
