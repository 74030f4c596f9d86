import type { Viewer } from '../../shared/auth';
import { cutOffDate } from '../../shared/dates';
import type { HardshipCategory } from '../../shared/domain';
import { sql, type SqlFragment } from '../../shared/sql';

// Row rules of DESIGN.md §4, as SQL predicates applied inside the query (never by dropping rows in Node).

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
  const categories =
    viewer.department === 'CIVIL_AFFAIRS'
      ? CIVIL_AFFAIRS_CATEGORIES
      : viewer.department === 'RURAL_REVITALIZATION'
        ? RURAL_CATEGORIES
        : null;
  const parts: SqlFragment[] = [];
  if (categories) parts.push(sql`${entry}.category = any(${categories})`);
  if (viewer.county !== null) parts.push(sql`${entry}.county = ${viewer.county}`);
  return parts.length === 0 ? sql`true` : sql.join(parts, ' and ');
}

/** SQL that is true when the pension contribution would be proxy-paid or enrolled for `year` (status ELIGIBLE or TO_ENROL). */
export function eligibleOrToEnrolSql(person: SqlFragment, year: number): SqlFragment {
  const cutOff = cutOffDate(year);
  return sql`(
    ${person}.pension_status in ('NOT_ENROLLED', 'CONTRIBUTING', 'SUSPENDED')
    and ${year}::int - extract(year from ${person}.birth_date)::int between 16 and 59
    and exists (select 1 from roster_entry active_entry where active_entry.person_id = ${person}.id
                and active_entry.recognized_on <= ${cutOff}::date
                and (active_entry.exited_on is null or ${cutOff}::date < active_entry.exited_on)))`;
}

/** The viewer's person rows (alias `person`). `year` is the current year, for TAX's rule. */
export function visiblePersonPredicate(viewer: Viewer, person: SqlFragment, year: number): SqlFragment {
  const inScope = sql`exists (select 1 from roster_entry scope_entry where scope_entry.person_id = ${person}.id and ${entryScope(viewer, sql.raw('scope_entry'))})`;
  const countyOnly = viewer.county === null ? sql`true` : inScope;
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
