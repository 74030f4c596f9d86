import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { detectFileFormat, detectTextEncoding } from '../../../src/modules/exchange/file-format';
import { xlsxFile } from '../../support/exchange-files';

describe('file format and encoding detection', () => {
  it('should see XLSX when the file starts with the zip magic bytes', async () => {
    expect(detectFileFormat(await xlsxFile([['身份证号']]))).toBe('XLSX');
  });

  it('should see CSV when the file does not start with the zip magic bytes', () => {
    expect(detectFileFormat(Buffer.from('身份证号,姓名\n'))).toBe('CSV');
    expect(detectFileFormat(Buffer.alloc(0))).toBe('CSV');
  });

  it('should read UTF-8 when the bytes are valid UTF-8 with or without BOM', () => {
    expect(detectTextEncoding(Buffer.from('身份证号,姓名,认定日期\n'))).toBe('utf8');
    expect(detectTextEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('姓名')]))).toBe('utf8');
  });

  it('should read UTF-8 when the first chunk ends in the middle of a character', () => {
    const bytes = Buffer.from('姓名张三');
    expect(detectTextEncoding(bytes.subarray(0, bytes.length - 1))).toBe('utf8');
  });

  it('should read GB18030 when the bytes are GBK as written by Chinese office software', () => {
    expect(detectTextEncoding(iconv.encode('身份证号,姓名,认定日期\r\n530102198005170011,张三,2021-01-01\r\n', 'gbk'))).toBe('gb18030');
  });
});
