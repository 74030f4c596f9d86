// Money in yuan, held as integer cents so that sums and splits are exact.

const DECIMAL_PATTERN = /^-?\d{1,12}(\.\d{1,2})?$/;
// toString()'s own form: no leading zeros, two decimals, a minus only before a non-zero amount.
const CANONICAL_PATTERN = /^(?:(?:0|[1-9]\d{0,11})\.\d\d|-(?:[1-9]\d{0,11}\.\d\d|0\.(?:0[1-9]|[1-9]\d)))$/;

export class Money {
  private constructor(readonly cents: number) {}

  static readonly ZERO = new Money(0);

  static fromCents(cents: number): Money {
    if (!Number.isSafeInteger(cents)) throw new RangeError(`Money needs whole cents, got ${cents}`);
    return new Money(cents);
  }

  /**
   * True when `text` is exactly what toString() gives for some amount, so that parse(text).toString() === text:
   * the amounts PostgreSQL and the rules hand the Decimal scalar, which then need no parsing.
   */
  static isCanonical(text: string): boolean {
    return CANONICAL_PATTERN.test(text);
  }

  static isDecimalString(text: string): boolean {
    return DECIMAL_PATTERN.test(text.trim());
  }

  /** Parses "100", "100.5", "100.50" (what PostgreSQL numeric and clients send). */
  static parse(text: string): Money {
    const trimmed = text.trim();
    if (!DECIMAL_PATTERN.test(trimmed)) throw new RangeError(`"${text}" is not an amount in yuan with at most two decimals`);
    const negative = trimmed.startsWith('-');
    const [whole, fraction = ''] = trimmed.replace('-', '').split('.');
    const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
    return new Money(negative ? -cents : cents);
  }

  plus(other: Money): Money {
    return new Money(this.cents + other.cents);
  }

  minus(other: Money): Money {
    return new Money(this.cents - other.cents);
  }

  /** Share of the amount in basis points (5000 = 50%), rounded half-up to the cent (R5). Integer maths only. */
  shareInBasisPoints(basisPoints: number): Money {
    if (!Number.isInteger(basisPoints)) throw new RangeError(`basis points must be whole, got ${basisPoints}`);
    const scaled = this.cents * basisPoints;
    const sign = scaled < 0 ? -1 : 1;
    return new Money(sign * Math.floor((Math.abs(scaled) + 5000) / 10000));
  }

  /** numeric(12,2) holds at most 9,999,999,999.99 yuan. */
  fitsNumeric12(): boolean {
    return Math.abs(this.cents) <= 999_999_999_999;
  }

  isNegative(): boolean {
    return this.cents < 0;
  }

  equals(other: Money): boolean {
    return this.cents === other.cents;
  }

  toString(): string {
    const sign = this.cents < 0 ? '-' : '';
    const absolute = Math.abs(this.cents);
    return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
  }
}
