import { describe, expect, it } from 'vitest';
import { checkFundingRule, cityShareInBasisPoints } from '../../src/modules/budgets/domain/funding-rule-input';
import { checkPaymentRow } from '../../src/modules/payments/domain/payment-row';
import { RosterRowChecker } from '../../src/modules/rosters/domain/roster-row';
import { assertMaySubmitRoster } from '../../src/modules/access/row-scope';
import { ForbiddenError, ProblemList, type Problem } from '../../src/shared/errors';
import { IdNumber } from '../../src/shared/id-number';

const VALID_ID = IdNumber.compose('530102', '1980-05-17', 13).value;

describe('RosterRowChecker', () => {
  it('should derive gender and birth date from the ID number when the row is valid', () => {
    const problems: Problem[] = [];
    const row = new RosterRowChecker({ asOf: '2024-06-30', fieldPrefix: 'entries.', trackDuplicates: true }).check(
      { idNumber: VALID_ID.toLowerCase(), name: ' 张三 ', disabilityLevel: 4, recognizedOn: '2024-06-30' },
      1,
      problems,
    );
    expect(problems).toEqual([]);
    expect(row).toEqual({
      rowNumber: 1,
      idNumber: VALID_ID,
      name: '张三',
      gender: 'M',
      birthDate: '1980-05-17',
      disabilityLevel: 4,
      recognizedOn: '2024-06-30',
    });
  });

  it('should name every bad field of a row when several are wrong', () => {
    const problems: Problem[] = [];
    const row = new RosterRowChecker({ asOf: '2024-06-30', fieldPrefix: '', trackDuplicates: true }).check(
      { idNumber: '53010219800517001X', name: '', disabilityLevel: 0, recognizedOn: '2024-02-30' },
      7,
      problems,
    );
    expect(row).toBeNull();
    expect(problems.map((problem) => `${problem.row}:${problem.field}`)).toEqual([
      '7:idNumber',
      '7:name',
      '7:disabilityLevel',
      '7:recognizedOn',
    ]);
  });

  it('should find a duplicate when a 15-digit number converts to one already listed', () => {
    const problems: Problem[] = [];
    const checker = new RosterRowChecker({ asOf: '2024-06-30', fieldPrefix: '', trackDuplicates: true });
    const legacy = '530102800517013';
    checker.check({ idNumber: IdNumber.parse(legacy).value, name: 'a', recognizedOn: '2024-01-01' }, 2, problems);
    checker.check({ idNumber: legacy, name: 'b', recognizedOn: '2024-01-01' }, 3, problems);
    expect(problems).toEqual([{ row: 3, field: 'idNumber', message: expect.stringContaining('row 2') }]);
  });
});

describe('assertMaySubmitRoster', () => {
  it('should allow the keeping department and refuse the others or another county', () => {
    expect(() => assertMaySubmitRoster({ subject: 's', department: 'CIVIL_AFFAIRS', county: null }, 'TEKUN', '530102')).not.toThrow();
    expect(() =>
      assertMaySubmitRoster({ subject: 's', department: 'RURAL_REVITALIZATION', county: '530102' }, 'RETURNED_POVERTY', '530102'),
    ).not.toThrow();
    expect(() => assertMaySubmitRoster({ subject: 's', department: 'CIVIL_AFFAIRS', county: null }, 'RETURNED_POVERTY', '530102')).toThrow(
      ForbiddenError,
    );
    expect(() => assertMaySubmitRoster({ subject: 's', department: 'HRSS', county: null }, 'DIBAO', '530102')).toThrow(ForbiddenError);
    expect(() => assertMaySubmitRoster({ subject: 's', department: 'CIVIL_AFFAIRS', county: '530103' }, 'DIBAO', '530102')).toThrow(
      ForbiddenError,
    );
  });
});

describe('payment and funding rule checks', () => {
  it('should accept a positive two-decimal amount and default the funder to GOVERNMENT', () => {
    const problems = new ProblemList();
    const payment = checkPaymentRow({ idNumber: VALID_ID, amount: '100.5', paidOn: '2024-03-01' }, 1, problems, '2024-06-15');
    expect(problems.isEmpty).toBe(true);
    expect({ ...payment!, amount: payment!.amount.toString() }).toEqual({
      row: 1,
      idNumber: VALID_ID,
      amount: '100.50',
      paidOn: '2024-03-01',
      funder: 'GOVERNMENT',
    });
  });

  it('should refuse zero, negative and three-decimal amounts', () => {
    for (const amount of ['0', '-1.00', '1.234', 'abc']) {
      const problems = new ProblemList();
      expect(checkPaymentRow({ idNumber: VALID_ID, amount, paidOn: '2024-03-01' }, 1, problems, '2024-06-15')).toBeNull();
      expect(problems.all.map((problem) => problem.field)).toEqual(['amount']);
    }
  });

  it('should read city shares with at most four decimals despite float noise', () => {
    expect(cityShareInBasisPoints(0.5)).toBe(5000);
    expect(cityShareInBasisPoints(0.1 + 0.2)).toBe(3000);
    expect(cityShareInBasisPoints(0.12345)).toBeNull();
    expect(cityShareInBasisPoints(Number.NaN)).toBeNull();
  });

  it('should normalise a valid funding rule to stored text', () => {
    const problems = new ProblemList();
    expect(checkFundingRule({ county: '530181', year: 2024, standard: '100', cityShare: 0.55 }, problems)).toEqual({
      county: '530181',
      year: 2024,
      standard: '100.00',
      cityShare: '0.5500',
    });
  });
});

describe('paidOn range', () => {
  const check = (paidOn: string) => {
    const problems = new ProblemList();
    checkPaymentRow({ idNumber: VALID_ID, amount: '100.00', paidOn }, 1, problems, '2024-06-15');
    return problems.all.map((problem) => `${problem.field}: ${problem.message}`);
  };

  it('should accept a date from 2009-09-01 up to 31 days after today', () => {
    expect(check('2009-09-01')).toEqual([]);
    expect(check('2024-07-16')).toEqual([]);
  });

  it('should refuse 9999-12-31, a date more than 31 days ahead, and one before proxy payment began', () => {
    expect(check('9999-12-31')).toEqual(['paidOn: 9999-12-31 is more than 31 days after today (2024-06-15)']);
    expect(check('2024-07-17')).toEqual(['paidOn: 2024-07-17 is more than 31 days after today (2024-06-15)']);
    expect(check('2009-08-31')).toEqual(['paidOn: 2009-08-31 is before 2009-09-01, when proxy payment began']);
  });
});
