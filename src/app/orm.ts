import type { MikroORM, Options } from '@mikro-orm/postgresql';
import { AuditEvent } from '../modules/audit/audit-event.entity';
import { FundingRule } from '../modules/budgets/funding-rule.entity';
import { ImportJob, ImportJobChunk } from '../modules/jobs/import-job.entity';
import { County } from '../modules/counties/county.entity';
import { PensionStatusChange } from '../modules/enrolment/pension-status-change.entity';
import { ProxyPayment } from '../modules/payments/proxy-payment.entity';
import { Person } from '../modules/people/person.entity';
import { RosterEntry } from '../modules/rosters/roster-entry.entity';
import { RosterSubmission } from '../modules/rosters/roster-submission.entity';
import { RosterEntryVersion } from '../modules/rosters/roster-entry-version.entity';
import { initOrm, loadMigrations, migrate, ormOptions, type OrmSettings } from '../infrastructure/database/mikro-orm';
import type { Logger } from '../infrastructure/logger';

// The modules' entities, wired into MikroORM. Also the MikroORM CLI's config file (package.json "mikro-orm").

export const ENTITIES = [
  County,
  Person,
  RosterSubmission,
  RosterEntry,
  ProxyPayment,
  FundingRule,
  AuditEvent,
  PensionStatusChange,
  ImportJob,
  ImportJobChunk,

  RosterEntryVersion,
];

export { migrate };

/** MikroORM over its own pool (`poolMax` connections); every query of the application goes through it. */
export function openOrm(
  url: string,
  logger?: Logger,
  poolMax?: number,
  timeouts: Pick<OrmSettings, 'connectTimeoutMs' | 'acquireTimeoutMs'> = {},
): Promise<MikroORM> {
  return initOrm(url, { entities: ENTITIES, logger, poolMax, ...timeouts });
}

/** For the MikroORM CLI (`npx mikro-orm debug`): DATABASE_URL, or a local PostgreSQL. */
export default async function cliConfig(): Promise<Options> {
  return ormOptions(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/pension_aid', await loadMigrations(), {
    entities: ENTITIES,
  });
}
