import { isIsoDate, type IsoDate } from '../../shared/dates';
import { IdNumber } from '../../shared/id-number';
import { Money } from '../../shared/money';
import { isPolicyYear, PENSION_STATUSES, POLICY_YEARS, type PensionStatus } from '../../shared/domain';

// Pure conversions from one spreadsheet cell to a typed value. Each returns { value } or { error }
// with a message a clerk can act on; the caller adds row and field.

/** What a cell holds after reading: CSV gives strings only, XLSX may give numbers, booleans and dates. */
export type CellValue = string | number | boolean | Date | null;

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

export function isBlank(cell: CellValue): boolean {
  return cell === null || (typeof cell === 'string' && cell.trim() === '');
}

export function cellText(cell: CellValue): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell).trim();
}

const SCIENTIFIC_NOTATION = /^\d(\.\d+)?E\+?\d+$/i;

/** R13. A number cell has lost the last digits of an 18-digit number (Excel keeps 15), so it is refused. */
export function parseIdNumberCell(cell: CellValue): Parsed<string> {
  if (isBlank(cell)) return fail('is required');
  if (typeof cell === 'number' || (typeof cell === 'string' && SCIENTIFIC_NOTATION.test(cell.trim()))) {
    return fail(
      `is stored as a number (${typeof cell === 'number' ? cell.toExponential(5).toUpperCase() : cell.trim()}), so its last digits are lost; ` +
        'format the 身份证号 column as text and enter the numbers again',
    );
  }
  const parsed = IdNumber.tryParse(cellText(cell));
  if (parsed !== null) return ok(parsed.value);
  try {
    IdNumber.parse(cellText(cell));
  } catch (error) {
    return fail(`"${cellText(cell)}" ${(error as Error).message}`);
  }
  return fail('is not a valid ID number');
}

const DATE_FORMS = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
  /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})日$/,
  /^(\d{4})\.(\d{1,2})\.(\d{1,2})$/,
];
// Serial day numbers: 1 = 1900-01-01 in Excel's 1900 system; 60 is its phantom 1900-02-29.
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const LAST_EXCEL_SERIAL = 2_958_465; // 9999-12-31

/** Dates as YYYY-MM-DD, YYYY/MM/DD, YYYY年MM月DD日, or an Excel date cell. */
export function parseDateCell(cell: CellValue): Parsed<IsoDate> {
  if (isBlank(cell)) return fail('is required');
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return fail('is not a valid date');
    // exceljs gives the wall-clock date at UTC midnight.
    return ok(cell.toISOString().slice(0, 10));
  }
  if (typeof cell === 'number') {
    // A date cell whose format the reader did not recognise still holds the serial day number.
    if (!Number.isInteger(cell) || cell < 61 || cell > LAST_EXCEL_SERIAL) return fail(`${cell} is not a date`);
    return ok(new Date(EXCEL_EPOCH_MS + cell * 86_400_000).toISOString().slice(0, 10));
  }
  const text = cellText(cell);
  for (const form of DATE_FORMS) {
    const match = form.exec(text);
    if (!match) continue;
    const iso = `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
    return isIsoDate(iso) ? ok(iso) : fail(`"${text}" is not a real calendar date`);
  }
  return fail(`"${text}" is not a date; use YYYY-MM-DD, YYYY/MM/DD or YYYY年MM月DD日`);
}

export function parseNameCell(cell: CellValue): Parsed<string> {
  const text = cellText(cell);
  if (text === '') return fail('is required');
  if (text.length > 100) return fail('is longer than 100 characters');
  return ok(text);
}

const CHINESE_LEVELS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4 };

/** R7: level 1-4, blank for none; "3", "3级", "三级" are all level 3. */
export function parseDisabilityLevelCell(cell: CellValue): Parsed<number | null> {
  if (isBlank(cell)) return ok(null);
  const text = cellText(cell).replace(/级$/, '');
  const level = CHINESE_LEVELS[text] ?? (/^[1-4]$/.test(text) ? Number(text) : Number.NaN);
  return Number.isNaN(level) ? fail(`"${cellText(cell)}" is not a disability level (1-4, or blank)`) : ok(level);
}

const CHINESE_STATUSES: Record<string, PensionStatus> = {
  未参保: 'NOT_ENROLLED',
  参保缴费: 'CONTRIBUTING',
  正常缴费: 'CONTRIBUTING',
  缴费: 'CONTRIBUTING',
  暂停缴费: 'SUSPENDED',
  领取待遇: 'RECEIVING',
  待遇领取: 'RECEIVING',
  职工养老保险: 'EMPLOYEE_PENSION',
  参加职工养老保险: 'EMPLOYEE_PENSION',
  终止: 'TERMINATED',
  终止参保: 'TERMINATED',
};

export function parsePensionStatusCell(cell: CellValue): Parsed<PensionStatus> {
  const text = cellText(cell);
  if (text === '') return fail('is required');
  const upper = text.toUpperCase();
  if ((PENSION_STATUSES as readonly string[]).includes(upper)) return ok(upper as PensionStatus);
  const mapped = CHINESE_STATUSES[text];
  return mapped
    ? ok(mapped)
    : fail(
        `"${text}" is not a pension status (${PENSION_STATUSES.join(', ')}, or 未参保/参保缴费/暂停缴费/领取待遇/职工养老保险/终止参保)`,
      );
}

export function parseYearCell(cell: CellValue): Parsed<number> {
  const text = cellText(cell).replace(/年$/, '');
  if (text === '') return fail('is required');
  if (!/^\d{4}$/.test(text)) return fail(`"${text}" is not a year`);
  const year = Number(text);
  return isPolicyYear(year) ? ok(year) : fail(`${year} is outside ${POLICY_YEARS.from}-${POLICY_YEARS.to}`);
}

/** Yuan with at most two decimals, not negative; returned as "100.00". */
export function parseAmountCell(cell: CellValue): Parsed<string> {
  if (isBlank(cell)) return fail('is required');
  // A number cell may carry binary noise (100.1 stored as 100.09999…); two decimals is what the clerk saw.
  const text = typeof cell === 'number' ? cell.toFixed(2) : cellText(cell).replace(/,/g, '');
  if (!Money.isDecimalString(text)) return fail(`"${cellText(cell)}" is not an amount in yuan with at most two decimals`);
  const money = Money.parse(text);
  return money.isNegative() ? fail('must not be negative') : ok(money.toString());
}

export function parseOptionalTextCell(cell: CellValue, maxLength: number): Parsed<string | null> {
  const text = cellText(cell);
  if (text === '') return ok(null);
  return text.length > maxLength ? fail(`is longer than ${maxLength} characters`) : ok(text);
}
