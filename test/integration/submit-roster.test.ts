import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRECEDENCE } from '../../src/modules/eligibility/domain/precedence';
import { RosterRowChecker, type StagedRosterRow } from '../../src/modules/rosters/domain/roster-row';
import {
  createRosterStaging,
  findStagedDuplicates,
  insertStagedRows,
  mergeStagedRoster,
} from '../../src/modules/rosters/roster-merge.queries';
import type { Problem } from '../../src/shared/errors';
import { IdNumber } from '../../src/shared/id-number';
import { sql } from '../../src/shared/sql';
import { anIdNumber, insertPerson } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

const SUBMIT = `mutation Submit($input: SubmitRosterInput!) { submitRoster(input: $input) { added exited unchanged } }`;

interface Entry {
  idNumber: string;
  name: string;
  disabilityLevel?: number | null;
  recognizedOn: string;
}
type SubmitResult = { submitRoster: { added: number; exited: number; unchanged: number } };

interface EntryRow {
  category: string;
  county: string;
  recognizedOn: string;
  exitedOn: string | null;
  disabilityLevel: number | null;
  sourceDepartment: string;
  submissionId: number | null;
}

describe('submitRoster: whole-list semantics', () => {
  let app: TestApp;
  let civilAffairs: string;

  const submit = (entries: Entry[], asOf: string, token = civilAffairs, category = 'DIBAO', county = '530102') =>
    app.graphql<SubmitResult>(SUBMIT, { input: { category, county, asOf, entries } }, token);

  const entriesOf = (idNumber: string) =>
    app.db.rows<EntryRow>(sql`
      select category, county, recognized_on as "recognizedOn", exited_on as "exitedOn", roster_entry.disability_level as "disabilityLevel",
             source_department as "sourceDepartment", submission_id as "submissionId"
      from roster_entry join person on person.id = roster_entry.person_id
      where person.id_number = ${idNumber} order by roster_entry.id`);

  const countRows = async (table: string) =>
    (await app.db.one<{ count: number }>(sql`select count(*)::int as count from ${sql.raw(table)}`))!.count;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z') });
    civilAffairs = app.token('CIVIL_AFFAIRS', null, 'ca-clerk');
  });

  afterAll(async () => {
    await app.close();
  });

  it('should add, exit and keep people when the same roster is submitted again with changes', async () => {
    const stays = anIdNumber();
    const leaves = anIdNumber();
    const arrives = anIdNumber();
    const first = await submit(
      [
        { idNumber: stays, name: '甲', recognizedOn: '2024-01-10' },
        { idNumber: leaves, name: '乙', recognizedOn: '2024-02-01' },
      ],
      '2024-03-31',
    );
    expect(first.errors).toBeUndefined();
    expect(first.data!.submitRoster).toEqual({ added: 2, exited: 0, unchanged: 0 });

    const second = await submit(
      [
        { idNumber: stays, name: '甲', recognizedOn: '2024-01-10' },
        { idNumber: arrives, name: '丙', recognizedOn: '2024-05-20' },
      ],
      '2024-06-30',
    );
    expect(second.errors).toBeUndefined();
    expect(second.data!.submitRoster).toEqual({ added: 1, exited: 1, unchanged: 1 });

    expect(await entriesOf(leaves)).toMatchObject([
      { category: 'DIBAO', county: '530102', recognizedOn: '2024-02-01', exitedOn: '2024-06-30' },
    ]);
    expect(await entriesOf(stays)).toMatchObject([{ recognizedOn: '2024-01-10', exitedOn: null }]);
    expect(await entriesOf(arrives)).toMatchObject([{ recognizedOn: '2024-05-20', exitedOn: null, sourceDepartment: 'CIVIL_AFFAIRS' }]);

    // the same list again changes nothing
    const entriesBefore = await countRows('roster_entry');
    const third = await submit(
      [
        { idNumber: stays, name: '甲', recognizedOn: '2024-01-10' },
        { idNumber: arrives, name: '丙', recognizedOn: '2024-05-20' },
      ],
      '2024-06-30',
    );
    expect(third.data!.submitRoster).toEqual({ added: 0, exited: 0, unchanged: 2 });
    expect(await countRows('roster_entry')).toBe(entriesBefore);
    expect(await entriesOf(leaves)).toMatchObject([{ exitedOn: '2024-06-30' }]);

    // a person who left and reappears gets a new period; the old one stays closed
    const fourth = await submit(
      [
        { idNumber: stays, name: '甲', recognizedOn: '2024-01-10' },
        { idNumber: arrives, name: '丙', recognizedOn: '2024-05-20' },
        { idNumber: leaves, name: '乙', recognizedOn: '2024-09-01' },
      ],
      '2024-09-30',
    );
    expect(fourth.data!.submitRoster).toEqual({ added: 1, exited: 0, unchanged: 2 });
    expect(await entriesOf(leaves)).toMatchObject([
      { recognizedOn: '2024-02-01', exitedOn: '2024-06-30' },
      { recognizedOn: '2024-09-01', exitedOn: null },
    ]);
  });

  it('should create an unknown person with gender and birth date from the ID number, and record the submission', async () => {
    const woman = IdNumber.compose('530122', '1975-08-09', 42).value;
    // a 15-digit legacy number is converted to 18 characters (R13)
    const legacy = '530102800517013';
    const converted = IdNumber.parse(legacy).value;
    const result = await submit(
      [
        { idNumber: woman, name: ' 王芳 ', disabilityLevel: 3, recognizedOn: '2024-04-01' },
        { idNumber: legacy, name: '老号码', recognizedOn: '2024-04-01' },
      ],
      '2024-04-30',
      civilAffairs,
      'TEKUN',
      '530125',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.submitRoster).toEqual({ added: 2, exited: 0, unchanged: 0 });

    const person = await app.db.one<Record<string, unknown>>(sql`
      select name, gender, birth_date as "birthDate", disability_level as "disabilityLevel", pension_status as "pensionStatus"
      from person where id_number = ${woman}`);
    expect(person).toEqual({ name: '王芳', gender: 'F', birthDate: '1975-08-09', disabilityLevel: 3, pensionStatus: 'NOT_ENROLLED' });
    expect(
      (await app.db.one<{ birthDate: string }>(sql`select birth_date as "birthDate" from person where id_number = ${converted}`))!
        .birthDate,
    ).toBe('1980-05-17');

    const [entry] = await entriesOf(woman);
    expect(entry).toMatchObject({ category: 'TEKUN', county: '530125', disabilityLevel: 3 });
    const submission = await app.db.one<Record<string, unknown>>(sql`
      select submitted_by as "submittedBy", department, submitter_county as "submitterCounty", category, county, as_of as "asOf",
             added, exited, unchanged, file_hash as "fileHash"
      from roster_submission where id = ${entry!.submissionId}`);
    expect(submission).toEqual({
      submittedBy: 'ca-clerk',
      department: 'CIVIL_AFFAIRS',
      submitterCounty: null,
      category: 'TEKUN',
      county: '530125',
      asOf: '2024-04-30',
      added: 2,
      exited: 0,
      unchanged: 0,
      fileHash: null,
    });
    const audit = await app.db.one<{ action: string; details: Record<string, unknown> }>(sql`
      select action, details from audit_event where action = 'SUBMIT_ROSTER' order by id desc limit 1`);
    expect(audit).toMatchObject({
      action: 'SUBMIT_ROSTER',
      details: { category: 'TEKUN', county: '530125', added: 2, exited: 0, unchanged: 0 },
    });
  });

  it('should update the name and disability level of a known person, keeping the level when none is given (R7)', async () => {
    const known = await insertPerson(app.db, { name: '旧名', disabilityLevel: 4 });
    await submit([{ idNumber: known.idNumber, name: '新名', recognizedOn: '2024-01-01' }], '2024-02-01', civilAffairs, 'DIBAO', '530181');
    expect(await app.db.one(sql`select name, disability_level as "level" from person where id = ${known.id}`)).toEqual({
      name: '新名',
      level: 4,
    });
    await submit(
      [{ idNumber: known.idNumber, name: '新名', disabilityLevel: 2, recognizedOn: '2024-01-01' }],
      '2024-03-01',
      civilAffairs,
      'DIBAO',
      '530181',
    );
    expect(await app.db.one(sql`select name, disability_level as "level" from person where id = ${known.id}`)).toEqual({
      name: '新名',
      level: 2,
    });
  });

  it('should report every problem at once and write nothing when rows are bad', async () => {
    const tables = ['person', 'roster_entry', 'roster_submission', 'audit_event'];
    const before = await Promise.all(tables.map(countRows));
    const good = anIdNumber();
    const legacy = '530102800517015';
    const result = await app.graphql(
      SUBMIT,
      {
        input: {
          category: 'DIBAO',
          county: '999999',
          asOf: '2024-06-30',
          entries: [
            { idNumber: good, name: '好', recognizedOn: '2024-01-01' },
            { idNumber: '530102198001011234', name: '坏号', recognizedOn: '2024-01-01' },
            { idNumber: good, name: '重复', recognizedOn: '2024-01-01' },
            { idNumber: anIdNumber(), name: '  ', disabilityLevel: 7, recognizedOn: '2024-07-01' },
            { idNumber: legacy, name: '旧', recognizedOn: '2024-01-01' },
            { idNumber: IdNumber.parse(legacy).value, name: '新', recognizedOn: '2024-01-01' },
          ],
        },
      },
      civilAffairs,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const problems = result.errors![0]!.extensions!.problems!.map((problem) => `${problem.row ?? '-'}:${problem.field}`);
    expect(problems.sort()).toEqual(
      [
        '-:county',
        '2:entries.idNumber',
        '3:entries.idNumber',
        '4:entries.name',
        '4:entries.disabilityLevel',
        '4:entries.recognizedOn',
        '6:entries.idNumber',
      ].sort(),
    );
    expect(await Promise.all(tables.map(countRows))).toEqual(before);
  });

  it('should forbid CIVIL_AFFAIRS to submit RETURNED_POVERTY, another county, and TAX to submit at all', async () => {
    const entries = [{ idNumber: anIdNumber(), name: '某', recognizedOn: '2024-01-01' }];
    const wrongCategory = await submit(entries, '2024-06-30', civilAffairs, 'RETURNED_POVERTY');
    expect(wrongCategory.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const otherCounty = await submit(entries, '2024-06-30', app.token('CIVIL_AFFAIRS', '530103'), 'DIBAO', '530102');
    expect(otherCounty.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const rural = await submit(entries, '2024-06-30', app.token('RURAL_REVITALIZATION'), 'TEKUN');
    expect(rural.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const tax = await submit(entries, '2024-06-30', app.token('TAX'));
    expect(tax.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await app.db.one(sql`select count(*)::int as count from person where id_number = ${entries[0]!.idNumber}`)).toEqual({
      count: 0,
    });
  });

  it('should let a county user submit its own county and RURAL_REVITALIZATION submit RETURNED_POVERTY', async () => {
    const own = await submit(
      [{ idNumber: anIdNumber(), name: '县', recognizedOn: '2024-01-01' }],
      '2024-06-30',
      app.token('CIVIL_AFFAIRS', '530103'),
      'DIBAO',
      '530103',
    );
    expect(own.data!.submitRoster).toEqual({ added: 1, exited: 0, unchanged: 0 });
    const rural = await submit(
      [{ idNumber: anIdNumber(), name: '乡', recognizedOn: '2024-01-01' }],
      '2024-06-30',
      app.token('RURAL_REVITALIZATION', '530124'),
      'RETURNED_POVERTY',
      '530124',
    );
    expect(rural.data!.submitRoster).toEqual({ added: 1, exited: 0, unchanged: 0 });
  });
});

describe('mergeStagedRoster: conflicts and dry runs', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z') });
  });

  afterAll(async () => {
    await app.close();
  });

  function stage(rows: Array<{ idNumber: string; name: string; recognizedOn: string }>, asOf: string): StagedRosterRow[] {
    const problems: Problem[] = [];
    const checker = new RosterRowChecker({ asOf, fieldPrefix: '', trackDuplicates: true });
    const staged = rows.map((row, index) => checker.check(row, index + 2, problems)!);
    expect(problems).toEqual([]);
    return staged;
  }

  it('should list persons active on another roster with the R8 winner, and write nothing in a dry run', async () => {
    const onReturnedPoverty = await insertPerson(app.db, {
      entries: [{ category: 'RETURNED_POVERTY', county: '530125', recognizedOn: '2023-01-01' }],
    });
    const onDibaoElsewhere = await insertPerson(app.db, { entries: [{ category: 'DIBAO', county: '530103', recognizedOn: '2023-01-01' }] });
    const exitedBefore = await insertPerson(app.db, {
      entries: [{ category: 'DIBAO', county: '530111', recognizedOn: '2022-01-01', exitedOn: '2023-01-01' }],
    });
    const alreadyHere = await insertPerson(app.db, { entries: [{ category: 'TEKUN', county: '530102', recognizedOn: '2023-01-01' }] });
    const leaving = await insertPerson(app.db, { entries: [{ category: 'TEKUN', county: '530102', recognizedOn: '2023-01-01' }] });
    const newcomer = anIdNumber();
    const rows = stage(
      [
        { idNumber: onReturnedPoverty.idNumber, name: 'a', recognizedOn: '2024-01-01' },
        { idNumber: onDibaoElsewhere.idNumber, name: 'b', recognizedOn: '2024-01-01' },
        { idNumber: exitedBefore.idNumber, name: 'c', recognizedOn: '2024-01-01' },
        { idNumber: alreadyHere.idNumber, name: 'd', recognizedOn: '2023-01-01' },
        { idNumber: newcomer, name: 'e', recognizedOn: '2024-01-01' },
      ],
      '2024-06-30',
    );
    const countsBefore = await app.db
      .one(sql`select (select count(*) from person)::int as persons, (select count(*) from roster_entry)::int as entries,
      (select count(*) from roster_submission)::int as submissions, (select count(*) from roster_entry where exited_on is not null)::int as exited`);

    const result = await app.db.transaction(async (client) => {
      await createRosterStaging(client);
      await insertStagedRows(client, rows.slice(0, 2));
      await insertStagedRows(client, rows.slice(2));
      expect(await findStagedDuplicates(client)).toEqual([]);
      return mergeStagedRoster(
        client,
        {
          category: 'TEKUN',
          county: '530102',
          asOf: '2024-06-30',
          viewer: { subject: 'x', department: 'CIVIL_AFFAIRS', county: null },
          fileHash: null,
          dryRun: true,
        },
        DEFAULT_PRECEDENCE,
      );
    });
    expect(result).toEqual({
      added: 4,
      exited: 1,
      unchanged: 1,
      conflicts: [
        {
          idNumber: onReturnedPoverty.idNumber,
          otherCategory: 'RETURNED_POVERTY',
          otherCounty: '530125',
          countedCategory: 'RETURNED_POVERTY',
        },
        { idNumber: onDibaoElsewhere.idNumber, otherCategory: 'DIBAO', otherCounty: '530103', countedCategory: 'TEKUN' },
      ],
      conflictCount: 2,
    });
    // the dry run counted `leaving` as exited but did not close its entry
    expect(
      (await app.db.one<{ exitedOn: string | null }>(
        sql`select exited_on as "exitedOn" from roster_entry where person_id = ${leaving.id}`,
      ))!.exitedOn,
    ).toBeNull();
    const countsAfter = await app.db
      .one(sql`select (select count(*) from person)::int as persons, (select count(*) from roster_entry)::int as entries,
      (select count(*) from roster_submission)::int as submissions, (select count(*) from roster_entry where exited_on is not null)::int as exited`);
    expect(countsAfter).toEqual(countsBefore);
  });

  it('should store the file hash and give the same counts when not a dry run', async () => {
    const person = await insertPerson(app.db, { entries: [{ category: 'DIBAO', county: '530128', recognizedOn: '2023-01-01' }] });
    const rows = stage(
      [
        { idNumber: person.idNumber, name: 'p', recognizedOn: '2023-01-01' },
        { idNumber: anIdNumber(), name: 'q', recognizedOn: '2024-01-01' },
      ],
      '2024-06-30',
    );
    const result = await app.db.transaction(async (client) => {
      await createRosterStaging(client);
      await insertStagedRows(client, rows);
      return mergeStagedRoster(
        client,
        {
          category: 'DIBAO',
          county: '530128',
          asOf: '2024-06-30',
          viewer: { subject: 'importer', department: 'CIVIL_AFFAIRS', county: '530128' },
          fileHash: 'ab'.repeat(32),
          dryRun: false,
        },
        DEFAULT_PRECEDENCE,
      );
    });
    expect(result).toEqual({ added: 1, exited: 0, unchanged: 1, conflicts: [], conflictCount: 0 });
    expect(
      await app.db.one(
        sql`select file_hash as "fileHash", submitter_county as "submitterCounty", added, unchanged from roster_submission order by id desc limit 1`,
      ),
    ).toEqual({
      fileHash: 'ab'.repeat(32),
      submitterCounty: '530128',
      added: 1,
      unchanged: 1,
    });
  });

  it('should find duplicates staged without the in-memory check', async () => {
    const idNumber = anIdNumber();
    const row: StagedRosterRow = {
      rowNumber: 2,
      idNumber,
      name: 'x',
      gender: 'M',
      birthDate: '1980-05-17',
      disabilityLevel: null,
      recognizedOn: '2024-01-01',
    };
    const duplicates = await app.db.transaction(async (client) => {
      await createRosterStaging(client);
      await insertStagedRows(client, [row, { ...row, rowNumber: 5 }]);
      return findStagedDuplicates(client);
    });
    expect(duplicates).toEqual([{ idNumber, rowNumbers: [2, 5] }]);
  });
});
