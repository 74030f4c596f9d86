import type { RequestContext } from '../../app/context';
import { BadUserInputError, type Problem } from '../../shared/errors';
import { EnrolmentService } from '../enrolment/enrolment.service';
import { PaymentService } from '../payments/payment.service';
import { ImportReader } from './import-reader';
import { ENROLMENT_SCHEMA, PAYMENT_SCHEMA, type ImportSchema } from './import-schemas';
import type { TableSource } from './table-reader';

// POST /enrolments/import and /payments/import: the file's rows go through the very services behind
// recordEnrolment and recordProxyPayments, so a file and the mutation accept, refuse and count alike
// (one transaction, nothing written on any problem, re-sending changes nothing).
// Those services take a list, so the checked rows (not the file) are held in memory: about 100 bytes a row.

export interface EnrolmentImportResult {
  rows: number;
  /** Persons whose pension status changed. */
  updated: number;
  /** Rows that repeated a status already recorded. */
  unchanged: number;
  problems: Problem[];
}

export interface PaymentImportResult {
  rows: number;
  year: number | null;
  /** Payments newly booked. */
  recorded: number;
  /** Rows identical to a payment already booked (a re-sent file). */
  unchanged: number;
  problems: Problem[];
}

/** Reads every row; throws all problems at once, or returns the records with their spreadsheet rows. */
async function readChecked<Record_>(
  source: TableSource,
  schema: ImportSchema<Record_>,
  maxRows: number,
): Promise<{ records: Record_[]; rows: number[] }> {
  const reader = new ImportReader(source, schema, { maxRows });
  const records: Record_[] = [];
  const rows: number[] = [];
  for await (const { row, record } of reader.records()) {
    if (reader.hasProblems) continue;
    records.push(record);
    rows.push(row);
  }
  if (reader.hasProblems) throw new BadUserInputError(reader.problems);
  return { records, rows };
}

/** The services number rows 1..n in the list they were given; a file speaks of spreadsheet rows. */
async function withSpreadsheetRows<T>(rows: readonly number[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof BadUserInputError)) throw error;
    throw new BadUserInputError(
      error.problems.map((problem) => ({ ...problem, row: problem.row === null ? null : (rows[problem.row - 1] ?? problem.row) })),
    );
  }
}

export async function importEnrolmentFile(context: RequestContext, source: TableSource, maxRows: number): Promise<EnrolmentImportResult> {
  const { records, rows } = await readChecked(source, ENROLMENT_SCHEMA, maxRows);
  const updated = await withSpreadsheetRows(rows, () => new EnrolmentService(context).record(records));
  return { rows: records.length, updated, unchanged: records.length - updated, problems: [] };
}

export async function importPaymentFile(context: RequestContext, source: TableSource, maxRows: number): Promise<PaymentImportResult> {
  const { records, rows } = await readChecked(source, PAYMENT_SCHEMA, maxRows);
  if (records.length === 0) return { rows: 0, year: null, recorded: 0, unchanged: 0, problems: [] };
  // recordProxyPayments books one year at a time; one transaction per file needs one year per file.
  const year = records[0]!.year;
  const otherYears: Problem[] = records.flatMap((record, index) =>
    record.year === year
      ? []
      : [
          {
            row: rows[index]!,
            field: 'year',
            message: `${record.year} differs from ${year} in row ${rows[0]}: a payment file holds one year`,
          },
        ],
  );
  if (otherYears.length > 0) throw new BadUserInputError(otherYears);
  const recorded = await withSpreadsheetRows(rows, () =>
    new PaymentService(context).record(
      year,
      records.map((record) => ({ idNumber: record.idNumber, amount: record.amount, paidOn: record.paidOn, funder: record.funder })),
    ),
  );
  return { rows: records.length, year, recorded, unchanged: records.length - recorded, problems: [] };
}
