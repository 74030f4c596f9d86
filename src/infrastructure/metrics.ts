import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { sendJsonError } from './http/json-errors';
import { BoundedLabels, type FinishedRequest } from './http/request-observation';

// Prometheus metrics (issue 9 point 12), one registry per server (tests run several in one process).
// Every label comes from a bounded set: operation names are chosen by clients, so they are labelled by
// what the server knows (see operation labels in src/app/observability.ts) and capped, beyond which "other".

export interface PoolStatus {
  total: number;
  idle: number;
  waiting: number;
}

export interface AuditBufferStatus {
  pending: number;
  capacity: number;
  dropped: number;
  rejected: number;
}

export interface MetricSources {
  pool(): PoolStatus;
  audit(): AuditBufferStatus;
}

/** Which limit a refusal was: a code (and the limit named in extensions.limit) → a label of a fixed set. */
const LIMIT_NAMES = new Set([
  'maxDepth',
  'maxAliases',
  'maxDirectives',
  'maxTokens',
  'maxRootFields',
  'maxCost',
  'maxBodyBytes',
  'maxVariablesBytes',
  'rateLimitAuthenticated',
  'rateLimitAnonymous',
]);

export function refusalLabel(code: string, limit: string | null): string | null {
  switch (code) {
    case 'QUERY_TOO_COMPLEX':
    case 'PAYLOAD_TOO_LARGE':
    case 'RATE_LIMITED':
      return limit !== null && LIMIT_NAMES.has(limit) ? limit : code === 'PAYLOAD_TOO_LARGE' ? 'uploadBytes' : 'other';
    case 'PERSISTED_QUERY_NOT_FOUND':
    case 'OPERATION_NOT_ALLOWED':
      return 'trustedDocuments';
    case 'INTROSPECTION_DISABLED':
      return 'introspection';
    default:
      return limit === 'inputText' ? 'inputText' : null;
  }
}

const codes = new BoundedLabels(64);

export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'kind' | 'operation' | 'status' | 'outcome'>;
  private readonly duration: Histogram<'kind' | 'operation'>;
  private readonly refusals: Counter<'limit'>;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'pension_aid_process_' });
    this.requests = new Counter({
      name: 'pension_aid_requests_total',
      help: 'Requests answered, by kind (graphql, http), operation, HTTP status and outcome (ok or the first error code)',
      labelNames: ['kind', 'operation', 'status', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'pension_aid_request_duration_seconds',
      help: 'Time from the first byte of a request to the end of its response, by kind and operation',
      labelNames: ['kind', 'operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.refusals = new Counter({
      name: 'pension_aid_refusals_total',
      help: 'Requests refused by a protection: operation limits, cost, rate limits, trusted documents, input guard, body size',
      labelNames: ['limit'],
      registers,
    });
    const pool = new Gauge({
      name: 'pension_aid_db_pool_connections',
      help: 'Connections of the database pool: total open, idle, and requests waiting for one',
      labelNames: ['state'],
      registers,
      collect() {
        const status = sources.pool();
        pool.set({ state: 'total' }, status.total);
        pool.set({ state: 'idle' }, status.idle);
        pool.set({ state: 'waiting' }, status.waiting);
      },
    });
    const audit = new Gauge({
      name: 'pension_aid_audit_buffer_events',
      help: 'Audit events of personal-data reads waiting in the buffer to be written',
      registers,
      collect() {
        audit.set(sources.audit().pending);
      },
    });
    const capacity = new Gauge({
      name: 'pension_aid_audit_buffer_capacity',
      help: 'Audit events the buffer holds before it drops the oldest',
      registers,
      collect() {
        capacity.set(sources.audit().capacity);
      },
    });
    const lost = new Gauge({
      name: 'pension_aid_audit_events_dropped',
      help: 'Audit events dropped from a full buffer since start (lost)',
      registers,
      collect() {
        lost.set(sources.audit().dropped);
      },
    });
  }

  observe(finished: FinishedRequest): void {
    const first = finished.observation.errors[0];
    const outcome = first === undefined && finished.status < 400 ? 'ok' : codes.label(first?.code ?? `HTTP_${finished.status}`);
    this.requests.inc({ kind: finished.kind, operation: finished.operation, status: String(finished.status), outcome });
    this.duration.observe({ kind: finished.kind, operation: finished.operation }, finished.durationSeconds);
    const refused = new Set<string>();
    for (const error of finished.observation.errors) {
      const limit = refusalLabel(error.code, error.limit);
      if (limit !== null) refused.add(limit);
    }
    for (const limit of refused) this.refusals.inc({ limit });
  }

  /**
   * GET /metrics. With a token, only `Authorization: Bearer <token>` is answered (401 otherwise); the
   * caller decides whether the route exists at all (production without a token: not mounted, 404).
   */
  handler(token: string | null): RequestHandler {
    const expected = token === null ? null : Buffer.from(`Bearer ${token}`, 'utf8');
    return async (request, response) => {
      if (expected !== null) {
        const given = Buffer.from(request.headers.authorization ?? '', 'utf8');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          response.set('www-authenticate', 'Bearer realm="metrics"');
          return sendJsonError(request, response, 401, 'UNAUTHENTICATED', 'GET /metrics needs "Authorization: Bearer <PA_METRICS_TOKEN>"');
        }
      }
      response.set('content-type', this.registry.contentType).set('cache-control', 'no-store');
      response.send(await this.registry.metrics());
    };
  }
}
