import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable, Transform, pipeline } from 'node:stream';
import { parse as parseCsv, CsvError } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { CellValue } from './cells';
import { TableReadError } from './table-read-error';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../../shared/archive-limits';
import { checkArchiveEntries, checkInflatedSizes, readCentralDirectory, type RandomAccess } from './zip-guard';
import { detectFileFormat, detectTextEncoding, type FileFormat, type TextEncoding } from './file-format';

// Streams the rows of the first sheet of an XLSX file or of a CSV file, one at a time, with their
// spreadsheet row numbers (header = 1). Nothing here holds more than a row and the readers' buffers.

const HEAD_BYTES = 64 * 1024;

export interface TableSource extends RandomAccess {
  /** The first bytes (up to 64 KiB), for format and encoding detection. */
  head(): Promise<Buffer>;
  /** The file from its start; `progress: false` for a pass that is not the reading (not counted in onBytes). */
  open(options?: { progress?: boolean }): Readable;
  /** Checked against an XLSX archive's central directory before anything is inflated. */
  archiveLimits: ArchiveLimits;
}

export interface TableRow {
  row: number;
  cells: CellValue[];
}

export { TableReadError };

/** `onBytes` hears how many bytes of the file have been read (an import job's progress). */
export function fileSource(
  path: string,
  archiveLimits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
  onBytes?: (bytesRead: number) => void,
): TableSource {
  return {
    archiveLimits,
    size: async () => (await stat(path)).size,
    async read(position, length) {
      const handle = await open(path, 'r');
      try {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, position);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    async head() {
      const handle = await open(path, 'r');
      try {
        const buffer = Buffer.alloc(HEAD_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    open: (options) => {
      const stream = createReadStream(path, { highWaterMark: HEAD_BYTES });
      if (!onBytes || options?.progress === false) return stream;
      let bytesRead = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          bytesRead += chunk.length;
          onBytes(bytesRead);
          callback(null, chunk);
        },
      });
      // A read error reaches the counter, so the reader sees it as it would the file stream's own.
      return pipeline(stream, counter, () => undefined);
    },
  };
}

export function bufferSource(buffer: Buffer, archiveLimits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): TableSource {
  return {
    archiveLimits,
    size: async () => buffer.length,
    read: async (position, length) => buffer.subarray(position, position + length),
    head: async () => buffer.subarray(0, HEAD_BYTES),
    open: () => Readable.from([buffer]),
  };
}

export interface TableDescription {
  format: FileFormat;
  encoding: TextEncoding | null;
}

export async function describeTable(source: TableSource): Promise<TableDescription> {
  const head = await source.head();
  const format = detectFileFormat(head);
  return { format, encoding: format === 'CSV' ? detectTextEncoding(head) : null };
}

export async function* readTableRows(source: TableSource, description?: TableDescription): AsyncGenerator<TableRow> {
  const { format, encoding } = description ?? (await describeTable(source));
  if (format === 'XLSX') yield* readXlsxRows(source);
  else yield* readCsvRows(source, encoding ?? 'utf8');
}

async function* readCsvRows(source: TableSource, encoding: TextEncoding): AsyncGenerator<TableRow> {
  const parser = parseCsv({ relax_column_count: true, skip_empty_lines: false, trim: false });
  // iconv-lite drops a UTF-8 byte-order mark while decoding.
  pipeline(source.open(), iconv.decodeStream(encoding, { stripBOM: true }), parser, () => undefined);
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row++;
      yield { row, cells: record.map((text) => (text === '' ? null : text)) };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const at = (error as CsvError & { records?: number }).records;
      throw new TableReadError(typeof at === 'number' ? at + 1 : null, `the CSV file cannot be read: ${error.message}`);
    }
    throw error;
  }
}

async function* readXlsxRows(source: TableSource): AsyncGenerator<TableRow> {
  // Declared sizes and ratios first: a zip bomb is refused before a byte is inflated. Then the real sizes,
  // inflated and thrown away, before the reader inflates (and keeps) any of it.
  const entries = await readCentralDirectory(source);
  checkArchiveEntries(entries, source.archiveLimits);
  await checkInflatedSizes(source.open({ progress: false }), source.archiveLimits, entries);
  const input = source.open();
  // styles: 'cache' lets the reader turn date-formatted numbers into Date values.
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    entries: 'ignore',
  });
  try {
    for await (const worksheet of workbook) {
      for await (const row of worksheet) {
        const values = row.values as unknown[];
        const cells: CellValue[] = [];
        for (let index = 1; index < values.length; index++) cells.push(normaliseXlsxValue(values[index]));
        yield { row: row.number, cells };
      }
      // Only the first sheet is the list; later sheets are notes or pivots.
      break;
    }
  } catch (error) {
    if (error instanceof TableReadError) throw error;
    throw new TableReadError(null, `the XLSX file cannot be read: ${(error as Error).message}`);
  } finally {
    input.destroy();
  }
}

/** exceljs gives rich text, hyperlinks, formulas and errors as objects; reduce them to plain values. */
export function normaliseXlsxValue(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    const object = value as {
      richText?: Array<{ text: string }>;
      text?: unknown;
      result?: unknown;
      error?: unknown;
      sharedString?: unknown;
    };
    if (Array.isArray(object.richText)) return object.richText.map((part) => part.text).join('');
    if ('result' in object) return normaliseXlsxValue(object.result);
    if (typeof object.text === 'string') return object.text;
    if (typeof object.error === 'string') return object.error;
  }
  return String(value);
}
