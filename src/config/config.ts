import path from 'node:path';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../shared/archive-limits';
import type { HardshipCategory } from '../shared/domain';
import { DEFAULT_PRECEDENCE, parsePrecedence } from '../modules/eligibility/domain/precedence';
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
  /** R8 precedence; RETURNED_POVERTY is first by the notice, TEKUN/DIBAO order is a setting. */
  precedence: readonly HardshipCategory[];
  /** Operation limits, introspection, CORS, token lifetime, rate limits, trusted documents (README "Running in production"). */
  protections: Protections;
  /** Bearer token of GET /metrics (PA_METRICS_TOKEN); null: open outside production, not served (404) in production. */
  metricsToken: string | null;
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
  return {
    nodeEnv,
    port: readInteger(environment, 'PORT', 4000, 0, 65535),
    databaseUrl: readDatabaseUrl(environment, 'DATABASE_URL'),
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
    precedence: readPrecedence(environment),
    explorer: readChoice(environment, 'PA_EXPLORER', nodeEnv === 'production' ? 'off' : 'on', ['on', 'off']) === 'on',
    protections: readProtections(environment, nodeEnv === 'production', { readInteger, readChoice }),
    metricsToken: readMetricsToken(environment),
  };
}
