import type { Department } from '../../../shared/domain';

// Import jobs as values: their states, and who may see one.

export const IMPORT_JOB_STATES = ['QUEUED', 'RUNNING', 'DONE', 'FAILED'] as const;
export type ImportJobState = (typeof IMPORT_JOB_STATES)[number];

export interface JobOwner {
  department: Department;
  /** County of the submitting user; null for city level. */
  submitterCounty: string | null;
}

export interface JobViewer {
  department: Department;
  county: string | null;
}

/**
 * The submitter's department sees a job (its city level all of the department's jobs, a county user those
 * submitted in its county); city-level HRSS sees every job. Anyone else is told the job does not exist.
 */
export function maySeeImportJob(viewer: JobViewer, job: JobOwner): boolean {
  if (viewer.department === 'HRSS' && viewer.county === null) return true;
  if (viewer.department !== job.department) return false;
  return viewer.county === null || viewer.county === job.submitterCounty;
}
