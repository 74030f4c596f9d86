import { requireViewer, type UseCaseContext } from '../../shared/use-case';
import { yearOf } from '../../shared/dates';
import { ProblemList } from '../../shared/errors';
import { checkFirst, decodeKeyCursor, encodeKeyCursor, MAX_UNPAGED_LIST, pageOf, wholeListOf } from '../../shared/paging';
import { checkCounty, checkYear } from './report-arguments';
import { countyInScope } from '../access/row-scope';
import { ReportsQueries, type ScreeningQuery, type ScreeningRow } from './reports.queries';
import type { ScreeningEntryConnection, ScreeningEntryNode } from './subsidy-screening.types';

const CURSOR_TAG = 'screening';
const ID_NUMBER_KEY = /^\d{17}[\dX]$/;

function entryOf({ countedCategory, ...person }: ScreeningRow): ScreeningEntryNode {
  return { person, countedCategory, disabilityLevel: person.disabilityLevel! };
}

export class SubsidyScreeningService {
  constructor(private readonly context: UseCaseContext) {}

  /**
   * R10: whom the Disabled Persons' Federation must drop from its own contribution subsidy for `year`:
   * the whole list, up to MAX_UNPAGED_LIST rows (LIST_TOO_LARGE beyond: use `page`).
   */
  async screen(year: number, county: string | null): Promise<ScreeningEntryNode[]> {
    const query = this.query(year, county, new ProblemList());
    const rows = await new ReportsQueries(this.context.db.analystReads()).screening(query, MAX_UNPAGED_LIST + 1);
    return wholeListOf(rows, 'subsidyScreening', 'subsidyScreeningPage(first, after)').map(entryOf);
  }

  /** The same list in ID number order, `first` rows after the cursor `after` (keyset: one statement a page). */
  async page(year: number, county: string | null, first: number, after: string | null): Promise<ScreeningEntryConnection> {
    const problems = new ProblemList();
    checkFirst(first, problems);
    const afterIdNumber = after === null ? null : decodeKeyCursor(CURSOR_TAG, after, (key) => ID_NUMBER_KEY.test(key));
    if (after !== null && afterIdNumber === null) problems.add('after', 'is not a cursor returned by this API');
    const query = this.query(year, county, problems);
    const queries = new ReportsQueries(this.context.db.analystReads());
    const { rows, hasNextPage } = pageOf(await queries.screening(query, first + 1, afterIdNumber), first);
    const edges = rows.map((row) => ({ cursor: encodeKeyCursor(CURSOR_TAG, row.idNumber), node: entryOf(row) }));
    return {
      edges,
      pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
      countTotal: () => queries.screeningCount(query),
    };
  }

  private query(year: number, county: string | null, problems: ProblemList): ScreeningQuery {
    const viewer = requireViewer(this.context);
    checkYear(year, problems);
    checkCounty(county, problems);
    problems.throwIfAny();
    return {
      year,
      precedence: this.context.settings.precedence,
      county: countyInScope(viewer, county),
      viewer,
      currentYear: yearOf(this.context.today),
    };
  }
}
