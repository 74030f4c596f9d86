import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCharacter, IdNumber, InvalidIdNumberError, PROVINCE_CODES } from '../../../src/shared/id-number';

const TODAY = '2024-06-15';
const provinces = [...PROVINCE_CODES.keys()];

const birthDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date(`${TODAY}T00:00:00Z`), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));
const areaCode = fc
  .tuple(fc.constantFrom(...provinces), fc.integer({ min: 0, max: 9999 }))
  .map(([province, rest]) => `${province}${String(rest).padStart(4, '0')}`);
const validIdNumber = fc
  .tuple(areaCode, birthDate, fc.integer({ min: 0, max: 999 }))
  .map(([area, born, sequence]) => IdNumber.compose(area, born, sequence).value);

/** Strings that look like ID numbers more often than random text would. */
const idLikeText = fc.oneof(
  fc.string(),
  // Any 17 digits with the right check character: province and birth date are what is left to check.
  fc
    .tuple(
      fc.stringMatching(/^\d{6}$/),
      fc.date({ min: new Date('1890-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true }),
      fc.nat(999),
    )
    .map(([area, born, sequence]) => {
      const first17 = `${area}${born.toISOString().slice(0, 10).replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
      return first17 + checkCharacter(first17);
    }),
  fc.stringMatching(/^\s?\d{15,18}[0-9Xx]?\s?$/),
  validIdNumber.map((value) => value.toLowerCase()),
  fc
    .tuple(validIdNumber, fc.nat(17), fc.string({ minLength: 1, maxLength: 1 }))
    .map(([value, at, c]) => value.slice(0, at) + c + value.slice(at + 1)),
);

describe('IdNumber.parse (properties)', () => {
  it('should give back every number composed from a real province, a past birth date and a sequence', () => {
    fc.assert(
      fc.property(areaCode, birthDate, fc.integer({ min: 0, max: 999 }), (area, born, sequence) => {
        const id = IdNumber.compose(area, born, sequence);
        const again = IdNumber.parse(id.value, TODAY);
        expect(again.value).toBe(id.value);
        expect(again.areaCode).toBe(area);
        expect(again.birthDate).toBe(born);
        expect(again.gender).toBe(sequence % 2 === 1 ? 'M' : 'F');
      }),
    );
  });

  it('should refuse every number with one character changed (the check character catches single errors)', () => {
    fc.assert(
      fc.property(validIdNumber, fc.nat(17), fc.constantFrom(...'0123456789X'), (value, at, replacement) => {
        fc.pre(value[at] !== replacement && (at === 17 || replacement !== 'X'));
        const changed = value.slice(0, at) + replacement + value.slice(at + 1);
        expect(IdNumber.tryParse(changed, TODAY)).toBeNull();
      }),
    );
  });

  it('should either parse any text into a real number or throw InvalidIdNumberError, nothing else', () => {
    fc.assert(
      fc.property(idLikeText, (text) => {
        let parsed: IdNumber | null = null;
        try {
          parsed = IdNumber.parse(text, TODAY);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidIdNumberError);
          return;
        }
        expect(parsed.value).toMatch(/^\d{17}[\dX]$/);
        expect(parsed.value[17]).toBe(checkCharacter(parsed.value.slice(0, 17)));
        expect(PROVINCE_CODES.has(parsed.value.slice(0, 2))).toBe(true);
        expect(parsed.birthDate <= TODAY).toBe(true);
        expect(parsed.birthDate >= '1900-01-01').toBe(true);
      }),
    );
  });

  it('should convert 15-digit legacy numbers to the 18-character number with the same parts', () => {
    fc.assert(
      fc.property(areaCode, birthDate, fc.integer({ min: 0, max: 999 }), (area, born, sequence) => {
        fc.pre(born.startsWith('19'));
        const legacy = `${area}${born.slice(2).replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
        const id = IdNumber.parse(legacy, TODAY);
        expect(id.value).toBe(IdNumber.compose(area, born, sequence).value);
      }),
    );
  });
});
