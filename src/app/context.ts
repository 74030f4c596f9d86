import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../shared/auth';
import { todayInChina, type IsoDate } from '../shared/dates';
import type { HardshipCategory } from '../shared/domain';
import { UnauthenticatedError } from '../shared/errors';
import type { PersonReadCollector } from '../modules/audit/person-reads';
import type { Logger } from '../infrastructure/logger';
import { createLoaders, type Loaders } from './loaders';
import type { SqlPool } from '../infrastructure/database/sql-pool';

export interface PolicySettings {
  precedence: readonly HardshipCategory[];
}

/** Everything a resolver may use, built fresh for each request. */
export interface RequestContext {
  viewer: Viewer | null;
  em: EntityManager;
  db: SqlPool;
  loaders: Loaders;
  settings: PolicySettings;
  today: IsoDate;
  logger: Logger;
  operationName: string | null;
  /** The path that served the request: /graphql or a department view such as /graphql/tax. */
  endpoint: string;
  /** Persons handed out by this request, for the audit log (written after the response). */
  personReads: PersonReadCollector;
}

export interface AppServices {
  em: EntityManager;
  db: SqlPool;
  settings: PolicySettings;
  logger: Logger;
  /** Fixed "today" for tests; real date otherwise. */
  clock?: () => Date;
}

export function createRequestContext(
  services: AppServices,
  viewer: Viewer | null,
  operationName: string | null,
  endpoint = '/graphql',
): RequestContext {
  return {
    viewer,
    em: services.em.fork(),
    db: services.db,
    loaders: createLoaders(services.db, viewer, services.settings.precedence),
    settings: services.settings,
    today: todayInChina(services.clock?.() ?? new Date()),
    logger: services.logger,
    operationName,
    endpoint,
    personReads: { personIds: new Set<number>(), idNumbers: new Set<string>() },
  };
}

export function requireViewer(context: RequestContext): Viewer {
  if (context.viewer === null) throw new UnauthenticatedError();
  return context.viewer;
}
