import type { QueryRunner } from '../../shared/sql';
import type { Viewer } from '../../shared/auth';
import type { Logger } from '../../infrastructure/logger';
import { AuditQueries, type NewAuditEvent } from './audit.queries';

// Successful writes leave an audit_event row in the same transaction: both happen, or neither.

export type AuditAction = 'SUBMIT_ROSTER' | 'RECORD_ENROLMENT' | 'RECORD_PAYMENTS' | 'SET_FUNDING_RULE' | 'IMPORT';

export interface AuditRecord {
  action: AuditAction;
  operation?: string | null;
  personCount?: number;
  details: Record<string, unknown>;
}

/** Inside the writer's transaction (`transaction` is the runner its `db.transaction` handed out). */
export function writeAuditEvent(transaction: QueryRunner, viewer: Viewer, record: AuditRecord): Promise<void> {
  return new AuditQueries(transaction).insertWrite(viewer, record);
}

// Personal-data reads are written after the response, in batches: a request only appends to this
// in-process buffer; a timer (or a full batch) writes everything buffered with one multi-row INSERT.

export interface AuditLogOptions {
  /** Longest time an event waits in the buffer. */
  flushIntervalMs?: number;
  /** Events that trigger an early write. */
  batchSize?: number;
  /** Events kept while the database is unreachable; older ones beyond this are dropped (and logged). */
  maxBuffered?: number;
}

export class AuditLog {
  private buffer: NewAuditEvent[] = [];
  private readonly queries: AuditQueries;
  private readonly timer: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly batchSize: number;
  private readonly maxBuffered: number;

  constructor(
    db: QueryRunner,
    private readonly logger: Logger,
    options: AuditLogOptions = {},
  ) {
    this.queries = new AuditQueries(db);
    this.batchSize = options.batchSize ?? 200;
    this.maxBuffered = options.maxBuffered ?? 100_000;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** INSERT statements written so far (one per batch). */
  writes = 0;

  get pending(): number {
    return this.buffer.length;
  }

  record(event: NewAuditEvent): void {
    if (this.closed) {
      this.logger.warn({ subject: event.subject }, 'audit event after shutdown; writing it alone');
    }
    this.buffer.push(event);
    if (this.buffer.length >= this.batchSize || this.closed) void this.flush();
  }

  /** Writes everything buffered so far; resolves when it is in the database (or the failure is logged). */
  flush(): Promise<void> {
    // Writes are chained so that batches land in order and flush() waits for the ones in flight.
    this.writing = this.writing.then(() => this.writeBuffered());
    return this.writing;
  }

  private async writeBuffered(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, 1000);
      try {
        await this.queries.insertMany(batch);
        this.writes++;
      } catch (error) {
        this.buffer.unshift(...batch);
        const dropped = this.buffer.length - this.maxBuffered;
        if (dropped > 0) this.buffer.splice(0, dropped);
        this.logger.error(
          { err: error, pending: this.buffer.length, dropped: Math.max(dropped, 0) },
          'audit events could not be written; will retry',
        );
        return;
      }
    }
  }

  /** Stops the timer and writes what is left (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
  }
}
