import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditQueries } from '../../src/modules/audit/audit.queries';
import { PeopleQueries } from '../../src/modules/people/people.queries';
import { sql, type QueryRunner, type SqlFragment } from '../../src/shared/sql';
import { insertPerson } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

// person.id_number is character(18). Compared with a text[] parameter, PostgreSQL casts the column to text and
// cannot use its unique index: every lookup read all persons (0.28 s for 500 ID numbers at 1,000,000 persons, run
// by the audit log for each analyst read it records by ID number). Each statement is checked with sequential scans
// priced out: only a statement that can use the index shows it in its plan.

describe('lookups of persons by ID number', () => {
  let app: TestApp;
  let persons: Array<{ id: number; idNumber: string }>;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z') });
    persons = [];
    for (let index = 0; index < 3; index++)
      persons.push(await insertPerson(app.db, { entries: [{ category: 'DIBAO', county: '530102' }] }));
  });

  afterAll(async () => {
    await app.close();
  });

  /** Runs the statements of `work` on the database, keeping each one sent. */
  const recording = async (work: (db: QueryRunner) => Promise<unknown>): Promise<SqlFragment[]> => {
    const sent: SqlFragment[] = [];
    const recorder: QueryRunner = {
      rows: (query) => (sent.push(query), app.db.rows(query)),
      one: (query) => (sent.push(query), app.db.one(query)),
      execute: (query) => (sent.push(query), app.db.execute(query)),
      transaction: (inner) => inner(recorder),
      analystReads: () => recorder,
    };
    await work(recorder);
    return sent;
  };

  const planOf = (statement: SqlFragment) =>
    app.db.transaction(async (transaction) => {
      await transaction.execute(sql`set local enable_seqscan = off`);
      const rows = await transaction.rows<{ 'QUERY PLAN': string }>(sql`explain ${statement}`);
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });

  it('should resolve the audit log ID numbers through the ID number index', async () => {
    const [first, second] = persons;
    const sent = await recording((db) =>
      new AuditQueries(db).insertMany([
        {
          at: new Date('2024-06-15T04:00:00Z'),
          subject: 'analyst',
          department: 'HRSS',
          county: null,
          action: 'READ',
          operation: 'lookupTest',
          personIds: [],
          idNumbers: [second!.idNumber, first!.idNumber],
          details: null,
        },
      ]),
    );
    const stored = await app.db.one<{ ids: number[] }>(sql`select person_ids as ids from audit_event where operation = 'lookupTest'`);
    expect(stored?.ids).toEqual([first!.id, second!.id].sort((a, b) => a - b));
    expect(sent).toHaveLength(1);
    expect(await planOf(sent[0]!)).toMatch(/person_id_number_unique/);
  });

  it('should find the persons of a federation entity batch through the ID number index', async () => {
    let found: Array<{ id: number }> = [];
    const sent = await recording(async (db) => {
      found = await new PeopleQueries(db).findVisibleMany(
        { subject: 'hrss', department: 'HRSS', county: null },
        persons.map((person) => person.idNumber),
        2024,
      );
    });
    expect(found.map((row) => row.id).sort((a, b) => a - b)).toEqual(persons.map((person) => person.id).sort((a, b) => a - b));
    expect(sent).toHaveLength(1);
    expect(await planOf(sent[0]!)).toMatch(/person_id_number_unique/);
  });
});
