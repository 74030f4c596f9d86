import { countyName } from '../../../shared/county';
import { cutOffDate, type IsoDate } from '../../../shared/dates';
import type { Department, EligibilityStatus, HardshipCategory, PensionStatus } from '../../../shared/domain';
import { CONTRIBUTING_AGE, ROSTER_OWNER } from '../../../shared/domain';

export { CONTRIBUTING_AGE };
import { Money } from '../../../shared/money';
import { compareByPrecedence, countedEntry, isActiveOn, type DatedEntry } from './precedence';

// DESIGN.md §3 and §5 as one pure decision: (facts of a person for year Y) => an explained status.

export const DEFAULT_STANDARD = '100.00';
export const DEFAULT_CITY_SHARE_BASIS_POINTS = 5000;

/** R1/R5 setting of one county and year; absent = 100.00 yuan and a 50% city share. */
export interface FundingRuleFacts {
  county: string;
  year: number;
  standard: string;
  /** 5000 = 50%. */
  cityShareBasisPoints: number;
}

export interface EligibilityFacts {
  year: number;
  birthYear: number;
  pensionStatus: PensionStatus;
  entries: readonly DatedEntry[];
  precedence: readonly HardshipCategory[];
  /** Rules of year Y; only the one of the counted entry's county is used. */
  fundingRules: readonly FundingRuleFacts[];
}

export interface Reason {
  rule: string;
  message: string;
}

export interface EligibilityDecision {
  year: number;
  status: EligibilityStatus;
  countedCategory: HardshipCategory | null;
  /** County of the counted entry; null when there is none. */
  county: string | null;
  fundingDepartment: Department | null;
  amount: string;
  cityShare: string;
  countyShare: string;
  reasons: Reason[];
}

const CATEGORY_WORDS: Record<HardshipCategory, string> = {
  DIBAO: 'DIBAO (低保)',
  TEKUN: 'TEKUN (特困)',
  RETURNED_POVERTY: 'RETURNED_POVERTY (返贫致贫)',
};

const PENSION_WORDS: Record<PensionStatus, string> = {
  NOT_ENROLLED: 'not enrolled in the resident pension yet',
  CONTRIBUTING: 'contributing to the resident pension',
  SUSPENDED: 'enrolled, contributions suspended',
  RECEIVING: 'already draws the resident pension',
  EMPLOYEE_PENSION: 'covered by the employee pension instead',
  TERMINATED: 'resident pension terminated (e.g. deceased)',
};

const INELIGIBLE_PENSION_STATUSES: readonly PensionStatus[] = ['RECEIVING', 'EMPLOYEE_PENSION', 'TERMINATED'];

export function ageInYear(year: number, birthYear: number): number {
  return year - birthYear;
}

export function isContributingAge(age: number): boolean {
  return age >= CONTRIBUTING_AGE.from && age <= CONTRIBUTING_AGE.to;
}

/** R9: who budgets the city-level funds of a counted category. */
export function fundingDepartmentOf(category: HardshipCategory | null): Department | null {
  return category === null ? null : ROSTER_OWNER[category];
}

function countyWords(code: string): string {
  try {
    return countyName(code);
  } catch {
    return code;
  }
}

/**
 * NEXT_YEAR reading: among the entries recognised from Y-11-01 to Y-12-31 (whatever their exit), the
 * one that wins precedence (same order as R8) gives the category and county.
 */
export function nextYearEntry<T extends DatedEntry>(
  entries: readonly T[],
  year: number,
  precedence: readonly HardshipCategory[],
): T | null {
  const late = entries.filter((entry) => entry.recognizedOn >= `${year}-11-01` && entry.recognizedOn <= `${year}-12-31`);
  if (late.length === 0) return null;
  return [...late].sort(compareByPrecedence(precedence))[0]!;
}

/** R1/R5: the standard and the shares; city share rounded half-up to the cent, county share the rest. */
export function fundingSplit(rule: Pick<FundingRuleFacts, 'standard' | 'cityShareBasisPoints'>): {
  amount: Money;
  cityShare: Money;
  countyShare: Money;
} {
  const amount = Money.parse(rule.standard);
  const cityShare = amount.shareInBasisPoints(rule.cityShareBasisPoints);
  return { amount, cityShare, countyShare: amount.minus(cityShare) };
}

type RuleSetting = Pick<FundingRuleFacts, 'standard' | 'cityShareBasisPoints'>;

const DEFAULT_RULE: RuleSetting = { standard: DEFAULT_STANDARD, cityShareBasisPoints: DEFAULT_CITY_SHARE_BASIS_POINTS };

function ruleFor(facts: EligibilityFacts, county: string): { rule: RuleSetting; isDefault: boolean } {
  const rule = facts.fundingRules.find((candidate) => candidate.county === county && candidate.year === facts.year);
  return rule ? { rule, isDefault: false } : { rule: DEFAULT_RULE, isDefault: true };
}

// Everyone under the same rule gets the same three amounts: worked out once per rule object (a page's persons share
// their year's rule objects), not parsed and rounded again for each person.
const splitTexts = new WeakMap<RuleSetting, { amount: string; cityShare: string; countyShare: string }>();

function splitTextOf(rule: RuleSetting): { amount: string; cityShare: string; countyShare: string } {
  let texts = splitTexts.get(rule);
  if (texts === undefined) {
    const split = fundingSplit(rule);
    texts = { amount: split.amount.toString(), cityShare: split.cityShare.toString(), countyShare: split.countyShare.toString() };
    splitTexts.set(rule, texts);
  }
  return texts;
}

function percent(basisPoints: number): string {
  return `${(basisPoints / 100).toString()}%`;
}

/**
 * The decision with its reasons explained on first read: a page that selects status and amount does not pay for
 * the sentences (issue 11). `reasons` is an own enumerable property (a getter that keeps its value), so the
 * decision compares, spreads and serialises like a plain object.
 */
function withReasons(
  placed: Pick<EligibilityDecision, 'year' | 'status' | 'countedCategory' | 'county' | 'fundingDepartment'>,
  amount: string,
  cityShare: string,
  countyShare: string,
  explain: () => Reason[],
): EligibilityDecision {
  let reasons: Reason[] | null = null;
  // One literal (no spread, no defineProperty): this runs once per person of a page.
  return {
    year: placed.year,
    status: placed.status,
    countedCategory: placed.countedCategory,
    county: placed.county,
    fundingDepartment: placed.fundingDepartment,
    amount,
    cityShare,
    countyShare,
    get reasons() {
      return (reasons ??= explain());
    },
  };
}

const ZERO = Money.ZERO.toString();

/** R2 when nobody's roster counts on the cut-off: ineligible, or (recognised after it) counted next year. */
function decideWithoutCountedEntry(facts: EligibilityFacts, cutOff: IsoDate): EligibilityDecision {
  const { year, precedence } = facts;
  const late = nextYearEntry(facts.entries, year, precedence);
  if (late === null) {
    const placed = { year, status: 'INELIGIBLE' as const, countedCategory: null, county: null, fundingDepartment: null };
    return withReasons(placed, ZERO, ZERO, ZERO, () => {
      const exited = facts.entries.filter((entry) => entry.exitedOn !== null && entry.exitedOn <= cutOff && entry.recognizedOn <= cutOff);
      const message =
        facts.entries.length === 0
          ? `on no hardship roster, so not on the proxy roster of ${year}`
          : exited.length > 0
            ? `left the roster on ${exited
                .map((entry) => entry.exitedOn)
                .sort()
                .at(-1)}, so not on it on the cut-off ${cutOff}: not on the proxy roster of ${year}`
            : `on no hardship roster on ${cutOff}, so not on the proxy roster of ${year}`;
      return [{ rule: 'R2', message }];
    });
  }
  const department = fundingDepartmentOf(late.category)!;
  const placed = { year, status: 'NEXT_YEAR' as const, countedCategory: late.category, county: late.county, fundingDepartment: department };
  return withReasons(placed, ZERO, ZERO, ZERO, () => [
    {
      rule: 'R2',
      message: `recognised on the ${CATEGORY_WORDS[late.category]} roster in ${countyWords(late.county)} on ${late.recognizedOn}, after the cut-off ${cutOff}: counted from ${year + 1}`,
    },
    { rule: 'R9', message: `funds will come from the ${department} budget` },
  ]);
}

/** R2, R8, R9: on which roster the person counts, and which budget pays. */
function rosterReasons(facts: EligibilityFacts, counted: DatedEntry, cutOff: IsoDate, department: Department): Reason[] {
  const reasons: Reason[] = [
    { rule: 'R2', message: `on the ${CATEGORY_WORDS[counted.category]} roster in ${countyWords(counted.county)} on ${cutOff}` },
  ];
  const activeOnCutOff = facts.entries.filter((entry) => isActiveOn(entry, cutOff));
  if (activeOnCutOff.length > 1) {
    const others = activeOnCutOff.filter((entry) => entry !== counted).map((entry) => `${entry.category} in ${countyWords(entry.county)}`);
    reasons.push({
      rule: 'R8',
      message: `on ${activeOnCutOff.length} rosters (also ${others.join(', ')}): counted once, as ${counted.category} in ${countyWords(counted.county)}`,
    });
  }
  reasons.push({ rule: 'R9', message: `city-level funds come from the ${department} budget` });
  return reasons;
}

/** R4's cases: the age in the year, then the pension status (one decision; the status and the reason read it). */
type ContributionCase = 'TOO_OLD' | 'TOO_YOUNG' | 'NOT_CONTRIBUTING' | 'TO_ENROL' | 'ELIGIBLE';

function contributionCase(facts: EligibilityFacts): ContributionCase {
  const age = ageInYear(facts.year, facts.birthYear);
  if (!isContributingAge(age)) return age > CONTRIBUTING_AGE.to ? 'TOO_OLD' : 'TOO_YOUNG';
  if (INELIGIBLE_PENSION_STATUSES.includes(facts.pensionStatus)) return 'NOT_CONTRIBUTING';
  return facts.pensionStatus === 'NOT_ENROLLED' ? 'TO_ENROL' : 'ELIGIBLE';
}

const STATUS_OF_CASE: Record<ContributionCase, EligibilityStatus> = {
  TOO_OLD: 'INELIGIBLE',
  TOO_YOUNG: 'INELIGIBLE',
  NOT_CONTRIBUTING: 'INELIGIBLE',
  TO_ENROL: 'TO_ENROL',
  ELIGIBLE: 'ELIGIBLE',
};

/** R4's reason for its case. */
function contributionReason(facts: EligibilityFacts, which: ContributionCase): Reason {
  const { year } = facts;
  const aged = `aged ${ageInYear(year, facts.birthYear)} in ${year}`;
  const messages: Record<ContributionCase, () => string> = {
    TOO_OLD: () => `${aged}: draws a pension, no longer contributes`,
    TOO_YOUNG: () => `${aged}: below the contributing age of ${CONTRIBUTING_AGE.from}`,
    NOT_CONTRIBUTING: () => `${aged}, but ${PENSION_WORDS[facts.pensionStatus]}: no contribution to pay`,
    TO_ENROL: () => `${aged} and ${PENSION_WORDS.NOT_ENROLLED}: to be enrolled, then proxy-paid`,
    ELIGIBLE: () => `${aged} and ${PENSION_WORDS[facts.pensionStatus]}`,
  };
  return { rule: 'R4', message: messages[which]() };
}

/** Status for year Y with its reasons (DESIGN.md §5, "Status for year Y"). */
export function decideEligibility(facts: EligibilityFacts): EligibilityDecision {
  const { year, precedence } = facts;
  const cutOff: IsoDate = cutOffDate(year);
  const counted = countedEntry(facts.entries, cutOff, precedence);
  if (counted === null) return decideWithoutCountedEntry(facts, cutOff);

  const department = fundingDepartmentOf(counted.category)!;
  const which = contributionCase(facts);
  const status = STATUS_OF_CASE[which];
  const placed = { year, status, countedCategory: counted.category, county: counted.county, fundingDepartment: department };
  const explained = () => [...rosterReasons(facts, counted, cutOff, department), contributionReason(facts, which)];
  if (status === 'INELIGIBLE') return withReasons(placed, ZERO, ZERO, ZERO, explained);
  const { rule, isDefault } = ruleFor(facts, counted.county);
  const { amount, cityShare, countyShare } = splitTextOf(rule);
  return withReasons(placed, amount, cityShare, countyShare, () => [
    ...explained(),
    {
      rule: 'R1',
      message: `the government pays the whole contribution of ${amount} yuan (${isDefault ? 'default standard' : `standard of ${countyWords(counted.county)} for ${year}`})`,
    },
    { rule: 'R5', message: `city pays ${cityShare} (${percent(rule.cityShareBasisPoints)}), county pays ${countyShare}` },
  ]);
}

/** numeric(5,4) text such as "0.5000" or "0.6" to basis points, exactly. */
export function basisPointsOf(fraction: string): number {
  const match = /^(\d+)(?:\.(\d{1,4}))?$/.exec(fraction.trim());
  if (!match) throw new RangeError(`"${fraction}" is not a share between 0 and 1 with at most four decimals`);
  return Number(match[1]) * 10000 + Number((match[2] ?? '').padEnd(4, '0'));
}
