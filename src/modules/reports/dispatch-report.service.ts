import { requireViewer, type UseCaseContext } from '../../shared/use-case';
import { COUNTIES, countyName } from '../../shared/county';
import { cutOffDate, type IsoDate } from '../../shared/dates';
import type { HardshipCategory } from '../../shared/domain';
import { ProblemList } from '../../shared/errors';
import { Money } from '../../shared/money';
import { checkCounty, parseMonth, parseMonthRange } from './report-arguments';
import { countyInScope } from '../access/row-scope';
import { ReportsQueries, type DispatchCellRow } from './reports.queries';
import type { TrendCellRow } from './report-sql';

// R11 monthly dispatch report (调度表), DESIGN.md §5. Also the builder of the file export.

/** The total row's county: Kunming's own code, named 合计 ("total"). */
export const TOTAL_COUNTY = '530100';
export const TOTAL_COUNTY_NAME = '合计';

export interface CategoryTallyData {
  persons: number;
  eligible: number;
  enrolled: number;
  proxyPaid: number;
  /** Yuan with two decimals, "100.00". */
  proxyPaidAmount: string;
  /** R12: proxyPaid / eligible; null when eligible = 0. */
  completionRate: number | null;
}

export interface DispatchRowData {
  county: string;
  countyName: string;
  dibao: CategoryTallyData;
  tekun: CategoryTallyData;
  returnedPoverty: CategoryTallyData;
  all: CategoryTallyData;
  disabledLevel34: number;
}

export interface DispatchReportData {
  month: string;
  reportDate: IsoDate;
  year: number;
  rows: DispatchRowData[];
  total: DispatchRowData;
}

interface Counts {
  persons: number;
  eligible: number;
  enrolled: number;
  proxyPaid: number;
  proxyPaidCents: number;
}

const EMPTY: Counts = { persons: 0, eligible: 0, enrolled: 0, proxyPaid: 0, proxyPaidCents: 0 };

function add(left: Counts, right: Counts): Counts {
  return {
    persons: left.persons + right.persons,
    eligible: left.eligible + right.eligible,
    enrolled: left.enrolled + right.enrolled,
    proxyPaid: left.proxyPaid + right.proxyPaid,
    proxyPaidCents: left.proxyPaidCents + right.proxyPaidCents,
  };
}

function tally(counts: Counts): CategoryTallyData {
  return {
    persons: counts.persons,
    eligible: counts.eligible,
    enrolled: counts.enrolled,
    proxyPaid: counts.proxyPaid,
    proxyPaidAmount: Money.fromCents(counts.proxyPaidCents).toString(),
    completionRate: counts.eligible === 0 ? null : counts.proxyPaid / counts.eligible,
  };
}

interface RowCounts {
  byCategory: Record<HardshipCategory, Counts>;
  disabledLevel34: number;
}

function emptyRow(): RowCounts {
  return { byCategory: { DIBAO: EMPTY, TEKUN: EMPTY, RETURNED_POVERTY: EMPTY }, disabledLevel34: 0 };
}

function toRow(county: string, name: string, counts: RowCounts): DispatchRowData {
  const { DIBAO, TEKUN, RETURNED_POVERTY } = counts.byCategory;
  return {
    county,
    countyName: name,
    dibao: tally(DIBAO),
    tekun: tally(TEKUN),
    returnedPoverty: tally(RETURNED_POVERTY),
    all: tally(add(add(DIBAO, TEKUN), RETURNED_POVERTY)),
    disabledLevel34: counts.disabledLevel34,
  };
}

/** Report date Y-M-15; population date = report date for Jan–Oct, Y-10-31 for Nov–Dec (DESIGN.md §5). */
export function dispatchDates(year: number, month: number): { reportDate: IsoDate; populationDate: IsoDate } {
  const reportDate = `${year}-${String(month).padStart(2, '0')}-15`;
  return { reportDate, populationDate: month >= 11 ? cutOffDate(year) : reportDate };
}

/** Assembles the report from the SQL cells: a row for each county in scope (zeros too) and a total. */
export function assembleDispatchReport(
  month: string,
  year: number,
  reportDate: IsoDate,
  counties: readonly string[],
  cells: readonly DispatchCellRow[],
): DispatchReportData {
  const perCounty = new Map<string, RowCounts>(counties.map((code) => [code, emptyRow()]));
  for (const cell of cells) {
    const row = perCounty.get(cell.county);
    if (!row) continue;
    row.byCategory[cell.category] = {
      persons: cell.persons,
      eligible: cell.eligible,
      enrolled: cell.enrolled,
      proxyPaid: cell.proxyPaid,
      proxyPaidCents: Money.parse(cell.proxyPaidAmount).cents,
    };
    row.disabledLevel34 += cell.disabledLevel34;
  }
  const total = emptyRow();
  for (const row of perCounty.values()) {
    for (const category of ['DIBAO', 'TEKUN', 'RETURNED_POVERTY'] as const)
      total.byCategory[category] = add(total.byCategory[category], row.byCategory[category]);
    total.disabledLevel34 += row.disabledLevel34;
  }
  return {
    month,
    reportDate,
    year,
    rows: counties.map((code) => toRow(code, countyName(code), perCounty.get(code)!)),
    total: toRow(TOTAL_COUNTY, TOTAL_COUNTY_NAME, total),
  };
}

/**
 * The dispatch report of `month` ("YYYY-MM") for every county (or one). County-level viewers get only
 * their county's row and a total of it. One SQL statement; depends only on entry dates and paidOn.
 */
export async function buildDispatchReport(context: UseCaseContext, month: string, county: string | null): Promise<DispatchReportData> {
  const viewer = requireViewer(context);
  const problems = new ProblemList();
  const parsed = parseMonth(month, problems);
  checkCounty(county, problems);
  problems.throwIfAny();
  const scope = countyInScope(viewer, county);
  const { year, month: monthNumber } = parsed!;
  const { reportDate, populationDate } = dispatchDates(year, monthNumber);
  const cells = await new ReportsQueries(context.db).dispatchCells({
    year,
    reportDate,
    populationDate,
    precedence: context.settings.precedence,
    county: scope,
  });
  const counties = scope === null ? COUNTIES.map((entry) => entry.code) : [scope];
  return assembleDispatchReport(month, year, reportDate, counties, cells);
}

/** "YYYY-MM" of a year and month. */
function monthText(year: number, month: number): string {
  return `${year}-${String(month).padStart(2, '0')}`;
}

/**
 * Trends (issue 13 point 3): the dispatch report of every month from `from` to `to` ("YYYY-MM", at most
 * MAX_TREND_MONTHS), each exactly as `buildDispatchReport` gives it for that month (same rows, total,
 * rules and county scope), computed in ONE statement over all the months. One DispatchReportData per
 * month, in month order.
 */
export async function buildDispatchTrend(
  context: UseCaseContext,
  from: string,
  to: string,
  county: string | null,
): Promise<DispatchReportData[]> {
  const viewer = requireViewer(context);
  const problems = new ProblemList();
  const months = parseMonthRange(from, to, problems);
  checkCounty(county, problems);
  problems.throwIfAny();
  const scope = countyInScope(viewer, county);
  const dated = months.map(({ year, month }) => ({ year, month, ...dispatchDates(year, month) }));
  const cells = await new ReportsQueries(context.db).dispatchTrendCells({
    months: dated.map(({ year, reportDate, populationDate }) => ({ year, reportDate, populationDate })),
    precedence: context.settings.precedence,
    county: scope,
  });
  const byMonth: TrendCellRow[][] = dated.map(() => []);
  for (const cell of cells) byMonth[cell.monthIndex]?.push(cell);
  const counties = scope === null ? COUNTIES.map((entry) => entry.code) : [scope];
  return dated.map(({ year, month, reportDate }, index) =>
    assembleDispatchReport(monthText(year, month), year, reportDate, counties, byMonth[index]!),
  );
}
