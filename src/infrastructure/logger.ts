import pino from 'pino';
import type { LogLevel } from '../config/config';

export type Logger = pino.Logger;

// No ID number or name in any log line (issue 9 point 12): request lines carry only bounded fields (never
// variables, bodies or raw paths), and as a last line of defence every string logged is scrubbed of what an
// ID number (15 digits, or 17 and a check character) or a Chinese name looks like. Errors keep their type,
// SQLSTATE and stack; PostgreSQL's `detail`/`where` (row values) are dropped and quoted values masked.

const REDACTED = '[redacted]';
const ID_NUMBER_LIKE = /\d{15}(?:\d{2}[\dXx])?/g;
const HAN_RUN = /[\p{Script=Han}\u00b7]+/gu;
const QUOTED_VALUE = /"[^"]*"|'[^']*'|\([^()]*\)=\([^()]*\)/g;

export function scrub(text: string): string {
  return text.replace(ID_NUMBER_LIKE, REDACTED).replace(HAN_RUN, REDACTED);
}

function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  // Errors and other class instances are left to their serializers.
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubValue(item, depth + 1)]));
}

interface LoggedError {
  type: string;
  message: string;
  code?: string;
  stack?: string;
  cause?: LoggedError;
}

/** An error as logged: type, code, a message without values, the stack frames; never `detail`, `where`, parameters. */
export function safeError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: REDACTED };
  const code = (error as { code?: unknown }).code;
  // A database error quotes the values it refused ("invalid input syntax …: "…"", "Key (x)=(…)").
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
  const message = scrub(sqlState ? error.message.replace(QUOTED_VALUE, REDACTED) : error.message);
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
  const logged: LoggedError = { type: error.name, message, stack: scrub(`${error.name}: ${message}\n${frames}`) };
  if (typeof code === 'string') logged.code = scrub(code);
  if (error.cause !== undefined && depth < 3) logged.cause = safeError(error.cause, depth + 1);
  return logged;
}

/** `destination`: where lines go (tests capture them); standard output by default. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    redact: ['req.headers.authorization'],
    serializers: { err: safeError, error: safeError },
    formatters: { log: (object) => scrubValue(object, 0) as Record<string, unknown> },
    hooks: {
      logMethod(parameters, method) {
        method.apply(this, parameters.map((parameter) => (typeof parameter === 'string' ? scrub(parameter) : parameter)) as never);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
