import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anIdNumber } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

// Issue "policy engine", done-when: a small city built only through the mutations, with the dispatch
// report, budget and comparison computed by hand (reasoning in the comments).
//
// County A = 530102 五华区 (funding rule 2024: standard 120.00, city share 0.6); county B = 530103 盘龙区
// (no rule: 100.00 and 0.5). Ages are for 2024.
//   P1 44, DIBAO A from 01-10; from 12-01 also RETURNED_POVERTY A             CONTRIBUTING, paid 03-01
//   P2 34, DIBAO A from 02-01 and RETURNED_POVERTY B from 03-01 (R8: RP in B) CONTRIBUTING, paid 05-10
//   P3 64, TEKUN A from 01-15 (too old: INELIGIBLE)                          RECEIVING
//   P4 24, TEKUN B from 04-01                                                NOT_ENROLLED (TO_ENROL)
//   P5 39, DIBAO B from 11-05 (after the cut-off: NEXT_YEAR)                 NOT_ENROLLED
//   P6 49, DIBAO A from 01-10, left the list submitted as of 09-30           CONTRIBUTING, paid 02-01
//   P7 29, RETURNED_POVERTY A from 06-01, disability level 3                  CONTRIBUTING, paid 120.00 on 07-01

const A = '530102';
const B = '530103';

const SUBMIT = `mutation Submit($input: SubmitRosterInput!) { submitRoster(input: $input) { added exited unchanged } }`;
const TALLY = 'persons eligible enrolled proxyPaid proxyPaidAmount completionRate';
const DISPATCH = `query Dispatch($month: String!) { dispatchReport(month: $month) {
  reportDate
  rows { county dibao { ${TALLY} } tekun { ${TALLY} } returnedPoverty { ${TALLY} } all { ${TALLY} } disabledLevel34 }
  total { county countyName all { ${TALLY} } disabledLevel34 } } }`;

interface Tally {
  persons: number;
  eligible: number;
  enrolled: number;
  proxyPaid: number;
  proxyPaidAmount: string;
  completionRate: number | null;
}
interface Row {
  county: string;
  dibao: Tally;
  tekun: Tally;
  returnedPoverty: Tally;
  all: Tally;
  disabledLevel34: number;
}

const zero: Tally = { persons: 0, eligible: 0, enrolled: 0, proxyPaid: 0, proxyPaidAmount: '0.00', completionRate: null };
const tally = (
  persons: number,
  eligible: number,
  enrolled: number,
  proxyPaid: number,
  proxyPaidAmount: string,
  completionRate: number | null,
): Tally => ({
  persons,
  eligible,
  enrolled,
  proxyPaid,
  proxyPaidAmount,
  completionRate,
});

describe('a small city built through the mutations, checked by hand', () => {
  let app: TestApp;
  const id = {
    P1: anIdNumber({ birthDate: '1980-04-02' }),
    P2: anIdNumber({ birthDate: '1990-08-19', gender: 'F' }),
    P3: anIdNumber({ birthDate: '1960-01-30' }),
    P4: anIdNumber({ birthDate: '2000-12-01', gender: 'F' }),
    P5: anIdNumber({ birthDate: '1985-06-06' }),
    P6: anIdNumber({ birthDate: '1975-03-03' }),
    P7: anIdNumber({ birthDate: '1995-09-09', gender: 'F' }),
  };
  const submitted: Array<{ added: number; exited: number; unchanged: number }> = [];

  async function submit(token: string, input: Record<string, unknown>) {
    const result = await app.graphql<{ submitRoster: { added: number; exited: number; unchanged: number } }>(SUBMIT, { input }, token);
    expect(result.errors).toBeUndefined();
    submitted.push(result.data!.submitRoster);
  }

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-12-10T04:00:00Z') });
    const civil = app.token('CIVIL_AFFAIRS');
    const rural = app.token('RURAL_REVITALIZATION');
    const hrss = app.token('HRSS');
    const row = (idNumber: string, name: string, recognizedOn: string, disabilityLevel: number | null = null) => ({
      idNumber,
      name,
      recognizedOn,
      disabilityLevel,
    });

    await submit(civil, {
      category: 'DIBAO',
      county: A,
      asOf: '2024-03-31',
      entries: [row(id.P1, 'P1', '2024-01-10'), row(id.P2, 'P2', '2024-02-01'), row(id.P6, 'P6', '2024-01-10')],
    });
    await submit(civil, { category: 'TEKUN', county: A, asOf: '2024-03-31', entries: [row(id.P3, 'P3', '2024-01-15')] });
    await submit(app.token('CIVIL_AFFAIRS', B), {
      category: 'TEKUN',
      county: B,
      asOf: '2024-06-30',
      entries: [row(id.P4, 'P4', '2024-04-01')],
    });
    await submit(rural, { category: 'RETURNED_POVERTY', county: B, asOf: '2024-06-30', entries: [row(id.P2, 'P2', '2024-03-01')] });
    await submit(rural, { category: 'RETURNED_POVERTY', county: A, asOf: '2024-06-30', entries: [row(id.P7, 'P7', '2024-06-01', 3)] });
    // P6 is no longer on the DIBAO list of A: exited on 09-30.
    await submit(civil, {
      category: 'DIBAO',
      county: A,
      asOf: '2024-09-30',
      entries: [row(id.P1, 'P1', '2024-01-10'), row(id.P2, 'P2', '2024-02-01')],
    });
    await submit(civil, { category: 'DIBAO', county: B, asOf: '2024-11-30', entries: [row(id.P5, 'P5', '2024-11-05')] });
    // The whole RETURNED_POVERTY list of A in December: P7 stays, P1 joins.
    await submit(rural, {
      category: 'RETURNED_POVERTY',
      county: A,
      asOf: '2024-12-05',
      entries: [row(id.P7, 'P7', '2024-06-01', 3), row(id.P1, 'P1', '2024-12-01')],
    });

    const enrolled = await app.graphql<{ recordEnrolment: number }>(
      'mutation E($entries: [EnrolmentInput!]!) { recordEnrolment(entries: $entries) }',
      // Statuses that held since January: reports read the status as of their date (pension status history).
      {
        entries: [id.P1, id.P2, id.P6, id.P7]
          .map((idNumber) => ({ idNumber, status: 'CONTRIBUTING', effectiveOn: '2024-01-01' }))
          .concat([{ idNumber: id.P3, status: 'RECEIVING', effectiveOn: '2024-01-01' }]),
      },
      hrss,
    );
    expect(enrolled.errors).toBeUndefined();
    expect(enrolled.data!.recordEnrolment).toBe(5);

    const paid = await app.graphql<{ recordProxyPayments: number }>(
      'mutation P($payments: [PaymentInput!]!) { recordProxyPayments(year: 2024, payments: $payments) }',
      {
        payments: [
          { idNumber: id.P1, amount: '100.00', paidOn: '2024-03-01' },
          { idNumber: id.P2, amount: '100.00', paidOn: '2024-05-10' },
          { idNumber: id.P6, amount: '100.00', paidOn: '2024-02-01' },
          { idNumber: id.P7, amount: '120.00', paidOn: '2024-07-01' },
        ],
      },
      // HRSS books them: TAX could not, since P6 left before the cut-off and has no payment yet (TAX's rows).
      hrss,
    );
    expect(paid.errors).toBeUndefined();
    expect(paid.data!.recordProxyPayments).toBe(4);

    const rule = await app.graphql(
      'mutation { setFundingRule(input: { county: "530102", year: 2024, standard: "120.00", cityShare: 0.6 }) }',
      {},
      app.token('FINANCE'),
    );
    expect(rule.errors).toBeUndefined();
  });

  afterAll(async () => {
    await app.close();
  });

  it('should count each submission as added, exited and unchanged by the whole-list rule', () => {
    expect(submitted).toEqual([
      { added: 3, exited: 0, unchanged: 0 },
      { added: 1, exited: 0, unchanged: 0 },
      { added: 1, exited: 0, unchanged: 0 },
      { added: 1, exited: 0, unchanged: 0 },
      { added: 1, exited: 0, unchanged: 0 },
      { added: 0, exited: 1, unchanged: 2 },
      { added: 1, exited: 0, unchanged: 0 },
      { added: 1, exited: 0, unchanged: 1 },
    ]);
  });

  it('should give the June dispatch report by hand when the population is taken on the report date', async () => {
    const result = await app.graphql<{ dispatchReport: { reportDate: string; rows: Row[]; total: Row & { countyName: string } } }>(
      DISPATCH,
      { month: '2024-06' },
      app.token('HRSS'),
    );
    expect(result.errors).toBeUndefined();
    const report = result.data!.dispatchReport;
    expect(report.reportDate).toBe('2024-06-15');
    expect(report.rows).toHaveLength(14);
    const byCounty = new Map(report.rows.map((row) => [row.county, row]));
    // Active on 06-15: P1, P6 DIBAO A; P3 TEKUN A; P7 RP A (P7 paid only on 07-01); P4 TEKUN B; P2 RP B (R8 over DIBAO A).
    expect(byCounty.get(A)).toEqual({
      county: A,
      dibao: tally(2, 2, 2, 2, '200.00', 1),
      tekun: tally(1, 0, 0, 0, '0.00', null),
      returnedPoverty: tally(1, 1, 1, 0, '0.00', 0),
      all: tally(4, 3, 3, 2, '200.00', 2 / 3),
      disabledLevel34: 1,
    });
    expect(byCounty.get(B)).toEqual({
      county: B,
      dibao: zero,
      tekun: tally(1, 1, 0, 0, '0.00', 0),
      returnedPoverty: tally(1, 1, 1, 1, '100.00', 1),
      all: tally(2, 2, 1, 1, '100.00', 0.5),
      disabledLevel34: 0,
    });
    for (const row of report.rows) if (row.county !== A && row.county !== B) expect(row.all).toEqual(zero);
    expect(report.total).toEqual({ county: '530100', countyName: '合计', all: tally(6, 5, 4, 3, '300.00', 0.6), disabledLevel34: 1 });
  });

  it('should give the November dispatch report by hand when the population is taken on 31 October', async () => {
    const result = await app.graphql<{ dispatchReport: { rows: Row[]; total: Row } }>(DISPATCH, { month: '2024-11' }, app.token('FINANCE'));
    expect(result.errors).toBeUndefined();
    const byCounty = new Map(result.data!.dispatchReport.rows.map((row) => [row.county, row]));
    // On 10-31: P6 has left (09-30) and P5 is not recognised yet (11-05); P7's 07-01 payment now counts.
    expect(byCounty.get(A)).toMatchObject({
      dibao: tally(1, 1, 1, 1, '100.00', 1),
      tekun: tally(1, 0, 0, 0, '0.00', null),
      returnedPoverty: tally(1, 1, 1, 1, '120.00', 1),
      all: tally(3, 2, 2, 2, '220.00', 1),
    });
    expect(byCounty.get(B)).toMatchObject({ dibao: zero, all: tally(2, 2, 1, 1, '100.00', 0.5) });
    expect(result.data!.dispatchReport.total.all).toEqual(tally(5, 4, 3, 3, '320.00', 0.75));
  });

  it('should give the 2024 budget by hand: eligible persons at the cut-off, by county and funding department', async () => {
    const result = await app.graphql<{ budget: { amount: string; lines: unknown[] } }>(
      '{ budget(year: 2024) { amount lines { county department persons amount cityShare countyShare } } }',
      {},
      app.token('FINANCE'),
    );
    expect(result.errors).toBeUndefined();
    // P1 DIBAO A and P7 RP A at 120.00 (city 72.00 = 60%); P4 TEKUN B and P2 RP B at 100.00 (50/50).
    // P3 is too old, P6 left before the cut-off, P5 belongs to 2025.
    expect(result.data!.budget).toEqual({
      amount: '440.00',
      lines: [
        { county: A, department: 'CIVIL_AFFAIRS', persons: 1, amount: '120.00', cityShare: '72.00', countyShare: '48.00' },
        { county: A, department: 'RURAL_REVITALIZATION', persons: 1, amount: '120.00', cityShare: '72.00', countyShare: '48.00' },
        { county: B, department: 'CIVIL_AFFAIRS', persons: 1, amount: '100.00', cityShare: '50.00', countyShare: '50.00' },
        { county: B, department: 'RURAL_REVITALIZATION', persons: 1, amount: '100.00', cityShare: '50.00', countyShare: '50.00' },
      ],
    });
  });

  it('should compare 30 June with 30 December by hand: P5 added, P6 removed, P1 changed to RETURNED_POVERTY', async () => {
    const result = await app.graphql<{
      rosterComparison: Record<string, Array<{ idNumber: string; county: string; before: string | null; after: string | null }>>;
    }>(
      '{ rosterComparison(from: "2024-06-30", to: "2024-12-30") { added { idNumber county before after } removed { idNumber county before after } changed { idNumber county before after } } }',
      {},
      app.token('HRSS'),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.rosterComparison).toEqual({
      added: [{ idNumber: id.P5, county: B, before: null, after: 'DIBAO' }],
      removed: [{ idNumber: id.P6, county: A, before: 'DIBAO', after: null }],
      changed: [{ idNumber: id.P1, county: A, before: 'DIBAO', after: 'RETURNED_POVERTY' }],
    });
  });

  it('should explain P5 as NEXT_YEAR and P2 as counted once under RETURNED_POVERTY in B', async () => {
    const query =
      'query E($id: String!) { eligibility(idNumber: $id, year: 2024) { status countedCategory fundingDepartment amount reasons { rule } } }';
    const p5 = await app.graphql<{ eligibility: { status: string; amount: string } }>(query, { id: id.P5 }, app.token('HRSS'));
    expect(p5.data!.eligibility).toMatchObject({ status: 'NEXT_YEAR', amount: '0.00' });
    const p2 = await app.graphql<{
      eligibility: { status: string; countedCategory: string; fundingDepartment: string; amount: string; reasons: Array<{ rule: string }> };
    }>(query, { id: id.P2 }, app.token('HRSS'));
    expect(p2.data!.eligibility).toMatchObject({
      status: 'ELIGIBLE',
      countedCategory: 'RETURNED_POVERTY',
      fundingDepartment: 'RURAL_REVITALIZATION',
      amount: '100.00',
    });
    expect(p2.data!.eligibility.reasons.map((reason) => reason.rule)).toContain('R8');
  });
});
