import type { Department, HardshipCategory } from '../../shared/domain';
import { sql, type QueryRunner } from '../../shared/sql';
import { decisionsSql, ELIGIBLE_STATUSES_SQL } from '../eligibility/eligibility.queries';

export interface BudgetLineRow {
  county: string;
  department: Department;
  persons: number;
  amount: string;
  cityShare: string;
  countyShare: string;
}

export interface BudgetQuery {
  year: number;
  precedence: readonly HardshipCategory[];
  county: string | null;
  /** Only this department's lines (R9); null = all. */
  department: Department | null;
}

export class BudgetsQueries {
  constructor(private readonly db: QueryRunner) {}

  /** R1/R5/R9 after R8, one statement: per county and funding department, sums of per-person rounded shares. */
  lines(query: BudgetQuery): Promise<BudgetLineRow[]> {
    return this.db.rows<BudgetLineRow>(sql`
      select county, department, count(*)::int as persons,
             sum(amount)::numeric(14,2)::text as amount,
             sum(city_share)::numeric(14,2)::text as "cityShare",
             sum(county_share)::numeric(14,2)::text as "countyShare"
      from (
        select decision.*,
               case when decision.counted_category = 'RETURNED_POVERTY' then 'RURAL_REVITALIZATION' else 'CIVIL_AFFAIRS' end as department
        from (${decisionsSql({ year: query.year, precedence: query.precedence, onRosterOnly: true })}) decision
        where decision.status in ${ELIGIBLE_STATUSES_SQL}
      ) eligible
      where ${query.county === null ? sql`true` : sql`county = ${query.county}`}
        and ${query.department === null ? sql`true` : sql`department = ${query.department}`}
      group by county, department
      order by county, department`);
  }
}

/** Creates or replaces the funding rule of (county, year); true when it was created. */
export async function upsertFundingRule(
  transaction: QueryRunner,
  rule: { county: string; year: number; standard: string; cityShare: string },
  updatedBy: string,
): Promise<boolean> {
  const saved = await transaction.one<{ created: boolean }>(sql`
    insert into funding_rule (county, year, standard, city_share, updated_by)
    values (${rule.county}, ${rule.year}, ${rule.standard}::numeric, ${rule.cityShare}::numeric, ${updatedBy})
    on conflict (county, year) do update
      set standard = excluded.standard, city_share = excluded.city_share, updated_by = excluded.updated_by, updated_at = now()
    returning (xmax = 0) as created`);
  return saved?.created ?? false;
}
