import type { IsoDate } from '../../shared/dates';
import type { HardshipCategory } from '../../shared/domain';
import { CONTRIBUTING_AGE } from '../../shared/domain';
import { sql, type QueryRunner, type SqlFragment } from '../../shared/sql';
import { decisionsSql } from '../eligibility/eligibility.queries';
import type { StatisticsDimension } from './domain/dimensions';

export interface StatisticsRow {
  /** PostgreSQL grouping(): bit set = that dimension summed over (first dimension = highest bit). */
  grouping: number;
  values: Array<string | null>;
  persons: number;
  /** Persons with an amount (status ELIGIBLE or TO_ENROL). */
  paid: number;
  amount: string;
}

export interface StatisticsQuery {
  year: number;
  /** Entries active on this date make the population; with `statusOn`, statuses as they stood on it. */
  countedOn: IsoDate;
  statusOn: IsoDate | null;
  precedence: readonly HardshipCategory[];
  groupBy: readonly StatisticsDimension[];
  /** For each dimension grouped or filtered: the values allowed (scope ∩ filter), as text. */
  allowed: ReadonlyMap<StatisticsDimension, readonly string[]>;
  /** The viewer's row rule on `person` (alias), from access/row-scope. */
  visible: SqlFragment;
}

const { from: YOUNGEST, to: OLDEST } = CONTRIBUTING_AGE;

/** Each dimension as text over `decision` and `person`; the age band reads R4's ages (16–59) from the one constant. */
function dimensionSql(dimension: StatisticsDimension, year: number): SqlFragment {
  switch (dimension) {
    case 'COUNTY':
      return sql`decision.county::text`;
    case 'COUNTED_CATEGORY':
      return sql`decision.counted_category::text`;
    case 'ELIGIBILITY_STATUS':
      return sql`decision.status::text`;
    case 'GENDER':
      return sql`person.gender::text`;
    case 'AGE_BAND': {
      const age = sql`(${year}::int - extract(year from person.birth_date)::int)`;
      return sql`(case when ${age} < ${YOUNGEST}::int then 'UNDER_16'
                       when ${age} < 30 then 'AGE_16_29'
                       when ${age} < 45 then 'AGE_30_44'
                       when ${age} <= ${OLDEST}::int then 'AGE_45_59'
                       else 'AGE_60_PLUS' end)`;
    }
    case 'DISABILITY_LEVEL':
      return sql`coalesce(person.disability_level, 0)::text`;
    case 'PENSION_STATUS':
      return sql`decision.pension_status::text`;
  }
}

export class StatisticsQueries {
  constructor(private readonly db: QueryRunner) {}

  /**
   * One statement: the population (persons with a counted category, after R8, in the viewer's rows and
   * the filter), grouped by the dimensions with every margin (group by cube). Empty groups are absent.
   */
  async table(query: StatisticsQuery): Promise<StatisticsRow[]> {
    const columns = query.groupBy.map((dimension, index) => sql`${dimensionSql(dimension, query.year)} as ${sql.raw(`d${index}`)}`);
    const restrictions = [...query.allowed.entries()].map(
      ([dimension, values]) => sql`${dimensionSql(dimension, query.year)} = any(${[...values]}::text[])`,
    );
    const names = query.groupBy.map((_, index) => sql.raw(`d${index}`));
    const grouped = names.length === 0 ? sql`0` : sql`grouping(${sql.join(names, ', ')})`;
    const groupBy = names.length === 0 ? sql`` : sql`group by cube(${sql.join(names, ', ')})`;
    const rows = await this.db.rows<{ grouping: number; values: Array<string | null>; persons: number; paid: number; amount: string }>(sql`
      with decision as (${decisionsSql({
        year: query.year,
        precedence: query.precedence,
        countedOn: query.countedOn,
        onRosterOnly: query.statusOn !== null,
        ...(query.statusOn === null ? {} : { pensionStatusOn: query.statusOn }),
      })}),
      population as (
        select ${sql.join([...columns, sql`decision.amount`], ', ')}
        from decision join person on person.id = decision.person_id
        where decision.counted_category is not null and ${query.visible}
          ${restrictions.length === 0 ? sql`` : sql`and ${sql.join(restrictions, ' and ')}`}
      )
      select ${grouped}::int as grouping,
             ${names.length === 0 ? sql`array[]::text[]` : sql`array[${sql.join(names, ', ')}]::text[]`} as values,
             count(*)::int as persons,
             count(*) filter (where amount > 0)::int as paid,
             coalesce(sum(amount), 0)::numeric(14,2)::text as amount
      from population
      ${groupBy}`);
    return rows;
  }
}
