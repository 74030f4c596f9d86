import DataLoader from 'dataloader';
import type { Viewer } from '../shared/auth';
import { PeopleQueries, type EntryRow } from '../modules/people/people.queries';
import type { SqlPool } from './sql-pool';

// One set of loaders per request: batching within the request, never a cache shared between users.

function groupByPerson(personIds: readonly number[], rows: readonly EntryRow[]): EntryRow[][] {
  const groups = new Map<number, EntryRow[]>(personIds.map((id) => [id, []]));
  for (const row of rows) groups.get(row.personId)?.push(row);
  return personIds.map((id) => groups.get(id) ?? []);
}

export function createLoaders(db: SqlPool, viewer: Viewer | null) {
  const people = new PeopleQueries(db);
  const allEntries = new DataLoader<number, EntryRow[]>(async (ids) => groupByPerson(ids, await people.allEntries(ids)));
  const visibleEntries =
    viewer === null
      ? null
      : viewer.department === 'HRSS' && viewer.county === null
        ? allEntries
        : new DataLoader<number, EntryRow[]>(async (ids) => groupByPerson(ids, await people.visibleEntries(viewer, ids)));
  return { allEntries, visibleEntries };
}

export type Loaders = ReturnType<typeof createLoaders>;
