import { isCityLevel, type Viewer } from '../../shared/auth';
import { DEPARTMENTS, type Department } from '../../shared/domain';
import { ForbiddenError } from '../../shared/errors';

// DESIGN.md §4 as data: who may read each field and call each operation. Shield rules and the
// per-department schema views are both derived from this one table; anything not listed is denied.

export interface Grant {
  departments: readonly Department[];
  /** Only city-level users (no county claim). */
  cityOnly?: boolean;
}

const grant = (...departments: Department[]): Grant => ({ departments });
const cityLevel = (...departments: Department[]): Grant => ({ departments, cityOnly: true });
const allBut = (...excluded: Department[]): Grant => ({ departments: DEPARTMENTS.filter((department) => !excluded.includes(department)) });

/** Departments that may read some person rows (FINANCE reads none). */
const PERSON_READERS = allBut('FINANCE');
const REPORT_READERS = grant('HRSS', 'FINANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION', 'DISABLED_FEDERATION');
/** Departments that read some category column of the dispatch report (DISABLED_FEDERATION reads only disabledLevel34). */
const TALLY_READERS = grant('HRSS', 'FINANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION');

export type PermissionTable = Record<string, Record<string, Grant>>;

export const PERMISSIONS: PermissionTable = {
  Query: {
    person: PERSON_READERS,
    persons: PERSON_READERS,
    eligibility: PERSON_READERS,
    budget: grant('HRSS', 'FINANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    dispatchReport: REPORT_READERS,
    dispatchTrend: REPORT_READERS,
    rosterComparison: grant('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    subsidyScreening: grant('HRSS', 'DISABLED_FEDERATION'),
    auditEvents: cityLevel('HRSS'),
  },
  Mutation: {
    submitRoster: grant('CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    recordEnrolment: grant('HRSS'),
    recordProxyPayments: grant('HRSS', 'TAX'),
    setFundingRule: cityLevel('FINANCE', 'HRSS'),
  },
  Person: {
    idNumber: PERSON_READERS,
    name: PERSON_READERS,
    gender: PERSON_READERS,
    birthDate: PERSON_READERS,
    county: PERSON_READERS,
    pensionStatus: PERSON_READERS,
    disabilityLevel: allBut('FINANCE', 'TAX'),
    rosterEntries: grant('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    eligibility: PERSON_READERS,
    payments: grant('HRSS', 'TAX'),
  },
  RosterEntry: {
    category: grant('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    county: grant('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    recognizedOn: grant('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    exitedOn: grant('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
  },
  Eligibility: {
    year: PERSON_READERS,
    status: PERSON_READERS,
    amount: PERSON_READERS,
    countedCategory: allBut('FINANCE', 'TAX'),
    fundingDepartment: allBut('FINANCE', 'TAX'),
    cityShare: allBut('FINANCE', 'TAX'),
    countyShare: allBut('FINANCE', 'TAX'),
    reasons: allBut('FINANCE', 'TAX'),
  },
  Reason: { rule: allBut('FINANCE', 'TAX'), message: allBut('FINANCE', 'TAX') },
  ProxyPayment: { year: grant('HRSS', 'TAX'), amount: grant('HRSS', 'TAX'), paidOn: grant('HRSS', 'TAX'), funder: grant('HRSS', 'TAX') },
  PersonConnection: { edges: PERSON_READERS, pageInfo: PERSON_READERS, totalCount: PERSON_READERS },
  PersonEdge: { cursor: PERSON_READERS, node: PERSON_READERS },
  // Shared by every connection: whoever may read a connection may read its page info.
  PageInfo: { hasNextPage: PERSON_READERS, endCursor: PERSON_READERS },
  CategoryTally: {
    persons: TALLY_READERS,
    eligible: TALLY_READERS,
    enrolled: TALLY_READERS,
    proxyPaid: TALLY_READERS,
    proxyPaidAmount: TALLY_READERS,
    completionRate: TALLY_READERS,
  },
  DispatchRow: {
    county: REPORT_READERS,
    countyName: REPORT_READERS,
    // Every category at once: with a department's own columns it would give another department's
    // figures by difference (DESIGN.md §4), so only the departments that see every column read it.
    all: grant('HRSS', 'FINANCE'),
    dibao: grant('HRSS', 'FINANCE', 'CIVIL_AFFAIRS'),
    tekun: grant('HRSS', 'FINANCE', 'CIVIL_AFFAIRS'),
    returnedPoverty: grant('HRSS', 'FINANCE', 'RURAL_REVITALIZATION'),
    disabledLevel34: grant('HRSS', 'FINANCE', 'DISABLED_FEDERATION'),
  },
  DispatchReport: { month: REPORT_READERS, reportDate: REPORT_READERS, year: REPORT_READERS, rows: REPORT_READERS, total: REPORT_READERS },
  BudgetLine: {
    county: grant('HRSS', 'FINANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    department: grant('HRSS', 'FINANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    persons: grant('HRSS', 'FINANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    amount: grant('HRSS', 'FINANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    cityShare: grant('HRSS', 'FINANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    countyShare: grant('HRSS', 'FINANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
  },
  Budget: {
    year: grant('HRSS', 'FINANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    lines: grant('HRSS', 'FINANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    amount: grant('HRSS', 'FINANCE', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
  },
  ComparisonEntry: {
    idNumber: grant('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    name: grant('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    county: grant('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    before: grant('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    after: grant('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
  },
  RosterComparison: {
    added: grant('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    removed: grant('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    changed: grant('HRSS', 'CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
  },
  ScreeningEntry: {
    person: grant('HRSS', 'DISABLED_FEDERATION'),
    countedCategory: grant('HRSS', 'DISABLED_FEDERATION'),
    disabilityLevel: grant('HRSS', 'DISABLED_FEDERATION'),
  },
  AuditEvent: {
    id: cityLevel('HRSS'),
    at: cityLevel('HRSS'),
    subject: cityLevel('HRSS'),
    department: cityLevel('HRSS'),
    county: cityLevel('HRSS'),
    action: cityLevel('HRSS'),
    operation: cityLevel('HRSS'),
    personCount: cityLevel('HRSS'),
    idNumbers: cityLevel('HRSS'),
    details: cityLevel('HRSS'),
  },
  AuditEventEdge: { cursor: cityLevel('HRSS'), node: cityLevel('HRSS') },
  AuditEventConnection: { edges: cityLevel('HRSS'), pageInfo: cityLevel('HRSS'), totalCount: cityLevel('HRSS') },
  SubmitRosterResult: {
    added: grant('CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    exited: grant('CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
    unchanged: grant('CIVIL_AFFAIRS', 'RURAL_REVITALIZATION'),
  },
};

/**
 * Federation's entity lookup (`_entities`, served only by the subgraph endpoints): whoever may look up a
 * person may resolve Person entities; the row rules of `person(idNumber)` then apply to each one.
 */
export const ENTITY_PERMISSIONS: PermissionTable = {
  Query: { _entities: PERSON_READERS },
};

/**
 * Input fields and arguments that not every caller of an operation may use (schema views drop them;
 * services refuse them), e.g. TAX may not filter persons by disability level.
 */
export const INPUT_PERMISSIONS: PermissionTable = {
  PersonFilter: {
    county: PERSON_READERS,
    category: allBut('FINANCE', 'TAX', 'DISABLED_FEDERATION'),
    disabilityLevels: allBut('FINANCE', 'TAX'),
  },
};

export function isGranted(grantToCheck: Grant | undefined, department: Department, cityLevelViewer: boolean): boolean {
  if (!grantToCheck) return false;
  if (!grantToCheck.departments.includes(department)) return false;
  return !grantToCheck.cityOnly || cityLevelViewer;
}

export function grantFor(typeName: string, fieldName: string): Grant | undefined {
  return PERMISSIONS[typeName]?.[fieldName];
}

/** The grant checked for a viewer (department and level). */
export function isGrantedTo(grantToCheck: Grant | undefined, viewer: Viewer): boolean {
  return isGranted(grantToCheck, viewer.department, isCityLevel(viewer));
}

/** An HTTP route may be called by whoever may call the GraphQL operation it mirrors; others get FORBIDDEN. */
export function assertMayCall(viewer: Viewer, operation: 'Query' | 'Mutation', field: string, refusal: string): void {
  if (!isGrantedTo(grantFor(operation, field), viewer)) throw new ForbiddenError(refusal);
}
