import { describe, expect, it } from 'vitest';
import { basisPointsOf, decideEligibility, type EligibilityFacts } from '../../src/modules/eligibility/domain/eligibility';
import { DEFAULT_PRECEDENCE, type DatedEntry } from '../../src/modules/eligibility/domain/precedence';
import type { PensionStatus } from '../../src/shared/domain';

const dibao = (overrides: Partial<DatedEntry> = {}): DatedEntry => ({
  category: 'DIBAO',
  county: '530102',
  recognizedOn: '2020-01-01',
  exitedOn: null,
  ...overrides,
});

function facts(overrides: Partial<EligibilityFacts> = {}): EligibilityFacts {
  return {
    year: 2024,
    birthYear: 1980,
    pensionStatus: 'CONTRIBUTING',
    entries: [dibao()],
    precedence: DEFAULT_PRECEDENCE,
    fundingRules: [],
    ...overrides,
  };
}

const rules = (decision: ReturnType<typeof decideEligibility>) => decision.reasons.map((reason) => reason.rule);

describe('R2 cut-off', () => {
  it('should count an entry recognised on 31 October when the year is decided', () => {
    const decision = decideEligibility(facts({ entries: [dibao({ recognizedOn: '2024-10-31' })] }));
    expect(decision.status).toBe('ELIGIBLE');
    expect(decision.reasons[0]).toEqual({ rule: 'R2', message: 'on the DIBAO (低保) roster in 五华区 on 2024-10-31' });
  });

  it("should give NEXT_YEAR with the late entry's category when recognised on 1 November", () => {
    const decision = decideEligibility(facts({ entries: [dibao({ recognizedOn: '2024-11-01', county: '530103' })] }));
    expect(decision).toMatchObject({
      status: 'NEXT_YEAR',
      countedCategory: 'DIBAO',
      county: '530103',
      fundingDepartment: 'CIVIL_AFFAIRS',
      amount: '0.00',
      cityShare: '0.00',
      countyShare: '0.00',
    });
    expect(decision.reasons[0]!.message).toContain('after the cut-off 2024-10-31');
  });

  it('should give NEXT_YEAR under the winning late entry when several are recognised in November and December', () => {
    const decision = decideEligibility(
      facts({
        entries: [
          dibao({ recognizedOn: '2024-11-01' }),
          { category: 'RETURNED_POVERTY', county: '530181', recognizedOn: '2024-12-31', exitedOn: null },
        ],
      }),
    );
    expect(decision).toMatchObject({
      status: 'NEXT_YEAR',
      countedCategory: 'RETURNED_POVERTY',
      county: '530181',
      fundingDepartment: 'RURAL_REVITALIZATION',
    });
  });

  it('should not count an entry exited on 31 October (not active on the 31st)', () => {
    const decision = decideEligibility(facts({ entries: [dibao({ exitedOn: '2024-10-31' })] }));
    expect(decision).toMatchObject({ status: 'INELIGIBLE', countedCategory: null, fundingDepartment: null, amount: '0.00' });
    expect(decision.reasons[0]).toEqual({
      rule: 'R2',
      message: 'left the roster on 2024-10-31, so not on it on the cut-off 2024-10-31: not on the proxy roster of 2024',
    });
  });

  it('should count an entry exited on 1 November', () => {
    expect(decideEligibility(facts({ entries: [dibao({ exitedOn: '2024-11-01' })] })).status).toBe('ELIGIBLE');
  });

  it('should be INELIGIBLE when on no roster at all', () => {
    const decision = decideEligibility(facts({ entries: [] }));
    expect(decision).toMatchObject({ status: 'INELIGIBLE', countedCategory: null });
    expect(rules(decision)).toEqual(['R2']);
  });

  it('should ignore an entry recognised in the next year', () => {
    expect(decideEligibility(facts({ entries: [dibao({ recognizedOn: '2025-01-01' })] })).status).toBe('INELIGIBLE');
  });
});

describe('R4 contribution conditions', () => {
  it.each([
    [15, 'INELIGIBLE'],
    [16, 'ELIGIBLE'],
    [59, 'ELIGIBLE'],
    [60, 'INELIGIBLE'],
  ])('should decide age %i as %s when contributing', (age, status) => {
    expect(decideEligibility(facts({ birthYear: 2024 - age })).status).toBe(status);
  });

  it('should explain a 62-year-old in words a clerk understands', () => {
    const decision = decideEligibility(facts({ birthYear: 1962 }));
    expect(decision.reasons).toContainEqual({ rule: 'R4', message: 'aged 62 in 2024: draws a pension, no longer contributes' });
    expect(decision).toMatchObject({ countedCategory: 'DIBAO', fundingDepartment: 'CIVIL_AFFAIRS', amount: '0.00' });
  });

  it.each<[PensionStatus, string]>([
    ['NOT_ENROLLED', 'TO_ENROL'],
    ['CONTRIBUTING', 'ELIGIBLE'],
    ['SUSPENDED', 'ELIGIBLE'],
    ['RECEIVING', 'INELIGIBLE'],
    ['EMPLOYEE_PENSION', 'INELIGIBLE'],
    ['TERMINATED', 'INELIGIBLE'],
  ])('should decide pension status %s as %s', (pensionStatus, status) => {
    const decision = decideEligibility(facts({ pensionStatus }));
    expect(decision.status).toBe(status);
    expect(decision.amount).toBe(status === 'INELIGIBLE' ? '0.00' : '100.00');
    expect(rules(decision)).toContain('R4');
  });
});

describe('R8 one person, one count', () => {
  it('should count a person on all three rosters once, as RETURNED_POVERTY', () => {
    const decision = decideEligibility(
      facts({
        entries: [
          dibao(),
          { category: 'TEKUN', county: '530102', recognizedOn: '2021-01-01', exitedOn: null },
          { category: 'RETURNED_POVERTY', county: '530102', recognizedOn: '2019-01-01', exitedOn: null },
        ],
      }),
    );
    expect(decision).toMatchObject({ countedCategory: 'RETURNED_POVERTY', fundingDepartment: 'RURAL_REVITALIZATION' });
    expect(decision.reasons.find((reason) => reason.rule === 'R8')!.message).toBe(
      'on 3 rosters (also DIBAO in 五华区, TEKUN in 五华区): counted once, as RETURNED_POVERTY in 五华区',
    );
  });

  it('should count TEKUN over DIBAO by default, and DIBAO first when the setting says so', () => {
    const entries = [dibao(), { category: 'TEKUN' as const, county: '530103', recognizedOn: '2019-01-01', exitedOn: null }];
    expect(decideEligibility(facts({ entries })).countedCategory).toBe('TEKUN');
    expect(decideEligibility(facts({ entries, precedence: ['RETURNED_POVERTY', 'DIBAO', 'TEKUN'] })).countedCategory).toBe('DIBAO');
  });

  it('should take the county of the winning entry when on two rosters in two counties, with its funding rule', () => {
    const decision = decideEligibility(
      facts({
        entries: [
          dibao({ county: '530102' }),
          { category: 'RETURNED_POVERTY', county: '530125', recognizedOn: '2022-01-01', exitedOn: null },
        ],
        fundingRules: [
          { county: '530125', year: 2024, standard: '200.00', cityShareBasisPoints: 6000 },
          { county: '530102', year: 2024, standard: '300.00', cityShareBasisPoints: 5000 },
        ],
      }),
    );
    expect(decision).toMatchObject({
      countedCategory: 'RETURNED_POVERTY',
      county: '530125',
      amount: '200.00',
      cityShare: '120.00',
      countyShare: '80.00',
    });
  });

  it('should prefer the latest recognised entry, then the lower county code, within one category', () => {
    const later = decideEligibility(
      facts({
        entries: [dibao({ county: '530102', recognizedOn: '2020-01-01' }), dibao({ county: '530181', recognizedOn: '2021-01-01' })],
      }),
    );
    expect(later.county).toBe('530181');
    const tie = decideEligibility(facts({ entries: [dibao({ county: '530181' }), dibao({ county: '530103' })] }));
    expect(tie.county).toBe('530103');
  });
});

describe('R9 budget attribution', () => {
  it.each([
    ['DIBAO', 'CIVIL_AFFAIRS'],
    ['TEKUN', 'CIVIL_AFFAIRS'],
    ['RETURNED_POVERTY', 'RURAL_REVITALIZATION'],
  ] as const)('should fund %s from %s', (category, department) => {
    const decision = decideEligibility(facts({ entries: [dibao({ category })] }));
    expect(decision.fundingDepartment).toBe(department);
    expect(decision.reasons.find((reason) => reason.rule === 'R9')!.message).toContain(department);
  });
});

describe('R1 and R5 amounts and shares', () => {
  it('should use the default 100.00 split half and half without a funding rule', () => {
    const decision = decideEligibility(facts());
    expect(decision).toMatchObject({ amount: '100.00', cityShare: '50.00', countyShare: '50.00' });
    expect(decision.reasons).toContainEqual({ rule: 'R5', message: 'city pays 50.00 (50%), county pays 50.00' });
    expect(rules(decision)).toEqual(['R2', 'R9', 'R4', 'R1', 'R5']);
  });

  it('should round the city share half-up to the cent and give the county the rest', () => {
    // 100.01 x 0.5 = 50.005 -> 50.01; 133.33 x 0.6 = 79.998 -> 80.00
    const half = decideEligibility(
      facts({ fundingRules: [{ county: '530102', year: 2024, standard: '100.01', cityShareBasisPoints: 5000 }] }),
    );
    expect(half).toMatchObject({ amount: '100.01', cityShare: '50.01', countyShare: '50.00' });
    const sixty = decideEligibility(
      facts({ fundingRules: [{ county: '530102', year: 2024, standard: '133.33', cityShareBasisPoints: 6000 }] }),
    );
    expect(sixty).toMatchObject({ amount: '133.33', cityShare: '80.00', countyShare: '53.33' });
  });

  it('should ignore a rule of another year or county', () => {
    const decision = decideEligibility(
      facts({
        fundingRules: [
          { county: '530102', year: 2023, standard: '300.00', cityShareBasisPoints: 0 },
          { county: '530103', year: 2024, standard: '300.00', cityShareBasisPoints: 0 },
        ],
      }),
    );
    expect(decision.amount).toBe('100.00');
  });

  it('should read numeric shares as basis points exactly', () => {
    expect(basisPointsOf('0.6000')).toBe(6000);
    expect(basisPointsOf('0.5')).toBe(5000);
    expect(basisPointsOf('1.0000')).toBe(10000);
    expect(basisPointsOf('0.0001')).toBe(1);
  });
});

describe('reasons, explained when read', () => {
  it('should explain a decision only on first read, keep the same reasons, and compare and serialise like a plain object', () => {
    const decision = decideEligibility(facts());
    const descriptor = Object.getOwnPropertyDescriptor(decision, 'reasons')!;
    expect(descriptor.enumerable).toBe(true);
    expect(typeof descriptor.get).toBe('function');
    const first = decision.reasons;
    expect(decision.reasons).toBe(first);
    expect(first.map((reason) => reason.rule)).toEqual(['R2', 'R9', 'R4', 'R1', 'R5']);
    const plain = JSON.parse(JSON.stringify(decision)) as typeof decision;
    expect(plain.reasons).toEqual(first);
    expect(decision).toEqual(plain);
    expect({ ...decision }).toEqual(plain);
  });
});

describe('R4 reasons', () => {
  it('should give each contribution case its own sentence', () => {
    const r4 = (overrides: Partial<EligibilityFacts>) => decideEligibility(facts(overrides)).reasons.find((reason) => reason.rule === 'R4');
    expect(r4({ birthYear: 1960 })).toEqual({ rule: 'R4', message: 'aged 64 in 2024: draws a pension, no longer contributes' });
    expect(r4({ birthYear: 2010 })).toEqual({ rule: 'R4', message: 'aged 14 in 2024: below the contributing age of 16' });
    expect(r4({ pensionStatus: 'EMPLOYEE_PENSION' })).toEqual({
      rule: 'R4',
      message: 'aged 44 in 2024, but covered by the employee pension instead: no contribution to pay',
    });
    expect(r4({ pensionStatus: 'NOT_ENROLLED' })).toEqual({
      rule: 'R4',
      message: 'aged 44 in 2024 and not enrolled in the resident pension yet: to be enrolled, then proxy-paid',
    });
    expect(r4({ pensionStatus: 'SUSPENDED' })).toEqual({ rule: 'R4', message: 'aged 44 in 2024 and enrolled, contributions suspended' });
    expect(decideEligibility(facts({ birthYear: 2010 })).status).toBe('INELIGIBLE');
    expect(decideEligibility(facts({ pensionStatus: 'NOT_ENROLLED' })).status).toBe('TO_ENROL');
  });
});
