import type { RequestContext } from '../../app/context';
import { requireViewer } from '../../app/context';
import type { Viewer } from '../../shared/auth';
import type { Department } from '../../shared/domain';
import { ForbiddenError, ProblemList } from '../../shared/errors';
import { Money } from '../../shared/money';
import { checkCounty, checkYear, countyInScope } from '../reports/report-arguments';
import { BudgetsQueries } from './budgets.queries';
import type { BudgetNode } from './budget.types';

/** HRSS and FINANCE see every line; CIVIL_AFFAIRS and RURAL_REVITALIZATION only their own (DESIGN.md §4). */
function departmentInScope(viewer: Viewer): Department | null {
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

export class BudgetService {
  constructor(private readonly context: RequestContext) {}

  async budget(year: number, county: string | null): Promise<BudgetNode> {
    const viewer = requireViewer(this.context);
    const problems = new ProblemList();
    checkYear(year, problems);
    checkCounty(county, problems);
    problems.throwIfAny();
    const lines = await new BudgetsQueries(this.context.db).lines({
      year,
      precedence: this.context.settings.precedence,
      county: countyInScope(viewer, county),
      department: departmentInScope(viewer),
    });
    const amount = lines.reduce((sum, line) => sum.plus(Money.parse(line.amount)), Money.ZERO);
    return { year, lines, amount: amount.toString() };
  }
}
