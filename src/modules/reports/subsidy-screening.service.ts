import { requireViewer, type UseCaseContext } from '../../shared/use-case';
import { yearOf } from '../../shared/dates';
import { ProblemList } from '../../shared/errors';
import { checkCounty, checkYear } from './report-arguments';
import { countyInScope } from '../access/row-scope';
import { ReportsQueries } from './reports.queries';
import type { ScreeningEntryNode } from './subsidy-screening.types';

export class SubsidyScreeningService {
  constructor(private readonly context: UseCaseContext) {}

  /** R10: whom the Disabled Persons' Federation must drop from its own contribution subsidy for `year`. */
  async screen(year: number, county: string | null): Promise<ScreeningEntryNode[]> {
    const viewer = requireViewer(this.context);
    const problems = new ProblemList();
    checkYear(year, problems);
    checkCounty(county, problems);
    problems.throwIfAny();
    const rows = await new ReportsQueries(this.context.db.analystReads()).screening({
      year,
      precedence: this.context.settings.precedence,
      county: countyInScope(viewer, county),
      viewer,
      currentYear: yearOf(this.context.today),
    });
    return rows.map(({ countedCategory, ...person }) => ({ person, countedCategory, disabilityLevel: person.disabilityLevel! }));
  }
}
