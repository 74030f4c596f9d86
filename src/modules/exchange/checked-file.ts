import { BadUserInputError } from '../../shared/errors';
import { ImportReader, type ReadProgress } from './import-reader';
import type { ImportSchema } from './import-schemas';
import type { TableSource } from './table-reader';

// Files whose rows go through a service that takes a list (enrolments, payments): every row is read and
// checked first, so a file and the mutation accept, refuse and count alike. The checked rows (not the
// file) are held in memory: about 100 bytes a row.

/** Reads every row; throws all problems at once, or returns the records with their spreadsheet rows. */
export async function readCheckedFile<Record_>(
  source: TableSource,
  schema: ImportSchema<Record_>,
  maxRows: number,
  onProgress?: (progress: ReadProgress) => void,
): Promise<{ records: Record_[]; rows: number[] }> {
  const reader = new ImportReader(source, schema, { maxRows, onProgress });
  const records: Record_[] = [];
  const rows: number[] = [];
  for await (const { row, record } of reader.records()) {
    if (reader.hasProblems) continue;
    records.push(record);
    rows.push(row);
  }
  if (reader.hasProblems) throw new BadUserInputError(reader.problems);
  return { records, rows };
}

/** The services number rows 1..n in the list they were given; a file speaks of spreadsheet rows. */
export async function withSpreadsheetRows<T>(rows: readonly number[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof BadUserInputError)) throw error;
    throw new BadUserInputError(
      error.problems.map((problem) => ({ ...problem, row: problem.row === null ? null : (rows[problem.row - 1] ?? problem.row) })),
    );
  }
}
