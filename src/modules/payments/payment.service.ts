import { requireViewer, type UseCaseContext } from '../../shared/use-case';
import { yearOf } from '../../shared/dates';
import { BadUserInputError, ProblemList, type Problem } from '../../shared/errors';
import { readCheckedFile, withSpreadsheetRows } from '../exchange/checked-file';
import type { ReadProgress } from '../exchange/import-reader';
import { PAYMENT_SCHEMA } from '../exchange/import-schemas';
import type { TableSource } from '../exchange/table-reader';
import { Money } from '../../shared/money';
import { writeAuditEvent } from '../audit/audit-log';
import { findVisiblePersonIds, NOT_VISIBLE } from '../people/visible-persons.queries';
import { isPolicyYear, POLICY_YEARS } from '../../shared/domain';
import { checkPaymentRow, type CheckedPayment, type RawPaymentRow } from './domain/payment-row';
import { PaymentQueries, type PaymentRow } from './payments.queries';

export interface PaymentImportResult {
  rows: number;
  year: number | null;
  /** Payments newly booked. */
  recorded: number;
  /** Rows identical to a payment already booked (a re-sent file). */
  unchanged: number;
  problems: Problem[];
}

export class PaymentService {
  private readonly queries: PaymentQueries;

  constructor(private readonly context: UseCaseContext) {
    this.queries = new PaymentQueries(context.db);
  }

  /**
   * Books proxy payments (R1; funder GOVERNMENT unless told, R6) in one transaction. Idempotent:
   * an identical payment already booked is left alone; a different one for the same person, year and
   * funder is a problem. Returns how many were newly booked.
   */
  /** POST /payments/import: the file's rows through `record`; one transaction per file, so one year per file. */
  async importFile(source: TableSource, maxRows: number, onProgress?: (progress: ReadProgress) => void): Promise<PaymentImportResult> {
    const { records, rows } = await readCheckedFile(source, PAYMENT_SCHEMA, maxRows, onProgress);
    if (records.length === 0) return { rows: 0, year: null, recorded: 0, unchanged: 0, problems: [] };
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
      this.record(
        year,
        records.map((record) => ({ idNumber: record.idNumber, amount: record.amount, paidOn: record.paidOn, funder: record.funder })),
      ),
    );
    return { rows: records.length, year, recorded, unchanged: records.length - recorded, problems: [] };
  }

  async record(year: number, payments: readonly RawPaymentRow[]): Promise<number> {
    const viewer = requireViewer(this.context);
    const problems = new ProblemList();
    if (!isPolicyYear(year)) problems.add('year', `year ${year} is not between ${POLICY_YEARS.from} and ${POLICY_YEARS.to}`);

    const checked: CheckedPayment[] = [];
    const firstRowOf = new Map<string, number>();
    payments.forEach((input, index) => {
      const payment = checkPaymentRow(input, index + 1, problems, this.context.today);
      if (payment === null) return;
      const first = firstRowOf.get(payment.idNumber);
      if (first !== undefined) problems.add('idNumber', `ID number ${payment.idNumber} is already listed in row ${first}`, payment.row);
      else {
        firstRowOf.set(payment.idNumber, payment.row);
        checked.push(payment);
      }
    });

    return this.context.db.transaction(async (transaction) => {
      const personIds = await findVisiblePersonIds(
        transaction,
        viewer,
        checked.map((payment) => payment.idNumber),
        yearOf(this.context.today),
      );
      const booked = isPolicyYear(year) ? await this.queries.booked(transaction, [...personIds.values()], year) : [];
      const bookedByKey = new Map(booked.map((payment) => [`${payment.personId}|${payment.funder}`, payment]));

      const fresh: Array<{ personId: number; amount: string; paidOn: string; funder: string; row: number }> = [];
      const differsFrom = (existing: PaymentRow, payment: CheckedPayment) =>
        !Money.parse(existing.amount).equals(payment.amount) || existing.paidOn !== payment.paidOn;
      const alreadyBooked = (existing: PaymentRow, row: number) =>
        problems.add(
          'amount',
          `already booked for ${year} (funder ${existing.funder}): ${Money.parse(existing.amount).toString()} paid on ${existing.paidOn}`,
          row,
        );
      const checkedByKey = new Map<string, CheckedPayment>();
      for (const payment of checked) {
        const personId = personIds.get(payment.idNumber);
        if (personId === undefined) {
          problems.add('idNumber', `${NOT_VISIBLE}: ${payment.idNumber}`, payment.row);
          continue;
        }
        const key = `${personId}|${payment.funder}`;
        checkedByKey.set(key, payment);
        const existing = bookedByKey.get(key);
        if (existing === undefined)
          fresh.push({ personId, amount: payment.amount.toString(), paidOn: payment.paidOn, funder: payment.funder, row: payment.row });
        else if (differsFrom(existing, payment)) alreadyBooked(existing, payment.row);
        // else: the identical payment again, left unchanged
      }
      problems.throwIfAny();

      const inserted = await this.queries.insert(transaction, year, fresh, viewer.subject);
      if (inserted.size < fresh.length) {
        // Booked by a concurrent request between our read and our insert: the unique key made us wait
        // for it and skip the row. Read what it booked (a new statement sees its commit) and say so.
        const skipped = fresh.filter((row) => !inserted.has(`${row.personId}|${row.funder}`));
        const now = await this.queries.booked(transaction, [...new Set(skipped.map((row) => row.personId))], year);
        const nowByKey = new Map(now.map((payment) => [`${payment.personId}|${payment.funder}`, payment]));
        for (const row of skipped) {
          const key = `${row.personId}|${row.funder}`;
          const existing = nowByKey.get(key);
          const payment = checkedByKey.get(key)!;
          if (existing === undefined)
            problems.add('amount', `could not be booked for ${year}: a concurrent change removed it; send it again`, row.row);
          else if (differsFrom(existing, payment)) alreadyBooked(existing, row.row);
        }
        // Any problem rolls the whole list back, as when the payment was booked before we started.
        problems.throwIfAny();
      }
      const bookedCount = inserted.size;
      await writeAuditEvent(transaction, viewer, {
        action: 'RECORD_PAYMENTS',
        operation: this.context.operationName,
        personCount: payments.length,
        details: { year, payments: payments.length, booked: bookedCount, unchanged: payments.length - bookedCount },
      });
      return bookedCount;
    });
  }
}
