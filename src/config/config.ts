import path from 'node:path';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../shared/archive-limits';
import type { HardshipCategory } from '../shared/domain';
import { DEFAULT_PRECEDENCE, parsePrecedence } from '../modules/eligibility/domain/precedence';
import { DEFAULT_MINIMUM_COUNT } from '../modules/statistics/domain/dimensions';
import { ConfigError } from './config-error';
import type { Protections } from './protection-settings';
import { readProtections } from './protections.config';

// The only reader of process.env. Everything is parsed once, typed, and a bad value stops start-up
// with a message that names the variable.

export type NodeEnvironment = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface AppConfig {
  nodeEnv: NodeEnvironment;
  port: number;
  databaseUrl: string | null;
  /** DATABASE_REPLICA_URL: a streaming read replica for reports and analyst reads; null: they run on the primary. */
  databaseReplicaUrl: string | null;
  /** PA_PROCESSES: server processes on the port (node:cluster); 1 = no cluster. */
  processes: number;
  dataDir: string;
  embeddedPort: number;
  jwtSecret: string;
  logLevel: LogLevel;
  /** Upload limits for file imports. */
  importMaxBytes: number;
  importMaxRows: number;
  /** XLSX archive limits checked before inflating (zip-bomb guard). */
  importArchive: ArchiveLimits;
  /** Folder for uploads in progress; null → the system temporary folder. */
  uploadDirectory: string | null;
  /** The self-hosted API explorer at GET /graphql (PA_EXPLORER on|off; default on outside production). */
  explorer: boolean;
  /** How operations run (PA_EXECUTION): `compiled` (graphql-jit, the default) or `graphql-js` (the reference executor). */
  execution: 'compiled' | 'graphql-js';
  /** Import jobs (README "Large files: import jobs"); null with PA_IMPORT_JOBS=off. */
  importJobs: ImportJobSettings | null;
  /** R8 precedence; RETURNED_POVERTY is first by the notice, TEKUN/DIBAO order is a setting. */
  precedence: readonly HardshipCategory[];
  /** Statistics withhold a figure counting 1 to this − 1 persons (PA_STATISTICS_MIN_COUNT, small-cell protection). */
  statisticsMinimumCount: number;
  /** Operation limits, introspection, CORS, token lifetime, rate limits, trusted documents (README "Running in production"). */
  protections: Protections;
  /** Database outage handling (README "When the database goes away"). */
  databaseTimeouts: DatabaseTimeouts;
  /** Bearer token of GET /metrics (PA_METRICS_TOKEN); null: open outside production, not served (404) in production. */
  metricsToken: string | null;
}

export interface DatabaseTimeouts {
  /** PA_DB_CONNECT_TIMEOUT_MS: opening one connection (default 1000). */
  connectTimeoutMs: number;
  /** PA_DB_ACQUIRE_TIMEOUT_MS: waiting for a free pool connection (default 10000). */
  acquireTimeoutMs: number;
  /** PA_READINESS_TIMEOUT_MS: /readyz's `select 1` (default 500). */
  readinessTimeoutMs: number;
}

export interface ImportJobSettings {
  /** Uploads larger than this answer 202 with a job id (any size with async=true). */
  asyncFromBytes: number;
  /** How often a running job writes its progress and heartbeat. */
  heartbeatMs: number;
  /** A running job without a heartbeat for this long lost its process and is run again. */
  staleSeconds: number;
  /** How often an idle worker asks the engine for work. */
  pollingSeconds: number;
  /** pg-boss's expiry of an attempt (a safety net behind the heartbeat). */
  expireSeconds: number;
  /** Further attempts after an unexpected failure (a refused file is not retried). */
  retryLimit: number;
  /** Days a finished (DONE or FAILED) job is kept after it finished, then purged; default 30. */
  retentionDays?: number;
  /** How often the worker purges finished jobs past their retention; default 3600. */
  purgeEverySeconds?: number;
}

export const DEVELOPMENT_JWT_SECRET = 'pension-aid-development-secret-do-not-use-in-production';

export { ConfigError };

type Environment = Record<string, string | undefined>;

function readInteger(environment: Environment, variable: string, fallback: number, min: number, max: number): number {
  const raw = environment[variable];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(variable, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(variable, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function readChoice<T extends string>(environment: Environment, variable: string, fallback: T, choices: readonly T[]): T {
  const raw = environment[variable];
  if (raw === undefined || raw === '') return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new ConfigError(variable, `must be one of ${choices.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function readDatabaseUrl(environment: Environment, variable: string): string | null {
  const raw = environment[variable];
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(variable, 'is not a valid URL (expected postgres://user:password@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(variable, `must start with postgres:// or postgresql://, got "${url.protocol}//"`);
  }
  if (url.pathname.length <= 1) throw new ConfigError(variable, 'must name a database');
  return raw;
}

function readMetricsToken(environment: Environment): string | null {
  const raw = environment.PA_METRICS_TOKEN;
  if (raw === undefined || raw === '') return null;
  if (!/^[\x21-\x7e]{16,512}$/.test(raw))
    throw new ConfigError('PA_METRICS_TOKEN', 'must be 16 to 512 printable characters without spaces');
  return raw;
}

function readPrecedence(environment: Environment): readonly HardshipCategory[] {
  const raw = environment.PA_CATEGORY_PRECEDENCE;
  if (raw === undefined || raw === '') return DEFAULT_PRECEDENCE;
  try {
    return parsePrecedence(raw);
  } catch (error) {
    throw new ConfigError('PA_CATEGORY_PRECEDENCE', (error as Error).message);
  }
}

export function loadConfig(environment: Environment = process.env): AppConfig {
  const nodeEnv = readChoice<NodeEnvironment>(environment, 'NODE_ENV', 'development', ['development', 'production', 'test']);
  const jwtSecret = environment.JWT_SECRET;
  if (nodeEnv === 'production' && (jwtSecret === undefined || jwtSecret.length < 32)) {
    throw new ConfigError('JWT_SECRET', 'is required in production and must be at least 32 characters');
  }
  if (jwtSecret !== undefined && jwtSecret !== '' && jwtSecret.length < 16) {
    throw new ConfigError('JWT_SECRET', 'must be at least 16 characters');
  }
  const databaseUrl = readDatabaseUrl(environment, 'DATABASE_URL');
  const databaseReplicaUrl = readDatabaseUrl(environment, 'DATABASE_REPLICA_URL');
  if (databaseReplicaUrl !== null && databaseUrl === null) {
    throw new ConfigError(
      'DATABASE_REPLICA_URL',
      'needs DATABASE_URL too: a replica streams from a primary you run, not from the embedded PostgreSQL',
    );
  }
  return {
    nodeEnv,
    port: readInteger(environment, 'PORT', 4000, 0, 65535),
    databaseUrl,
    databaseReplicaUrl,
    processes: readInteger(environment, 'PA_PROCESSES', 1, 1, 64),
    dataDir: path.resolve(environment.PA_DATA_DIR || '.data'),
    embeddedPort: readInteger(environment, 'PA_EMBEDDED_PG_PORT', 54329, 1024, 65535),
    jwtSecret: jwtSecret || DEVELOPMENT_JWT_SECRET,
    logLevel: readChoice<LogLevel>(environment, 'LOG_LEVEL', nodeEnv === 'test' ? 'silent' : 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ]),
    importMaxBytes: readInteger(environment, 'PA_IMPORT_MAX_BYTES', 200 * 1024 * 1024, 1024, 2 ** 40),
    importMaxRows: readInteger(environment, 'PA_IMPORT_MAX_ROWS', 2_000_000, 1, 100_000_000),
    importArchive: {
      maxEntries: readInteger(environment, 'PA_XLSX_MAX_ENTRIES', DEFAULT_ARCHIVE_LIMITS.maxEntries, 1, 1_000_000),
      maxEntryBytes: readInteger(environment, 'PA_XLSX_MAX_ENTRY_BYTES', DEFAULT_ARCHIVE_LIMITS.maxEntryBytes, 1024, 2 ** 32 - 1),
      maxTotalBytes: readInteger(environment, 'PA_XLSX_MAX_TOTAL_BYTES', DEFAULT_ARCHIVE_LIMITS.maxTotalBytes, 1024, 2 ** 40),
      maxSharedStringsBytes: readInteger(
        environment,
        'PA_XLSX_MAX_SHARED_STRINGS_BYTES',
        DEFAULT_ARCHIVE_LIMITS.maxSharedStringsBytes,
        1024,
        2 ** 32 - 1,
      ),
      maxRatio: readInteger(environment, 'PA_XLSX_MAX_RATIO', DEFAULT_ARCHIVE_LIMITS.maxRatio, 2, 100_000),
    },
    uploadDirectory: environment.PA_UPLOAD_DIR ? path.resolve(environment.PA_UPLOAD_DIR) : null,
    importJobs:
      readChoice(environment, 'PA_IMPORT_JOBS', 'on', ['on', 'off']) === 'off'
        ? null
        : {
            asyncFromBytes: readInteger(environment, 'PA_IMPORT_ASYNC_BYTES', 5 * 1024 * 1024, 0, 2 ** 40),
            heartbeatMs: readInteger(environment, 'PA_IMPORT_JOB_HEARTBEAT_MS', 2000, 100, 60_000),
            staleSeconds: readInteger(environment, 'PA_IMPORT_JOB_STALE_SECONDS', 30, 1, 3600),
            pollingSeconds: readInteger(environment, 'PA_IMPORT_JOB_POLL_SECONDS', 1, 1, 60),
            expireSeconds: readInteger(environment, 'PA_IMPORT_JOB_EXPIRE_SECONDS', 4 * 3600, 60, 24 * 3600),
            retryLimit: readInteger(environment, 'PA_IMPORT_JOB_RETRIES', 2, 0, 10),
            retentionDays: readInteger(environment, 'PA_IMPORT_JOB_RETENTION_DAYS', 30, 1, 3650),
            purgeEverySeconds: readInteger(environment, 'PA_IMPORT_JOB_PURGE_SECONDS', 3600, 1, 86_400),
          },
    precedence: readPrecedence(environment),
    statisticsMinimumCount: readInteger(environment, 'PA_STATISTICS_MIN_COUNT', DEFAULT_MINIMUM_COUNT, 2, 1000),
    explorer: readChoice(environment, 'PA_EXPLORER', nodeEnv === 'production' ? 'off' : 'on', ['on', 'off']) === 'on',
    execution: readChoice(environment, 'PA_EXECUTION', 'compiled', ['compiled', 'graphql-js']),
    protections: readProtections(environment, nodeEnv === 'production', { readInteger, readChoice }),
    databaseTimeouts: {
      connectTimeoutMs: readInteger(environment, 'PA_DB_CONNECT_TIMEOUT_MS', 1000, 50, 600_000),
      acquireTimeoutMs: readInteger(environment, 'PA_DB_ACQUIRE_TIMEOUT_MS', 10_000, 50, 600_000),
      readinessTimeoutMs: readInteger(environment, 'PA_READINESS_TIMEOUT_MS', 500, 50, 60_000),
    },
    metricsToken: readMetricsToken(environment),
  };
}
