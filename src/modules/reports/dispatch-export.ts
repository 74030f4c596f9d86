import ExcelJS from 'exceljs';
import type { Viewer } from '../../shared/auth';
import { grantFor, isGrantedTo } from '../access/permission-table';
import type { CategoryTallyData, DispatchReportData, DispatchRowData } from './dispatch-report.service';

// The dispatch table (调度表, §三(三), attachment 4) as a file: title, month, grouped Chinese headers,
// a row per county and a 合计 row. Which columns a department gets comes from the permission table
// (PERMISSIONS.DispatchRow / CategoryTally), exactly as in GraphQL: a column it may not read is not in its file.

export const DISPATCH_TITLE = '县(市)区落实城乡居民养老保险帮扶政策完成情况调度表';

type TallyField = keyof CategoryTallyData;
type GroupField = 'dibao' | 'tekun' | 'returnedPoverty' | 'all';

/** Display order and Chinese label of every DispatchRow field. */
const ROW_LABELS: Record<keyof DispatchRowData, string> = {
  county: '区划代码',
  countyName: '县(市)区',
  dibao: '低保对象',
  tekun: '特困人员',
  returnedPoverty: '返贫致贫人口',
  all: '合计(一人只计一次)',
  disabledLevel34: '三、四级残疾人数',
};

const TALLY_LABELS: Record<TallyField, string> = {
  persons: '在册人数',
  eligible: '应代缴人数',
  enrolled: '已参保人数',
  proxyPaid: '已代缴人数',
  proxyPaidAmount: '代缴金额(元)',
  completionRate: '完成率',
};

const GROUP_FIELDS: readonly GroupField[] = ['dibao', 'tekun', 'returnedPoverty', 'all'];

export type ExportCell =
  | { kind: 'text'; value: string }
  | { kind: 'integer'; value: number }
  | { kind: 'money'; value: number }
  | { kind: 'rate'; value: number | null };

export interface ExportColumn {
  /** Header of the first header row (the group, or the column itself when it has no group). */
  group: string;
  /** Header of the second row; null for ungrouped columns (merged over both rows). */
  label: string | null;
  value(row: DispatchRowData): ExportCell;
}

function tallyCell(field: TallyField, tally: CategoryTallyData): ExportCell {
  if (field === 'proxyPaidAmount') return { kind: 'money', value: Number(tally.proxyPaidAmount) };
  if (field === 'completionRate') return { kind: 'rate', value: tally.completionRate };
  return { kind: 'integer', value: tally[field] };
}

/** The columns this viewer may read, in display order. */
export function dispatchColumns(viewer: Viewer): ExportColumn[] {
  const may = (type: string, field: string) => isGrantedTo(grantFor(type, field), viewer);
  const tallyFields = (Object.keys(TALLY_LABELS) as TallyField[]).filter((field) => may('CategoryTally', field));
  const columns: ExportColumn[] = [];
  for (const field of Object.keys(ROW_LABELS) as Array<keyof DispatchRowData>) {
    if (!may('DispatchRow', field)) continue;
    if ((GROUP_FIELDS as readonly string[]).includes(field)) {
      const group = field as GroupField;
      for (const tallyField of tallyFields) {
        columns.push({ group: ROW_LABELS[group], label: TALLY_LABELS[tallyField], value: (row) => tallyCell(tallyField, row[group]) });
      }
    } else if (field === 'disabledLevel34') {
      columns.push({ group: ROW_LABELS[field], label: null, value: (row) => ({ kind: 'integer', value: row.disabledLevel34 }) });
    } else {
      const textField = field as 'county' | 'countyName';
      columns.push({ group: ROW_LABELS[textField], label: null, value: (row) => ({ kind: 'text', value: row[textField] }) });
    }
  }
  return columns;
}

function monthLine(report: DispatchReportData): string {
  return `月份：${report.month}（统计截至 ${report.reportDate}，年度 ${report.year}）`;
}

export const CHART_SHEET_NAME = '完成率图';

/** The chart sheet: the PNG of GET /reports/dispatch.svg (exceljs writes no native charts), shown at `size`. */
export interface XlsxChart {
  png: Buffer;
  size: { width: number; height: number };
}

export async function dispatchXlsx(report: DispatchReportData, columns: readonly ExportColumn[], chart?: XlsxChart): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('调度表', { views: [{ state: 'frozen', ySplit: 4, xSplit: 2 }] });
  const width = columns.length;
  sheet.addRow([DISPATCH_TITLE]);
  sheet.mergeCells(1, 1, 1, width);
  sheet.getCell(1, 1).font = { bold: true, size: 14 };
  sheet.getCell(1, 1).alignment = { horizontal: 'center' };
  sheet.addRow([monthLine(report)]);
  sheet.mergeCells(2, 1, 2, width);
  sheet.addRow(columns.map((column) => column.group));
  sheet.addRow(columns.map((column) => column.label ?? column.group));
  // Merge each group's cells in row 3, and ungrouped columns over rows 3-4.
  for (let start = 0; start < width;) {
    const column = columns[start]!;
    if (column.label === null) {
      sheet.mergeCells(3, start + 1, 4, start + 1);
      start++;
      continue;
    }
    let end = start;
    while (end + 1 < width && columns[end + 1]!.label !== null && columns[end + 1]!.group === column.group) end++;
    if (end > start) sheet.mergeCells(3, start + 1, 3, end + 1);
    start = end + 1;
  }
  for (const rowNumber of [3, 4]) {
    sheet.getRow(rowNumber).font = { bold: true };
    sheet.getRow(rowNumber).alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  }
  for (const row of [...report.rows, report.total]) {
    const added = sheet.addRow(columns.map((column) => column.value(row).value));
    columns.forEach((column, index) => {
      const kind = column.value(row).kind;
      const cell = added.getCell(index + 1);
      if (kind === 'money') cell.numFmt = '#,##0.00';
      else if (kind === 'rate') cell.numFmt = '0.00%';
      else if (kind === 'integer') cell.numFmt = '0';
    });
    if (row === report.total) added.font = { bold: true };
  }
  columns.forEach((column, index) => {
    sheet.getColumn(index + 1).width = column.label === null ? 14 : 11;
  });
  if (chart) {
    const chartSheet = workbook.addWorksheet(CHART_SHEET_NAME);
    const image = workbook.addImage({ buffer: chart.png as unknown as ExcelJS.Buffer, extension: 'png' });
    chartSheet.addImage(image, { tl: { col: 0, row: 0 }, ext: chart.size, editAs: 'absolute' });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvCell(cell: ExportCell): string {
  switch (cell.kind) {
    case 'text':
      return csvField(cell.value);
    case 'integer':
      return String(cell.value);
    case 'money':
      return cell.value.toFixed(2);
    case 'rate':
      // Excel reads "85.71%" as the number 0.8571 shown as a percentage.
      return cell.value === null ? '' : `${(cell.value * 100).toFixed(2)}%`;
  }
}

/** The same layout as CSV, UTF-8 with a byte-order mark so that Excel opens the Chinese text correctly. */
export function dispatchCsv(report: DispatchReportData, columns: readonly ExportColumn[]): Buffer {
  const lines = [
    csvField(DISPATCH_TITLE),
    csvField(monthLine(report)),
    columns.map((column) => csvField(column.group)).join(','),
    columns.map((column) => csvField(column.label ?? '')).join(','),
    ...[...report.rows, report.total].map((row) => columns.map((column) => csvCell(column.value(row))).join(',')),
  ];
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n') + '\r\n', 'utf8')]);
}
