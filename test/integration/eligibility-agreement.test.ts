import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideEligibility, type FundingRuleFacts } from '../../src/modules/eligibility/domain/eligibility';
import { countedEntry, DEFAULT_PRECEDENCE, isActiveOn, type DatedEntry } from '../../src/modules/eligibility/domain/precedence';
import { EligibilityQueries } from '../../src/modules/eligibility/eligibility.queries';
import { ReportsQueries } from '../../src/modules/reports/reports.queries';
import type { TrendCellRow } from '../../src/modules/reports/report-sql';
import { BudgetsQueries } from '../../src/modules/budgets/budgets.queries';
import { RosterComparisonQueries } from '../../src/modules/rosters/roster-comparison.queries';
import { dispatchDates } from '../../src/modules/reports/dispatch-report.service';
import { HARDSHIP_CATEGORIES, PENSION_STATUSES, type HardshipCategory, type PensionStatus } from '../../src/shared/domain';
import { IdNumber } from '../../src/shared/id-number';
import { Money } from '../../src/shared/money';
import { sql } from '../../src/shared/sql';
import { insertPerson } from '../factories/person.factory';
import { addDays, seededRandom } from '../support/random';

import { startTestApp, type TestApp } from '../support/test-app';
import type { Viewer } from '../../src/shared/auth';
import type { ComparisonKey, ComparisonKind, ComparisonQuery } from '../../src/modules/rosters/roster-comparison.queries';
import type { ScreeningQuery } from '../../src/modules/reports/reports.queries';

const CITY_HRSS = { subject: 'agreement', department: 'HRSS', county: null } as const;
const viewerOf = (department: Viewer['department'], county: string | null = null): Viewer => ({ subject: 'agreement', department, county });

/** DESIGN.md §4, written out again: the roster entries a viewer sees. */
function entriesSeenBy(viewer: Viewer, entries: readonly DatedEntry[]): DatedEntry[] {
  const categories: readonly HardshipCategory[] | null =
    viewer.department === 'CIVIL_AFFAIRS' ? ['DIBAO', 'TEKUN'] : viewer.department === 'RURAL_REVITALIZATION' ? ['RETURNED_POVERTY'] : null;
  return entries.filter(
    (entry) => (categories === null || categories.includes(entry.category)) && (viewer.county === null || entry.county === viewer.county),
  );
}

// STYLE habit 6: the eligibility rule exists in TypeScript (domain/eligibility.ts) and in SQL
// (eligibility.queries.ts). Both get the same random rosters and must give the same answers.
// Replay a failure with AGREEMENT_SEED=<seed printed in the test name>.
const SEED = Number(process.env.AGREEMENT_SEED ?? 20241031);
const PERSONS = 300;
const COUNTIES = ['530102', '530103', '530111', '530181', '530125'];
const YEARS = [2023, 2024];
// Dates near the cut-offs, the November window and quarter ends, plus anything in between.
const EDGE_DATES = [
  '2022-12-31',
  '2023-01-01',
  '2023-10-30',
  '2023-10-31',
  '2023-11-01',
  '2023-12-31',
  '2024-01-01',
  '2024-06-15',
  '2024-10-15',
  '2024-10-30',
  '2024-10-31',
  '2024-11-01',
  '2024-11-15',
  '2024-12-31',
  '2025-01-01',
];

interface Generated {
  id: number;
  idNumber: string;
  birthYear: number;
  pensionStatus: PensionStatus;
  disabilityLevel: number | null;
  entries: DatedEntry[];
  payments: Array<{ year: number; amount: string; paidOn: string; funder: string }>;
  /** Pension status changes in the order they were recorded (their ids' order), dates in any order. */
  changes: StatusChange[];
}

interface StatusChange {
  previousStatus: PensionStatus;
  status: PensionStatus;
  changedOn: string;
}

/**
 * DESIGN.md §5, the pension status on `date`: that of the latest change dated on or before it (same day: the
 * one recorded last), else the previous status of the earliest change, else today's status.
 */
function statusOn(person: Pick<Generated, 'pensionStatus' | 'changes'>, date: string): PensionStatus {
  const ordered = person.changes
    .map((change, index) => ({ change, index }))
    .sort(
      (left, right) =>
        (left.change.changedOn < right.change.changedOn ? -1 : left.change.changedOn > right.change.changedOn ? 1 : 0) ||
        left.index - right.index,
    )
    .map(({ change }) => change);
  const before = ordered.filter((change) => change.changedOn <= date);
  if (before.length > 0) return before.at(-1)!.status;
  return ordered[0]?.previousStatus ?? person.pensionStatus;
}

function generate(seed: number) {
  const random = seededRandom(seed);
  const randomDate = () => (random.chance(0.6) ? random.pick(EDGE_DATES) : addDays('2022-06-01', random.integer(0, 1000)));
  const people = Array.from({ length: PERSONS }, (_, index) => {
    const entries: DatedEntry[] = [];
    const count = random.pick([0, 1, 1, 1, 2, 2, 3, 4]);
    for (let entryIndex = 0; entryIndex < count; entryIndex++) {
      const recognizedOn = randomDate();
      let exitedOn: string | null = random.chance(0.4)
        ? random.chance(0.5)
          ? random.pick(EDGE_DATES)
          : addDays(recognizedOn, random.integer(0, 500))
        : null;
      if (exitedOn !== null && exitedOn < recognizedOn) exitedOn = recognizedOn;
      const entry: DatedEntry = { category: random.pick(HARDSHIP_CATEGORIES), county: random.pick(COUNTIES), recognizedOn, exitedOn };
      // One open period per person, roster and county (a database constraint): close duplicates.
      if (
        entry.exitedOn === null &&
        entries.some((other) => other.exitedOn === null && other.category === entry.category && other.county === entry.county)
      ) {
        entry.exitedOn = addDays(recognizedOn, random.integer(0, 400));
      }
      entries.push(entry);
    }
    // Birth years giving ages 14-61 in 2023/2024, so 15/16 and 59/60 come up often.
    const birthYear = random.chance(0.5) ? random.pick([1963, 1964, 1965, 2007, 2008, 2009]) : random.integer(1962, 2010);
    const payment = (year: number, funder: string) => ({
      year,
      amount: `${random.integer(0, 300)}.${String(random.integer(0, 99)).padStart(2, '0')}`,
      paidOn: addDays(`${year}-01-01`, random.integer(0, 364)),
      funder,
    });
    // Now and then a second funder pays in the same year, usually in another month.
    const payments = YEARS.flatMap((year) =>
      random.chance(0.5) ? [payment(year, 'GOVERNMENT'), ...(random.chance(0.2) ? [payment(year, 'DISABILITY_FEDERATION')] : [])] : [],
    );
    // A status history for half the persons, dated around the report dates (several changes a day too).
    const changes: StatusChange[] = random.chance(0.5)
      ? Array.from({ length: random.integer(1, 3) }, () => ({
          previousStatus: random.pick(PENSION_STATUSES),
          status: random.pick(PENSION_STATUSES),
          changedOn: random.chance(0.5) ? random.pick([...EDGE_DATES, '2024-06-15', '2024-06-14', '2023-12-15']) : randomDate(),
        }))
      : [];
    return {
      index,
      changes,
      birthDate: `${birthYear}-${String(random.integer(1, 12)).padStart(2, '0')}-${String(random.integer(1, 28)).padStart(2, '0')}`,
      birthYear,
      pensionStatus: random.pick(PENSION_STATUSES),
      disabilityLevel: random.pick([null, null, 1, 2, 3, 4]),
      entries,
      payments,
    };
  });
  const fundingRules: FundingRuleFacts[] = [];
  for (const year of YEARS) {
    for (const county of COUNTIES) {
      if (random.chance(0.6)) {
        fundingRules.push({
          county,
          year,
          standard: `${random.integer(50, 400)}.${String(random.integer(0, 99)).padStart(2, '0')}`,
          cityShareBasisPoints: random.integer(0, 10000),
        });
      }
    }
  }
  return { people, fundingRules };
}

describe(`eligibility agreement between TypeScript and SQL (seed ${SEED})`, () => {
  let app: TestApp;
  let generated: Generated[];
  let fundingRules: FundingRuleFacts[];

  beforeAll(async () => {
    app = await startTestApp();
    const data = generate(SEED);
    fundingRules = data.fundingRules;
    for (const rule of fundingRules) {
      const share = (rule.cityShareBasisPoints / 10000).toFixed(4);
      await app.db.rows(
        sql`insert into funding_rule (county, year, standard, city_share) values (${rule.county}, ${rule.year}, ${rule.standard}, ${share}::numeric)`,
      );
    }
    generated = [];
    for (const person of data.people) {
      const idNumber = IdNumber.compose('530102', person.birthDate, person.index + 1).value;
      const { id } = await insertPerson(app.db, {
        idNumber,
        pensionStatus: person.pensionStatus,
        disabilityLevel: person.disabilityLevel,
        entries: person.entries,
        payments: person.payments,
      });
      for (const change of person.changes)
        await app.db.rows(sql`
          insert into pension_status_change (person_id, previous_status, status, changed_on)
          values (${id}, ${change.previousStatus}, ${change.status}, ${change.changedOn})`);
      generated.push({
        id,
        idNumber,
        birthYear: person.birthYear,
        pensionStatus: person.pensionStatus,
        disabilityLevel: person.disabilityLevel,
        entries: person.entries,
        payments: person.payments,
        changes: person.changes,
      });
    }
  });

  afterAll(async () => {
    await app.close();
  });

  const precedences: Array<readonly HardshipCategory[]> = [DEFAULT_PRECEDENCE, ['RETURNED_POVERTY', 'DIBAO', 'TEKUN']];

  for (const precedence of precedences) {
    for (const year of YEARS) {
      it(`should agree for every person on status, category, county, amount and shares when the year is ${year} and precedence ${precedence.join('>')}`, async () => {
        const rows = await new EligibilityQueries(app.db).decisions(year, precedence);
        const byId = new Map(rows.map((row) => [row.personId, row]));
        const statuses = new Set<string>();
        for (const person of generated) {
          const expected = decideEligibility({
            year,
            birthYear: person.birthYear,
            pensionStatus: person.pensionStatus,
            entries: person.entries,
            precedence,
            fundingRules,
          });
          const actual = byId.get(person.id)!;
          statuses.add(expected.status);
          expect({
            id: person.id,
            status: actual.status,
            countedCategory: actual.countedCategory,
            county: actual.county,
            amount: actual.amount,
            cityShare: actual.cityShare,
            countyShare: actual.countyShare,
          }).toEqual({
            id: person.id,
            status: expected.status,
            countedCategory: expected.countedCategory,
            county: expected.county,
            amount: expected.amount,
            cityShare: expected.cityShare,
            countyShare: expected.countyShare,
          });
        }
        // The random data must exercise every outcome, or the agreement proves little.
        expect([...statuses].sort()).toEqual(['ELIGIBLE', 'INELIGIBLE', 'NEXT_YEAR', 'TO_ENROL']);
      });
    }
  }

  it('should agree with budget lines summed in TypeScript from the per-person decisions when the year is 2024', async () => {
    const lines = await new BudgetsQueries(app.db).lines({ year: 2024, precedence: DEFAULT_PRECEDENCE, county: null, department: null });
    const expected = new Map<string, { persons: number; amount: number; cityShare: number; countyShare: number }>();
    for (const person of generated) {
      const decision = decideEligibility({
        year: 2024,
        birthYear: person.birthYear,
        pensionStatus: person.pensionStatus,
        entries: person.entries,
        precedence: DEFAULT_PRECEDENCE,
        fundingRules,
      });
      if (decision.status !== 'ELIGIBLE' && decision.status !== 'TO_ENROL') continue;
      const key = `${decision.county}/${decision.fundingDepartment}`;
      const line = expected.get(key) ?? { persons: 0, amount: 0, cityShare: 0, countyShare: 0 };
      line.persons++;
      line.amount += Money.parse(decision.amount).cents;
      line.cityShare += Money.parse(decision.cityShare).cents;
      line.countyShare += Money.parse(decision.countyShare).cents;
      expected.set(key, line);
    }
    const actual = new Map(
      lines.map((line) => [
        `${line.county}/${line.department}`,
        {
          persons: line.persons,
          amount: Money.parse(line.amount).cents,
          cityShare: Money.parse(line.cityShare).cents,
          countyShare: Money.parse(line.countyShare).cents,
        },
      ]),
    );
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
    expect(actual.size).toBeGreaterThan(5);
  });

  /** The dispatch report's cells of one month tallied in TypeScript from the rules (DESIGN.md §5). */
  function tallyInTypeScript(
    year: number,
    reportDate: string,
    populationDate: string,
    { precedence = DEFAULT_PRECEDENCE, county = null }: { precedence?: readonly HardshipCategory[]; county?: string | null } = {},
  ) {
    const expected = new Map<
      string,
      { persons: number; eligible: number; enrolled: number; proxyPaid: number; cents: number; disabled: number }
    >();
    for (const person of generated) {
      const counted = countedEntry(person.entries, populationDate, precedence);
      if (!counted || (county !== null && counted.county !== county)) continue;
      // Same age and pension tests as the year's status, applied to the report's population, with the
      // pension status as it stood on the report date.
      const status = decideEligibility({
        year,
        birthYear: person.birthYear,
        pensionStatus: statusOn(person, reportDate),
        entries: [{ ...counted, recognizedOn: '2000-01-01', exitedOn: null }],
        precedence,
        fundingRules: [],
      }).status;
      const key = `${counted.county}/${counted.category}`;
      const cell = expected.get(key) ?? { persons: 0, eligible: 0, enrolled: 0, proxyPaid: 0, cents: 0, disabled: 0 };
      cell.persons++;
      if (person.disabilityLevel === 3 || person.disabilityLevel === 4) cell.disabled++;
      if (status === 'ELIGIBLE' || status === 'TO_ENROL') {
        cell.eligible++;
        if (status === 'ELIGIBLE') cell.enrolled++;
        const paid = person.payments.filter((payment) => payment.year === year && payment.paidOn <= reportDate);
        if (paid.length > 0) {
          cell.proxyPaid++;
          cell.cents += paid.reduce((sum, payment) => sum + Money.parse(payment.amount).cents, 0);
        }
      }
      expected.set(key, cell);
    }
    return Object.fromEntries(expected);
  }

  const fromSql = (cells: ReadonlyArray<Omit<TrendCellRow, 'monthIndex'>>) =>
    Object.fromEntries(
      cells.map((cell) => [
        `${cell.county}/${cell.category}`,
        {
          persons: cell.persons,
          eligible: cell.eligible,
          enrolled: cell.enrolled,
          proxyPaid: cell.proxyPaid,
          cents: Money.parse(cell.proxyPaidAmount).cents,
          disabled: cell.disabledLevel34,
        },
      ]),
    );

  // dispatchReport's own one-month statement (dispatchMonthSql): months either side of the year end, the
  // cut-off month and the November/December population, both precedences, the city and one county.
  const dispatchMonths: Array<[number, number]> = [
    [2023, 12],
    [2024, 1],
    [2024, 6],
    [2024, 10],
    [2024, 11],
    [2024, 12],
  ];
  for (const precedence of precedences) {
    for (const county of [null, '530111']) {
      for (const [year, month] of dispatchMonths) {
        it(`should agree with a TypeScript tally of the dispatch report when the month is ${year}-${month}, precedence ${precedence.join('>')}, county ${county ?? 'all'}`, async () => {
          const { reportDate, populationDate } = dispatchDates(year, month);
          const cells = await new ReportsQueries(app.db).dispatchCells({ year, reportDate, populationDate, precedence, county });
          expect(fromSql(cells)).toEqual(tallyInTypeScript(year, reportDate, populationDate, { precedence, county }));
          expect(cells.length).toBeGreaterThan(county === null ? 5 : 1);
        });
      }
    }
  }

  it('should read the pension status of the report date when persons changed status during the year', () => {
    // The fixture has to exercise the history, or the dispatch agreement proves nothing about it.
    const changedBetween = generated.filter((person) => statusOn(person, '2024-01-15') !== statusOn(person, '2024-06-15'));
    const sameDayTwice = generated.filter(
      (person) => new Set(person.changes.map((change) => change.changedOn)).size < person.changes.length,
    );
    expect(changedBetween.length).toBeGreaterThan(20);
    expect(sameDayTwice.length).toBeGreaterThan(0);
  });

  it('should agree with a TypeScript tally of every month when the dispatch trend runs from 2023-09 to 2024-12 in one statement', async () => {
    const months = Array.from({ length: 16 }, (_, index) => {
      const year = index < 4 ? 2023 : 2024;
      return { year, ...dispatchDates(year, index < 4 ? index + 9 : index - 3) };
    });
    const cells = await new ReportsQueries(app.db).dispatchTrendCells({ months, precedence: DEFAULT_PRECEDENCE, county: null });
    const distinct = new Set<string>();
    months.forEach(({ year, reportDate, populationDate }, index) => {
      const expected = tallyInTypeScript(year, reportDate, populationDate);
      distinct.add(JSON.stringify(expected));
      expect({ month: reportDate, cells: fromSql(cells.filter((cell) => cell.monthIndex === index)) }).toEqual({
        month: reportDate,
        cells: expected,
      });
    });
    // The months differ (entries start and end, payments accumulate, the year turns), or agreement proves little.
    expect(distinct.size).toBeGreaterThan(8);
    // The trend describes most persons by two entries, one status step and one payment month a year, and looks
    // up the months of the others: the fixture has both kinds.
    const monthOf = (date: string) => months.findIndex((month) => date <= month.reportDate);
    const inRange = (date: string) => date > months[0]!.reportDate && date <= months.at(-1)!.reportDate;
    const threeEntries = generated.filter((person) => person.entries.length >= 3);
    const statusInTwoMonths = generated.filter(
      (person) => new Set(person.changes.filter((change) => inRange(change.changedOn)).map((change) => monthOf(change.changedOn))).size > 1,
    );
    const paidInTwoMonths = generated.filter((person) =>
      YEARS.some((year) => new Set(person.payments.filter((paid) => paid.year === year).map((paid) => monthOf(paid.paidOn))).size > 1),
    );
    expect([threeEntries.length, statusInTwoMonths.length, paidInTwoMonths.length].every((found) => found > 3)).toBe(true);
  });

  for (const [from, to] of [
    ['2023-09-30', '2023-12-30'],
    ['2024-03-30', '2024-10-31'],
    ['2023-06-30', '2024-12-30'],
  ] as const) {
    it(`should agree with a TypeScript comparison of the counted entries when comparing ${from} with ${to}`, async () => {
      const rows = await new RosterComparisonQueries(app.db).page(
        {
          from,
          to,
          precedence: DEFAULT_PRECEDENCE,
          // City-level HRSS: every entry takes part (its entry scope is `true`).
          viewer: CITY_HRSS,
          category: null,
          county: null,
        },
        null,
        100_000,
        null,
      );
      const expected: string[] = [];
      for (const person of generated) {
        const before = countedEntry(person.entries, from, DEFAULT_PRECEDENCE);
        const after = countedEntry(person.entries, to, DEFAULT_PRECEDENCE);
        if (!before && !after) continue;
        const kind = comparisonKind(before, after);
        if (kind) expected.push(`${kind}/${(after ?? before)!.county}/${before?.category ?? null}/${after?.category ?? null}`);
      }
      const actual = rows.map((row) => `${row.kind}/${row.county}/${row.before}/${row.after}`);
      expect(actual.sort()).toEqual(expected.sort());
      expect(new Set(actual.map((row) => row.split('/')[0])).size).toBe(3);
    });
  }

  /** R3's kind of a person between two dates, from the entry counted on each (none: not on the roster then). */
  function comparisonKind(
    before: { category: string; county: string } | undefined | null,
    after: typeof before,
  ): 'ADDED' | 'REMOVED' | 'CHANGED' | null {
    if (!before) return after ? 'ADDED' : null;
    if (!after) return 'REMOVED';
    return before.category !== after.category || before.county !== after.county ? 'CHANGED' : null;
  }

  /** R3 in TypeScript over the entries the viewer sees (and the asked category), kept when counted in `county` on either date. */
  function compareInTypeScript(query: ComparisonQuery): string[] {
    const rows: string[] = [];
    for (const person of generated) {
      const entries = entriesSeenBy(query.viewer, person.entries).filter(
        (entry) => query.category === null || entry.category === query.category,
      );
      const before = countedEntry(entries, query.from, query.precedence);
      const after = countedEntry(entries, query.to, query.precedence);
      if (!before && !after) continue;
      const kind = comparisonKind(before, after);
      if (kind === null) continue;
      if (query.county !== null && before?.county !== query.county && after?.county !== query.county) continue;
      rows.push(`${kind}/${person.idNumber}/${(after ?? before)!.county}/${before?.category ?? null}/${after?.category ?? null}`);
    }
    return rows.sort();
  }

  const comparisonCases: Array<Omit<ComparisonQuery, 'precedence'> & { precedence?: readonly HardshipCategory[] }> = [
    {
      from: '2024-06-30',
      to: '2024-09-30',
      viewer: CITY_HRSS,
      category: null,
      county: null,
      precedence: ['RETURNED_POVERTY', 'DIBAO', 'TEKUN'],
    },
    { from: '2023-10-31', to: '2024-10-31', viewer: CITY_HRSS, category: null, county: null },
    { from: '2023-12-30', to: '2024-03-30', viewer: viewerOf('CIVIL_AFFAIRS'), category: null, county: null },
    { from: '2023-09-30', to: '2024-09-30', viewer: viewerOf('RURAL_REVITALIZATION', '530103'), category: null, county: '530103' },
    { from: '2023-06-30', to: '2024-12-30', viewer: CITY_HRSS, category: 'TEKUN', county: '530181' },
    { from: '2024-03-30', to: '2024-12-30', viewer: viewerOf('CIVIL_AFFAIRS'), category: 'DIBAO', county: '530111' },
    { from: '2023-03-30', to: '2024-06-30', viewer: viewerOf('HRSS', '530125'), category: null, county: '530125' },
  ];
  for (const { precedence = DEFAULT_PRECEDENCE, ...rest } of comparisonCases) {
    const query: ComparisonQuery = { ...rest, precedence };
    it(`should agree with a TypeScript comparison from ${query.from} to ${query.to} for ${query.viewer.department} (${query.viewer.county ?? 'city'}), category ${query.category ?? 'any'}, county ${query.county ?? 'any'}, precedence ${precedence.join('>')}`, async () => {
      const rows = await new RosterComparisonQueries(app.db).page(query, null, 100_000, null);
      const actual = rows.map((row) => `${row.kind}/${row.idNumber}/${row.county}/${row.before}/${row.after}`);
      expect(actual.sort()).toEqual(compareInTypeScript(query));
      expect(actual.length).toBeGreaterThan(3);
    });
  }

  it('should give the whole comparison page by page, and the first rows of each kind in one statement, in (kind, ID number) order', async () => {
    const query: ComparisonQuery = {
      from: '2023-06-30',
      to: '2024-12-30',
      precedence: DEFAULT_PRECEDENCE,
      viewer: CITY_HRSS,
      category: null,
      county: null,
    };
    const queries = new RosterComparisonQueries(app.db);
    const whole = await queries.page(query, null, 100_000, null);
    const paged = [];
    let after: ComparisonKey | null = null;
    for (;;) {
      const page = await queries.page(query, null, 17, after);
      paged.push(...page);
      if (page.length < 17) break;
      after = { kind: page.at(-1)!.kind, idNumber: page.at(-1)!.idNumber };
    }
    expect(paged).toEqual(whole);
    expect(whole.map((row) => `${row.kind}/${row.idNumber}`)).toEqual(whole.map((row) => `${row.kind}/${row.idNumber}`).sort());
    const first = await queries.firstOfEachKind(query, 4);
    const kinds: ComparisonKind[] = ['ADDED', 'CHANGED', 'REMOVED'];
    expect(first).toEqual(kinds.flatMap((kind) => whole.filter((row) => row.kind === kind).slice(0, 4)));
    expect(await queries.count(query, 'CHANGED')).toBe(whole.filter((row) => row.kind === 'CHANGED').length);
  });

  /** R10 in TypeScript: level 3/4, ELIGIBLE or TO_ENROL for the year, seen by the viewer, on a roster in `county` on the cut-off. */
  function screenInTypeScript(query: ScreeningQuery): string[] {
    const cutOff = `${query.year}-10-31`;
    return generated
      .filter((person) => person.disabilityLevel === 3 || person.disabilityLevel === 4)
      .filter((person) => query.viewer.county === null || person.entries.some((entry) => entry.county === query.viewer.county))
      .filter(
        (person) => query.county === null || person.entries.some((entry) => entry.county === query.county && isActiveOn(entry, cutOff)),
      )
      .map((person) => ({
        person,
        decision: decideEligibility({
          year: query.year,
          birthYear: person.birthYear,
          pensionStatus: person.pensionStatus,
          entries: person.entries,
          precedence: query.precedence,
          fundingRules,
        }),
      }))
      .filter(({ decision }) => decision.status === 'ELIGIBLE' || decision.status === 'TO_ENROL')
      .map(({ person, decision }) => `${person.idNumber}/${decision.countedCategory}/${person.disabilityLevel}`)
      .sort();
  }

  const screeningCases: ScreeningQuery[] = [
    { year: 2023, precedence: DEFAULT_PRECEDENCE, county: null, viewer: CITY_HRSS, currentYear: 2024 },
    { year: 2024, precedence: ['RETURNED_POVERTY', 'DIBAO', 'TEKUN'], county: null, viewer: CITY_HRSS, currentYear: 2024 },
    { year: 2024, precedence: DEFAULT_PRECEDENCE, county: '530102', viewer: viewerOf('DISABLED_FEDERATION'), currentYear: 2024 },
    { year: 2024, precedence: DEFAULT_PRECEDENCE, county: '530125', viewer: viewerOf('DISABLED_FEDERATION', '530125'), currentYear: 2024 },
    { year: 2023, precedence: DEFAULT_PRECEDENCE, county: '530181', viewer: viewerOf('HRSS', '530181'), currentYear: 2024 },
  ];
  for (const query of screeningCases) {
    it(`should agree with a TypeScript screening (R10) for ${query.year}, ${query.viewer.department} (${query.viewer.county ?? 'city'}), county ${query.county ?? 'any'}, precedence ${query.precedence.join('>')}`, async () => {
      const rows = await new ReportsQueries(app.db).screening(query, 100_000);
      expect(rows.map((row) => `${row.idNumber}/${row.countedCategory}/${row.disabilityLevel}`)).toEqual(screenInTypeScript(query));
      expect(rows.length).toBeGreaterThan(1);
    });
  }

  it('should give the whole screening page by page in ID number order, and count it', async () => {
    const query: ScreeningQuery = { year: 2024, precedence: DEFAULT_PRECEDENCE, county: null, viewer: CITY_HRSS, currentYear: 2024 };
    const queries = new ReportsQueries(app.db);
    const whole = await queries.screening(query, 100_000);
    const paged = [];
    let after: string | null = null;
    for (;;) {
      const page = await queries.screening(query, 3, after);
      paged.push(...page);
      if (page.length < 3) break;
      after = page.at(-1)!.idNumber;
    }
    expect(paged).toEqual(whole);
    expect(await queries.screeningCount(query)).toBe(whole.length);
  });

  it('should agree with a TypeScript screening (R10) of level 3/4 persons on the 2024 proxy roster', async () => {
    const rows = await new ReportsQueries(app.db).screening(
      {
        year: 2024,
        precedence: DEFAULT_PRECEDENCE,
        county: null,
        // City-level HRSS sees every person.
        viewer: CITY_HRSS,
        currentYear: 2024,
      },
      100_000,
    );
    const expected = generated
      .filter((person) => person.disabilityLevel === 3 || person.disabilityLevel === 4)
      .map((person) => ({
        person,
        decision: decideEligibility({
          year: 2024,
          birthYear: person.birthYear,
          pensionStatus: person.pensionStatus,
          entries: person.entries,
          precedence: DEFAULT_PRECEDENCE,
          fundingRules,
        }),
      }))
      .filter(({ decision }) => decision.status === 'ELIGIBLE' || decision.status === 'TO_ENROL')
      .map(({ person, decision }) => `${person.id}/${decision.countedCategory}`);
    expect(rows.map((row) => `${row.id}/${row.countedCategory}`).sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(3);
  });
});
