import { describe, expect, it } from 'vitest';
import { DEFAULT_ARCHIVE_LIMITS } from '../../../src/shared/archive-limits';
import { bufferSource } from '../../../src/modules/exchange/table-reader';
import { checkArchive, readCentralDirectory } from '../../../src/modules/exchange/zip-guard';
import { readAllRecords } from '../../../src/modules/exchange/import-reader';
import { ROSTER_SCHEMA } from '../../../src/modules/exchange/import-schemas';
import { xlsxFile } from '../../support/exchange-files';
import { sharedStringsBomb, zipArchive } from '../../support/zip-builder';

describe('XLSX archive guard (zip bombs)', () => {
  it('should read the entries of a real workbook and let it through', async () => {
    const file = await xlsxFile([['身份证号', '姓名']]);
    const entries = await readCentralDirectory(bufferSource(file));
    expect(entries.map((entry) => entry.name)).toContain('xl/worksheets/sheet1.xml');
    await expect(checkArchive(bufferSource(file), DEFAULT_ARCHIVE_LIMITS)).resolves.toBeUndefined();
  });

  it('should refuse shared strings that inflate a thousand times, before inflating them', async () => {
    const bomb = sharedStringsBomb(8 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(200 * 1024);
    await expect(checkArchive(bufferSource(bomb), DEFAULT_ARCHIVE_LIMITS)).rejects.toThrow(/inflates \d+ times.*limit of 200/);
  });

  it('should refuse an entry over the size limits even when its ratio is modest', async () => {
    const data = Buffer.from(Array.from({ length: 300_000 }, (_, index) => String(index)).join(','));
    const archive = zipArchive([{ name: 'xl/sharedStrings.xml', data }]);
    const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxSharedStringsBytes: 1024 * 1024 };
    await expect(checkArchive(bufferSource(archive), limits)).rejects.toThrow(
      /shared strings inflate to \d+ bytes, more than the limit of 1048576/,
    );
    await expect(checkArchive(bufferSource(archive), { ...DEFAULT_ARCHIVE_LIMITS, maxEntryBytes: 4096 })).rejects.toThrow(
      /entry "xl\/sharedStrings.xml" inflates to/,
    );
    await expect(checkArchive(bufferSource(archive), { ...DEFAULT_ARCHIVE_LIMITS, maxTotalBytes: 4096 })).rejects.toThrow(/in all/);
    await expect(checkArchive(bufferSource(archive), { ...DEFAULT_ARCHIVE_LIMITS, maxEntries: 0 })).rejects.toThrow(/1 entries/);
  });

  it('should refuse a truncated archive as unreadable', async () => {
    const file = await xlsxFile([['身份证号', '姓名']]);
    await expect(checkArchive(bufferSource(file.subarray(0, file.length - 30)), DEFAULT_ARCHIVE_LIMITS)).rejects.toThrow(
      /not a complete ZIP archive|central directory/,
    );
  });

  it('should turn a bomb into a problem of the file, not a crash of the reader', async () => {
    const { problems } = await readAllRecords(bufferSource(sharedStringsBomb(8 * 1024 * 1024)), ROSTER_SCHEMA);
    expect(problems).toEqual([
      { row: null, field: 'file', message: expect.stringMatching(/^the XLSX file is refused: entry "xl\/sharedStrings.xml" inflates/) },
    ]);
  });
});
