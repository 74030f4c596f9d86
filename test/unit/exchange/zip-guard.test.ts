import { describe, expect, it } from 'vitest';
import { DEFAULT_ARCHIVE_LIMITS } from '../../../src/shared/archive-limits';
import { bufferSource } from '../../../src/modules/exchange/table-reader';
import { checkArchive, checkInflatedSizes, readCentralDirectory } from '../../../src/modules/exchange/zip-guard';
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

  describe('when the headers lie about the inflated sizes', () => {
    const MIB = 1024 * 1024;
    const stoppedAfter = (message: string) => Number(/stopped after (\d+) inflated bytes/.exec(message)?.[1]);

    it('should stop the shared strings while inflating, once they pass their limit, though they declare 1,000 bytes', async () => {
      const bomb = sharedStringsBomb(64 * MIB, 1000);
      expect(bomb.length).toBeLessThan(300 * 1024);
      const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxSharedStringsBytes: MIB };
      // The declared sizes pass the first check.
      await expect(checkArchive(bufferSource(bomb), limits)).resolves.toBeUndefined();
      const { problems } = await readAllRecords(bufferSource(bomb, limits), ROSTER_SCHEMA);
      expect(problems).toEqual([
        {
          row: null,
          field: 'file',
          message: expect.stringMatching(/^the XLSX file is refused: its shared strings inflate to more than the limit of 1048576 bytes/),
        },
      ]);
      // Stopped within a chunk of the limit, not after inflating all 64 MiB.
      expect(stoppedAfter(problems[0]!.message)).toBeGreaterThan(MIB);
      expect(stoppedAfter(problems[0]!.message)).toBeLessThan(2 * MIB);
    });

    it('should stop an entry, the whole archive and a real ratio at their limits', async () => {
      const sheet = Buffer.from('<row>' + '<c><v>1</v></c>'.repeat(400_000) + '</row>');
      const archive = zipArchive([
        { name: 'xl/worksheets/sheet1.xml', data: sheet, declaredSize: 100 },
        { name: 'xl/worksheets/sheet2.xml', data: sheet, declaredSize: 100 },
      ]);
      // The sheets compress very well: the ratio limit is out of the way unless a case sets it.
      const check = (limits: Partial<typeof DEFAULT_ARCHIVE_LIMITS>) =>
        checkInflatedSizes(bufferSource(archive).open(), { ...DEFAULT_ARCHIVE_LIMITS, maxRatio: 100_000, ...limits });
      await expect(check({ maxEntryBytes: MIB })).rejects.toThrow(
        /entry "xl\/worksheets\/sheet1.xml" inflates to more than the limit of 1048576/,
      );
      await expect(check({ maxTotalBytes: sheet.length + 10 })).rejects.toThrow(/more than \d+ bytes in all/);
      await expect(check({ maxRatio: 20 })).rejects.toThrow(/inflates more than 20 times/);
      await expect(check({ maxEntries: 1 })).rejects.toThrow(/more than 1 entries/);
      await expect(check({})).resolves.toBeUndefined();
    });

    it('should answer every damaged copy of a real workbook promptly, with its rows or a coded problem, and no stray error', async () => {
      const real = await xlsxFile([
        ['身份证号码', '姓名', '残疾等级', '认定日期'],
        ['530102199001011234', '张三', '', '2024-01-05'],
      ]);
      const stuck: number[] = [];
      // Bytes changed one at a time: sizes in local headers that point past the end, broken deflate data, names.
      for (let at = 0; at < real.length; at += 11) {
        const copy = Buffer.from(real);
        copy[at] = (copy[at]! + 77) & 255;
        const outcome = await Promise.race([
          readAllRecords(bufferSource(copy), ROSTER_SCHEMA).then(
            () => 'answered',
            () => 'answered',
          ),
          new Promise((resolve) => setTimeout(() => resolve('stuck'), 2000)),
        ]);
        if (outcome === 'stuck') stuck.push(at);
      }
      expect(stuck).toEqual([]);
    }, 120_000);

    it('should let a real workbook through and read it as before', async () => {
      const file = await xlsxFile([
        ['身份证号码', '姓名', '残疾等级', '认定日期'],
        ['530102199001011234', '张三', '', '2024-01-05'],
      ]);
      await expect(checkInflatedSizes(bufferSource(file).open(), DEFAULT_ARCHIVE_LIMITS)).resolves.toBeUndefined();
    });
  });

  it('should turn a bomb into a problem of the file, not a crash of the reader', async () => {
    const { problems } = await readAllRecords(bufferSource(sharedStringsBomb(8 * 1024 * 1024)), ROSTER_SCHEMA);
    expect(problems).toEqual([
      { row: null, field: 'file', message: expect.stringMatching(/^the XLSX file is refused: entry "xl\/sharedStrings.xml" inflates/) },
    ]);
  });
});
