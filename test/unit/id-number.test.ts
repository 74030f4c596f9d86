import { describe, expect, it } from 'vitest';
import { checkCharacter, IdNumber } from '../../src/shared/id-number';

describe('IdNumber (R13)', () => {
  it('should accept the GB 11643 example number when its check character is right', () => {
    const id = IdNumber.parse('11010519491231002X');
    expect(id.value).toBe('11010519491231002X');
    expect(id.birthDate).toBe('1949-12-31');
    expect(id.gender).toBe('F');
    expect(id.areaCode).toBe('110105');
  });

  it('should compute the check character with the ISO 7064 MOD 11-2 weights', () => {
    expect(checkCharacter('11010519491231002')).toBe('X');
    expect(checkCharacter('44052418800101001')).toBe('4');
  });

  it('should accept a lower-case x and surrounding spaces', () => {
    expect(IdNumber.parse(' 11010519491231002x ').value).toBe('11010519491231002X');
  });

  it('should reject a number whose check character is wrong', () => {
    expect(() => IdNumber.parse('110105194912310021')).toThrow(/check character/);
  });

  it('should reject a birth date that does not exist', () => {
    const first17 = '53010219990230001';
    expect(() => IdNumber.parse(first17 + checkCharacter(first17))).toThrow(/birth date/);
  });

  it('should reject wrong lengths and letters', () => {
    for (const bad of ['', '123', '5301021980010100', '53010219800101001Y', 'ABCDEFGHIJKLMNOPQR', '5301021980010100123']) {
      expect(() => IdNumber.parse(bad), bad).toThrow();
    }
  });

  it('should convert a 15-digit legacy number by inserting 19 and adding the check character', () => {
    const id = IdNumber.parse('530122800101123');
    expect(id.value).toBe(`53012219800101123${checkCharacter('53012219800101123')}`);
    expect(id.birthDate).toBe('1980-01-01');
    expect(id.gender).toBe('M');
    // the old area code is kept as given
    expect(id.areaCode).toBe('530122');
  });

  it('should derive gender from the parity of the sequence number', () => {
    expect(IdNumber.compose('530102', '1990-03-04', 11).gender).toBe('M');
    expect(IdNumber.compose('530102', '1990-03-04', 12).gender).toBe('F');
  });

  it('should read a disability certificate number as ID plus category and level digits', () => {
    const id = IdNumber.compose('530102', '1970-07-07', 35).value;
    const certificate = IdNumber.fromDisabilityCertificate(`${id}53`);
    expect(certificate.idNumber.value).toBe(id);
    expect(certificate.category).toBe(5);
    expect(certificate.level).toBe(3);
    expect(() => IdNumber.fromDisabilityCertificate(`${id}57`)).toThrow(/level/);
  });
});

describe('IdNumber: birth dates not in the future, area codes of a real province', () => {
  const withCheck = (first17: string) => first17 + checkCharacter(first17);

  it('should refuse a birth date after today (the given clock, else the real date)', () => {
    expect(() => IdNumber.parse(withCheck('53010220990101001'))).toThrow(/birth date 2099-01-01 in the future/);
    expect(() => IdNumber.parse(withCheck('53010220240616001'), '2024-06-15')).toThrow(
      'has a birth date 2024-06-16 in the future (today is 2024-06-15)',
    );
    expect(IdNumber.parse(withCheck('53010220240615001'), '2024-06-15').birthDate).toBe('2024-06-15');
  });

  it('should refuse area code 000000 and every prefix that is no GB/T 2260 province', () => {
    expect(() => IdNumber.parse(withCheck('00000019800517001'))).toThrow(
      'has an area code "000000" that starts with no province code (GB/T 2260)',
    );
    for (const prefix of ['00', '10', '16', '20', '24', '30', '39', '47', '55', '60', '66', '70', '80', '83', '90', '99']) {
      expect(IdNumber.tryParse(withCheck(`${prefix}010219800517001`)), prefix).toBeNull();
    }
    for (const prefix of ['11', '31', '44', '53', '65', '82']) {
      expect(IdNumber.tryParse(withCheck(`${prefix}010219800517001`)), prefix).not.toBeNull();
    }
    // Legacy 15-digit numbers too.
    expect(() => IdNumber.parse('000000800517001')).toThrow(/no province code/);
  });
});
