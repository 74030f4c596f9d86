import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serialQuery } from '../../bench/lib/limits';
import { reportCases } from '../../bench/lib/report-cases';
import { DEFAULT_PRECEDENCE } from '../../src/modules/eligibility/domain/precedence';
import { seedPersons } from '../../src/modules/seed/seed-writer';
import { SyntheticCity } from '../../src/modules/seed/synthetic-city';
import { sql } from '../../src/shared/sql';
import { startTestApp, type TestApp } from '../support/test-app';

// npm run bench times each report against hand-written limit SQL (bench/lib/limits.ts) and checks the
// answers equal first; here the same check on a small synthetic city with a status history and funding
// rules, so that a limit that drifts from the rules fails a test, not only a bench run.

describe('bench limit SQL returns the API’s figures', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2026-11-28T04:00:00Z') });
    await seedPersons(app.db, new SyntheticCity(7, { year: 2026, today: '2026-11-28' }), 3_000);
    await app.db.rows(sql`
      insert into pension_status_change (person_id, previous_status, status, changed_on)
      select id, 'NOT_ENROLLED', pension_status, date '2026-01-01' + (id % 300) from person where id % 3 = 0
      union all
      select id, 'CONTRIBUTING', 'NOT_ENROLLED', date '2025-01-01' + (id % 300) from person where id % 6 = 0
      union all
      select id, 'CONTRIBUTING', 'RECEIVING', date '2026-06-15' from person where id % 11 = 0`);
    await app.db.rows(sql`
      insert into funding_rule (county, year, standard, city_share) values ('530102', 2026, 120.00, 0.6667), ('530125', 2026, 100.00, 0.3)`);
  });

  afterAll(async () => {
    await app.close();
  });

  for (const reportCase of reportCases(DEFAULT_PRECEDENCE, 2026)) {
    it(`should give the same figures for ${reportCase.name}`, async () => {
      const answer = await app.graphql(reportCase.query, {}, app.token('HRSS'));
      expect(answer.errors).toBeUndefined();
      await app.db.withConnection(async (client) => {
        const limit = reportCase.fromLimit((await serialQuery(client, reportCase.limitSql)) as never[]);
        const api = reportCase.fromApi(answer.data as never) as unknown[];
        expect(api.length).toBeGreaterThan(0);
        expect(limit).toEqual(api);
      });
    });
  }
});
