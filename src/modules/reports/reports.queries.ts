import { cutOffDate, type IsoDate } from '../../shared/dates';
import type { HardshipCategory } from '../../shared/domain';
import { sql, type SqlFragment, type QueryRunner } from '../../shared/sql';
import {
  activeOnSql,
  categoryOfRankSql,
  contributingAgeSql,
  ELIGIBLE_PENSION_STATUSES_SQL,
  rankSql,
  dispatchMonthSql,
  dispatchTrendSql,
  serialRows,
  type DispatchCellRow,
  type TrendCellRow,
  type TrendMonth,
} from './report-sql';
import type { PersonRow } from '../people/people.queries';
import type { Viewer } from '../../shared/auth';
import { visiblePersonPredicate } from '../access/row-scope';

/** dispatchTrend: its persons grouped in a hash table (report-sql.ts ReportSettings), with room for it. */
export const TREND_SETTINGS = { hashMemMultiplier: 8, hashedGroups: true } as const;

export type { DispatchCellRow };

export interface DispatchQuery {
  year: number;
  reportDate: IsoDate;
  /** Entries active on this date make the population (report date, or Y-10-31 for Nov/Dec). */
  populationDate: IsoDate;
  precedence: readonly HardshipCategory[];
  county: string | null;
}

export interface DispatchTrendQuery {
  months: readonly TrendMonth[];
  precedence: readonly HardshipCategory[];
  county: string | null;
}

export class ReportsQueries {
  constructor(private readonly db: QueryRunner) {}

  /**
   * R11/R12 in one statement: per county and counted category, the tallies of the dispatch report.
   * Only non-empty cells come back; the service fills the zeros for the 14 counties.
   * Pension statuses are read as they stood on the report date, payments by paidOn <= report date,
   * so a past month's report gives the same figures when computed again later.
   */
  dispatchCells(query: DispatchQuery): Promise<DispatchCellRow[]> {
    const month = { year: query.year, reportDate: query.reportDate, populationDate: query.populationDate };
    return serialRows<DispatchCellRow>(this.db, dispatchMonthSql(month, query.precedence, query.county));
  }

  /** The same tallies for several months, in one pass over each table (report-sql.ts), serial plan; one month is dispatchCells. */
  async dispatchTrendCells(query: DispatchTrendQuery): Promise<TrendCellRow[]> {
    if (query.months.length === 1) {
      const [month] = query.months;
      const cells = await this.dispatchCells({ ...month!, precedence: query.precedence, county: query.county });
      return cells.map((cell) => ({ ...cell, monthIndex: 0 }));
    }
    return serialRows<TrendCellRow>(this.db, dispatchTrendSql(query.months, query.precedence, query.county), TREND_SETTINGS);
  }

  /** At most `limit` rows after the ID number `after` (keyset), in ID number order. */
  screening(query: ScreeningQuery, limit: number, after: string | null = null): Promise<ScreeningRow[]> {
    return this.db.rows<ScreeningRow>(sql`
      select * from (${screeningSql(query)}) screening
      where ${after === null ? sql`true` : sql`screening."idNumber" > ${after}`}
      order by screening."idNumber" limit ${limit}`);
  }

  screeningCount(query: ScreeningQuery): Promise<number> {
    return this.db
      .one<{ count: number }>(sql`select count(*)::int as count from (${screeningSql(query)}) screening`)
      .then((row) => row?.count ?? 0);
  }
}

export interface ScreeningRow extends PersonRow {
  countedCategory: HardshipCategory;
}

export interface ScreeningQuery {
  year: number;
  precedence: readonly HardshipCategory[];
  /** Persons with an entry active on the cut-off in this county; null = all. */
  county: string | null;
  /** Only persons this viewer may see (DESIGN.md §4)… */
  viewer: Viewer;
  /** …as of this year (TAX's rule reads it). */
  currentYear: number;
}

/**
 * R10 in one statement: level 3/4 disabled persons on the year's proxy roster (ELIGIBLE or TO_ENROL on Y-10-31,
 * today's pension status), without the generic decisions pipeline: the level, age and status tests and the
 * viewer's row rule on the person row, then per person one min() of the precedence rank over its entries
 * active on the cut-off, read through the entries' person index (a lateral aggregate), so that a page in ID
 * number order reads the entries of the persons it needs and not the whole roster.
 */
export function screeningSql(query: ScreeningQuery): SqlFragment {
  const cutOff = cutOffDate(query.year);
  const entry = sql.raw('entry');
  return sql`
    select person.id, person.id_number as "idNumber", person.name, person.gender, person.birth_date as "birthDate",
           person.disability_level as "disabilityLevel", person.pension_status as "pensionStatus",
           ${categoryOfRankSql(query.precedence, sql`counted.rank`)} as "countedCategory"
    from person
    cross join lateral (
      select min(${rankSql(query.precedence, sql`entry.category`)}) as rank,
             ${query.county === null ? sql`true` : sql`bool_or(entry.county = ${query.county})`} as in_county
      from roster_entry entry
      where entry.person_id = person.id and ${activeOnSql(entry, cutOff)}
    ) counted
    where person.disability_level in (3, 4) and person.pension_status in ${ELIGIBLE_PENSION_STATUSES_SQL}
      and ${contributingAgeSql(query.year, sql`person.birth_date`)}
      and ${visiblePersonPredicate(query.viewer, sql.raw('person'), query.currentYear)}
      and counted.rank is not null and counted.in_county
    ${
      // With a county the planner cannot see how few persons pass (the test is inside the lateral), and a page would
      // walk the whole ID number index for them (167 ms for one page of a small county at 100,000 persons):
      // fenced, it reads the disabled persons by their index and sorts (14 ms).
      query.county === null ? sql`` : sql`offset 0`
    }`;
}
