import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Viewer } from '../../shared/auth';
import type { Logger } from '../logger';

// One record per request (issue 9 point 12): its id, what it ran, how it ended. The first handler opens it;
// whatever answers an error notes the code here; when the response is finished one log line is written and
// the metrics observe it. Only bounded fields: never variables, bodies, query strings or raw paths.

/** A caller's x-request-id is kept only if it looks like an id: short, plain characters, no ID-number-like digit run. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const LONG_DIGIT_RUN = /\d{12,}/;

export function acceptedRequestId(incoming: unknown): string | null {
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) && !LONG_DIGIT_RUN.test(incoming) ? incoming : null;
}

export interface NotedError {
  code: string;
  /** The limit that refused the request (extensions.limit.name), if any. */
  limit: string | null;
}

export interface RequestObservation {
  requestId: string;
  startedAt: bigint;
  /** Bounded operation label (see operationLabels); null until something names it. */
  operation: string | null;
  errors: NotedError[];
  /** Whether the GraphQL answer's errors already carry the request id (set by the pipeline's plugin). */
  errorsStamped: boolean;
}

export interface FinishedRequest {
  observation: RequestObservation;
  kind: 'graphql' | 'http';
  operation: string;
  status: number;
  viewer: Viewer | null;
  durationSeconds: number;
}

export function observationOf(response: Response): RequestObservation | undefined {
  return response.locals.observation as RequestObservation | undefined;
}

export function noteError(observation: RequestObservation | undefined, code: unknown, extensions?: Record<string, unknown>): void {
  if (!observation || typeof code !== 'string') return;
  const limit = (extensions?.limit as { name?: unknown } | undefined)?.name;
  observation.errors.push({ code, limit: typeof limit === 'string' ? limit : null });
}

/** Labels from a bounded set: the first `cap` distinct values are kept, every later one is "other". */
export class BoundedLabels {
  private readonly seen = new Set<string>();
  constructor(private readonly cap: number) {}

  label(value: string | null): string {
    if (value === null) return 'other';
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.cap) return 'other';
    this.seen.add(value);
    return value;
  }
}

// Probes and scrapes come every few seconds: their lines are debug unless they fail.
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const PLAIN_PATH = /^\/[A-Za-z0-9/_.-]{0,80}$/;
const paths = new BoundedLabels(64);

/** A path that names a route (not a 404, plain characters, no long digit run); anything else is "other". */
function pathLabel(request: Request, status: number): string {
  const path = request.originalUrl.split('?')[0] ?? '';
  if (status === 404 || !PLAIN_PATH.test(path) || /\d{6,}/.test(path)) return 'other';
  return paths.label(path);
}

function isGraphQLPath(path: string): boolean {
  return /^\/(graphql|subgraph)(\/|$)/.test(path);
}

export interface ObservationOptions {
  logger: Logger;
  viewerOf(response: Response): Viewer | null;
  onFinish(finished: FinishedRequest): void;
}

/** The first handler: the request id (kept from x-request-id if safe, else new), echoed in the response header. */
export function observeRequests(options: ObservationOptions): RequestHandler {
  return (request, response, next) => {
    const observation: RequestObservation = {
      requestId: acceptedRequestId(request.headers['x-request-id']) ?? randomUUID(),
      startedAt: process.hrtime.bigint(),
      operation: null,
      errors: [],
      errorsStamped: false,
    };
    response.locals.observation = observation;
    response.setHeader('x-request-id', observation.requestId);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const durationSeconds = Number(process.hrtime.bigint() - observation.startedAt) / 1e9;
      const path = pathLabel(request, response.statusCode);
      const kind = isGraphQLPath(request.originalUrl.split('?')[0] ?? '') ? 'graphql' : 'http';
      const operation = observation.operation ?? (kind === 'http' ? `${request.method} ${path}` : 'other');
      const viewer = options.viewerOf(response);
      const errorCodes = [...new Set(observation.errors.map((error) => error.code))];
      const status = response.statusCode;
      const level = QUIET_PATHS.has(path) && status < 400 ? 'debug' : 'info';
      options.logger[level](
        {
          requestId: observation.requestId,
          method: request.method,
          path,
          operation,
          department: viewer?.department ?? null,
          county: viewer?.county ?? null,
          status,
          outcome: errorCodes.length === 0 && status < 400 ? 'ok' : 'error',
          errorCodes,
          durationMs: Math.round(durationSeconds * 10_000) / 10,
          ...(response.writableFinished ? {} : { aborted: true }),
        },
        'request',
      );
      options.onFinish({ observation, kind, operation, status, viewer, durationSeconds });
    };
    response.once('finish', finish);
    response.once('close', finish);
    next();
  };
}
