import { isCountyCode } from '../../shared/county';
import { isPolicyYear, POLICY_YEARS } from '../../shared/domain';
import type { ProblemList } from '../../shared/errors';

// Arguments shared by the report-like queries (eligibility, budget, dispatch report, comparison, screening).

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function checkYear(year: number, problems: ProblemList, field = 'year'): void {
  if (!isPolicyYear(year)) {
    problems.add(field, `must be a year from ${POLICY_YEARS.from} to ${POLICY_YEARS.to}`);
  }
}

/** "YYYY-MM" to its year and month, or a problem. */
export function parseMonth(month: string, problems: ProblemList, field = 'month'): { year: number; month: number } | null {
  const match = MONTH_PATTERN.exec(month);
  if (!match) {
    problems.add(field, 'must be a month written YYYY-MM, e.g. "2024-11"');
    return null;
  }
  const year = Number(match[1]);
  checkYear(year, problems, field);
  return { year, month: Number(match[2]) };
}

export function checkCounty(county: string | null | undefined, problems: ProblemList, field = 'county'): void {
  if (county != null && !isCountyCode(county)) problems.add(field, `"${county}" is not one of the 14 county codes (530102 … 530181)`);
}

/** The most months one dispatchTrend may span (its cost grows with the months asked). */
export const MAX_TREND_MONTHS = 24;

/** "YYYY-MM" .. "YYYY-MM" to the months from `from` to `to` inclusive, at most MAX_TREND_MONTHS, or problems. */
export function parseMonthRange(from: string, to: string, problems: ProblemList): Array<{ year: number; month: number }> {
  const first = parseMonth(from, problems, 'from');
  const last = parseMonth(to, problems, 'to');
  if (!first || !last) return [];
  const start = first.year * 12 + first.month - 1;
  const end = last.year * 12 + last.month - 1;
  if (start > end) {
    problems.add('from', `must not be after "to" (${from} > ${to})`);
    return [];
  }
  if (end - start + 1 > MAX_TREND_MONTHS) {
    problems.add('to', `must be at most ${MAX_TREND_MONTHS} months from "from" inclusive (${from} .. ${to} is ${end - start + 1})`);
    return [];
  }
  return Array.from({ length: end - start + 1 }, (_, index) => ({
    year: Math.floor((start + index) / 12),
    month: ((start + index) % 12) + 1,
  }));
}
