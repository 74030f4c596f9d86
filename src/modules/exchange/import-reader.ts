import { BadUserInputError, type Problem } from '../../shared/errors';
import type { ReadProgress } from '../../shared/import-progress';
import { isBlank } from './cells';
import { parseRow, resolveHeader, type ColumnLayout, type ImportSchema } from './import-schemas';
import { readTableRows, TableReadError, type TableDescription, type TableSource } from './table-reader';

// Turns a table into typed records, row by row, collecting every problem with its spreadsheet row.
// Memory: one row at a time plus the set of keys already seen (for duplicates).

export interface ImportReadOptions {
  maxRows: number;
  /** Problems listed in full; more are counted in one closing problem. */
  maxListedProblems?: number;
  /**
   * Find duplicate keys with an in-memory set (default). A caller that stages rows in the database
   * may turn it off and find them there, so that memory stays flat however long the file is.
   */
  detectDuplicates?: boolean;
  /** Told after each data row and once when reading is over (an import job's progress); keep it cheap. */
  onProgress?: (progress: ReadProgress) => void;
}

export type { ReadProgress };

export interface ImportRecord<Record_> {
  row: number;
  record: Record_;
}

export class ImportReader<Record_> {
  private readonly listed: Problem[] = [];
  dataRows = 0;
  private omittedProblems = 0;
  private readonly maxListedProblems: number;

  constructor(
    private readonly source: TableSource,
    private readonly schema: ImportSchema<Record_>,
    private readonly options: ImportReadOptions,
    private readonly description?: TableDescription,
  ) {
    this.maxListedProblems = options.maxListedProblems ?? 1000;
  }

  get hasProblems(): boolean {
    return this.listed.length > 0;
  }

  /** Every problem in row order (file-level ones last), and a count of those not listed. */
  get problems(): Problem[] {
    const sorted = [...this.listed].sort((left, right) => (left.row ?? Number.MAX_SAFE_INTEGER) - (right.row ?? Number.MAX_SAFE_INTEGER));
    if (this.omittedProblems > 0) {
      sorted.push({
        row: null,
        field: 'file',
        message: `${this.omittedProblems} more problems are not listed; fix the ones above and send the file again`,
      });
    }
    return sorted;
  }

  /**
   * Valid records in file order. Reading goes on after a bad row so that all problems are found;
   * callers must not write anything when `hasProblems` is true at the end.
   * Throws BadUserInputError when the file has more data rows than allowed.
   */
  async *records(): AsyncGenerator<ImportRecord<Record_>> {
    const firstRowOf = new Map<string, number>();
    let layout: ColumnLayout<string> | null = null;
    try {
      for await (const { row, cells } of readTableRows(this.source, this.description)) {
        if (cells.every(isBlank)) continue;
        if (layout === null) {
          const header = resolveHeader(this.schema, cells);
          header.problems.forEach((problem) => this.add({ ...problem, row }));
          // Without the required columns no row can be read; say so once, not per row.
          if (header.problems.length > 0) return;
          layout = header.layout;
          continue;
        }
        this.dataRows++;
        this.reportProgress(false);
        if (this.dataRows > this.options.maxRows) {
          throw BadUserInputError.single('file', `the file has more than ${this.options.maxRows} data rows; split it into smaller files`);
        }
        const { record, problems } = parseRow(this.schema, layout, cells, row);
        problems.forEach((problem) => this.add(problem));
        if (record === null) continue;
        if (this.options.detectDuplicates === false) {
          yield { row, record };
          continue;
        }
        const key = this.schema.duplicateKey(record);
        const firstRow = firstRowOf.get(key);
        if (firstRow !== undefined) {
          this.add({ row, field: 'idNumber', message: `${key} ${this.schema.duplicateMessage} (rows ${firstRow} and ${row})` });
          continue;
        }
        firstRowOf.set(key, row);
        yield { row, record };
      }
      if (layout === null && this.listed.length === 0)
        this.add({ row: 1, field: 'file', message: 'the file is empty: a header row is needed' });
    } catch (error) {
      if (error instanceof TableReadError) this.add({ row: error.row, field: 'file', message: error.message });
      else throw error;
    }
    this.reportProgress(true);
  }

  private reportProgress(finished: boolean): void {
    this.options.onProgress?.({
      rowsRead: this.dataRows,
      problemCount: this.listed.length + this.omittedProblems,
      finished,
      problems: () => this.problems,
    });
  }

  /** For checks made by the caller on a record (e.g. the shared roster row rules). */
  addProblem(problem: Problem): void {
    this.add(problem);
  }

  private add(problem: Problem): void {
    if (this.listed.length < this.maxListedProblems) this.listed.push(problem);
    else this.omittedProblems++;
  }
}

/** Reads a whole file into memory: for tests and small files only. */
export async function readAllRecords<Record_>(
  source: TableSource,
  schema: ImportSchema<Record_>,
  options: ImportReadOptions = { maxRows: 1_000_000 },
): Promise<{ records: Array<ImportRecord<Record_>>; problems: Problem[] }> {
  const reader = new ImportReader(source, schema, options);
  const records: Array<ImportRecord<Record_>> = [];
  for await (const record of reader.records()) records.push(record);
  return { records, problems: reader.problems };
}
