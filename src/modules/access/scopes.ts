import { isCityLevel, type Viewer } from '../../shared/auth';
import type { Department } from '../../shared/domain';
import type { Grant } from './permission-table';

// The permission table in Federation's terms (docs/federation.md, "Scopes"): a router that knows the
// caller's scopes enforces the same grants before it calls the subgraph. One scope per department and
// one for city level; a grant is "any of its departments", a cityOnly grant "department and city level".
// @requiresScopes reads [[a, b], [c]] as (a and b) or c.

export const CITY_LEVEL_SCOPE = 'level:city';
export const COUNTY_LEVEL_SCOPE = 'level:county';

export function departmentScope(department: Department): string {
  return `department:${department}`;
}

/** The scopes a router must require for a grant: one alternative per department. */
export function requiredScopes(grant: Grant): string[][] {
  return grant.departments.map((department) =>
    grant.cityOnly ? [departmentScope(department), CITY_LEVEL_SCOPE] : [departmentScope(department)],
  );
}

/** The scopes a viewer holds, e.g. ["department:TAX", "level:county"]: what a router's token must carry. */
export function viewerScopes(viewer: Viewer): string[] {
  return [departmentScope(viewer.department), isCityLevel(viewer) ? CITY_LEVEL_SCOPE : COUNTY_LEVEL_SCOPE];
}
