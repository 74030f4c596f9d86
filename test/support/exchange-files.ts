import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

// Real files built in memory for import tests: CSV in UTF-8 (with or without BOM) or GBK, and XLSX.

export type Cell = string | number | Date | null;

function csvField(cell: Cell): string {
  if (cell === null) return '';
  const text = cell instanceof Date ? cell.toISOString().slice(0, 10) : String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvText(rows: ReadonlyArray<readonly Cell[]>): string {
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

export function utf8Csv(rows: ReadonlyArray<readonly Cell[]>, options: { bom?: boolean } = {}): Buffer {
  const body = Buffer.from(csvText(rows), 'utf8');
  return options.bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
}

export function gbkCsv(rows: ReadonlyArray<readonly Cell[]>): Buffer {
  return iconv.encode(csvText(rows), 'gbk');
}

/** An XLSX workbook; ID columns are text unless a number is given; Date cells get a date format. */
export async function xlsxFile(rows: ReadonlyArray<readonly Cell[]>, sheetName = '名册'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  for (const row of rows) {
    const added = sheet.addRow([...row]);
    added.eachCell((cell) => {
      if (cell.value instanceof Date) cell.numFmt = 'yyyy-mm-dd';
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
