import type { RequestContext } from '../../app/context';
import { requireViewer } from '../../app/context';
import type { HardshipCategory } from '../../shared/domain';
import { ForbiddenError, ProblemList } from '../../shared/errors';
import { sql } from '../../shared/sql';
import { entryScope, visibleCategories } from '../access/row-filters';
import { checkCounty, countyInScope } from '../reports/report-arguments';
import { RosterComparisonQueries } from './roster-comparison.queries';
import type { ComparisonEntryNode, RosterComparisonNode } from './roster-comparison.types';

export class RosterComparisonService {
  constructor(private readonly context: RequestContext) {}

  /** R3 between `from` and `to` over the entries the viewer may see, optionally one category. */
  async compare(from: string, to: string, county: string | null, category: HardshipCategory | null): Promise<RosterComparisonNode> {
    const viewer = requireViewer(this.context);
    const problems = new ProblemList();
    if (from > to) problems.add('from', `must not be after "to" (${from} > ${to})`);
    checkCounty(county, problems);
    problems.throwIfAny();
    const categories = visibleCategories(viewer);
    if (category !== null && categories !== null && !categories.includes(category)) {
      throw new ForbiddenError(`Your department may not compare the ${category} roster`);
    }
    const entry = sql.raw('entry');
    const entryFilter = category === null ? entryScope(viewer, entry) : sql`${entryScope(viewer, entry)} and entry.category = ${category}`;
    const rows = await new RosterComparisonQueries(this.context.db).compare({
      from,
      to,
      precedence: this.context.settings.precedence,
      entryFilter,
      county: countyInScope(viewer, county),
    });
    const pick = (kind: string): ComparisonEntryNode[] =>
      rows
        .filter((row) => row.kind === kind)
        .map(({ idNumber, name, county: rowCounty, before, after }) => ({ idNumber, name, county: rowCounty, before, after }));
    return { added: pick('ADDED'), removed: pick('REMOVED'), changed: pick('CHANGED') };
  }
}
