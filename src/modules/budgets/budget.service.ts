import { requireViewer, type UseCaseContext } from '../../shared/use-case';
import { ProblemList } from '../../shared/errors';
import { Money } from '../../shared/money';
import { checkCounty, checkYear } from '../reports/report-arguments';
import { budgetDepartmentInScope, countyInScope } from '../access/row-scope';
import { BudgetsQueries } from './budgets.queries';
import type { BudgetNode } from './budget.types';

export class BudgetService {
  constructor(private readonly context: UseCaseContext) {}

  async budget(year: number, county: string | null): Promise<BudgetNode> {
    const viewer = requireViewer(this.context);
    const problems = new ProblemList();
    checkYear(year, problems);
    checkCounty(county, problems);
    problems.throwIfAny();
    const lines = await new BudgetsQueries(this.context.db.analystReads()).lines({
      year,
      precedence: this.context.settings.precedence,
      county: countyInScope(viewer, county),
      department: budgetDepartmentInScope(viewer),
    });
    const amount = lines.reduce((sum, line) => sum.plus(Money.parse(line.amount)), Money.ZERO);
    return { year, lines, amount: amount.toString() };
  }
}
