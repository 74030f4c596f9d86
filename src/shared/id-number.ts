// R13: resident identity numbers (GB 11643-1999).

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = '10X98765432';

export class InvalidIdNumberError extends Error {}

/**
 * The first two digits of every area code: a province-level division of GB/T 2260 (31 provinces,
 * autonomous regions and municipalities; 71 Taiwan, 81 Hong Kong, 82 Macao as the standard lists them).
 */
export const PROVINCE_CODES: ReadonlyMap<string, string> = new Map([
  ['11', 'Beijing'],
  ['12', 'Tianjin'],
  ['13', 'Hebei'],
  ['14', 'Shanxi'],
  ['15', 'Inner Mongolia'],
  ['21', 'Liaoning'],
  ['22', 'Jilin'],
  ['23', 'Heilongjiang'],
  ['31', 'Shanghai'],
  ['32', 'Jiangsu'],
  ['33', 'Zhejiang'],
  ['34', 'Anhui'],
  ['35', 'Fujian'],
  ['36', 'Jiangxi'],
  ['37', 'Shandong'],
  ['41', 'Henan'],
  ['42', 'Hubei'],
  ['43', 'Hunan'],
  ['44', 'Guangdong'],
  ['45', 'Guangxi'],
  ['46', 'Hainan'],
  ['50', 'Chongqing'],
  ['51', 'Sichuan'],
  ['52', 'Guizhou'],
  ['53', 'Yunnan'],
  ['54', 'Tibet'],
  ['61', 'Shaanxi'],
  ['62', 'Gansu'],
  ['63', 'Qinghai'],
  ['64', 'Ningxia'],
  ['65', 'Xinjiang'],
  ['71', 'Taiwan'],
  ['81', 'Hong Kong'],
  ['82', 'Macao'],
]);

/** Today in China (YYYY-MM-DD), for the "not born in the future" check when the caller has no clock. */
function chinaToday(): string {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

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

  /**
   * Parses an 18-character number, or converts a 15-digit legacy one. Throws with a clerk-readable reason.
   * `today` (YYYY-MM-DD, the request's clock where there is one) bounds the birth date.
   */
  static parse(input: string, today: string = chinaToday()): IdNumber {
    const raw = input.trim().toUpperCase();
    if (/^\d{15}$/.test(raw)) return IdNumber.fromLegacy(raw, today);
    IdNumber.ensureEighteenCharacters(raw);
    IdNumber.ensureRealProvince(raw);
    IdNumber.ensureRealBirthDate(raw.slice(6, 14), today);
    IdNumber.ensureCheckCharacterMatches(raw);
    return new IdNumber(raw);
  }

  /**
   * The one conversion of a bad ID number into a problem's message: the number, or why `input` is not one
   * ("ID number "…" has 17 characters…"; `quoteInput` false leaves the input out, for single arguments).
   */
  static check(
    input: string,
    quoteInput = true,
    today?: string,
  ): { idNumber: IdNumber; message: null } | { idNumber: null; message: string } {
    try {
      return { idNumber: IdNumber.parse(input, today), message: null };
    } catch (error) {
      const reason = (error as Error).message;
      return { idNumber: null, message: quoteInput ? `ID number "${input}" ${reason}` : `ID number ${reason}` };
    }
  }

  static tryParse(input: string, today?: string): IdNumber | null {
    try {
      return IdNumber.parse(input, today);
    } catch {
      return null;
    }
  }

  /** 15-digit numbers (before 1999) have a 2-digit year and no check character. */
  private static fromLegacy(raw: string, today: string): IdNumber {
    const first17 = `${raw.slice(0, 6)}19${raw.slice(6)}`;
    IdNumber.ensureRealProvince(first17);
    IdNumber.ensureRealBirthDate(first17.slice(6, 14), today);
    return new IdNumber(first17 + checkCharacter(first17));
  }

  private static ensureEighteenCharacters(raw: string): void {
    if (!/^\d{17}[\dX]$/.test(raw)) {
      throw new InvalidIdNumberError('must be 18 characters: 17 digits and a digit or X (or a 15-digit legacy number)');
    }
  }

  private static ensureRealProvince(raw: string): void {
    if (!PROVINCE_CODES.has(raw.slice(0, 2))) {
      throw new InvalidIdNumberError(`has an area code "${raw.slice(0, 6)}" that starts with no province code (GB/T 2260)`);
    }
  }

  private static ensureRealBirthDate(yyyymmdd: string, today: string): void {
    const year = Number(yyyymmdd.slice(0, 4));
    const month = Number(yyyymmdd.slice(4, 6));
    const day = Number(yyyymmdd.slice(6, 8));
    if (year < 1900 || !isRealDate(year, month, day)) {
      throw new InvalidIdNumberError(`has an impossible birth date "${yyyymmdd}"`);
    }
    const birthDate = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
    if (birthDate > today) throw new InvalidIdNumberError(`has a birth date ${birthDate} in the future (today is ${today})`);
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
