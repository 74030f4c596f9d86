import { isCountyCode } from '../../shared/county';
import { isIsoDate, type IsoDate } from '../../shared/dates';
import { HARDSHIP_CATEGORIES, type HardshipCategory } from '../../shared/domain';
import { ProblemList } from '../../shared/errors';

// The form fields that travel with an uploaded file, checked all at once.

export interface RosterImportFields {
  category: HardshipCategory;
  county: string;
  asOf: IsoDate;
  dryRun: boolean;
}

function readDryRun(value: string | undefined, problems: ProblemList): boolean {
  if (value === undefined || value === '') return false;
  const normalised = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalised)) return true;
  if (['false', '0', 'no'].includes(normalised)) return false;
  problems.add('dryRun', `"${value}" is not true or false`);
  return false;
}

export function readRosterImportFields(fields: Record<string, string>): RosterImportFields {
  const problems = new ProblemList();
  const category = (fields.category ?? '').trim();
  if (!(HARDSHIP_CATEGORIES as readonly string[]).includes(category)) {
    problems.add('category', `"${category}" is not one of ${HARDSHIP_CATEGORIES.join(', ')}`);
  }
  const county = (fields.county ?? '').trim();
  if (!isCountyCode(county)) problems.add('county', `"${county}" is not one of the 14 county codes`);
  const asOf = (fields.asOf ?? '').trim();
  if (!isIsoDate(asOf)) problems.add('asOf', `"${asOf}" is not a date written YYYY-MM-DD`);
  const dryRun = readDryRun(fields.dryRun, problems);
  problems.throwIfAny();
  return { category: category as HardshipCategory, county, asOf, dryRun };
}
