import pino from 'pino';
import type { LogLevel } from '../config/config';

export type Logger = pino.Logger;

export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: undefined, redact: ['req.headers.authorization'] });
}
