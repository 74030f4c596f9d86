import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/shared/sql';
import { insertPerson } from '../factories/person.factory';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app';

// Mutation inputs generated at random, sent through HTTP: the answer is data or coded errors, never a
// 500 or INTERNAL_SERVER_ERROR, and a refused request writes nothing (row counts unchanged).

const PAY = `mutation Pay($year: Int!, $payments: [PaymentInput!]!) { recordProxyPayments(year: $year, payments: $payments) }`;
const SUBMIT = `mutation Submit($input: SubmitRosterInput!) { submitRoster(input: $input) { added exited unchanged } }`;
const ENROL = `mutation Enrol($entries: [EnrolmentInput!]!) { recordEnrolment(entries: $entries) }`;
const RULE = `mutation Rule($input: FundingRuleInput!) { setFundingRule(input: $input) }`;
const PERSONS = `query Persons($first: Int, $after: String) { persons(first: $first, after: $after) { totalCount edges { node { idNumber } } } }`;

const CODED = new Set(['BAD_USER_INPUT', 'FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'GRAPHQL_VALIDATION_FAILED']);

describe('mutation inputs through HTTP (properties)', () => {
  let app: TestApp;
  let known: string[];

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z') });
    known = [];
    for (let index = 0; index < 3; index++)
      known.push((await insertPerson(app.db, { entries: [{ category: 'DIBAO', county: '530102' }] })).idNumber);
  });

  afterAll(async () => {
    await app.close();
  });

  const counts = () =>
    app.db.one(sql`
      select (select count(*) from person)::int as persons, (select count(*) from roster_entry)::int as entries,
             (select count(*) from roster_submission)::int as submissions, (select count(*) from proxy_payment)::int as payments,
             (select count(*) from pension_status_change)::int as changes, (select count(*) from funding_rule)::int as rules,
             (select count(*) from audit_event where action <> 'READ')::int as writes`);

  const text = fc.oneof(
    fc.string({ maxLength: 24 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.constantFrom('', '\u0000', 'a\u0000b', '\u001f', ' GOVERNMENT ', 'x'.repeat(300), '2024-03-01', '9999-12-31', '1e400', '-0', '１２'),
  );
  const idNumber = fc.oneof(
    text,
    fc.integer({ min: 0, max: 2 }).map((index) => known[index]!),
    fc
      .tuple(
        fc.constantFrom('530102', '000000', '990101', '110101'),
        fc.constantFrom('1980-05-17', '2099-01-01', '2024-06-16'),
        fc.nat(999),
      )
      .map(([area, born, sequence]) => {
        const first17 = `${area}${born.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
        const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        const sum = [...first17].reduce((total, digit, at) => total + Number(digit) * weights[at]!, 0);
        return first17 + '10X98765432'[sum % 11];
      }),
  );
  /** Mostly valid values, so that a request gets past the first check and reaches the later ones. */
  const control = fc.constantFrom('\u0000', '\u0001', '\u0008', '\u000b', '\u001b', '\u007f');
  const noisy = (valid: fc.Arbitrary<string>) =>
    fc.oneof(
      { arbitrary: valid, weight: 4 },
      { arbitrary: text, weight: 1 },
      {
        arbitrary: fc
          .tuple(valid, control, fc.nat())
          .map(([value, c, at]) => value.slice(0, at % (value.length + 1)) + c + value.slice(at % (value.length + 1))),
        weight: 1,
      },
    );
  const amount = fc.oneof(text, fc.constantFrom('100.00', '0.01', '0', '-5', '99999999999.99', '1e3', '12.345'), fc.double().map(String));
  const date = fc.oneof(text, fc.constantFrom('2024-03-01', '2009-08-31', '2024-07-16', '2024-07-17', '2024-02-30', '10000-01-01'));
  const year = fc.oneof(
    { arbitrary: fc.constant(2024), weight: 4 },
    fc.integer({ min: 1990, max: 2110 }),
    fc.constantFrom(-1, 0, 2 ** 31 - 1, -(2 ** 31)),
  );

  async function expectCodedAndAtomic(send: () => Promise<GraphQLResponse>): Promise<void> {
    const before = await counts();
    const answer = await send();
    expect(answer.status).not.toBe(500);
    for (const error of answer.errors ?? []) {
      expect(CODED.has(error.extensions?.code ?? 'NONE'), JSON.stringify(error)).toBe(true);
    }
    if (answer.errors !== undefined) expect(await counts()).toEqual(before);
  }

  it('recordProxyPayments: coded errors only, nothing written when refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        year,
        fc.array(
          fc.record({
            idNumber: noisy(fc.integer({ min: 0, max: 2 }).map((index) => known[index]!)),
            amount: noisy(fc.constantFrom('100.00', '12.5')),
            paidOn: noisy(fc.constantFrom('2024-03-01', '2024-06-15')),
            funder: fc.option(noisy(fc.constantFrom('GOVERNMENT', '残联', 'Red Cross')), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 2 },
        ),
        async (y, payments) => expectCodedAndAtomic(() => app.graphql(PAY, { year: y, payments }, app.token('HRSS'))),
      ),
      { numRuns: 40 },
    );
  });

  it('submitRoster: coded errors only, nothing written when refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          category: fc.constantFrom('DIBAO', 'TEKUN'),
          county: noisy(fc.constant('530102')),
          asOf: noisy(fc.constant('2024-06-01')),
          entries: fc.array(
            fc.record({
              idNumber: noisy(
                fc.oneof(
                  idNumber,
                  fc.integer({ min: 0, max: 2 }).map((index) => known[index]!),
                ),
              ),
              name: noisy(fc.constantFrom('张三', 'Li Si')),
              disabilityLevel: fc.option(fc.oneof(fc.integer({ min: -3, max: 7 }), fc.constant(2 ** 31 - 1)), { nil: undefined }),
              recognizedOn: fc.option(date, { nil: undefined }),
            }),
            { maxLength: 4 },
          ),
        }),
        async (input) => expectCodedAndAtomic(() => app.graphql(SUBMIT, { input }, app.token('CIVIL_AFFAIRS'))),
      ),
      { numRuns: 30 },
    );
  });

  it('recordEnrolment and setFundingRule: coded errors only, nothing written when refused', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            idNumber,
            status: fc.constantFrom('CONTRIBUTING', 'SUSPENDED', 'RECEIVING'),
            effectiveOn: fc.option(date, { nil: undefined }),
          }),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        fc.record({
          county: fc.oneof(fc.constant('530102'), text),
          year,
          standard: amount,
          cityShare: fc.option(amount, { nil: undefined }),
        }),
        async (entries, rule) => {
          await expectCodedAndAtomic(() => app.graphql(ENROL, { entries }, app.token('HRSS')));
          await expectCodedAndAtomic(() => app.graphql(RULE, { input: rule }, app.token('FINANCE')));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('persons paging: any cursor and page size is data or BAD_USER_INPUT', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.oneof(fc.integer(), fc.constantFrom(0, 500, 501, 2 ** 31 - 1)), { nil: undefined }),
        fc.option(
          fc.oneof(
            text,
            fc
              .oneof(fc.bigInt({ min: -1n, max: 10n ** 25n }).map(String), fc.string())
              .map((inner) => Buffer.from(`person:${inner}`).toString('base64url')),
          ),
          { nil: undefined },
        ),
        async (first, after) => expectCodedAndAtomic(() => app.graphql(PERSONS, { first, after }, app.token('HRSS'))),
      ),
      { numRuns: 40 },
    );
  });
});
