import { isCountyCode } from '../../../shared/county';
import { isPolicyYear, POLICY_YEARS } from '../../../shared/domain';
import type { ProblemList } from '../../../shared/errors';
import { Money } from '../../../shared/money';

// R1/R5: a county's contribution standard and the city's share for a year. Without a rule the
// defaults of domain/eligibility.ts apply (DESIGN §6).

export interface RawFundingRule {
  county: string;
  year: number;
  standard: string;
  cityShare: number;
}

export interface CheckedFundingRule {
  county: string;
  year: number;
  /** Yuan with two decimals. */
  standard: string;
  /** Fraction with four decimals, as stored in numeric(5,4). */
  cityShare: string;
}

/** The share as whole basis points (0.5 → 5000), or null when it has more than four decimals. */
export function cityShareInBasisPoints(share: number): number | null {
  if (!Number.isFinite(share)) return null;
  const basisPoints = Math.round(share * 10_000);
  // Floats like 0.3 are 0.29999…: accept what is within rounding noise of four decimals.
  return Math.abs(share * 10_000 - basisPoints) < 1e-6 ? basisPoints : null;
}

export function checkFundingRule(input: RawFundingRule, problems: ProblemList): CheckedFundingRule | null {
  const before = problems.all.length;
  if (!isCountyCode(input.county)) problems.add('county', `"${input.county}" is not one of the 14 county codes`);
  if (!isPolicyYear(input.year)) {
    problems.add('year', `year ${input.year} is not between ${POLICY_YEARS.from} and ${POLICY_YEARS.to}`);
  }
  let standard: Money | null = null;
  if (!Money.isDecimalString(input.standard))
    problems.add('standard', `"${input.standard}" is not an amount in yuan with at most two decimals`);
  else {
    standard = Money.parse(input.standard);
    if (standard.isNegative()) problems.add('standard', `standard ${standard.toString()} must not be negative`);
    else if (!standard.fitsNumeric12()) problems.add('standard', `standard ${standard.toString()} is too large`);
  }
  const basisPoints = cityShareInBasisPoints(input.cityShare);
  if (basisPoints === null) problems.add('cityShare', `city share ${input.cityShare} must be a fraction with at most four decimals`);
  else if (basisPoints < 0 || basisPoints > 10_000) problems.add('cityShare', `city share ${input.cityShare} must be between 0 and 1`);

  if (problems.all.length > before || standard === null || basisPoints === null) return null;
  return { county: input.county, year: input.year, standard: standard.toString(), cityShare: (basisPoints / 10_000).toFixed(4) };
}
