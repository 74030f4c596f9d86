import type { IsoDate } from '../../shared/dates';
import type { PensionStatus } from '../../shared/domain';
import type { Problem } from '../../shared/errors';
import { controlCharacterMessage, findControlCharacter } from '../../shared/text';
import {
  parseAmountCell,
  parseDateCell,
  parseDisabilityLevelCell,
  parseIdNumberCell,
  parseNameCell,
  parseOptionalTextCell,
  parsePensionStatusCell,
  parseYearCell,
  type CellValue,
  type Parsed,
} from './cells';

// The three file kinds: their columns (Chinese or English header, any order) and how a row becomes a record.

export interface ColumnSpec<Field extends string> {
  field: Field;
  /** Header texts that name this column; compared after trimming, without spaces, case-insensitive. */
  headers: readonly string[];
  required: boolean;
  parse(cell: CellValue): Parsed<unknown>;
}

export interface ImportSchema<Record_, Field extends string = string> {
  kind: string;
  columns: ReadonlyArray<ColumnSpec<Field>>;
  build(values: { [K in Field]: unknown }): Record_;
  /** Two rows with the same key are an error (both rows named). */
  duplicateKey(record: Record_): string;
  duplicateMessage: string;
}

export interface RosterFileRow {
  idNumber: string;
  name: string;
  disabilityLevel: number | null;
  recognizedOn: IsoDate;
}

export interface EnrolmentFileRow {
  idNumber: string;
  status: PensionStatus;
}

export interface PaymentFileRow {
  idNumber: string;
  year: number;
  amount: string;
  paidOn: IsoDate;
  funder: string | null;
}

const idNumberColumn = {
  field: 'idNumber',
  headers: ['身份证号', '身份证号码', '公民身份号码', 'idNumber'],
  required: true,
  parse: parseIdNumberCell,
} as const;

export const ROSTER_SCHEMA: ImportSchema<RosterFileRow, 'idNumber' | 'name' | 'disabilityLevel' | 'recognizedOn'> = {
  kind: 'roster',
  columns: [
    idNumberColumn,
    { field: 'name', headers: ['姓名', 'name'], required: true, parse: parseNameCell },
    // Many rosters carry no disability marks at all, so the column may be left out.
    { field: 'disabilityLevel', headers: ['残疾等级', 'disabilityLevel'], required: false, parse: parseDisabilityLevelCell },
    { field: 'recognizedOn', headers: ['认定日期', 'recognizedOn'], required: true, parse: parseDateCell },
  ],
  build: (values) => ({
    idNumber: values.idNumber as string,
    name: values.name as string,
    disabilityLevel: (values.disabilityLevel as number | null | undefined) ?? null,
    recognizedOn: values.recognizedOn as IsoDate,
  }),
  duplicateKey: (row) => row.idNumber,
  duplicateMessage: 'appears more than once in the file',
};

export const ENROLMENT_SCHEMA: ImportSchema<EnrolmentFileRow, 'idNumber' | 'status'> = {
  kind: 'enrolment',
  columns: [idNumberColumn, { field: 'status', headers: ['参保状态', 'status'], required: true, parse: parsePensionStatusCell }],
  build: (values) => ({ idNumber: values.idNumber as string, status: values.status as PensionStatus }),
  duplicateKey: (row) => row.idNumber,
  duplicateMessage: 'appears more than once in the file',
};

export const PAYMENT_SCHEMA: ImportSchema<PaymentFileRow, 'idNumber' | 'year' | 'amount' | 'paidOn' | 'funder'> = {
  kind: 'payment',
  columns: [
    idNumberColumn,
    { field: 'year', headers: ['年度', '缴费年度', 'year'], required: true, parse: parseYearCell },
    { field: 'amount', headers: ['金额', '代缴金额', 'amount'], required: true, parse: parseAmountCell },
    { field: 'paidOn', headers: ['缴费日期', '代缴日期', 'paidOn'], required: true, parse: parseDateCell },
    // R6: third-party funding names its source; blank = the governments.
    { field: 'funder', headers: ['出资方', 'funder'], required: false, parse: (cell) => parseOptionalTextCell(cell, 200) },
  ],
  build: (values) => ({
    idNumber: values.idNumber as string,
    year: values.year as number,
    amount: values.amount as string,
    paidOn: values.paidOn as IsoDate,
    funder: (values.funder as string | null | undefined) ?? null,
  }),
  // One payment per person and year in a file (a person may appear once for each year).
  duplicateKey: (row) => `${row.idNumber}/${row.year}`,
  duplicateMessage: 'appears more than once in the file for the same year',
};

function normaliseHeader(text: string): string {
  return text
    .replace(/^\uFEFF/, '')
    .replace(/\s+/g, '')
    .toLowerCase();
}

export interface ColumnLayout<Field extends string> {
  /** 0-based cell index of each column present in the file. */
  indexOf: Partial<Record<Field, number>>;
}

/** Maps header cells to fields; extra columns are ignored; a missing required or repeated column is a problem. */
export function resolveHeader<Field extends string>(
  schema: ImportSchema<unknown, Field>,
  headerCells: readonly CellValue[],
): { layout: ColumnLayout<Field>; problems: Problem[] } {
  const indexOf: Partial<Record<Field, number>> = {};
  const problems: Problem[] = [];
  headerCells.forEach((cell, index) => {
    if (cell === null) return;
    const text = normaliseHeader(String(cell));
    const column = schema.columns.find((candidate) => candidate.headers.some((header) => normaliseHeader(header) === text));
    if (!column) return;
    if (indexOf[column.field] !== undefined) {
      problems.push({
        row: 1,
        field: column.field,
        message: `the column ${column.headers[0]} (${column.field}) appears twice in the header`,
      });
      return;
    }
    indexOf[column.field] = index;
  });
  for (const column of schema.columns) {
    if (column.required && indexOf[column.field] === undefined) {
      problems.push({
        row: 1,
        field: column.field,
        message: `the header row has no ${column.headers[0]} (${column.field}) column; expected columns: ${describeColumns(schema)}`,
      });
    }
  }
  return { layout: { indexOf }, problems };
}

export function describeColumns(schema: ImportSchema<unknown>): string {
  return schema.columns.map((column) => `${column.headers[0]}|${column.field}${column.required ? '' : ' (optional)'}`).join(', ');
}

/** One data row to a record, or every problem of that row. */
export function parseRow<Record_, Field extends string>(
  schema: ImportSchema<Record_, Field>,
  layout: ColumnLayout<Field>,
  cells: readonly CellValue[],
  row: number,
): { record: Record_ | null; problems: Problem[] } {
  const values = {} as { [K in Field]: unknown };
  const problems: Problem[] = [];
  for (const column of schema.columns) {
    const index = layout.indexOf[column.field];
    if (index === undefined) continue;
    const cell = cells[index] ?? null;
    const control = typeof cell === 'string' ? findControlCharacter(cell) : null;
    if (control !== null) {
      problems.push({ row, field: column.field, message: controlCharacterMessage(control) });
      continue;
    }
    const parsed = column.parse(cell);
    if (parsed.ok) values[column.field] = parsed.value;
    else problems.push({ row, field: column.field, message: parsed.error });
  }
  return problems.length > 0 ? { record: null, problems } : { record: schema.build(values), problems };
}
