import type { Viewer } from '../../shared/auth';
import { ROSTER_OWNER, type HardshipCategory } from '../../shared/domain';
import { ForbiddenError } from '../../shared/errors';

/**
 * Who may submit which roster (DESIGN.md §6): the department that keeps the category (§三(二)4),
 * and a county-level user only for its own county. Shared by submitRoster and the file import.
 */
export function assertMaySubmitRoster(viewer: Viewer, category: HardshipCategory, county: string): void {
  if (ROSTER_OWNER[category] !== viewer.department) {
    throw new ForbiddenError(`Your department may not submit the ${category} roster; it is kept by ${ROSTER_OWNER[category]}`);
  }
  if (viewer.county !== null && viewer.county !== county) {
    throw new ForbiddenError(`A county-level user may submit rosters only for its own county (${viewer.county})`);
  }
}
