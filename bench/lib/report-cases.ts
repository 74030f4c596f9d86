import type { HardshipCategory } from '../../src/shared/domain';
import { MAX_PAGE_SIZE } from '../../src/shared/paging';
import {
  budgetLimitSql,
  comparisonLimitSql,
  dispatchLimitSql,
  screeningLimitSql,
  type BudgetLine,
  type ComparisonItem,
  type DispatchCell,
  type ScreeningItem,
} from './limits';

// The reports the bench times, each as a GraphQL query, its limit SQL, and a normal form of both answers
// that must be equal before timing (test/integration/bench-limits.test.ts checks them on a small city).

interface TallyData {
  persons: number;
  eligible: number;
  enrolled: number;
  proxyPaid: number;
  proxyPaidAmount: string;
}
interface DispatchAnswer {
  dispatchReport: {
    rows: Array<{ county: string; dibao: TallyData; tekun: TallyData; returnedPoverty: TallyData; disabledLevel34: number }>;
  };
}
const tallyFields = 'persons eligible enrolled proxyPaid proxyPaidAmount';

function dispatchFromApi(answer: DispatchAnswer): unknown {
  const keys: Array<['dibao' | 'tekun' | 'returnedPoverty', string]> = [
    ['dibao', 'DIBAO'],
    ['tekun', 'TEKUN'],
    ['returnedPoverty', 'RETURNED_POVERTY'],
  ];
  return answer.dispatchReport.rows
    .map((row) => ({
      county: row.county,
      cells: keys.filter(([key]) => row[key].persons > 0).map(([key, category]) => ({ category, ...row[key] })),
      disabledLevel34: row.disabledLevel34,
    }))
    .filter((row) => row.cells.length > 0 || row.disabledLevel34 > 0);
}

function dispatchFromLimit(cells: DispatchCell[]): unknown {
  const counties = [...new Set(cells.map((cell) => cell.county))].sort();
  return counties.map((county) => {
    const own = cells.filter((cell) => cell.county === county).sort((left, right) => rankOf(left.category) - rankOf(right.category));
    return {
      county,
      cells: own.map(({ category, persons, eligible, enrolled, proxyPaid, proxyPaidAmount }) => ({
        category,
        persons,
        eligible,
        enrolled,
        proxyPaid,
        proxyPaidAmount,
      })),
      disabledLevel34: own.reduce((sum, cell) => sum + cell.disabledLevel34, 0),
    };
  });
}
const DISPLAY_ORDER = ['DIBAO', 'TEKUN', 'RETURNED_POVERTY'];
const rankOf = (category: string) => DISPLAY_ORDER.indexOf(category);

export interface ReportCase {
  name: string;
  query: string;
  fromApi: (data: never) => unknown;
  limitSql: string;
  fromLimit: (rows: never[]) => unknown;
}

export function reportCases(precedence: readonly HardshipCategory[], year: number): ReportCase[] {
  const dispatch = (month: string, reportDate: string, populationDate: string): ReportCase => ({
    name: `dispatchReport ${month}`,
    query: `{ dispatchReport(month: "${month}") { rows { county dibao { ${tallyFields} } tekun { ${tallyFields} } returnedPoverty { ${tallyFields} } disabledLevel34 } } }`,
    fromApi: (data: DispatchAnswer) => dispatchFromApi(data),
    limitSql: dispatchLimitSql(precedence, year, reportDate, populationDate),
    fromLimit: (rows: DispatchCell[]) => dispatchFromLimit(rows),
  });
  // The long lists are read as the API now serves them (issue 11): the first page of its connection, at
  // the largest page size; their limit SQL stops at the same row.
  const page = MAX_PAGE_SIZE;
  return [
    dispatch(`${year}-06`, `${year}-06-15`, `${year}-06-15`),
    dispatch(`${year}-11`, `${year}-11-15`, `${year}-10-31`),
    {
      name: `budget(${year})`,
      query: `{ budget(year: ${year}) { lines { county department persons amount cityShare countyShare } } }`,
      fromApi: (data: { budget: { lines: BudgetLine[] } }) => data.budget.lines,
      limitSql: budgetLimitSql(precedence, year),
      fromLimit: (rows: BudgetLine[]) => rows,
    },
    {
      name: `rosterComparison Q3 entries, first ${page}`,
      query: `{ rosterComparison(from: "${year}-06-30", to: "${year}-09-30") { entries(first: ${page}) { edges { node { kind idNumber name county before after } } } } }`,
      fromApi: (data: { rosterComparison: { entries: { edges: Array<{ node: ComparisonItem }> } } }) =>
        data.rosterComparison.entries.edges.map(({ node }) => node),
      limitSql: `${comparisonLimitSql(precedence, `${year}-06-30`, `${year}-09-30`)} limit ${page}`,
      fromLimit: (rows: ComparisonItem[]) =>
        rows.map(({ kind, idNumber, name, county, before, after }) => ({ kind, idNumber, name, county, before, after })),
    },
    {
      name: `subsidyScreeningPage(${year}), first ${page}`,
      query: `{ subsidyScreeningPage(year: ${year}, first: ${page}) { edges { node { disabilityLevel countedCategory person { idNumber name } } } } }`,
      fromApi: (data: {
        subsidyScreeningPage: {
          edges: Array<{ node: { disabilityLevel: number; countedCategory: string; person: { idNumber: string; name: string } } }>;
        };
      }) =>
        data.subsidyScreeningPage.edges.map(({ node }) => ({
          idNumber: node.person.idNumber,
          name: node.person.name,
          countedCategory: node.countedCategory,
          disabilityLevel: node.disabilityLevel,
        })),
      limitSql: `${screeningLimitSql(precedence, year)} limit ${page}`,
      fromLimit: (rows: ScreeningItem[]) => rows,
    },
  ];
}
