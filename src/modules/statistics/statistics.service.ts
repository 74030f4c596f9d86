import { isCityLevel, type Viewer } from '../../shared/auth';
import { COUNTIES, isCountyCode } from '../../shared/county';
import { cutOffDate, isIsoDate, type IsoDate } from '../../shared/dates';
import { isPolicyYear, POLICY_YEARS, type HardshipCategory } from '../../shared/domain';
import { ForbiddenError, ProblemList } from '../../shared/errors';
import { sql } from '../../shared/sql';
import { requireViewer, type UseCaseContext } from '../../shared/use-case';
import { visibleCategories, visiblePersonPredicate } from '../access/row-scope';
import {
  ALL_VALUES,
  DEFAULT_MINIMUM_COUNT,
  forbiddenDimensions,
  MAX_GROUP_BY,
  STATISTICS_DIMENSIONS,
  type AgeBand,
  type StatisticsDimension,
} from './domain/dimensions';
import { protectSmallCells } from './domain/small-cells';
import { StatisticsQueries, type StatisticsRow } from './statistics.queries';

// Issue 13 point 1: counts and amounts for analysts, grouped and filtered, under the viewer's row rules,
// with small-cell protection (domain/small-cells.ts). The figures come from one SQL statement.

export interface StatisticsFilterInput {
  counties?: string[] | null;
  categories?: HardshipCategory[] | null;
  statuses?: string[] | null;
  genders?: string[] | null;
  ageBands?: AgeBand[] | null;
  disabilityLevels?: number[] | null;
  pensionStatuses?: string[] | null;
}

export interface StatisticsArguments {
  year: number | null;
  date: IsoDate | null;
  groupBy: readonly StatisticsDimension[];
  filter: StatisticsFilterInput | null;
}

export interface StatisticsCellData {
  county: string | null;
  countedCategory: string | null;
  status: string | null;
  gender: string | null;
  ageBand: string | null;
  disabilityLevel: number | null;
  pensionStatus: string | null;
  /** null when withheld. */
  count: number | null;
  amount: string | null;
  suppressed: boolean;
}

export interface StatisticsData {
  year: number;
  date: IsoDate | null;
  groupBy: StatisticsDimension[];
  minimumCount: number;
  cells: StatisticsCellData[];
  margins: StatisticsCellData[];
  total: StatisticsCellData;
  suppressedCount: number;
}

const FILTER_FIELDS: Record<StatisticsDimension, keyof StatisticsFilterInput> = {
  COUNTY: 'counties',
  COUNTED_CATEGORY: 'categories',
  ELIGIBILITY_STATUS: 'statuses',
  GENDER: 'genders',
  AGE_BAND: 'ageBands',
  DISABILITY_LEVEL: 'disabilityLevels',
  PENSION_STATUS: 'pensionStatuses',
};

type DimensionField = Exclude<keyof StatisticsCellData, 'count' | 'amount' | 'suppressed'>;

const CELL_FIELDS: Record<StatisticsDimension, DimensionField> = {
  COUNTY: 'county',
  COUNTED_CATEGORY: 'countedCategory',
  ELIGIBILITY_STATUS: 'status',
  GENDER: 'gender',
  AGE_BAND: 'ageBand',
  DISABILITY_LEVEL: 'disabilityLevel',
  PENSION_STATUS: 'pensionStatus',
};

/** The values the viewer's rows can hold in a dimension (DESIGN.md §4), before any filter. */
function scopeValues(viewer: Viewer, dimension: StatisticsDimension): readonly string[] {
  switch (dimension) {
    case 'COUNTY':
      return isCityLevel(viewer) ? COUNTIES.map((county) => county.code) : [viewer.county!];
    case 'COUNTED_CATEGORY':
      // CIVIL_AFFAIRS and RURAL_REVITALIZATION get only persons counted under their own categories (R8),
      // as in the dispatch report: a DIBAO person also RETURNED_POVERTY is Rural Revitalization's figure.
      return viewer.department === 'CIVIL_AFFAIRS' || viewer.department === 'RURAL_REVITALIZATION'
        ? visibleCategories(viewer)!
        : ALL_VALUES.COUNTED_CATEGORY;
    case 'DISABILITY_LEVEL':
      return viewer.department === 'DISABLED_FEDERATION' ? ['3', '4'] : ALL_VALUES.DISABILITY_LEVEL;
    default:
      return ALL_VALUES[dimension];
  }
}

function checkArguments(
  viewer: Viewer,
  args: StatisticsArguments,
  currentYear: number,
  problems: ProblemList,
): { year: number; date: IsoDate | null } {
  if (args.year !== null && args.date !== null) problems.add('date', 'give a year or a date, not both');
  let year = args.year ?? currentYear;
  if (args.date !== null) {
    if (!isIsoDate(args.date)) problems.add('date', 'must be a date written YYYY-MM-DD');
    else year = Number(args.date.slice(0, 4));
  }
  if (!isPolicyYear(year)) {
    problems.add(args.date !== null ? 'date' : 'year', `must be in a year from ${POLICY_YEARS.from} to ${POLICY_YEARS.to}`);
  }
  if (args.groupBy.length > MAX_GROUP_BY) problems.add('groupBy', `at most ${MAX_GROUP_BY} dimensions at once`);
  if (new Set(args.groupBy).size !== args.groupBy.length) problems.add('groupBy', 'names a dimension twice');
  for (const dimension of args.groupBy) {
    if (!(STATISTICS_DIMENSIONS as readonly string[]).includes(dimension))
      problems.add('groupBy', `"${String(dimension)}" is not a dimension`);
  }
  const forbidden = forbiddenDimensions(viewer.department);
  for (const dimension of STATISTICS_DIMENSIONS) {
    const asked = args.groupBy.includes(dimension) || args.filter?.[FILTER_FIELDS[dimension]] != null;
    if (asked && forbidden.includes(dimension)) throw new ForbiddenError(`Your department may not split figures by ${dimension}`);
  }
  return { year, date: args.date };
}

/** scope ∩ filter for each dimension; a filter value outside the scope is FORBIDDEN, an unknown one bad input. */
function allowedValues(viewer: Viewer, filter: StatisticsFilterInput | null, problems: ProblemList): Map<StatisticsDimension, string[]> {
  const allowed = new Map<StatisticsDimension, string[]>();
  for (const dimension of STATISTICS_DIMENSIONS) {
    const field = `filter.${FILTER_FIELDS[dimension]}`;
    const scope = scopeValues(viewer, dimension);
    const raw = filter?.[FILTER_FIELDS[dimension]];
    if (raw == null) {
      allowed.set(dimension, [...scope]);
      continue;
    }
    const values = raw.map(String);
    if (values.length === 0) problems.add(field, 'must name at least one value (leave it out for all)');
    const known = dimension === 'COUNTY' ? values.filter(isCountyCode) : values.filter((value) => ALL_VALUES[dimension].includes(value));
    for (const value of values) if (!known.includes(value)) problems.add(field, `"${value}" is not a value of ${dimension}`);
    const outside = known.filter((value) => !scope.includes(value));
    if (outside.length > 0) throw new ForbiddenError(`Your rows hold no ${dimension} ${outside.join(', ')}`);
    // Domain order, duplicates dropped.
    allowed.set(
      dimension,
      scope.filter((value) => known.includes(value)),
    );
  }
  return allowed;
}

function rowKey(mask: number, values: readonly (string | null)[]): string {
  return `${mask}|${values.map((value, index) => (mask & (1 << index) ? value : '')).join('|')}`;
}

/** grouping() numbers the first dimension as the highest bit and sets it when summed over; ours is the reverse. */
function groupedMask(grouping: number, dimensions: number): number {
  let mask = 0;
  for (let index = 0; index < dimensions; index++) if (!(grouping & (1 << (dimensions - 1 - index)))) mask |= 1 << index;
  return mask;
}

export class StatisticsService {
  constructor(private readonly context: UseCaseContext) {}

  async statistics(args: StatisticsArguments): Promise<StatisticsData> {
    const viewer = requireViewer(this.context);
    const problems = new ProblemList();
    const currentYear = Number(this.context.today.slice(0, 4));
    const { year, date } = checkArguments(viewer, args, currentYear, problems);
    const allowed = allowedValues(viewer, args.filter, problems);
    problems.throwIfAny();
    const groupBy = [...args.groupBy];
    const minimumCount = this.context.settings.statisticsMinimumCount ?? DEFAULT_MINIMUM_COUNT;
    const rows = await new StatisticsQueries(this.context.db.analystReads()).table({
      year,
      countedOn: date ?? cutOffDate(year),
      statusOn: date,
      precedence: this.context.settings.precedence,
      groupBy,
      allowed,
      // FINANCE reads no person rows but every budget line and dispatch column: it gets the figures of everyone.
      visible: viewer.department === 'FINANCE' ? sql`true` : visiblePersonPredicate(viewer, sql.raw('person'), currentYear),
    });
    return assemble({ year, date, groupBy, minimumCount, domains: groupBy.map((dimension) => allowed.get(dimension)!), rows });
  }
}

interface AssembleInput {
  year: number;
  date: IsoDate | null;
  groupBy: StatisticsDimension[];
  minimumCount: number;
  domains: string[][];
  rows: readonly StatisticsRow[];
}

/** Every cell and margin of the grouped table (zeros included), with the small-cell protection applied. */
export function assemble(input: AssembleInput): StatisticsData {
  const { groupBy, domains } = input;
  const dimensions = groupBy.length;
  const fullMask = (1 << dimensions) - 1;
  const byKey = new Map<string, StatisticsRow>();
  for (const row of input.rows) byKey.set(rowKey(groupedMask(row.grouping, dimensions), row.values), row);
  const sizes = domains.map((values) => values.length);
  const cellCount = sizes.reduce((product, size) => product * size, 1);
  const keyOf = (cell: number): number[] => {
    const key = new Array<number>(dimensions).fill(0);
    let rest = cell;
    for (let index = dimensions - 1; index >= 0; index--) {
      key[index] = rest % sizes[index]!;
      rest = Math.floor(rest / sizes[index]!);
    }
    return key;
  };
  const valuesOf = (mask: number, key: readonly number[]) =>
    key.map((position, index) => (mask & (1 << index) ? domains[index]![position]! : null));
  const full = Array.from({ length: cellCount }, (_, cell) => byKey.get(rowKey(fullMask, valuesOf(fullMask, keyOf(cell)))));
  const protection = protectSmallCells(
    { sizes, persons: full.map((row) => row?.persons ?? 0), paid: full.map((row) => row?.paid ?? 0) },
    input.minimumCount,
  );
  const cellOf = (mask: number, key: readonly number[]): StatisticsCellData => {
    const values = valuesOf(mask, key);
    const row = byKey.get(rowKey(mask, values));
    const suppressed = protection.isSuppressed(mask, key);
    const cell: StatisticsCellData = {
      county: null,
      countedCategory: null,
      status: null,
      gender: null,
      ageBand: null,
      disabilityLevel: null,
      pensionStatus: null,
      count: suppressed ? null : (row?.persons ?? 0),
      amount: suppressed ? null : (row?.amount ?? '0.00'),
      suppressed,
    };
    groupBy.forEach((dimension, index) => {
      const value = values[index];
      if (value === null || value === undefined) return;
      const field = CELL_FIELDS[dimension];
      if (field === 'disabilityLevel') cell.disabilityLevel = Number(value);
      else cell[field] = value;
    });
    return cell;
  };
  // Margins: every proper, non-empty subset of the dimensions, each over its own values.
  const margins: StatisticsCellData[] = [];
  for (let mask = 1; mask < fullMask; mask++) {
    const marginSizes = sizes.map((size, index) => (mask & (1 << index) ? size : 1));
    const marginCount = marginSizes.reduce((product, size) => product * size, 1);
    for (let position = 0; position < marginCount; position++) {
      const key = new Array<number>(dimensions).fill(0);
      let rest = position;
      for (let index = dimensions - 1; index >= 0; index--) {
        key[index] = rest % marginSizes[index]!;
        rest = Math.floor(rest / marginSizes[index]!);
      }
      margins.push(cellOf(mask, key));
    }
  }
  const cells = dimensions === 0 ? [] : Array.from({ length: cellCount }, (_, cell) => cellOf(fullMask, keyOf(cell)));
  const total = cellOf(0, new Array<number>(dimensions).fill(0));
  return {
    year: input.year,
    date: input.date,
    groupBy,
    minimumCount: input.minimumCount,
    cells,
    margins,
    total,
    suppressedCount: [...cells, ...margins, total].filter((cell) => cell.suppressed).length,
  };
}
