import type { RequestContext } from '../../app/context';
import { requireViewer } from '../../app/context';
import { yearOf } from '../../shared/dates';
import { ProblemList } from '../../shared/errors';
import { Money } from '../../shared/money';
import { writeAuditEvent } from '../audit/audit-log';
import { findVisiblePersonIds, NOT_VISIBLE } from '../people/visible-persons.queries';
import { isPolicyYear, POLICY_YEARS } from '../../shared/domain';
import { checkPaymentRow, type CheckedPayment, type RawPaymentRow } from './domain/payment-row';
import { PaymentQueries } from './payments.queries';

export class PaymentService {
  private readonly queries: PaymentQueries;

  constructor(private readonly context: RequestContext) {
    this.queries = new PaymentQueries(context.db);
  }

  /**
   * Books proxy payments (R1; funder GOVERNMENT unless told, R6) in one transaction. Idempotent:
   * an identical payment already booked is left alone; a different one for the same person, year and
   * funder is a problem. Returns how many were newly booked.
   */
  async record(year: number, payments: readonly RawPaymentRow[]): Promise<number> {
    const viewer = requireViewer(this.context);
    const problems = new ProblemList();
    if (!isPolicyYear(year)) problems.add('year', `year ${year} is not between ${POLICY_YEARS.from} and ${POLICY_YEARS.to}`);

    const checked: CheckedPayment[] = [];
    const firstRowOf = new Map<string, number>();
    payments.forEach((input, index) => {
      const payment = checkPaymentRow(input, index + 1, problems);
      if (payment === null) return;
      const first = firstRowOf.get(payment.idNumber);
      if (first !== undefined) problems.add('idNumber', `ID number ${payment.idNumber} is already listed in row ${first}`, payment.row);
      else {
        firstRowOf.set(payment.idNumber, payment.row);
        checked.push(payment);
      }
    });

    return this.context.db.transaction(async (client) => {
      const personIds = await findVisiblePersonIds(
        client,
        viewer,
        checked.map((payment) => payment.idNumber),
        yearOf(this.context.today),
      );
      const booked = isPolicyYear(year) ? await this.queries.booked(client, [...personIds.values()], year) : [];
      const bookedByKey = new Map(booked.map((payment) => [`${payment.personId}|${payment.funder}`, payment]));

      const fresh: Array<{ personId: number; amount: string; paidOn: string; funder: string }> = [];
      for (const payment of checked) {
        const personId = personIds.get(payment.idNumber);
        if (personId === undefined) {
          problems.add('idNumber', `${NOT_VISIBLE}: ${payment.idNumber}`, payment.row);
          continue;
        }
        const existing = bookedByKey.get(`${personId}|${payment.funder}`);
        if (existing === undefined)
          fresh.push({ personId, amount: payment.amount.toString(), paidOn: payment.paidOn, funder: payment.funder });
        else if (!Money.parse(existing.amount).equals(payment.amount) || existing.paidOn !== payment.paidOn) {
          problems.add(
            'amount',
            `already booked for ${year} (funder ${existing.funder}): ${Money.parse(existing.amount).toString()} paid on ${existing.paidOn}`,
            payment.row,
          );
        }
        // else: the identical payment again, left unchanged
      }
      problems.throwIfAny();

      const bookedCount = await this.queries.insert(client, year, fresh, viewer.subject);
      await writeAuditEvent(client, viewer, {
        action: 'RECORD_PAYMENTS',
        operation: this.context.operationName,
        personCount: payments.length,
        details: { year, payments: payments.length, booked: bookedCount, unchanged: payments.length - bookedCount },
      });
      return bookedCount;
    });
  }
}
