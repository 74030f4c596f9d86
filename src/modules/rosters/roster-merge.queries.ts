import type { Viewer } from '../../shared/auth';
import type { HardshipCategory } from '../../shared/domain';
import { sql, type QueryRunner, type SqlFragment } from '../../shared/sql';
import type { StagedRosterRow } from './domain/roster-row';

export type { StagedRosterRow } from './domain/roster-row';

// The whole-list merge of one roster (category + county) as of a date, done set-based in PostgreSQL
// over a temporary staging table so that a million-row file never has to be held in Node.
// Callers: the submitRoster mutation and the file import. Both run: validate → stage → merge.

export interface StagedRosterParams {
  category: HardshipCategory;
  county: string;
  asOf: string;
  viewer: Viewer;
  fileHash: string | null;
  dryRun: boolean;
}

export interface RosterConflict {
  idNumber: string;
  otherCategory: HardshipCategory;
  otherCounty: string;
  countedCategory: HardshipCategory;
}

export interface RosterMergeResult {
  added: number;
  exited: number;
  unchanged: number;
  /** The first MAX_LISTED_CONFLICTS conflicts, in row order. */
  conflicts: RosterConflict[];
  /** All conflicts, listed or not. */
  conflictCount: number;
}

/**
 * The most conflicts an answer lists (the count says how many there are). A list of a million rows that
 * all stand on another roster would otherwise build a million objects in the answer and exhaust the heap.
 */
export const MAX_LISTED_CONFLICTS = 1000;

/** Creates temp table roster_staging(row_number int, id_number char(18), name varchar(100), gender char(1), birth_date date, disability_level smallint null, recognized_on date) ON COMMIT DROP. */
export async function createRosterStaging(transaction: QueryRunner): Promise<void> {
  await transaction.execute(sql`create temp table roster_staging (
    row_number int not null,
    id_number char(18) not null,
    name varchar(100) not null,
    gender char(1) not null,
    birth_date date not null,
    disability_level smallint null,
    recognized_on date not null
  ) on commit drop`);
}

/** Rows per INSERT into the staging table; streaming callers buffer this many before staging. */
export const STAGING_BATCH_SIZE = 5_000;

/** Inserts validated rows, one unnest() statement per STAGING_BATCH_SIZE rows. */
export async function insertStagedRows(transaction: QueryRunner, rows: readonly StagedRosterRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += STAGING_BATCH_SIZE) {
    await insertStagedBatch(transaction, rows.slice(start, start + STAGING_BATCH_SIZE));
  }
}

async function insertStagedBatch(transaction: QueryRunner, rows: readonly StagedRosterRow[]): Promise<void> {
  const column = <T>(pick: (row: StagedRosterRow) => T) => rows.map(pick);
  await transaction.execute(sql`
    insert into roster_staging (row_number, id_number, name, gender, birth_date, disability_level, recognized_on)
    select * from unnest(${column((row) => row.rowNumber)}::int[], ${column((row) => row.idNumber)}::char(18)[],
                         ${column((row) => row.name)}::varchar(100)[], ${column((row) => row.gender)}::char(1)[],
                         ${column((row) => row.birthDate)}::date[], ${column((row) => row.disabilityLevel)}::smallint[],
                         ${column((row) => row.recognizedOn)}::date[])`);
}

/**
 * ID numbers staged more than once, as [{ idNumber, rowNumbers }]; for callers that stage without
 * checking duplicates in memory (the merge itself assumes one row per person).
 */
export function findStagedDuplicates(transaction: QueryRunner): Promise<Array<{ idNumber: string; rowNumbers: number[] }>> {
  return transaction.rows(sql`
    select id_number as "idNumber", array_agg(row_number order by row_number) as "rowNumbers"
    from roster_staging group by id_number having count(*) > 1 order by min(row_number)`);
}

/** The roster's latest submission: its file (null for the mutation) and date, to tell a repeated file. */
export function lastSubmissionOf(
  transaction: QueryRunner,
  category: HardshipCategory,
  county: string,
): Promise<{ fileHash: string | null; asOf: string } | undefined> {
  return transaction.one(sql`
    select file_hash as "fileHash", as_of::text as "asOf" from roster_submission
    where category = ${category} and county = ${county} order by submitted_at desc, id desc limit 1`);
}

/** What an applied file import keeps beside its counts, to answer the same file again without the work. */
export interface KeptOutcome {
  precedence: HardshipCategory[];
  /** The listed conflicts (at most MAX_LISTED_CONFLICTS). */
  conflicts: RosterConflict[];
  /** All of them; absent in outcomes kept before the list was bounded (then the list was all). */
  conflictCount?: number;
}

/**
 * The roster's latest submission when it applied this very file (hash) as of this date and no roster
 * entry anywhere has changed since (roster_entry_version still at the value it recorded): then a new
 * full run of the file would find the same counts and conflicts. One indexed statement.
 */
export function findUnchangedApplication(
  db: QueryRunner,
  roster: { category: HardshipCategory; county: string; asOf: string; fileHash: string },
): Promise<{ added: number; unchanged: number; outcome: KeptOutcome } | undefined> {
  return db.one(sql`
    select latest.added, latest.unchanged, latest.outcome
    from (select added, unchanged, outcome, file_hash, as_of, entries_version from roster_submission
          where category = ${roster.category} and county = ${roster.county} order by submitted_at desc, id desc limit 1) latest
    join roster_entry_version current on current.id = 1 and current.version = latest.entries_version
    where latest.file_hash = ${roster.fileHash} and latest.as_of = ${roster.asOf}::date and latest.outcome is not null`);
}

/** Open entries (exited_on is null) of the submitted roster, aliased `open_entry`. */
function openEntryOfRoster(params: StagedRosterParams): SqlFragment {
  return sql`open_entry.category = ${params.category} and open_entry.county = ${params.county} and open_entry.exited_on is null`;
}

/** R8 conflicts: persons on the list who on asOf are active on another roster (another category, or this one in another county). */
async function findConflicts(
  transaction: QueryRunner,
  params: StagedRosterParams,
  precedence: readonly HardshipCategory[],
): Promise<{ conflicts: RosterConflict[]; conflictCount: number }> {
  const order = [...precedence];
  const rows = await transaction.rows<Record<string, unknown>>(sql`
    with other as (
      select staged.row_number, staged.id_number, entry.person_id, entry.category, entry.county
      from roster_staging staged
      join person on person.id_number = staged.id_number
      join roster_entry entry on entry.person_id = person.id
      where entry.recognized_on <= ${params.asOf}::date
        and (entry.exited_on is null or ${params.asOf}::date < entry.exited_on)
        and (entry.category <> ${params.category} or entry.county <> ${params.county})
    ),
    winner as (
      -- the counted category among the other active entries plus the submitted one
      select person_id, (array_agg(category order by array_position(${order}::text[], category)))[1] as category
      from (select person_id, category from other union all select distinct person_id, ${params.category}::text from other) candidates
      group by person_id
    )
    select other.id_number as "idNumber", other.category as "otherCategory", other.county as "otherCounty", winner.category as "countedCategory",
      count(*) over ()::int as total
    from other join winner using (person_id)
    order by other.row_number, array_position(${order}::text[], other.category), other.county
    limit ${MAX_LISTED_CONFLICTS}`);
  const conflicts = rows.map((row) => ({
    idNumber: String(row.idNumber),
    otherCategory: row.otherCategory as HardshipCategory,
    otherCounty: String(row.otherCounty),
    countedCategory: row.countedCategory as HardshipCategory,
  }));
  return { conflicts, conflictCount: rows.length === 0 ? 0 : Number(rows[0]!.total) };
}

async function countChanges(
  transaction: QueryRunner,
  params: StagedRosterParams,
): Promise<{ added: number; exited: number; unchanged: number }> {
  const row = await transaction.one<Record<string, unknown>>(sql`
    select
      (select count(*) from roster_staging staged
         left join person on person.id_number = staged.id_number
         where not exists (select 1 from roster_entry open_entry where open_entry.person_id = person.id and ${openEntryOfRoster(params)}))::int as added,
      (select count(*) from roster_staging staged
         join person on person.id_number = staged.id_number
         where exists (select 1 from roster_entry open_entry where open_entry.person_id = person.id and ${openEntryOfRoster(params)}))::int as unchanged,
      (select count(*) from roster_entry open_entry
         where ${openEntryOfRoster(params)}
           and not exists (select 1 from roster_staging staged join person on person.id_number = staged.id_number where person.id = open_entry.person_id))::int as exited`);
  if (row === undefined) throw new Error('count of roster changes returned no row');
  return { added: Number(row.added), exited: Number(row.exited), unchanged: Number(row.unchanged) };
}

/**
 * Right after a large import or submission, before autovacuum gets to it, the planner still believes the previous
 * statistics (e.g. "no open entries") and picks a quadratic anti-join in the merge (measured: 25 s for
 * 20,000 rows instead of 0.1 s). ANALYZE samples at most 30,000 rows a table, so it is cheap; tables
 * never analysed are left alone, since the planner then reads their real size.
 */
async function refreshStaleStatistics(transaction: QueryRunner): Promise<void> {
  const stale = await transaction.rows<{ relname: string }>(sql`
    select relname from pg_stat_user_tables
    where relname in ('person', 'roster_entry') and n_mod_since_analyze > greatest(1000, n_live_tup / 10)`);
  // Table names from the catalogue, chosen among two fixed names above: never user input.
  if (stale.length > 0) await transaction.execute(sql`analyze ${sql.raw(stale.map((row) => row.relname).join(', '))}`);
}

/** Runs inside the caller's transaction. With dryRun it computes counts and conflicts and writes nothing. */
export async function mergeStagedRoster(
  transaction: QueryRunner,
  params: StagedRosterParams,
  precedence: readonly HardshipCategory[],
): Promise<RosterMergeResult> {
  // Temp tables are never auto-analysed; without statistics the planner guesses badly on large lists.
  await transaction.execute(sql`analyze roster_staging`);
  await refreshStaleStatistics(transaction);
  const staged = (await transaction.one<{ count: number }>(sql`select count(*)::int as count from roster_staging`))?.count ?? 0;
  // Right after a large list, person and roster_entry statistics lag (autovacuum has not run yet), and
  // a nested loop planned for "1 row" over hundreds of thousands of open entries becomes quadratic,
  // whatever the size of this list. Hash and merge joins stay linear whatever the estimates.
  await transaction.execute(sql`set local enable_nestloop = off`);
  try {
    return await mergeWithPlanner(transaction, params, precedence, staged);
  } finally {
    await transaction.execute(sql`reset enable_nestloop`).catch(() => undefined);
  }
}

async function mergeWithPlanner(
  transaction: QueryRunner,
  params: StagedRosterParams,
  precedence: readonly HardshipCategory[],
  staged: number,
): Promise<RosterMergeResult> {
  if (!params.dryRun) {
    // Two submissions of the same roster at once would each exit the other's additions: serialise them.
    await transaction.rows(sql`select pg_advisory_xact_lock(hashtext(${`roster:${params.category}:${params.county}`}))`);
    // The roster_entry version row, locked before the conflicts are read: no other write to roster_entry
    // lands between them and this commit, so the version recorded below describes what was read.
    await transaction.execute(sql`update roster_entry_version set version = version + 1 where id = 1`);
  }
  const { conflicts, conflictCount } = await findConflicts(transaction, params, precedence);
  if (params.dryRun) return { ...(await countChanges(transaction, params)), conflicts, conflictCount };

  const submission = await transaction.one<{ id: number }>(
    sql`
    insert into roster_submission (submitted_by, department, submitter_county, category, county, as_of, file_hash)
    values (${params.viewer.subject}, ${params.viewer.department}, ${params.viewer.county}, ${params.category}, ${params.county}, ${params.asOf}::date, ${params.fileHash})
    returning id`,
  );
  const submissionId = Number(submission!.id);

  // People not known yet are created from their row; pension status starts NOT_ENROLLED (DESIGN §6).
  // The unique index decides who is new: no join against the table being filled.
  await transaction.execute(
    sql`
    insert into person (id_number, name, gender, birth_date, disability_level)
    select staged.id_number, staged.name, staged.gender, staged.birth_date, staged.disability_level
    from roster_staging staged
    on conflict (id_number) do nothing`,
  );

  // The latest list gives the name; a given disability level updates the person's level (R7). Only changed rows are written.
  await transaction.execute(
    sql`
    update person set name = staged.name, disability_level = coalesce(staged.disability_level, person.disability_level), updated_at = now()
    from roster_staging staged
    where person.id_number = staged.id_number
      and (person.name <> staged.name or (staged.disability_level is not null and person.disability_level is distinct from staged.disability_level))`,
  );

  // Missing from the list: the open period ends on asOf (never before it began, which the table forbids).
  const exited = await transaction.execute(
    sql`
    update roster_entry open_entry set exited_on = greatest(${params.asOf}::date, open_entry.recognized_on)
    where ${openEntryOfRoster(params)}
      and not exists (select 1 from roster_staging staged join person on person.id_number = staged.id_number where person.id = open_entry.person_id)`,
  );

  // On the list without an open period (new, or reappearing after leaving): a new period.
  const added = await transaction.execute(
    sql`
    insert into roster_entry (person_id, category, county, recognized_on, disability_level, source_department, submission_id)
    select person.id, ${params.category}, ${params.county}, staged.recognized_on, staged.disability_level, ${params.viewer.department}, ${submissionId}
    from roster_staging staged
    join person on person.id_number = staged.id_number
    where not exists (select 1 from roster_entry open_entry where open_entry.person_id = person.id and ${openEntryOfRoster(params)})`,
  );

  const counts = { added, exited, unchanged: staged - added };
  const outcome: KeptOutcome | null = params.fileHash !== null ? { precedence: [...precedence], conflicts, conflictCount } : null;
  await transaction.execute(
    sql`
    update roster_submission set added = ${counts.added}, exited = ${counts.exited}, unchanged = ${counts.unchanged},
      entries_version = (select version from roster_entry_version where id = 1),
      outcome = ${outcome === null ? null : JSON.stringify(outcome)}::jsonb
    where id = ${submissionId}`,
  );
  return { ...counts, conflicts, conflictCount };
}
