import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/shared/sql';
import { pensionStatusesOnSql } from '../../src/modules/eligibility/eligibility.queries';
import { insertPerson } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

// Issue: a report for a past month depends only on the data as it stood then; computing it again
// later gives the same figures, although pension statuses were recorded since.

const ENROL = `mutation Enrol($entries: [EnrolmentInput!]!) { recordEnrolment(entries: $entries) }`;
const DISPATCH = `query Dispatch($month: String!) {
  dispatchReport(month: $month) {
    month reportDate year
    rows { county disabledLevel34
      dibao { persons eligible enrolled proxyPaid proxyPaidAmount completionRate }
      tekun { persons eligible enrolled proxyPaid proxyPaidAmount completionRate }
      returnedPoverty { persons eligible enrolled proxyPaid proxyPaidAmount completionRate }
      all { persons eligible enrolled proxyPaid proxyPaidAmount completionRate } }
    total { county all { persons eligible enrolled proxyPaid proxyPaidAmount completionRate } }
  }
}`;

interface Tally {
  persons: number;
  eligible: number;
  enrolled: number;
  proxyPaid: number;
  proxyPaidAmount: string;
  completionRate: number | null;
}
interface Report {
  month: string;
  reportDate: string;
  rows: Array<{ county: string; dibao: Tally; all: Tally }>;
  total: { all: Tally };
}

const WUHUA = '530102';

describe('dispatch reports when pension statuses change later', () => {
  let app: TestApp;
  // China date = UTC date at 04:00 UTC; the tests move it forward.
  let now = new Date('2024-06-20T04:00:00Z');
  const ids: Record<string, { id: number; idNumber: string }> = {};

  const report = async (month: string): Promise<Report> => {
    const result = await app.graphql<{ dispatchReport: Report }>(DISPATCH, { month }, app.token('HRSS'));
    expect(result.errors).toBeUndefined();
    return result.data!.dispatchReport;
  };
  const wuhuaDibao = (data: Report): Tally => data.rows.find((row) => row.county === WUHUA)!.dibao;
  const enrol = (entries: Array<{ idNumber: string; status: string; effectiveOn?: string }>) =>
    app.graphql<{ recordEnrolment: number }>(ENROL, { entries }, app.token('HRSS', null, 'hrss-clerk'));

  beforeAll(async () => {
    app = await startTestApp({ clock: () => now });
    const dibao = [{ category: 'DIBAO' as const, county: WUHUA, recognizedOn: '2020-01-01' }];
    // A: not enrolled (TO_ENROL: eligible, not enrolled). B: contributing, paid 1 June. C: contributing, unpaid.
    ids.A = await insertPerson(app.db, { birthDate: '1980-01-01', pensionStatus: 'NOT_ENROLLED', entries: dibao });
    ids.B = await insertPerson(app.db, {
      birthDate: '1981-01-01',
      pensionStatus: 'CONTRIBUTING',
      entries: dibao,
      payments: [{ year: 2024, paidOn: '2024-06-01' }],
    });
    ids.C = await insertPerson(app.db, { birthDate: '1982-01-01', pensionStatus: 'CONTRIBUTING', entries: dibao });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should keep the June figures and show the changes from the month they take effect when statuses are recorded later', async () => {
    const juneBefore = await report('2024-06');
    expect(wuhuaDibao(juneBefore)).toEqual({
      persons: 3,
      eligible: 3,
      enrolled: 2,
      proxyPaid: 1,
      proxyPaidAmount: '100.00',
      completionRate: 1 / 3,
    });

    // 20 July: A enrols, B starts receiving (no longer eligible), C terminates.
    now = new Date('2024-07-20T04:00:00Z');
    const july20 = await enrol([
      { idNumber: ids.A!.idNumber, status: 'CONTRIBUTING' },
      { idNumber: ids.B!.idNumber, status: 'RECEIVING' },
      { idNumber: ids.C!.idNumber, status: 'TERMINATED' },
    ]);
    expect(july20.errors).toBeUndefined();
    expect(july20.data!.recordEnrolment).toBe(3);

    // 20 August: A's suspension, effective from 1 August.
    now = new Date('2024-08-20T04:00:00Z');
    const august = await enrol([{ idNumber: ids.A!.idNumber, status: 'SUSPENDED', effectiveOn: '2024-08-01' }]);
    expect(august.data!.recordEnrolment).toBe(1);

    // June and July (report date 15 July, before the 20 July changes) read the statuses as they stood.
    expect(await report('2024-06')).toEqual(juneBefore);
    expect(wuhuaDibao(await report('2024-07'))).toEqual(wuhuaDibao(juneBefore));
    // August (report date 15 August): A suspended (enrolled), B receiving and C terminated (ineligible);
    // B's June payment no longer counts because B is not eligible.
    expect(wuhuaDibao(await report('2024-08'))).toEqual({
      persons: 3,
      eligible: 1,
      enrolled: 1,
      proxyPaid: 0,
      proxyPaidAmount: '0.00',
      completionRate: 0,
    });

    const history = await app.db.rows<{
      personId: number;
      previousStatus: string;
      status: string;
      changedOn: string;
      recordedBy: string;
    }>(sql`
      select person_id as "personId", previous_status as "previousStatus", status, changed_on as "changedOn", recorded_by as "recordedBy"
      from pension_status_change order by id`);
    expect(history).toEqual([
      { personId: ids.A!.id, previousStatus: 'NOT_ENROLLED', status: 'CONTRIBUTING', changedOn: '2024-07-20', recordedBy: 'hrss-clerk' },
      { personId: ids.B!.id, previousStatus: 'CONTRIBUTING', status: 'RECEIVING', changedOn: '2024-07-20', recordedBy: 'hrss-clerk' },
      { personId: ids.C!.id, previousStatus: 'CONTRIBUTING', status: 'TERMINATED', changedOn: '2024-07-20', recordedBy: 'hrss-clerk' },
      { personId: ids.A!.id, previousStatus: 'CONTRIBUTING', status: 'SUSPENDED', changedOn: '2024-08-01', recordedBy: 'hrss-clerk' },
    ]);
  });

  it('should write no history row when a status is sent again unchanged', async () => {
    const before = (await app.db.one<{ count: number }>(sql`select count(*)::int as count from pension_status_change`))!.count;
    const result = await enrol([{ idNumber: ids.A!.idNumber, status: 'SUSPENDED' }]);
    expect(result.data!.recordEnrolment).toBe(0);
    expect((await app.db.one<{ count: number }>(sql`select count(*)::int as count from pension_status_change`))!.count).toBe(before);
  });

  it('should refuse effectiveOn after today, before 2000 or before the latest change, all at once, and write nothing', async () => {
    const fresh = await insertPerson(app.db, { pensionStatus: 'NOT_ENROLLED', entries: [{ category: 'TEKUN', county: '530125' }] });
    const result = await enrol([
      { idNumber: fresh.idNumber, status: 'CONTRIBUTING', effectiveOn: '2024-08-21' },
      { idNumber: ids.B!.idNumber, status: 'CONTRIBUTING', effectiveOn: '1999-12-31' },
      { idNumber: ids.C!.idNumber, status: 'CONTRIBUTING', effectiveOn: '2024-07-19' },
    ]);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const problems = result.errors![0]!.extensions!.problems as Array<{ row: number; field: string }>;
    expect(problems.map((problem) => [problem.row, problem.field])).toEqual([
      [1, 'effectiveOn'],
      [2, 'effectiveOn'],
      [3, 'effectiveOn'],
    ]);
    const statuses = await app.db.rows<{ status: string }>(sql`
      select pension_status as status from person where id = any(${[fresh.id, ids.B!.id, ids.C!.id]}::int[]) order by id`);
    expect(statuses.map((row) => row.status)).toEqual(['RECEIVING', 'TERMINATED', 'NOT_ENROLLED']);
  });

  it('should accept a change dated on the latest change day, and a back-dated change moves the past months it covers', async () => {
    const result = await enrol([{ idNumber: ids.C!.idNumber, status: 'CONTRIBUTING', effectiveOn: '2024-07-20' }]);
    expect(result.data!.recordEnrolment).toBe(1);
    // C's two changes on 20 July: the later recorded one wins from that day; the July report (15 July) is untouched.
    expect(wuhuaDibao(await report('2024-07'))).toEqual({
      persons: 3,
      eligible: 3,
      enrolled: 2,
      proxyPaid: 1,
      proxyPaidAmount: '100.00',
      completionRate: 1 / 3,
    });
    expect(wuhuaDibao(await report('2024-08'))).toMatchObject({ eligible: 2, enrolled: 2 });
  });
});

describe('pension status as of a date (SQL)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-12-01T04:00:00Z') });
  });

  afterAll(async () => {
    await app.close();
  });

  const statusOn = async (personId: number, date: string) =>
    (await app.db.one<{ status: string }>(sql`
      select coalesce(status_on.pension_status, person.pension_status) as status
      from person left join (${pensionStatusesOnSql(date)}) status_on on status_on.person_id = person.id
      where person.id = ${personId}`))!.status;

  const change = (personId: number, previousStatus: string, status: string, changedOn: string) =>
    app.db.rows(
      sql`insert into pension_status_change (person_id, previous_status, status, changed_on) values (${personId}, ${previousStatus}, ${status}, ${changedOn})`,
    );

  it('should read the latest change on or before the date, the first change’s previous status before it, and the current status without history', async () => {
    const person = await insertPerson(app.db, { pensionStatus: 'TERMINATED' });
    await change(person.id, 'NOT_ENROLLED', 'CONTRIBUTING', '2024-03-01');
    await change(person.id, 'CONTRIBUTING', 'SUSPENDED', '2024-06-15');
    await change(person.id, 'SUSPENDED', 'TERMINATED', '2024-09-01');
    expect(await statusOn(person.id, '2024-02-29')).toBe('NOT_ENROLLED');
    expect(await statusOn(person.id, '2024-03-01')).toBe('CONTRIBUTING');
    expect(await statusOn(person.id, '2024-06-14')).toBe('CONTRIBUTING');
    expect(await statusOn(person.id, '2024-06-15')).toBe('SUSPENDED');
    expect(await statusOn(person.id, '2024-08-31')).toBe('SUSPENDED');
    expect(await statusOn(person.id, '2024-09-01')).toBe('TERMINATED');
    expect(await statusOn(person.id, '2030-01-01')).toBe('TERMINATED');

    const withoutHistory = await insertPerson(app.db, { pensionStatus: 'EMPLOYEE_PENSION' });
    expect(await statusOn(withoutHistory.id, '2001-01-01')).toBe('EMPLOYEE_PENSION');
  });

  it('should take the change recorded last when a person has two changes on one day', async () => {
    const person = await insertPerson(app.db, { pensionStatus: 'RECEIVING' });
    await change(person.id, 'NOT_ENROLLED', 'CONTRIBUTING', '2024-05-10');
    await change(person.id, 'CONTRIBUTING', 'RECEIVING', '2024-05-10');
    expect(await statusOn(person.id, '2024-05-09')).toBe('NOT_ENROLLED');
    expect(await statusOn(person.id, '2024-05-10')).toBe('RECEIVING');
  });
});
