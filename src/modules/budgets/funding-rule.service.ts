import { requireViewer, type UseCaseContext } from '../../shared/use-case';
import { ProblemList } from '../../shared/errors';
import { upsertFundingRule } from './budgets.queries';
import { writeAuditEvent } from '../audit/audit-log';
import { checkFundingRule, type RawFundingRule } from './domain/funding-rule-input';

export class FundingRuleService {
  constructor(private readonly context: UseCaseContext) {}

  /** Creates or replaces the rule of (county, year). */
  async set(input: RawFundingRule): Promise<boolean> {
    const viewer = requireViewer(this.context);
    const problems = new ProblemList();
    const rule = checkFundingRule(input, problems);
    problems.throwIfAny();
    const { county, year, standard, cityShare } = rule!;
    return this.context.db.transaction(async (transaction) => {
      const created = await upsertFundingRule(transaction, { county, year, standard, cityShare }, viewer.subject);
      await writeAuditEvent(transaction, viewer, {
        action: 'SET_FUNDING_RULE',
        operation: this.context.operationName,
        details: { county, year, standard, cityShare, created },
      });
      return true;
    });
  }
}
