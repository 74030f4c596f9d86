import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/shared/sql';
import { anIdNumber, insertPerson } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

const ENROL = `mutation Enrol($entries: [EnrolmentInput!]!) { recordEnrolment(entries: $entries) }`;
const PAY = `mutation Pay($year: Int!, $payments: [PaymentInput!]!) { recordProxyPayments(year: $year, payments: $payments) }`;

describe('recordEnrolment', () => {
  let app: TestApp;
  let inWuhua: { id: number; idNumber: string };
  let inYiliang: { id: number; idNumber: string };

  const statusOf = async (id: number) =>
    (await app.db.one<{ status: string }>(sql`select pension_status as status from person where id = ${id}`))!.status;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z') });
    inWuhua = await insertPerson(app.db, { entries: [{ category: 'DIBAO', county: '530102' }] });
    inYiliang = await insertPerson(app.db, { entries: [{ category: 'TEKUN', county: '530125' }] });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should set pension statuses and count the persons whose status changed', async () => {
    const result = await app.graphql<{ recordEnrolment: number }>(
      ENROL,
      {
        entries: [
          { idNumber: inWuhua.idNumber, status: 'CONTRIBUTING' },
          { idNumber: inYiliang.idNumber, status: 'RECEIVING' },
        ],
      },
      app.token('HRSS'),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.recordEnrolment).toBe(2);
    expect(await statusOf(inWuhua.id)).toBe('CONTRIBUTING');
    expect(await statusOf(inYiliang.id)).toBe('RECEIVING');
    const again = await app.graphql<{ recordEnrolment: number }>(
      ENROL,
      { entries: [{ idNumber: inWuhua.idNumber, status: 'CONTRIBUTING' }] },
      app.token('HRSS'),
    );
    expect(again.data!.recordEnrolment).toBe(0);
    const audit = await app.db.one<{ details: Record<string, unknown> }>(
      sql`select details from audit_event where action = 'RECORD_ENROLMENT' order by id limit 1`,
    );
    expect(audit!.details).toMatchObject({ entries: 2, updated: 2 });
  });

  it('should refuse persons outside a county-level user, unknown and duplicate ID numbers, and write nothing', async () => {
    const result = await app.graphql(
      ENROL,
      {
        entries: [
          { idNumber: inWuhua.idNumber, status: 'SUSPENDED' },
          { idNumber: inYiliang.idNumber, status: 'SUSPENDED' },
          { idNumber: anIdNumber(), status: 'SUSPENDED' },
          { idNumber: inWuhua.idNumber, status: 'TERMINATED' },
          { idNumber: 'nonsense', status: 'SUSPENDED' },
        ],
      },
      app.token('HRSS', '530102'),
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.extensions!.problems!.map((problem) => `${problem.row}:${problem.field}`).sort()).toEqual([
      '2:idNumber',
      '3:idNumber',
      '4:idNumber',
      '5:idNumber',
    ]);
    expect(await statusOf(inWuhua.id)).toBe('CONTRIBUTING');
    expect(await statusOf(inYiliang.id)).toBe('RECEIVING');
  });

  it('should let a county-level HRSS user update persons of its county', async () => {
    const result = await app.graphql<{ recordEnrolment: number }>(
      ENROL,
      { entries: [{ idNumber: inYiliang.idNumber, status: 'SUSPENDED' }] },
      app.token('HRSS', '530125'),
    );
    expect(result.data!.recordEnrolment).toBe(1);
    expect(await statusOf(inYiliang.id)).toBe('SUSPENDED');
  });

  it('should forbid departments other than HRSS', async () => {
    for (const department of ['TAX', 'CIVIL_AFFAIRS', 'FINANCE'] as const) {
      const result = await app.graphql(ENROL, { entries: [{ idNumber: inWuhua.idNumber, status: 'TERMINATED' }] }, app.token(department));
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await statusOf(inWuhua.id)).toBe('CONTRIBUTING');
  });
});

describe('recordProxyPayments and Person.payments', () => {
  let app: TestApp;
  let first: { id: number; idNumber: string };
  let second: { id: number; idNumber: string };
  let elsewhere: { id: number; idNumber: string };

  const paymentsOf = (id: number) =>
    app.db.rows(
      sql`select year, amount::text as amount, paid_on as "paidOn", funder, recorded_by as "recordedBy" from proxy_payment where person_id = ${id} order by year, funder`,
    );
  const countPayments = async () => (await app.db.one<{ count: number }>(sql`select count(*)::int as count from proxy_payment`))!.count;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z') });
    first = await insertPerson(app.db, { pensionStatus: 'CONTRIBUTING', entries: [{ category: 'DIBAO', county: '530102' }] });
    second = await insertPerson(app.db, { pensionStatus: 'CONTRIBUTING', entries: [{ category: 'RETURNED_POVERTY', county: '530102' }] });
    elsewhere = await insertPerson(app.db, { pensionStatus: 'CONTRIBUTING', entries: [{ category: 'DIBAO', county: '530181' }] });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should book government payments once and count identical re-sends as unchanged', async () => {
    const hrss = app.token('HRSS', null, 'agency');
    const payments = [
      { idNumber: first.idNumber, amount: '100', paidOn: '2024-03-01' },
      { idNumber: second.idNumber, amount: '100.00', paidOn: '2024-03-02' },
    ];
    const booked = await app.graphql<{ recordProxyPayments: number }>(PAY, { year: 2024, payments }, hrss);
    expect(booked.errors).toBeUndefined();
    expect(booked.data!.recordProxyPayments).toBe(2);
    expect(await paymentsOf(first.id)).toEqual([
      { year: 2024, amount: '100.00', paidOn: '2024-03-01', funder: 'GOVERNMENT', recordedBy: 'agency' },
    ]);

    const again = await app.graphql<{ recordProxyPayments: number }>(PAY, { year: 2024, payments }, hrss);
    expect(again.errors).toBeUndefined();
    expect(again.data!.recordProxyPayments).toBe(0);
    expect(await countPayments()).toBe(2);

    // a third-party funder (R6) is a separate booking; another year too
    const more = await app.graphql<{ recordProxyPayments: number }>(
      PAY,
      {
        year: 2024,
        payments: [{ idNumber: first.idNumber, amount: '50.50', paidOn: '2024-04-01', funder: '昆明慈善总会' }],
      },
      app.token('TAX'),
    );
    expect(more.data!.recordProxyPayments).toBe(1);
    expect(await paymentsOf(first.id)).toHaveLength(2);
  });

  it('should report every problem at once and book nothing', async () => {
    const before = await countPayments();
    const result = await app.graphql(
      PAY,
      {
        year: 1999,
        payments: [
          { idNumber: elsewhere.idNumber, amount: '100.00', paidOn: '2024-05-01' },
          { idNumber: anIdNumber(), amount: '100.00', paidOn: '2024-05-01' },
          { idNumber: elsewhere.idNumber, amount: '100.00', paidOn: '2024-05-01' },
          { idNumber: second.idNumber, amount: '-5', paidOn: '2024-05-01' },
          { idNumber: '123', amount: '0', paidOn: '2024-05-01', funder: ' ' },
        ],
      },
      app.token('HRSS'),
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.extensions!.problems!.map((problem) => `${problem.row ?? '-'}:${problem.field}`).sort()).toEqual(
      ['-:year', '2:idNumber', '3:idNumber', '4:amount', '5:amount', '5:funder', '5:idNumber'].sort(),
    );
    expect(await countPayments()).toBe(before);
  });

  it('should refuse a different amount for a payment already booked, and persons outside a county user', async () => {
    const before = await countPayments();
    const changed = await app.graphql(
      PAY,
      {
        year: 2024,
        payments: [
          { idNumber: elsewhere.idNumber, amount: '100.00', paidOn: '2024-05-01' },
          { idNumber: first.idNumber, amount: '120.00', paidOn: '2024-03-01' },
        ],
      },
      app.token('HRSS'),
    );
    expect(changed.errors?.[0]?.extensions?.problems).toEqual([
      { row: 2, field: 'amount', message: expect.stringMatching(/already booked.*100\.00.*2024-03-01/) },
    ]);
    const outside = await app.graphql(
      PAY,
      { year: 2024, payments: [{ idNumber: elsewhere.idNumber, amount: '100.00', paidOn: '2024-05-01' }] },
      app.token('HRSS', '530102'),
    );
    expect(outside.errors?.[0]?.extensions?.problems).toEqual([
      { row: 1, field: 'idNumber', message: expect.stringContaining('no person') },
    ]);
    expect(await countPayments()).toBe(before);
    const forbidden = await app.graphql(PAY, { year: 2024, payments: [] }, app.token('CIVIL_AFFAIRS'));
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('should show payments to HRSS and TAX, loading them for a whole page in one statement', async () => {
    for (let index = 0; index < 10; index++) {
      await insertPerson(app.db, {
        entries: [{ category: 'TEKUN', county: '530111' }],
        payments: [
          { year: 2023, paidOn: '2023-06-01' },
          { year: 2024, amount: '80.00', paidOn: '2024-06-01' },
        ],
      });
    }
    const query = `{ persons(first: 20) { edges { node { idNumber payments { year amount paidOn funder } } } } }`;
    const before = app.db.statementCount;
    const result = await app.graphql<{ persons: { edges: Array<{ node: { idNumber: string; payments: unknown[] } }> } }>(
      query,
      {},
      app.token('HRSS'),
    );
    expect(result.errors).toBeUndefined();
    // the page, and one batch of payments for all 13 persons
    expect(app.db.statementCount - before).toBe(2);
    const nodes = result.data!.persons.edges.map((edge) => edge.node);
    expect(nodes).toHaveLength(13);
    expect(nodes.find((node) => node.idNumber === first.idNumber)!.payments).toEqual(
      [
        { year: 2024, amount: '100.00', paidOn: '2024-03-01', funder: 'GOVERNMENT' },
        { year: 2024, amount: '50.50', paidOn: '2024-04-01', funder: '昆明慈善总会' },
      ].sort((left, right) => left.paidOn.localeCompare(right.paidOn)),
    );
    expect(nodes.filter((node) => node.payments.length === 2)).toHaveLength(11);

    const tax = await app.graphql<{ person: { payments: unknown[] } }>(
      `{ person(idNumber: "${second.idNumber}") { payments { year amount } } }`,
      {},
      app.token('TAX'),
    );
    expect(tax.data!.person.payments).toEqual([{ year: 2024, amount: '100.00' }]);
    const civil = await app.graphql(`{ person(idNumber: "${first.idNumber}") { payments { year } } }`, {}, app.token('CIVIL_AFFAIRS'));
    expect(civil.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
