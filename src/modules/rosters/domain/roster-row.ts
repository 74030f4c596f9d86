import type { IsoDate } from '../../../shared/dates';
import { isIsoDate } from '../../../shared/dates';
import type { Problem } from '../../../shared/errors';
import { IdNumber, type Gender } from '../../../shared/id-number';

// One row of a whole-list roster submission, checked before it reaches the staging table.
// Used by the GraphQL mutation and the file import alike, so both report the same problems.

export interface RawRosterRow {
  idNumber: string;
  name: string;
  disabilityLevel?: number | null;
  recognizedOn: string;
}

/** A row ready for roster_staging: ID number normalised (R13), gender and birth date taken from it. */
export interface StagedRosterRow {
  rowNumber: number;
  idNumber: string;
  name: string;
  gender: Gender;
  birthDate: IsoDate;
  disabilityLevel: number | null;
  recognizedOn: IsoDate;
}

export const MAX_NAME_LENGTH = 100;

export interface RosterRowCheckOptions {
  asOf: IsoDate;
  /** Prefix of problem fields: "entries." for the mutation, "" for files. */
  fieldPrefix: string;
  /** Detect duplicate ID numbers in memory; a caller staging millions of rows may check in SQL instead. */
  trackDuplicates: boolean;
  /** The request's date, bounding birth dates (R13); the real date in China when absent. */
  today?: IsoDate;
}

/** Checks rows one by one, collecting every problem; remembers ID numbers to find duplicates (also after 15→18 conversion). */
export class RosterRowChecker {
  private readonly firstRowOf = new Map<string, number>();

  constructor(private readonly options: RosterRowCheckOptions) {}

  check(input: RawRosterRow, rowNumber: number, problems: Problem[]): StagedRosterRow | null {
    const field = (name: string) => `${this.options.fieldPrefix}${name}`;
    const before = problems.length;
    const add = (name: string, message: string) => problems.push({ row: rowNumber, field: field(name), message });

    const { idNumber, message } = IdNumber.check(input.idNumber ?? '', true, this.options.today);
    if (message !== null) add('idNumber', message);
    if (idNumber !== null && this.options.trackDuplicates) {
      const first = this.firstRowOf.get(idNumber.value);
      if (first !== undefined) add('idNumber', `ID number ${idNumber.value} is already listed in row ${first}`);
      else this.firstRowOf.set(idNumber.value, rowNumber);
    }

    const name = (input.name ?? '').trim();
    if (name === '') add('name', 'name must not be empty');
    else if (name.length > MAX_NAME_LENGTH) add('name', `name must be at most ${MAX_NAME_LENGTH} characters`);

    const level = input.disabilityLevel ?? null;
    if (level !== null && !(Number.isInteger(level) && level >= 1 && level <= 4)) {
      add('disabilityLevel', `disability level ${level} is not between 1 and 4 (R7)`);
    }

    const recognizedOn = (input.recognizedOn ?? '').trim();
    if (!isIsoDate(recognizedOn)) add('recognizedOn', `recognition date "${recognizedOn}" is not a real date written YYYY-MM-DD`);
    else if (recognizedOn > this.options.asOf)
      add('recognizedOn', `recognition date ${recognizedOn} is after the list date ${this.options.asOf}`);

    if (problems.length > before || idNumber === null) return null;
    return {
      rowNumber,
      idNumber: idNumber.value,
      name,
      gender: idNumber.gender,
      birthDate: idNumber.birthDate,
      disabilityLevel: level,
      recognizedOn,
    };
  }
}
