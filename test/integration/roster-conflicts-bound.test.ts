import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/shared/sql';
import { largeRosterCsv, manyIdNumbers } from '../support/large-roster';
import { startTestApp, type TestApp } from '../support/test-app';

// A list whose every row stands on another roster: the answer lists the first 1,000 conflicts and counts
// them all, instead of building one object per row (a million-row list ran the 256 MiB server out of heap).

describe('POST /rosters/import with more conflicts than an answer lists', () => {
  let app: TestApp;
  const rows = 1_100;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z') });
  });

  afterAll(async () => {
    await app.close();
  });

  const send = (fields: Record<string, string>) => {
    let request = app
      .http()
      .post('/rosters/import')
      .set('authorization', `Bearer ${app.token('CIVIL_AFFAIRS', null, 'ca-clerk')}`);
    for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
    return request.attach('file', largeRosterCsv(rows), 'roster.csv');
  };

  it('should list the first 1,000 conflicts in row order, count all of them, and audit only the listed persons', async () => {
    const applied = await send({ category: 'TEKUN', county: '530102', asOf: '2024-03-31' });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ added: rows, conflicts: [], conflictCount: 0 });

    const dryRun = await send({ category: 'DIBAO', county: '530102', asOf: '2024-03-31', dryRun: 'true' });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.conflictCount).toBe(rows);
    expect(dryRun.body.conflicts).toHaveLength(1_000);
    const idNumbers = manyIdNumbers(rows);
    expect(dryRun.body.conflicts.map((conflict: { idNumber: string }) => conflict.idNumber)).toEqual(idNumbers.slice(0, 1_000));
    expect(dryRun.body.conflicts[0]).toEqual({
      idNumber: idNumbers[0],
      otherCategory: 'TEKUN',
      otherCounty: '530102',
      countedCategory: 'TEKUN',
    });

    await app.server.audit.flush();
    const read = await app.db.one<{ persons: number; details: { conflicts: number; listed: number } }>(sql`
      select cardinality(person_ids) as persons, details from audit_event
      where action = 'READ' and operation = 'POST /rosters/import' order by id desc limit 1`);
    expect(read).toMatchObject({ persons: 1_000, details: { conflicts: rows, listed: 1_000 } });
  });
});
