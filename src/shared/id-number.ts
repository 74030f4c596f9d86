// R13: resident identity numbers (GB 11643-1999).

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';

export class InvalidIdNumberError extends Error {}

export type Gender = 'M' | 'F';

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let index = 0; index < 17; index++) sum += Number(first17[index]) * WEIGHTS[index]!;
  return CHECK_CHARACTERS[sum % 11]!;
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export class IdNumber {
  private constructor(readonly value: string) {}

  /** Parses an 18-character number, or converts a 15-digit legacy one. Throws with a clerk-readable reason. */
  static parse(input: string): IdNumber {
    const raw = input.trim().toUpperCase();
    if (/^\d{15}$/.test(raw)) return IdNumber.fromLegacy(raw);
    IdNumber.ensureEighteenCharacters(raw);
    IdNumber.ensureRealBirthDate(raw.slice(6, 14));
    IdNumber.ensureCheckCharacterMatches(raw);
    return new IdNumber(raw);
  }

  /**
   * The one conversion of a bad ID number into a problem's message: the number, or why `input` is not one
   * ("ID number "…" has 17 characters…"; `quoteInput` false leaves the input out, for single arguments).
   */
  static check(input: string, quoteInput = true): { idNumber: IdNumber; message: null } | { idNumber: null; message: string } {
    try {
      return { idNumber: IdNumber.parse(input), message: null };
    } catch (error) {
      const reason = (error as Error).message;
      return { idNumber: null, message: quoteInput ? `ID number "${input}" ${reason}` : `ID number ${reason}` };
    }
  }

  static tryParse(input: string): IdNumber | null {
    try {
      return IdNumber.parse(input);
    } catch {
      return null;
    }
  }

  /** 15-digit numbers (before 1999) have a 2-digit year and no check character. */
  private static fromLegacy(raw: string): IdNumber {
    const first17 = `${raw.slice(0, 6)}19${raw.slice(6)}`;
    IdNumber.ensureRealBirthDate(first17.slice(6, 14));
    return new IdNumber(first17 + checkCharacter(first17));
  }

  private static ensureEighteenCharacters(raw: string): void {
    if (!/^\d{17}[\dX]$/.test(raw)) {
      throw new InvalidIdNumberError('must be 18 characters: 17 digits and a digit or X (or a 15-digit legacy number)');
    }
  }

  private static ensureRealBirthDate(yyyymmdd: string): void {
    const year = Number(yyyymmdd.slice(0, 4));
    const month = Number(yyyymmdd.slice(4, 6));
    const day = Number(yyyymmdd.slice(6, 8));
    if (year < 1900 || !isRealDate(year, month, day)) {
      throw new InvalidIdNumberError(`has an impossible birth date "${yyyymmdd}"`);
    }
  }

  private static ensureCheckCharacterMatches(raw: string): void {
    const expected = checkCharacter(raw.slice(0, 17));
    if (raw[17] !== expected) throw new InvalidIdNumberError('has a wrong check character (the last character)');
  }

  /** Builds a valid number from its parts (area code, birth date, 3-digit sequence; odd = male). */
  static compose(areaCode: string, birthDate: string, sequence: number): IdNumber {
    const first17 = `${areaCode}${birthDate.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
    if (!/^\d{17}$/.test(first17)) throw new InvalidIdNumberError('area code, birth date and sequence must give 17 digits');
    return IdNumber.parse(first17 + checkCharacter(first17));
  }

  /** The 6-digit area code as issued; may be an old code, so never used to derive the county. */
  get areaCode(): string {
    return this.value.slice(0, 6);
  }

  get birthDate(): string {
    const digits = this.value.slice(6, 14);
    return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
  }

  get birthYear(): number {
    return Number(this.value.slice(6, 10));
  }

  /** The sequence number's last digit is odd for men. */
  get gender(): Gender {
    return Number(this.value[16]) % 2 === 1 ? 'M' : 'F';
  }

  /** A disability certificate number is the ID number plus a category digit and a level digit. */
  static fromDisabilityCertificate(certificate: string): { idNumber: IdNumber; category: number; level: number } {
    const raw = certificate.trim().toUpperCase();
    if (!/^\d{17}[\dX]\d{2}$/.test(raw)) {
      throw new InvalidIdNumberError('a disability certificate number is the 18-character ID number plus two digits');
    }
    const level = Number(raw[19]);
    if (level < 1 || level > 4) throw new InvalidIdNumberError('a disability certificate level digit must be 1-4');
    return { idNumber: IdNumber.parse(raw.slice(0, 18)), category: Number(raw[18]), level };
  }

  toString(): string {
    return this.value;
  }
}
