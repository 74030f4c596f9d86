import type { GraphQLResolveInfo } from 'graphql';
import type { Viewer } from '../../shared/auth';
import { groupByPerson } from '../../shared/group-by-person';
import { SettledLoader } from '../../shared/settled-loader';
import type { QueryRunner } from '../../shared/sql';
import type { UseCaseContext } from '../../shared/use-case';
import { seesAllEntries } from '../access/row-scope';
import { PeopleQueries, type EntryRow, type PersonRow } from './people.queries';

export interface PeopleLoaders {
  /** Every entry of a person, for rules (county, eligibility); never returned as is. */
  allEntries: SettledLoader<number, EntryRow[]>;
  /** The entries the viewer may see; null without a viewer. */
  visibleEntries: SettledLoader<number, EntryRow[]> | null;
  /**
   * Loads for a whole page what the request will ask of its persons (entries, eligibility …), so that their
   * fields answer without a promise each; set by the composition, which knows every module's loaders.
   */
  primePage?(persons: readonly PersonRow[], info: GraphQLResolveInfo): Promise<void>;
}

/** What the Person field resolvers read: the use case's context and this request's loaders. */
export interface PeopleContext extends UseCaseContext {
  loaders: PeopleLoaders;
}

export function createPeopleLoaders(db: QueryRunner, viewer: Viewer | null): PeopleLoaders {
  const people = new PeopleQueries(db);
  const allEntries = new SettledLoader<number, EntryRow[]>(async (ids) => groupByPerson(ids, await people.allEntries(ids)));
  const visibleEntries =
    viewer === null
      ? null
      : seesAllEntries(viewer)
        ? allEntries
        : new SettledLoader<number, EntryRow[]>(async (ids) => groupByPerson(ids, await people.visibleEntries(viewer, ids)));
  return { allEntries, visibleEntries };
}
