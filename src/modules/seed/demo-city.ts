import type { HardshipCategory, PensionStatus } from '../../shared/domain';
import { IdNumber } from '../../shared/id-number';

// The demo city: 14 named people that the README's examples use (`npm run seed -- --demo`). Small enough to
// check every answer by hand, varied enough that each example has something to show. It is set in 2024
// (the examples ask about 2024: cut-off 2024-10-31), so its answers do not move with today's date, except
// TAX's rows ("ELIGIBLE/TO_ENROL this year"), which hold from 2025 through 2032 (马小龙 turns 16 in 2033).

export interface DemoEntry {
  category: HardshipCategory;
  county: string;
  recognizedOn: string;
  exitedOn: string | null;
}

export interface DemoPayment {
  year: number;
  amount: string;
  paidOn: string;
}

export interface DemoPerson {
  idNumber: string;
  name: string;
  gender: 'M' | 'F';
  birthDate: string;
  disabilityLevel: number | null;
  pensionStatus: PensionStatus;
  entries: DemoEntry[];
  payments: DemoPayment[];
}

export interface DemoFundingRule {
  county: string;
  year: number;
  standard: string;
  cityShare: string;
}

interface DemoPersonSpec {
  name: string;
  /** Area code as issued (may be an old one, e.g. 530122 晋宁县), birth date and sequence (odd = male). */
  issued: [areaCode: string, birthDate: string, sequence: number];
  disabilityLevel?: number;
  pensionStatus: PensionStatus;
  entries: Array<[category: HardshipCategory, county: string, recognizedOn: string, exitedOn?: string]>;
  payments?: Array<[year: number, amount: string, paidOn: string]>;
}

// Ages are in 2024. The check characters are computed (R13), never written by hand.
const PEOPLE: DemoPersonSpec[] = [
  // 五华区: DIBAO and TEKUN.
  {
    name: '赵建国', // 52, contributing, paid for 2024: ELIGIBLE and proxy-paid
    issued: ['530102', '1972-03-08', 11],
    pensionStatus: 'CONTRIBUTING',
    entries: [['DIBAO', '530102', '2019-03-12']],
    payments: [
      [2023, '100.00', '2023-04-20'],
      [2024, '100.00', '2024-04-18'],
    ],
  },
  {
    name: '钱秀英', // 41, level 3, not enrolled: TO_ENROL, on the R10 screening list
    issued: ['530102', '1983-11-21', 22],
    disabilityLevel: 3,
    pensionStatus: 'NOT_ENROLLED',
    entries: [['DIBAO', '530102', '2021-06-01']],
  },
  {
    name: '孙志强', // 49, on two rosters: counted once as RETURNED_POVERTY in 宜良县 (R8), 180.00 there
    issued: ['530102', '1975-04-01', 1],
    pensionStatus: 'CONTRIBUTING',
    entries: [
      ['DIBAO', '530102', '2018-05-20'],
      ['RETURNED_POVERTY', '530125', '2022-03-15'],
    ],
    payments: [[2024, '180.00', '2024-06-20']],
  },
  {
    name: '李桂英', // 66, drawing a pension: INELIGIBLE (R4)
    issued: ['530102', '1958-02-14', 24],
    pensionStatus: 'RECEIVING',
    entries: [['TEKUN', '530102', '2016-08-01']],
  },
  {
    name: '黄伟', // level 4, left the roster in 2020: INELIGIBLE, still seen by the Disabled Persons' Federation
    issued: ['530102', '1969-10-30', 15],
    disabilityLevel: 4,
    pensionStatus: 'CONTRIBUTING',
    entries: [['DIBAO', '530102', '2015-01-10', '2020-12-31']],
    payments: [[2020, '100.00', '2020-05-06']],
  },
  // 盘龙区: one of each kind of change between 2024-06-30 and 2024-12-30 (R3).
  {
    name: '周海燕', // 34, level 4, contributions suspended: ELIGIBLE, not paid yet
    issued: ['530103', '1990-07-19', 26],
    disabilityLevel: 4,
    pensionStatus: 'SUSPENDED',
    entries: [['TEKUN', '530103', '2020-02-10']],
  },
  {
    name: '吴明', // left the DIBAO roster on 2024-09-15, before the cut-off: removed, INELIGIBLE for 2024
    issued: ['530103', '1979-12-05', 17],
    pensionStatus: 'CONTRIBUTING',
    entries: [['DIBAO', '530103', '2017-09-01', '2024-09-15']],
    payments: [[2023, '100.00', '2023-05-10']],
  },
  {
    name: '郑丽', // recognised 2024-11-05, after the cut-off: added, NEXT_YEAR (R2)
    issued: ['530103', '1995-01-27', 28],
    pensionStatus: 'NOT_ENROLLED',
    entries: [['DIBAO', '530103', '2024-11-05']],
  },
  {
    name: '王磊', // DIBAO, then also RETURNED_POVERTY from 2024-08-01: changed category
    issued: ['530103', '1986-05-11', 19],
    pensionStatus: 'CONTRIBUTING',
    entries: [
      ['DIBAO', '530103', '2019-04-01'],
      ['RETURNED_POVERTY', '530103', '2024-08-01'],
    ],
    payments: [[2024, '100.00', '2024-09-10']],
  },
  // Other counties.
  {
    name: '陈娟', // 56, RETURNED_POVERTY in 宜良县 (standard 180.00, city 60%)
    issued: ['530125', '1968-09-03', 20],
    pensionStatus: 'CONTRIBUTING',
    entries: [['RETURNED_POVERTY', '530125', '2021-04-01']],
    payments: [[2024, '180.00', '2024-05-08']],
  },
  {
    name: '刘勇', // 25, in the employee pension: INELIGIBLE
    issued: ['530128', '1999-06-30', 31],
    pensionStatus: 'EMPLOYEE_PENSION',
    entries: [['RETURNED_POVERTY', '530128', '2020-07-01']],
  },
  {
    name: '杨芳', // ID number with the old area code 530122 (晋宁县), county 530115 from the roster; level 3
    issued: ['530122', '1988-12-12', 42],
    disabilityLevel: 3,
    pensionStatus: 'CONTRIBUTING',
    entries: [['TEKUN', '530115', '2019-11-20']],
    payments: [[2024, '100.00', '2024-03-15']],
  },
  {
    name: '马小龙', // 7: too young to contribute, INELIGIBLE (R4)
    issued: ['530111', '2017-08-08', 33],
    pensionStatus: 'NOT_ENROLLED',
    entries: [['DIBAO', '530111', '2022-01-01']],
  },
  {
    name: '何平', // 44, left the resident pension: INELIGIBLE
    issued: ['530181', '1980-01-15', 35],
    pensionStatus: 'TERMINATED',
    entries: [['DIBAO', '530181', '2023-03-01']],
  },
];

function toPerson(spec: DemoPersonSpec): DemoPerson {
  const idNumber = IdNumber.compose(...spec.issued);
  return {
    idNumber: idNumber.value,
    name: spec.name,
    gender: idNumber.gender,
    birthDate: idNumber.birthDate,
    disabilityLevel: spec.disabilityLevel ?? null,
    pensionStatus: spec.pensionStatus,
    entries: spec.entries.map(([category, county, recognizedOn, exitedOn]) => ({
      category,
      county,
      recognizedOn,
      exitedOn: exitedOn ?? null,
    })),
    payments: (spec.payments ?? []).map(([year, amount, paidOn]) => ({ year, amount, paidOn })),
  };
}

export interface DemoCity {
  persons: DemoPerson[];
  fundingRules: DemoFundingRule[];
}

/** The demo city, persons in the order they are created (the order of `persons` pages). */
export function demoCity(): DemoCity {
  return {
    persons: PEOPLE.map(toPerson),
    // 宜良县 pays a higher standard in 2024 with a 60% city share (R1, R5); everywhere else 100.00 and 50%.
    fundingRules: [{ county: '530125', year: 2024, standard: '180.00', cityShare: '0.6' }],
  };
}
