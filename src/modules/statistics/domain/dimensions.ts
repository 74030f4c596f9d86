import type { Department } from '../../../shared/domain';
import { ELIGIBILITY_STATUSES, HARDSHIP_CATEGORIES, PENSION_STATUSES } from '../../../shared/domain';

// What a statistics table may be grouped by, and every value each dimension can take (zeros are cells too).

export const STATISTICS_DIMENSIONS = [
  'COUNTY',
  'COUNTED_CATEGORY',
  'ELIGIBILITY_STATUS',
  'GENDER',
  'AGE_BAND',
  'DISABILITY_LEVEL',
  'PENSION_STATUS',
] as const;
export type StatisticsDimension = (typeof STATISTICS_DIMENSIONS)[number];

/** Age in the year asked about (Y − birth year); the bands split at R4's contributing ages 16 and 59. */
export const AGE_BANDS = ['UNDER_16', 'AGE_16_29', 'AGE_30_44', 'AGE_45_59', 'AGE_60_PLUS'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export const GENDERS = ['M', 'F'] as const;
/** 0 = no disability level recorded. */
export const DISABILITY_LEVELS = ['0', '1', '2', '3', '4'] as const;

/** Figures counting fewer persons are withheld, unless PA_STATISTICS_MIN_COUNT says otherwise. */
export const DEFAULT_MINIMUM_COUNT = 5;

/** At most this many dimensions at once: a table of 14 counties x 5 age bands x 6 pension statuses is 420 cells. */
export const MAX_GROUP_BY = 3;

export const ALL_VALUES: Readonly<Record<Exclude<StatisticsDimension, 'COUNTY'>, readonly string[]>> = {
  COUNTED_CATEGORY: HARDSHIP_CATEGORIES,
  ELIGIBILITY_STATUS: ELIGIBILITY_STATUSES,
  GENDER: GENDERS,
  AGE_BAND: AGE_BANDS,
  DISABILITY_LEVEL: DISABILITY_LEVELS,
  PENSION_STATUS: PENSION_STATUSES,
};

/**
 * Dimensions a department may not group or filter by (DESIGN.md §4): TAX reads neither the counted
 * category nor the disability level of a person, so it gets no figures split by them either.
 */
export function forbiddenDimensions(department: Department): readonly StatisticsDimension[] {
  return department === 'TAX' ? ['COUNTED_CATEGORY', 'DISABILITY_LEVEL'] : [];
}
