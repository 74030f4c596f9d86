import type { Department, HardshipCategory } from '../../shared/domain';
import { sql, type QueryRunner } from '../../shared/sql';
import { cutOffDate } from '../../shared/dates';
import { DEFAULT_CITY_SHARE_BASIS_POINTS, DEFAULT_STANDARD } from '../eligibility/domain/eligibility';
import {
  activeOnSql,
  contributingAgeSql,
  countyOffset,
  countyOfOffsetSql,
  KEY_RANK,
  packedKeySql,
  serialRows,
} from '../reports/report-sql';

const DEFAULT_STANDARD_SQL = sql.raw(`${DEFAULT_STANDARD}::numeric(12,2)`);
const DEFAULT_CITY_SHARE_SQL = sql.raw(String(DEFAULT_CITY_SHARE_BASIS_POINTS / 10000));

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

  /**
   * R1/R5/R9 after R8, one statement (shaped for its output, report-sql.ts): the eligible persons
   * (ELIGIBLE or TO_ENROL on the cut-off, today's pension status) counted per county and funding
   * department, times the county's rule. Exact: everyone in a line has the same standard and the same
   * rounded city share, so the sum of per-person rounded shares is the count times the rounded share.
   */
  lines(query: BudgetQuery): Promise<BudgetLineRow[]> {
    const cutOff = cutOffDate(query.year);
    const entry = sql.raw('entry');
    const rural = query.precedence.indexOf('RETURNED_POVERTY');
    const offset = countyOffset(query.county);
    const personsInCounty =
      query.county === null
        ? sql`true`
        : sql`entry.person_id in (select in_county.person_id from roster_entry in_county where in_county.county = ${query.county})`;
    const department = sql`case when k / ${sql.raw(String(KEY_RANK))} = ${rural} then 'RURAL_REVITALIZATION' else 'CIVIL_AFFAIRS' end`;
    return serialRows<BudgetLineRow>(
      this.db,
      sql`
      with counted as (
        select entry.person_id, min(${packedKeySql(query.precedence, entry)}) as k
        from roster_entry entry
        where ${activeOnSql(entry, cutOff)} and ${personsInCounty}
        group by entry.person_id
      ),
      lines as (
        select (k % 1000)::int as county_offset, ${department} as department, count(*) as persons
        from counted join person on person.id = counted.person_id
        where ${contributingAgeSql(query.year, sql`person.birth_date`)}
          and person.pension_status in ('NOT_ENROLLED', 'CONTRIBUTING', 'SUSPENDED')
          and ${offset === null ? sql`true` : sql`k % 1000 = ${offset}`}
        group by 1, 2
      ),
      priced as (
        select lines.*, coalesce(rule.standard, ${DEFAULT_STANDARD_SQL}) as standard,
               -- R5: half-up to the cent (numeric round is half away from zero; amounts are never negative)
               round(coalesce(rule.standard, ${DEFAULT_STANDARD_SQL}) * coalesce(rule.city_share, ${DEFAULT_CITY_SHARE_SQL}), 2) as city
        from lines left join funding_rule rule on rule.county = ${countyOfOffsetSql(sql`lines.county_offset`)} and rule.year = ${query.year}
      )
      select ${countyOfOffsetSql(sql`county_offset`)} as county, department, persons::int as persons,
             (persons * standard)::numeric(14,2)::text as amount, (persons * city)::numeric(14,2)::text as "cityShare",
             (persons * (standard - city))::numeric(14,2)::text as "countyShare"
      from priced
      where ${query.department === null ? sql`true` : sql`department = ${query.department}`}
      order by 1, 2`,
    );
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
