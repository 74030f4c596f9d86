import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIsoDate } from '../../../src/shared/dates';
import { Money } from '../../../src/shared/money';

// Two hot-path checks were rewritten for speed (issue 11); each must say exactly what the plain version says.

/** The plain version: what a Date makes of the fields (Date.UTC maps years 0-99 to 1900-1999, so those fail). */
function isIsoDateByDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');
const dateLike = fc
  .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
  .map(([year, month, day]) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`);

describe('isIsoDate', () => {
  it('should agree with the Date-based check on date-shaped text, leap days and years 0000-0099 included', () => {
    fc.assert(
      fc.property(dateLike, (text) => isIsoDate(text) === isIsoDateByDate(text)),
      { numRuns: 20_000 },
    );
    for (const text of ['2024-02-29', '2023-02-29', '1900-02-29', '2000-02-29', '0099-12-31', '0100-01-01', '2024-04-31']) {
      expect(isIsoDate(text), text).toBe(isIsoDateByDate(text));
    }
  });

  it('should agree on any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => isIsoDate(text) === isIsoDateByDate(text)),
      { numRuns: 5_000 },
    );
    expect(isIsoDate('２０２４-01-01')).toBe(false);
    expect(isIsoDate(' 2024-01-01')).toBe(false);
  });
});

describe('Money.isCanonical', () => {
  it('should hold exactly for the texts toString() gives', () => {
    const amounts = fc.integer({ min: -999_999_999_999, max: 999_999_999_999 });
    fc.assert(
      fc.property(amounts, (cents) => Money.isCanonical(Money.fromCents(cents).toString())),
      { numRuns: 20_000 },
    );
    const decimalText = fc
      .tuple(fc.boolean(), fc.stringMatching(/^\d{1,12}$/), fc.constantFrom('', '.', '.5', '.05', '.50', '.00', '.123'))
      .map(([negative, whole, fraction]) => `${negative ? '-' : ''}${whole}${fraction}`);
    fc.assert(
      fc.property(decimalText, (text) => {
        const canonical = Money.isCanonical(text);
        const roundTrips = Money.isDecimalString(text) && Money.parse(text).toString() === text;
        return canonical === roundTrips;
      }),
      { numRuns: 20_000 },
    );
    for (const text of ['0.00', '100.00', '-0.01', '-0.00', '00.00', '1.5', '-100.00', '999999999999.99']) {
      expect(Money.isCanonical(text), text).toBe(Money.isDecimalString(text) && Money.parse(text).toString() === text);
    }
  });
});
