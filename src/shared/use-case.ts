import type { Viewer } from './auth';
import type { IsoDate } from './dates';
import type { HardshipCategory } from './domain';
import { UnauthenticatedError } from './errors';
import type { QueryRunner } from './sql';

// The narrow interface a module's services take, whoever calls them (a GraphQL resolver, an HTTP
// route, a command-line tool): who asks, the database, what day it is, the policy's settings.

export interface PolicySettings {
  precedence: readonly HardshipCategory[];
  /** Statistics withhold figures counting fewer persons than this (PA_STATISTICS_MIN_COUNT; 5 when absent). */
  statisticsMinimumCount?: number;
}

export interface UseCaseContext {
  viewer: Viewer | null;
  db: QueryRunner;
  /** Today in China; fixed in tests. */
  today: IsoDate;
  settings: PolicySettings;
  /** The GraphQL operation or HTTP route, written to the audit log. */
  operationName: string | null;
}

export function requireViewer(context: Pick<UseCaseContext, 'viewer'>): Viewer {
  if (context.viewer === null) throw new UnauthenticatedError();
  return context.viewer;
}
