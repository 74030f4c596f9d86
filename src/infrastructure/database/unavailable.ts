// Whether an error means "the database cannot be reached right now" (an outage, a restart, a full pool)
// rather than a fault in a statement or its data. Such errors are answered SERVICE_UNAVAILABLE (503, retry
// later), not INTERNAL_SERVER_ERROR: see src/infrastructure/http/error-mapping.ts and README "Running in
// production" → "When the database goes away".

/** Socket-level failures of pg (connect refused, reset, unreachable, DNS). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATE 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up, shutting down, recovering). */
const SHUTDOWN_STATES = new Set(['57P01', '57P02', '57P03']);

/** What pg, knex (tarn) and MikroORM say when a connection is gone or cannot be had in time. */
const MESSAGES = [
  /Connection terminated/i,
  /Connection ended unexpectedly/i,
  /timeout exceeded when trying to connect/i,
  // pg's Client when connectionTimeoutMillis passes (the pool's knex connections are Clients).
  /^timeout expired$/i,
  /Timeout acquiring a connection/i,
  /Client has encountered a connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

function isUnavailableItself(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || SHUTDOWN_STATES.has(code)) return true;
    // Class 08: connection exception (08000, 08001 cannot establish, 08003 does not exist, 08006 failure...).
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (name === 'KnexTimeoutError' || name === 'ConnectionException') return true;
  return typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message));
}

/** True for connection-class errors, also when wrapped (cause, AggregateError, MikroORM's DriverException). */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 5 || error === null || typeof error !== 'object') return false;
  if (isUnavailableItself(error)) return true;
  const { cause, errors, originalError } = error as { cause?: unknown; errors?: unknown; originalError?: unknown };
  if (Array.isArray(errors) && errors.length > 0 && errors.every((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(cause, depth + 1) || isDatabaseUnavailable(originalError, depth + 1);
}
