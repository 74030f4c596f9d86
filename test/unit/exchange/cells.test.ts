import { describe, expect, it } from 'vitest';
import {
  parseAmountCell,
  parseDateCell,
  parseDisabilityLevelCell,
  parseIdNumberCell,
  parsePensionStatusCell,
} from '../../../src/modules/exchange/cells';
import { IdNumber } from '../../../src/shared/id-number';

const VALID_ID = IdNumber.compose('530102', '1980-05-17', 11).value;

describe('cell parsing', () => {
  it('should accept dates when written as YYYY-MM-DD, YYYY/MM/DD, YYYY年MM月DD日 or a date cell', () => {
    expect(parseDateCell('2021-03-05')).toEqual({ ok: true, value: '2021-03-05' });
    expect(parseDateCell('2021/3/5')).toEqual({ ok: true, value: '2021-03-05' });
    expect(parseDateCell('2021年03月05日')).toEqual({ ok: true, value: '2021-03-05' });
    expect(parseDateCell(new Date(Date.UTC(2021, 2, 5)))).toEqual({ ok: true, value: '2021-03-05' });
    expect(parseDateCell(44260)).toEqual({ ok: true, value: '2021-03-05' });
  });

  it('should refuse a date when it is not a real day or not a date', () => {
    expect(parseDateCell('2021-02-30')).toMatchObject({ ok: false, error: expect.stringContaining('not a real calendar date') });
    expect(parseDateCell('03/05/2021')).toMatchObject({ ok: false });
    expect(parseDateCell(null)).toEqual({ ok: false, error: 'is required' });
  });

  it('should refuse an ID number when it was stored as a number cell', () => {
    const result = parseIdNumberCell(530102198005170000);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain('format the 身份证号 column as text');
    expect(parseIdNumberCell('5.30102E+17')).toMatchObject({ ok: false, error: expect.stringContaining('stored as a number') });
  });

  it('should accept an ID number when it is valid text, and say why when it is not', () => {
    expect(parseIdNumberCell(` ${VALID_ID} `)).toEqual({ ok: true, value: VALID_ID });
    const wrongCheck = VALID_ID.slice(0, 17) + (VALID_ID[17] === '1' ? '2' : '1');
    expect(parseIdNumberCell(wrongCheck)).toMatchObject({ ok: false, error: expect.stringContaining('check character') });
  });

  it('should read disability levels when given as digits or Chinese, and blank as none', () => {
    expect(parseDisabilityLevelCell('三级')).toEqual({ ok: true, value: 3 });
    expect(parseDisabilityLevelCell(4)).toEqual({ ok: true, value: 4 });
    expect(parseDisabilityLevelCell(null)).toEqual({ ok: true, value: null });
    expect(parseDisabilityLevelCell('5')).toMatchObject({ ok: false });
  });

  it('should read pension statuses when given as codes or Chinese labels', () => {
    expect(parsePensionStatusCell('contributing')).toEqual({ ok: true, value: 'CONTRIBUTING' });
    expect(parsePensionStatusCell('未参保')).toEqual({ ok: true, value: 'NOT_ENROLLED' });
    expect(parsePensionStatusCell('maybe')).toMatchObject({ ok: false });
  });

  it('should give amounts with two decimals when the cell is a number or text', () => {
    expect(parseAmountCell(100)).toEqual({ ok: true, value: '100.00' });
    expect(parseAmountCell('1,200.5')).toEqual({ ok: true, value: '1200.50' });
    expect(parseAmountCell('-1')).toMatchObject({ ok: false });
    expect(parseAmountCell('1.234')).toMatchObject({ ok: false });
  });
});
