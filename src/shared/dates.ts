// Calendar dates as "YYYY-MM-DD" strings: they compare correctly as text and carry no time zone.

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export type IsoDate = string;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const digit = (text: string, index: number): number => text.charCodeAt(index) - 48;

/**
 * A real calendar date written YYYY-MM-DD, years 0100-9999 (the Gregorian calendar throughout). Checked by
 * arithmetic, without a Date: every date field of every answer passes through here (the Date scalar).
 */
export function isIsoDate(text: string): boolean {
  if (text.length !== 10 || !DATE_PATTERN.test(text)) return false;
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + digit(text, 2) * 10 + digit(text, 3);
  const month = digit(text, 5) * 10 + digit(text, 6);
  const day = digit(text, 8) * 10 + digit(text, 9);
  if (year < 100 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/** Today in China Standard Time, where the departments work. */
export function todayInChina(now: Date = new Date()): IsoDate {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

/** R2: the cut-off of year Y is 31 October Y. */
export function cutOffDate(year: number): IsoDate {
  return `${year}-10-31`;
}
