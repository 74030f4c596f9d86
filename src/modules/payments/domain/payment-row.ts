import { isIsoDate } from '../../../shared/dates';
import type { ProblemList } from '../../../shared/errors';
import { IdNumber } from '../../../shared/id-number';
import { Money } from '../../../shared/money';

// Checks one booked payment before the database is asked anything (R1, R6, R13).

export const GOVERNMENT_FUNDER = 'GOVERNMENT';
export const MAX_FUNDER_LENGTH = 200;

/**
 * paidOn's sane range. Not before 2009-09-01: the State Council's notice on the new rural social pension
 * insurance (Guo Fa [2009] No. 32) is where proxy payment for hardship groups begins. Not more than
 * PAID_ON_MARGIN_DAYS after today: agencies book a month's transfers ahead, never years.
 */
export const EARLIEST_PAID_ON = '2009-09-01';
export const PAID_ON_MARGIN_DAYS = 31;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export interface RawPaymentRow {
  idNumber: string;
  amount: string;
  paidOn: string;
  funder?: string | null;
}

export interface CheckedPayment {
  row: number;
  idNumber: string;
  amount: Money;
  paidOn: string;
  funder: string;
}

/** `today`: the request's date (its clock), for the ID number's birth date and paidOn's upper bound. */
export function checkPaymentRow(input: RawPaymentRow, row: number, problems: ProblemList, today: string): CheckedPayment | null {
  let ok = true;
  const fail = (field: string, message: string) => {
    problems.add(field, message, row);
    ok = false;
  };
  const { idNumber, message } = IdNumber.check(input.idNumber, true, today);
  if (message !== null) fail('idNumber', message);
  let amount: Money | null = null;
  if (!Money.isDecimalString(input.amount)) fail('amount', `"${input.amount}" is not an amount in yuan with at most two decimals`);
  else {
    amount = Money.parse(input.amount);
    // A zero booking would count the person as proxy-paid (R12) without any money: refuse it too.
    if (amount.cents <= 0) fail('amount', `amount ${amount.toString()} must be more than 0.00`);
    else if (!amount.fitsNumeric12()) fail('amount', `amount ${amount.toString()} is too large`);
  }
  if (!isIsoDate(input.paidOn)) fail('paidOn', `"${input.paidOn}" is not a real date written YYYY-MM-DD`);
  else if (input.paidOn < EARLIEST_PAID_ON) fail('paidOn', `${input.paidOn} is before ${EARLIEST_PAID_ON}, when proxy payment began`);
  else if (input.paidOn > addDays(today, PAID_ON_MARGIN_DAYS)) {
    fail('paidOn', `${input.paidOn} is more than ${PAID_ON_MARGIN_DAYS} days after today (${today})`);
  }
  const funder = (input.funder ?? GOVERNMENT_FUNDER).trim();
  if (funder === '') fail('funder', 'funder must not be empty (omit it for GOVERNMENT)');
  else if (funder.length > MAX_FUNDER_LENGTH) fail('funder', `funder must be at most ${MAX_FUNDER_LENGTH} characters`);
  if (!ok || idNumber === null || amount === null) return null;
  return { row, idNumber: idNumber.value, amount, paidOn: input.paidOn, funder };
}
