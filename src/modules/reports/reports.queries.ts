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
    return serialRows<TrendCellRow>(this.db, dispatchTrendSql(query.months, query.precedence, query.county));
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
 * today's pension status), shaped as the bench's limit SQL: the persons first (level, age and status tests on
 * the person row, the viewer's row rule), then one min() of the precedence rank over their entries active on
 * the cut-off, instead of the generic decisions pipeline (DISTINCT ON, money columns) for them.
 */
export function screeningSql(query: ScreeningQuery): SqlFragment {
  const cutOff = cutOffDate(query.year);
  const entry = sql.raw('entry');
  return sql`
    with disabled as (
      select person.id, person.id_number, person.name, person.gender, person.birth_date, person.disability_level, person.pension_status
      from person
      where person.disability_level in (3, 4) and person.pension_status in ${ELIGIBLE_PENSION_STATUSES_SQL}
        and ${contributingAgeSql(query.year, sql`person.birth_date`)}
        and ${visiblePersonPredicate(query.viewer, sql.raw('person'), query.currentYear)}
    ),
    counted as (
      select entry.person_id, min(${rankSql(query.precedence, sql`entry.category`)}) as rank
      from roster_entry entry join disabled on disabled.id = entry.person_id
      where ${activeOnSql(entry, cutOff)}
      group by entry.person_id
      ${query.county === null ? sql`` : sql`having bool_or(entry.county = ${query.county})`}
    )
    select disabled.id, disabled.id_number as "idNumber", disabled.name, disabled.gender, disabled.birth_date as "birthDate",
           disabled.disability_level as "disabilityLevel", disabled.pension_status as "pensionStatus",
           ${categoryOfRankSql(query.precedence, sql`counted.rank`)} as "countedCategory"
    from counted join disabled on disabled.id = counted.person_id`;
}
