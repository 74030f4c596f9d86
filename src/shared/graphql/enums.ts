import { registerEnumType } from 'type-graphql';
import { DEPARTMENTS, ELIGIBILITY_STATUSES, HARDSHIP_CATEGORIES, PENSION_STATUSES } from '../domain';

// type-graphql registers enums from objects; these mirror the domain's string unions exactly.
function enumObject<T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K };
}

export const DepartmentEnum = enumObject(DEPARTMENTS);
export const HardshipCategoryEnum = enumObject(HARDSHIP_CATEGORIES);
export const PensionStatusEnum = enumObject(PENSION_STATUSES);
export const EligibilityStatusEnum = enumObject(ELIGIBILITY_STATUSES);

registerEnumType(DepartmentEnum, { name: 'Department', description: 'The six departments of the policy, at city and county level' });
registerEnumType(HardshipCategoryEnum, { name: 'HardshipCategory', description: 'Identity category of a hardship roster' });
registerEnumType(PensionStatusEnum, { name: 'PensionStatus', description: 'Resident pension enrolment status' });
registerEnumType(EligibilityStatusEnum, { name: 'EligibilityStatus', description: 'Outcome of the eligibility rules for a year' });
