import { requireViewer, type UseCaseContext } from '../../shared/use-case';
import { ProblemList } from '../../shared/errors';
import { sql } from '../../shared/sql';
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
      const [saved] = await transaction.rows<{ created: boolean }>(sql`
        insert into funding_rule (county, year, standard, city_share, updated_by)
        values (${county}, ${year}, ${standard}::numeric, ${cityShare}::numeric, ${viewer.subject})
        on conflict (county, year) do update
          set standard = excluded.standard, city_share = excluded.city_share, updated_by = excluded.updated_by, updated_at = now()
        returning (xmax = 0) as created`);
      await writeAuditEvent(transaction, viewer, {
        action: 'SET_FUNDING_RULE',
        operation: this.context.operationName,
        details: { county, year, standard, cityShare, created: saved?.created ?? false },
      });
      return true;
    });
  }
}
