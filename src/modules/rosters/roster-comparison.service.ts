import { requireViewer, type UseCaseContext } from '../../shared/use-case';
import type { HardshipCategory } from '../../shared/domain';
import { ProblemList } from '../../shared/errors';
import { checkCounty } from '../reports/report-arguments';
import { assertMayCompareCategory, countyInScope } from '../access/row-scope';
import { RosterComparisonQueries } from './roster-comparison.queries';
import type { ComparisonEntryNode, RosterComparisonNode } from './roster-comparison.types';

export class RosterComparisonService {
  constructor(private readonly context: UseCaseContext) {}

  /** R3 between `from` and `to` over the entries the viewer may see, optionally one category. */
  async compare(from: string, to: string, county: string | null, category: HardshipCategory | null): Promise<RosterComparisonNode> {
    const viewer = requireViewer(this.context);
    const problems = new ProblemList();
    if (from > to) problems.add('from', `must not be after "to" (${from} > ${to})`);
    checkCounty(county, problems);
    problems.throwIfAny();
    assertMayCompareCategory(viewer, category);
    const rows = await new RosterComparisonQueries(this.context.db.analystReads()).compare({
      from,
      to,
      precedence: this.context.settings.precedence,
      viewer,
      category,
      county: countyInScope(viewer, county),
    });
    const pick = (kind: string): ComparisonEntryNode[] =>
      rows
        .filter((row) => row.kind === kind)
        .map(({ idNumber, name, county: rowCounty, before, after }) => ({ idNumber, name, county: rowCounty, before, after }));
    return { added: pick('ADDED'), removed: pick('REMOVED'), changed: pick('CHANGED') };
  }
}
