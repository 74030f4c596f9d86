import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/shared/sql';
import { anIdNumber, insertPerson } from '../factories/person.factory';
import { utf8Csv, type Cell } from '../support/exchange-files';
import { startTestApp, type TestApp } from '../support/test-app';

// Issue 11: a file imported again unchanged (same hash, roster and date, still the roster's latest
// submission, no roster entry changed anywhere since) is answered from its application in one
// statement, with exactly the answer the full work gives; any change in between means the full work.

const HEADER: Cell[] = ['身份证号', '姓名', '残疾等级', '认定日期'];

describe('re-import of an unchanged roster file', () => {
  let app: TestApp;
  let civilAffairs: string;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z'), importLimits: { maxBytes: 20_000, maxRows: 50 } });
    civilAffairs = app.token('CIVIL_AFFAIRS', null, 'ca-clerk');
  });

  afterAll(async () => {
    await app.close();
  });

  const send = async (file: Buffer, fields: Record<string, string>) => {
    let request = app.http().post('/rosters/import').set('authorization', `Bearer ${civilAffairs}`);
    for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
    const before = app.db.statementCount;
    const response = await request.attach('file', file, 'roster.csv');
    expect(response.status).toBe(200);
    return { body: response.body as Record<string, unknown>, statements: app.db.statementCount - before };
  };

  const tableCounts = async () =>
    app.db.one(sql`
      select (select count(*) from person)::int as persons, (select count(*) from roster_entry)::int as entries,
             (select count(*) from roster_submission)::int as submissions, (select count(*) from audit_event)::int as events`);

  /** A file of three persons, one of them already on TEKUN in 530102 (a conflict). */
  async function fileWithConflict(): Promise<{ file: Buffer; ids: string[]; onTekun: string }> {
    const onTekun = (await insertPerson(app.db, { entries: [{ category: 'TEKUN', county: '530102', recognizedOn: '2023-01-01' }] }))
      .idNumber;
    const ids = [anIdNumber(), onTekun, anIdNumber()];
    const file = utf8Csv([
      HEADER,
      [ids[0]!, '甲', '', '2024-01-05'],
      [ids[1]!, '乙', '', '2024-01-06'],
      [ids[2]!, '丙', '2', '2024-01-07'],
    ]);
    return { file, ids, onTekun };
  }

  it('should answer the repeated file in one statement with exactly the answer of the full work', async () => {
    const { file, onTekun } = await fileWithConflict();
    const fields = { category: 'DIBAO', county: '530111', asOf: '2024-03-31' };
    const first = await send(file, fields);
    expect(first.body).toMatchObject({ added: 3, alreadyApplied: false, rows: 3 });
    expect(first.body.conflicts).toEqual([{ idNumber: onTekun, otherCategory: 'TEKUN', otherCounty: '530102', countedCategory: 'TEKUN' }]);

    await app.server.audit.flush();
    const before = await tableCounts();
    const repeated = await send(file, fields);
    expect(repeated.statements).toBe(1);
    expect(repeated.body).toMatchObject({ added: 0, exited: 0, unchanged: 3, rows: 3, alreadyApplied: true, dryRun: false });
    await app.server.audit.flush();
    // The READ audit of the conflict is recorded as before; nothing else is written.
    const after = (await tableCounts()) as Record<string, number>;
    expect({ ...after, events: 0 }).toEqual({ ...(before as Record<string, number>), events: 0 });

    // A statement that writes no row still raises the version: the next import does the full work, and answers the same.
    await app.db.execute(sql`update roster_entry set exited_on = exited_on where false`);
    const full = await send(file, fields);
    expect(full.statements).toBeGreaterThan(8);
    expect(repeated.body).toEqual(full.body);

    // dryRun on a repeated file: the same short answer, marked as a dry run.
    const dryRun = await send(file, { ...fields, dryRun: 'true' });
    expect(dryRun.body).toEqual({ ...full.body, dryRun: true, message: full.body.message });
  });

  it('should do the full work when another roster changed in between (the conflicts are not those of the application)', async () => {
    const { file, ids, onTekun } = await fileWithConflict();
    const fields = { category: 'DIBAO', county: '530112', asOf: '2024-03-31' };
    await send(file, fields);
    // Since the application, a person of the file came onto RETURNED_POVERTY (written straight into the table).
    const person = await app.db.one<{ id: number }>(sql`select id from person where id_number = ${ids[0]!}`);
    await app.db.execute(sql`
      insert into roster_entry (person_id, category, county, recognized_on, source_department)
      values (${person!.id}, 'RETURNED_POVERTY', '530112', '2024-02-01', 'RURAL_REVITALIZATION')`);
    const again = await send(file, fields);
    expect(again.statements).toBeGreaterThan(8);
    expect(again.body).toMatchObject({ added: 0, exited: 0, unchanged: 3, alreadyApplied: true });
    expect(again.body.conflicts).toEqual([
      { idNumber: ids[0], otherCategory: 'RETURNED_POVERTY', otherCounty: '530112', countedCategory: 'RETURNED_POVERTY' },
      { idNumber: onTekun, otherCategory: 'TEKUN', otherCounty: '530102', countedCategory: 'TEKUN' },
    ]);
  });

  it('should apply the file again when the roster was submitted otherwise since (not the latest state any more)', async () => {
    const { file, ids } = await fileWithConflict();
    const fields = { category: 'DIBAO', county: '530113', asOf: '2024-03-31' };
    await send(file, fields);
    const shorter = utf8Csv([HEADER, [ids[0]!, '甲', '', '2024-01-05']]);
    expect((await send(shorter, { ...fields, asOf: '2024-04-30' })).body).toMatchObject({ exited: 2 });
    const again = await send(file, { ...fields, asOf: '2024-05-31' });
    expect(again.body).toMatchObject({ added: 2, exited: 0, unchanged: 1, alreadyApplied: false });
  });
});
