import { isCityLevel, type Viewer } from '../../shared/auth';
import { cutOffDate } from '../../shared/dates';
import { ROSTER_OWNER, type Department, type HardshipCategory } from '../../shared/domain';
import { ForbiddenError } from '../../shared/errors';
import { CONTRIBUTING_AGE_SQL } from '../../shared/policy-sql';
import { sql, type SqlFragment } from '../../shared/sql';

// Every row and county rule of DESIGN.md §4, in one place: persons, entries, report rows, budget lines,
// mutations' targets and audit reads. SQL predicates are applied inside the query (never by dropping
// rows in Node); the rest are named checks that throw FORBIDDEN.

const CIVIL_AFFAIRS_CATEGORIES: readonly HardshipCategory[] = ['DIBAO', 'TEKUN'];
const RURAL_CATEGORIES: readonly HardshipCategory[] = ['RETURNED_POVERTY'];

/** Roster categories whose entries the viewer may see; null = all. */
export function visibleCategories(viewer: Viewer): readonly HardshipCategory[] | null {
  switch (viewer.department) {
    case 'CIVIL_AFFAIRS':
      return CIVIL_AFFAIRS_CATEGORIES;
    case 'RURAL_REVITALIZATION':
      return RURAL_CATEGORIES;
    case 'HRSS':
      return null;
    default:
      return [];
  }
}

/** Entries (alias `entry`) that count for the viewer's row test: its categories and, at county level, its county. */
export function entryScope(viewer: Viewer, entry: SqlFragment): SqlFragment {
  // Departments that see persons without a roster of their own (TAX, DISABLED_FEDERATION) are limited by county only.
  const categories =
    viewer.department === 'CIVIL_AFFAIRS' || viewer.department === 'RURAL_REVITALIZATION' ? visibleCategories(viewer) : null;
  const parts: SqlFragment[] = [];
  if (categories) parts.push(sql`${entry}.category = any(${categories})`);
  if (!isCityLevel(viewer)) parts.push(sql`${entry}.county = ${viewer.county}`);
  return parts.length === 0 ? sql`true` : sql.join(parts, ' and ');
}

/** SQL that is true when the pension contribution would be proxy-paid or enrolled for `year` (status ELIGIBLE or TO_ENROL). */
export function eligibleOrToEnrolSql(person: SqlFragment, year: number): SqlFragment {
  const cutOff = cutOffDate(year);
  return sql`(
    ${person}.pension_status in ('NOT_ENROLLED', 'CONTRIBUTING', 'SUSPENDED')
    and ${year}::int - extract(year from ${person}.birth_date)::int between ${CONTRIBUTING_AGE_SQL}
    and exists (select 1 from roster_entry active_entry where active_entry.person_id = ${person}.id
                and active_entry.recognized_on <= ${cutOff}::date
                and (active_entry.exited_on is null or ${cutOff}::date < active_entry.exited_on)))`;
}

/** The viewer's person rows (alias `person`). `year` is the current year, for TAX's rule. */
export function visiblePersonPredicate(viewer: Viewer, person: SqlFragment, year: number): SqlFragment {
  const inScope = sql`exists (select 1 from roster_entry scope_entry where scope_entry.person_id = ${person}.id and ${entryScope(viewer, sql.raw('scope_entry'))})`;
  const countyOnly = isCityLevel(viewer) ? sql`true` : inScope;
  switch (viewer.department) {
    case 'HRSS':
      return countyOnly;
    case 'CIVIL_AFFAIRS':
    case 'RURAL_REVITALIZATION':
      return inScope;
    case 'DISABLED_FEDERATION':
      return sql`(${person}.disability_level in (3, 4) and ${countyOnly})`;
    case 'TAX':
      return sql`((exists (select 1 from proxy_payment booked where booked.person_id = ${person}.id)
                   or ${eligibleOrToEnrolSql(person, year)}) and ${countyOnly})`;
    case 'FINANCE':
      return sql`false`;
  }
}

/** Whether every entry of a person is visible to the viewer (city-level HRSS): no entry filter needed. */
export function seesAllEntries(viewer: Viewer): boolean {
  return viewer.department === 'HRSS' && isCityLevel(viewer);
}

/**
 * The county a query is limited to: a county-level viewer is always limited to its own county and
 * asking for another one is FORBIDDEN (not an empty answer, so the mistake is visible); a city-level
 * viewer gets the county it asks for, or all (null).
 */
export function countyInScope(viewer: Viewer, county: string | null | undefined): string | null {
  if (!isCityLevel(viewer)) {
    if (county != null && county !== viewer.county) throw new ForbiddenError(`A county-level user sees only county ${viewer.county}`);
    return viewer.county;
  }
  return county ?? null;
}

/** Budget lines: HRSS and FINANCE see every line; CIVIL_AFFAIRS and RURAL_REVITALIZATION only their own. */
export function budgetDepartmentInScope(viewer: Viewer): Department | null {
  switch (viewer.department) {
    case 'HRSS':
    case 'FINANCE':
      return null;
    case 'CIVIL_AFFAIRS':
    case 'RURAL_REVITALIZATION':
      return viewer.department;
    default:
      throw new ForbiddenError('Your department may not read budgets');
  }
}

/** A roster comparison limited to one category: only a category whose entries the viewer sees. */
export function assertMayCompareCategory(viewer: Viewer, category: HardshipCategory | null): void {
  const categories = visibleCategories(viewer);
  if (category !== null && categories !== null && !categories.includes(category)) {
    throw new ForbiddenError(`Your department may not compare the ${category} roster`);
  }
}

/**
 * Who may submit which roster (DESIGN.md §6): the department that keeps the category (§三(二)4),
 * and a county-level user only for its own county. Shared by submitRoster and the file import.
 */
export function assertMaySubmitRoster(viewer: Viewer, category: HardshipCategory, county: string): void {
  if (ROSTER_OWNER[category] !== viewer.department) {
    throw new ForbiddenError(`Your department may not submit the ${category} roster; it is kept by ${ROSTER_OWNER[category]}`);
  }
  if (!isCityLevel(viewer) && viewer.county !== county) {
    throw new ForbiddenError(`A county-level user may submit rosters only for its own county (${viewer.county})`);
  }
}

/** The audit log: city-level HRSS only (the shield says so too; the service does not rely on it alone). */
export function assertMayReadAuditLog(viewer: Viewer): void {
  if (viewer.department !== 'HRSS' || !isCityLevel(viewer)) throw new ForbiddenError('Only city-level HRSS may read the audit log');
}
