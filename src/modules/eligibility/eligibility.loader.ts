import type { QueryRunner } from '../../shared/sql';
import type { HardshipCategory } from '../../shared/domain';
import { SettledLoader } from '../../shared/settled-loader';
import type { UseCaseContext } from '../../shared/use-case';
import { decideEligibility, type EligibilityDecision, type FundingRuleFacts } from './domain/eligibility';
import { EligibilityQueries } from './eligibility.queries';

// Per request: one DataLoader per year; a page of persons costs two statements (facts, funding rules).

export type EligibilityLoaders = (year: number) => SettledLoader<number, EligibilityDecision | null>;

export interface EligibilityContext extends UseCaseContext {
  loaders: { eligibility: EligibilityLoaders };
}

export function createEligibilityLoaders(db: QueryRunner, precedence: readonly HardshipCategory[]): EligibilityLoaders {
  const queries = new EligibilityQueries(db);
  const byYear = new Map<number, SettledLoader<number, EligibilityDecision | null>>();
  const rulesByYear = new Map<number, Promise<FundingRuleFacts[]>>();
  const rulesOf = (year: number): Promise<FundingRuleFacts[]> => {
    if (!rulesByYear.has(year)) rulesByYear.set(year, queries.fundingRules(year));
    return rulesByYear.get(year)!;
  };
  return (year) => {
    let loader = byYear.get(year);
    if (!loader) {
      loader = new SettledLoader<number, EligibilityDecision | null>(async (personIds) => {
        const [facts, fundingRules] = await Promise.all([queries.personFacts(personIds), rulesOf(year)]);
        const byId = new Map(facts.map((row) => [row.id, row]));
        return personIds.map((id) => {
          const row = byId.get(id);
          if (!row) return null;
          return decideEligibility({
            year,
            birthYear: Number(row.birthDate.slice(0, 4)),
            pensionStatus: row.pensionStatus,
            entries: row.entries,
            precedence,
            fundingRules,
          });
        });
      });
      byYear.set(year, loader);
    }
    return loader;
  };
}
