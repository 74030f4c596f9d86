import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/shared/sql';
import { insertPerson } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

const PAY = `mutation Pay($year: Int!, $payments: [PaymentInput!]!) { recordProxyPayments(year: $year, payments: $payments) }`;

// The same payment key (person, year, funder) from several requests at once, through HTTP: one books,
// the others are refused with a problem naming what was booked — never "0 booked" without a word.

describe('concurrent recordProxyPayments for the same person, year and funder', () => {
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z') });
    token = app.token('HRSS', null, 'agency');
  });

  afterAll(async () => {
    await app.close();
  });

  const paymentsOf = (id: number) =>
    app.db.rows<{ amount: string }>(sql`select amount::text as amount from proxy_payment where person_id = ${id} and year = 2024`);

  it('should book one of six different amounts and refuse the five others with "already booked"', async () => {
    // Several rounds: a race that happens to serialize once must not hide the flaw.
    for (let round = 0; round < 4; round++) {
      const person = await insertPerson(app.db, { entries: [{ category: 'DIBAO', county: '530102' }] });
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          app.graphql<{ recordProxyPayments: number }>(
            PAY,
            { year: 2024, payments: [{ idNumber: person.idNumber, amount: `${100 + index}.00`, paidOn: '2024-03-01' }] },
            token,
          ),
        ),
      );
      const booked = answers.filter((answer) => answer.errors === undefined);
      expect(booked.map((answer) => answer.data!.recordProxyPayments)).toEqual([1]);
      const refused = answers.filter((answer) => answer.errors !== undefined);
      expect(refused).toHaveLength(5);
      for (const answer of refused) {
        expect(answer.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
        expect(answer.errors![0]!.extensions!.problems).toEqual([
          {
            row: 1,
            field: 'amount',
            message: expect.stringMatching(/^already booked for 2024 \(funder GOVERNMENT\): 10\d\.00 paid on 2024-03-01$/),
          },
        ]);
      }
      const stored = await paymentsOf(person.id);
      expect(stored).toHaveLength(1);
      // The amount the refusals name is the one stored.
      expect(refused[0]!.errors![0]!.extensions!.problems![0]!.message).toContain(`: ${stored[0]!.amount} paid on`);
    }
  });

  it('should book an identical payment sent six times at once exactly once, the others unchanged', async () => {
    const person = await insertPerson(app.db, { entries: [{ category: 'DIBAO', county: '530102' }] });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        app.graphql<{ recordProxyPayments: number }>(
          PAY,
          { year: 2024, payments: [{ idNumber: person.idNumber, amount: '120.00', paidOn: '2024-03-01' }] },
          token,
        ),
      ),
    );
    expect(answers.map((answer) => answer.errors)).toEqual(Array(6).fill(undefined));
    expect(answers.map((answer) => answer.data!.recordProxyPayments).sort()).toEqual([0, 0, 0, 0, 0, 1]);
    expect(await paymentsOf(person.id)).toEqual([{ amount: '120.00' }]);
  });

  it('should roll back the whole list when one of its rows lost the race', async () => {
    const racer = await insertPerson(app.db, { entries: [{ category: 'DIBAO', county: '530102' }] });
    const others = await Promise.all(
      Array.from({ length: 5 }, () => insertPerson(app.db, { entries: [{ category: 'DIBAO', county: '530102' }] })),
    );
    const answers = await Promise.all(
      others.map((other, index) =>
        app.graphql<{ recordProxyPayments: number }>(
          PAY,
          {
            year: 2024,
            payments: [
              { idNumber: other.idNumber, amount: '80.00', paidOn: '2024-03-01' },
              { idNumber: racer.idNumber, amount: `${90 + index}.00`, paidOn: '2024-03-01' },
            ],
          },
          token,
        ),
      ),
    );
    const winners = answers.flatMap((answer, index) => (answer.errors === undefined ? [index] : []));
    expect(winners).toHaveLength(1);
    expect(answers[winners[0]!]!.data!.recordProxyPayments).toBe(2);
    for (const [index, other] of others.entries()) {
      expect(await paymentsOf(other.id)).toHaveLength(index === winners[0] ? 1 : 0);
    }
  });
});
