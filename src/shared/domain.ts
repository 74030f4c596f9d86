// The vocabulary of the policy (DESIGN.md §2). Plain constants: the domain imports nothing else.

export const DEPARTMENTS = ['HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION', 'DISABLED_FEDERATION', 'FINANCE', 'TAX'] as const;
export type Department = (typeof DEPARTMENTS)[number];

export const HARDSHIP_CATEGORIES = ['DIBAO', 'TEKUN', 'RETURNED_POVERTY'] as const;
export type HardshipCategory = (typeof HARDSHIP_CATEGORIES)[number];

export const PENSION_STATUSES = ['NOT_ENROLLED', 'CONTRIBUTING', 'SUSPENDED', 'RECEIVING', 'EMPLOYEE_PENSION', 'TERMINATED'] as const;
export type PensionStatus = (typeof PENSION_STATUSES)[number];

export const ELIGIBILITY_STATUSES = ['ELIGIBLE', 'TO_ENROL', 'NEXT_YEAR', 'INELIGIBLE'] as const;
export type EligibilityStatus = (typeof ELIGIBILITY_STATUSES)[number];

/** Years the policy can be asked about: every year argument and cell outside this is bad input. */
export const POLICY_YEARS = { from: 2000, to: 2100 } as const;

export function isPolicyYear(year: number): boolean {
  return Number.isInteger(year) && year >= POLICY_YEARS.from && year <= POLICY_YEARS.to;
}

/** R4: ages (in the year asked about) at which a person contributes; TypeScript and SQL read this one constant. */
export const CONTRIBUTING_AGE = { from: 16, to: 59 } as const;

/** Which department keeps which roster (§三(二)4). */
export const ROSTER_OWNER: Record<HardshipCategory, Department> = {
  DIBAO: 'CIVIL_AFFAIRS',
  TEKUN: 'CIVIL_AFFAIRS',
  RETURNED_POVERTY: 'RURAL_REVITALIZATION',
};

export function isDepartment(value: unknown): value is Department {
  return typeof value === 'string' && (DEPARTMENTS as readonly string[]).includes(value);
}

/** URL slug of a department's schema view: CIVIL_AFFAIRS -> civil-affairs. */
export function departmentSlug(department: Department): string {
  return department.toLowerCase().replace(/_/g, '-');
}
