import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/shared/sql';
import { anIdNumber, insertPerson } from '../factories/person.factory';
import { utf8Csv } from '../support/exchange-files';
import { startTestApp, type TestApp } from '../support/test-app';

// NUL bytes and other control characters, cursors beyond the database's integer range, ID numbers that
// cannot be real, paidOn far in the future: each a BAD_USER_INPUT naming the field (and row), never a
// 500, and nothing written.

const SUBMIT = `mutation Submit($input: SubmitRosterInput!) { submitRoster(input: $input) { added } }`;
const PAY = `mutation Pay($year: Int!, $payments: [PaymentInput!]!) { recordProxyPayments(year: $year, payments: $payments) }`;

describe('bad input is coded, names its field and writes nothing', () => {
  let app: TestApp;
  let person: { id: number; idNumber: string };

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z') });
    person = await insertPerson(app.db, { entries: [{ category: 'DIBAO', county: '530102' }] });
  });

  afterAll(async () => {
    await app.close();
  });

  const counts = () =>
    app.db.one(sql`
      select (select count(*) from person)::int as persons, (select count(*) from roster_entry)::int as entries,
             (select count(*) from proxy_payment)::int as payments, (select count(*) from audit_event)::int as events`);

  it('should refuse a NUL byte in a roster name (through a variable) naming entries.name and row', async () => {
    const before = await counts();
    const answer = await app.graphql(
      SUBMIT,
      {
        input: {
          category: 'DIBAO',
          county: '530102',
          asOf: '2024-06-01',
          entries: [
            { idNumber: anIdNumber(), name: '张三' },
            { idNumber: anIdNumber(), name: '李\u0000四' },
          ],
        },
      },
      app.token('CIVIL_AFFAIRS'),
    );
    expect(answer.status).toBe(400);
    expect(answer.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    expect(answer.errors![0]!.extensions!.problems).toEqual([
      { row: 2, field: 'entries.name', message: expect.stringContaining('control character U+0000') },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('should refuse a NUL byte in a funder, inline in the document too', async () => {
    const before = await counts();
    const inline = await app.graphql(
      `mutation { recordProxyPayments(year: 2024, payments: [{ idNumber: "${person.idNumber}", amount: "1.00", paidOn: "2024-03-01", funder: "A\\u0000B" }]) }`,
      {},
      app.token('HRSS'),
    );
    expect(inline.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      problems: [{ row: 1, field: 'payments.funder', message: expect.stringContaining('U+0000') }],
    });
    const variable = await app.graphql(
      PAY,
      { year: 2024, payments: [{ idNumber: person.idNumber, amount: '1.00', paidOn: '2024-03-01', funder: 'bell\u0007' }] },
      app.token('HRSS'),
    );
    expect(variable.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      problems: [{ row: 1, field: 'payments.funder', message: expect.stringContaining('U+0007') }],
    });
    expect(await counts()).toEqual(before);
  });

  it("should check each request's own variables when the same text comes again, inline strings included", async () => {
    // The guard finds a document's arguments once; the values behind its variables differ per request.
    const lookup = 'query Lookup($idNumber: String!) { person(idNumber: $idNumber) { idNumber } }';
    expect((await app.graphql(lookup, { idNumber: person.idNumber }, app.token('HRSS'))).errors).toBeUndefined();
    const refused = await app.graphql(lookup, { idNumber: `${person.idNumber}\u0000` }, app.token('HRSS'));
    const controlCharacter = { field: 'idNumber', message: expect.stringContaining('control character U+0000') };
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [controlCharacter] });
    const inline = '{ person(idNumber: "x\\u0000") { idNumber } }';
    for (let repeat = 0; repeat < 2; repeat += 1) {
      const answer = await app.graphql(inline, {}, app.token('HRSS'));
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [controlCharacter] });
    }
  });

  it('should refuse a NUL byte in a CSV cell naming its row and column', async () => {
    const before = await counts();
    const file = utf8Csv([
      ['身份证号', '姓名', '认定日期'],
      [anIdNumber(), '王五', '2024-01-01'],
      [anIdNumber(), '赵\u0000六', '2024-01-01'],
    ]);
    const response = await app
      .http()
      .post('/rosters/import')
      .set('authorization', `Bearer ${app.token('CIVIL_AFFAIRS')}`)
      .field('category', 'DIBAO')
      .field('county', '530102')
      .field('asOf', '2024-06-01')
      .attach('file', file, 'roster.csv');
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('BAD_USER_INPUT');
    expect(response.body.problems).toEqual([{ row: 3, field: 'name', message: expect.stringContaining('U+0000') }]);
    expect(await counts()).toEqual(before);
  });

  it('should refuse cursors beyond the integer ranges as not given out by the API', async () => {
    const persons = await app.graphql(
      `query($after: String) { persons(first: 1, after: $after) { totalCount } }`,
      { after: Buffer.from('person:99999999999').toString('base64url') },
      app.token('HRSS'),
    );
    expect(persons.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [{ field: 'after' }] });
    for (const after of ['99999999999999999999', '9223372036854775808']) {
      const audit = await app.graphql(`query($after: String) { auditEvents(after: $after) { totalCount } }`, { after }, app.token('HRSS'));
      expect(audit.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', problems: [{ field: 'after' }] });
    }
    const largest = await app.graphql(`{ auditEvents(after: "9223372036854775807") { totalCount } }`, {}, app.token('HRSS'));
    expect(largest.errors).toBeUndefined();
  });

  it('should refuse an ID number born in 2099, area code 000000 and paidOn 9999-12-31', async () => {
    const before = await counts();
    const withCheck = (first17: string) => {
      const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
      const sum = [...first17].reduce((total, digit, index) => total + Number(digit) * weights[index]!, 0);
      return first17 + '10X98765432'[sum % 11];
    };
    const answer = await app.graphql(
      PAY,
      {
        year: 2024,
        payments: [
          { idNumber: withCheck('53010220990101001'), amount: '1.00', paidOn: '2024-03-01' },
          { idNumber: withCheck('00000019800517001'), amount: '1.00', paidOn: '2024-03-01' },
          { idNumber: person.idNumber, amount: '1.00', paidOn: '9999-12-31' },
        ],
      },
      app.token('HRSS'),
    );
    expect(answer.errors![0]!.extensions!.problems).toEqual([
      { row: 1, field: 'idNumber', message: expect.stringContaining('in the future (today is 2024-06-15)') },
      { row: 2, field: 'idNumber', message: expect.stringContaining('area code "000000"') },
      { row: 3, field: 'paidOn', message: '9999-12-31 is more than 31 days after today (2024-06-15)' },
    ]);
    expect(await counts()).toEqual(before);
  });
});
