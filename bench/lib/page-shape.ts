// The bench's page (issue 11): one page of 100 persons of a county and category, each with its roster entries,
// optionally with the year's eligibility. Shared by bench/run.ts and bench/processes.ts.

export const PAGE_COUNTY = '530111';
export const PAGE_CATEGORY = 'DIBAO';
export const personFields = 'idNumber name gender birthDate pensionStatus';
export const entryFields = 'category county recognizedOn exitedOn';

export const pageQuery = (first: number, eligibility: boolean, year: number) =>
  `{ persons(first: ${first}, filter: { county: "${PAGE_COUNTY}", category: ${PAGE_CATEGORY} }) { edges { node { ${personFields} rosterEntries { ${entryFields} }${
    eligibility ? ` eligibility(year: ${year}) { status amount countedCategory }` : ''
  } } } } }`;
