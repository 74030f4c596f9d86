import type { Viewer } from '../shared/auth';
import { todayInChina } from '../shared/dates';
import type { PolicySettings, UseCaseContext } from '../shared/use-case';
import type { PersonReadCollector } from '../modules/audit/person-reads';
import type { DatabaseQueryRunner } from '../infrastructure/database/query-runner';
import type { Logger } from '../infrastructure/logger';
import { createLoaders, type Loaders } from './loaders';

/** What a GraphQL request carries, built fresh for each: the use-case context plus per-request loaders. */
export interface RequestContext extends UseCaseContext {
  loaders: Loaders;
  logger: Logger;
  /** The path that served the request: /graphql or a department view such as /graphql/tax. */
  endpoint: string;
  /** Persons handed out by this request, for the audit log (written after the response). */
  personReads: PersonReadCollector;
}

export interface AppServices {
  db: DatabaseQueryRunner;
  settings: PolicySettings;
  logger: Logger;
  /** Fixed "today" for tests; real date otherwise. */
  clock?: () => Date;
}

/** For a use case outside GraphQL (an HTTP route): who asks, the database, today, the settings. */
export function createUseCaseContext(services: AppServices, viewer: Viewer | null, operationName: string | null): UseCaseContext {
  return {
    viewer,
    db: services.db,
    settings: services.settings,
    today: todayInChina(services.clock?.() ?? new Date()),
    operationName,
  };
}

export function createRequestContext(
  services: AppServices,
  viewer: Viewer | null,
  operationName: string | null,
  endpoint = '/graphql',
): RequestContext {
  return {
    ...createUseCaseContext(services, viewer, operationName),
    loaders: createLoaders(services.db, viewer, services.settings.precedence),
    logger: services.logger,
    endpoint,
    personReads: { personIds: new Set<number>(), idNumbers: new Set<string>() },
  };
}
