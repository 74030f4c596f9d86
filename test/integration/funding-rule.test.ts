import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/shared/sql';
import { startTestApp, type TestApp } from '../support/test-app';

const SET_RULE = `mutation Rule($input: FundingRuleInput!) { setFundingRule(input: $input) }`;

describe('setFundingRule', () => {
  let app: TestApp;

  const rules = () =>
    app.db.rows(
      sql`select county, year, standard::text as standard, city_share::text as "cityShare", updated_by as "updatedBy" from funding_rule order by county, year`,
    );

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('should create a rule, then replace it for the same county and year', async () => {
    const created = await app.graphql(
      SET_RULE,
      { input: { county: '530102', year: 2024, standard: '100.00', cityShare: 0.6 } },
      app.token('FINANCE', null, 'finance-clerk'),
    );
    expect(created.errors).toBeUndefined();
    expect(created.data).toEqual({ setFundingRule: true });
    const replaced = await app.graphql(
      SET_RULE,
      { input: { county: '530102', year: 2024, standard: '120.5', cityShare: 0.3333 } },
      app.token('HRSS', null, 'hrss-clerk'),
    );
    expect(replaced.data).toEqual({ setFundingRule: true });
    await app.graphql(SET_RULE, { input: { county: '530102', year: 2025, standard: '0', cityShare: 1 } }, app.token('HRSS'));
    expect(await rules()).toEqual([
      { county: '530102', year: 2024, standard: '120.50', cityShare: '0.3333', updatedBy: 'hrss-clerk' },
      { county: '530102', year: 2025, standard: '0.00', cityShare: '1.0000', updatedBy: 'tester' },
    ]);
    const audit = await app.db.rows<{ details: Record<string, unknown> }>(
      sql`select details from audit_event where action = 'SET_FUNDING_RULE' order by id`,
    );
    expect(audit.map((event) => event.details)).toEqual([
      { county: '530102', year: 2024, standard: '100.00', cityShare: '0.6000', created: true },
      { county: '530102', year: 2024, standard: '120.50', cityShare: '0.3333', created: false },
      { county: '530102', year: 2025, standard: '0.00', cityShare: '1.0000', created: true },
    ]);
  });

  it('should report every bad field at once and write nothing', async () => {
    const before = await rules();
    const result = await app.graphql(
      SET_RULE,
      { input: { county: '530122', year: 1999, standard: '-1.00', cityShare: 0.12345 } },
      app.token('FINANCE'),
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.extensions!.problems!.map((problem) => problem.field).sort()).toEqual([
      'cityShare',
      'county',
      'standard',
      'year',
    ]);
    const tooLarge = await app.graphql(
      SET_RULE,
      { input: { county: '530102', year: 2100, standard: '1', cityShare: 1.5 } },
      app.token('FINANCE'),
    );
    expect(tooLarge.errors?.[0]?.extensions?.problems?.map((problem) => problem.field)).toEqual(['cityShare']);
    expect(await rules()).toEqual(before);
  });

  it('should forbid county-level users and other departments', async () => {
    const input = { county: '530102', year: 2026, standard: '100', cityShare: 0.5 };
    for (const token of [app.token('FINANCE', '530102'), app.token('HRSS', '530102'), app.token('CIVIL_AFFAIRS'), app.token('TAX')]) {
      const result = await app.graphql(SET_RULE, { input }, token);
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await rules()).filter((rule) => (rule as { year: number }).year === 2026)).toEqual([]);
  });
});
