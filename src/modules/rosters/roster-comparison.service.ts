import { requireViewer, type UseCaseContext } from '../../shared/use-case';
import type { HardshipCategory } from '../../shared/domain';
import { ProblemList } from '../../shared/errors';
import { checkFirst, decodeKeyCursor, encodeKeyCursor, MAX_UNPAGED_LIST, pageOf, wholeListOf } from '../../shared/paging';
import { checkCounty } from '../reports/report-arguments';
import { assertMayCompareCategory, countyInScope } from '../access/row-scope';
import {
  RosterComparisonQueries,
  type ComparisonKey,
  type ComparisonKind,
  type ComparisonQuery,
  type ComparisonRow,
} from './roster-comparison.queries';
import type { ComparisonEntryConnection, ComparisonEntryNode, RosterComparisonNode } from './roster-comparison.types';

const CURSOR_TAG = 'comparison';
const KEY = /^(ADDED|REMOVED|CHANGED)\/(\d{17}[\dX])$/;
const LIST_FIELDS: Record<ComparisonKind, string> = { ADDED: 'added', REMOVED: 'removed', CHANGED: 'changed' };

function entryOf({ kind, idNumber, name, county, before, after }: ComparisonRow): ComparisonEntryNode {
  return { kind, idNumber, name, county, before, after };
}

function keyOf(cursor: string): ComparisonKey | null {
  const match = KEY.exec(decodeKeyCursor(CURSOR_TAG, cursor, (key) => KEY.test(key)) ?? '');
  return match ? { kind: match[1] as ComparisonKind, idNumber: match[2]! } : null;
}

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
    const query: ComparisonQuery = {
      from,
      to,
      precedence: this.context.settings.precedence,
      viewer,
      category,
      county: countyInScope(viewer, county),
    };
    const queries = new RosterComparisonQueries(this.context.db.analystReads());
    let lists: Promise<ComparisonRow[]> | null = null;
    return {
      list: async (kind) => {
        lists ??= queries.firstOfEachKind(query, MAX_UNPAGED_LIST + 1);
        const rows = (await lists).filter((row) => row.kind === kind);
        return wholeListOf(rows, `rosterComparison.${LIST_FIELDS[kind]}`, `rosterComparison.entries(kind: ${kind}, first, after)`).map(
          entryOf,
        );
      },
      page: (kind, first, after) => this.page(queries, query, kind, first, after),
    };
  }

  private async page(
    queries: RosterComparisonQueries,
    query: ComparisonQuery,
    kind: ComparisonKind | null,
    first: number,
    after: string | null,
  ): Promise<ComparisonEntryConnection> {
    const problems = new ProblemList();
    checkFirst(first, problems);
    const afterKey = after === null ? null : keyOf(after);
    if (after !== null && afterKey === null) problems.add('after', 'is not a cursor returned by this API');
    problems.throwIfAny();
    const { rows, hasNextPage } = pageOf(await queries.page(query, kind, first + 1, afterKey), first);
    const edges = rows.map((row) => ({ cursor: encodeKeyCursor(CURSOR_TAG, `${row.kind}/${row.idNumber}`), node: entryOf(row) }));
    return {
      edges,
      pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
      countTotal: () => queries.count(query, kind),
    };
  }
}
