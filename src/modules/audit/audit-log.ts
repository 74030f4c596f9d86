import type { QueryRunner } from '../../shared/sql';
import type { Viewer } from '../../shared/auth';
import type { Logger } from '../../infrastructure/logger';
import { boundEvent, rejectedEvent } from './audit-bounds';
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
  /** Events kept while the database is unreachable; beyond this the oldest are dropped (logged, and /readyz says so). */
  maxBuffered?: number;
}

/** What /readyz reports about the buffer. */
export interface AuditLogStatus {
  pending: number;
  capacity: number;
  /** The buffer is full: the next event pushes out the oldest. */
  full: boolean;
  /** Events pushed out of a full buffer since start (lost). */
  dropped: number;
  /** Events the database refused even alone, written as a rejection record instead. */
  rejected: number;
  /** The last write failed because the database was unreachable; events wait in the buffer. */
  waitingForDatabase: boolean;
}

/**
 * Connection trouble (retry later, keep the events) rather than an event the database refuses (split the
 * batch): no SQLSTATE (socket, pool timeout), or a class about the server rather than the data: 08
 * connection, 28 authorisation, 3D no database, 40 rollback, 53 resources, 55 not accepting connections,
 * 57 shutdown or cancel, 58 system, XX internal.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return ['08', '28', '3D', '40', '53', '55', '57', '58', 'XX'].includes(code.slice(0, 2));
}

const LOG_EVERY_MS = 10_000;

export class AuditLog {
  private buffer: NewAuditEvent[] = [];
  private readonly queries: AuditQueries;
  private readonly timer: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private dropped = 0;
  private rejected = 0;
  private waitingForDatabase = false;
  private lastFailureLog = 0;
  private lastFullLog = 0;

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

  /** INSERT statements that succeeded so far (one per batch, more when a batch had to be split). */
  writes = 0;

  get pending(): number {
    return this.buffer.length;
  }

  get status(): AuditLogStatus {
    return {
      pending: this.buffer.length,
      capacity: this.maxBuffered,
      full: this.buffer.length >= this.maxBuffered,
      dropped: this.dropped,
      rejected: this.rejected,
      waitingForDatabase: this.waitingForDatabase,
    };
  }

  record(event: NewAuditEvent): void {
    if (this.closed) {
      this.logger.warn({ subject: event.subject }, 'audit event after shutdown; writing it alone');
    }
    // Bounded on the way in: the buffer never holds an event its columns cannot take.
    this.buffer.push(boundEvent(event));
    if (this.buffer.length > this.maxBuffered) {
      const dropped = this.buffer.length - this.maxBuffered;
      this.buffer.splice(0, dropped);
      this.dropped += dropped;
      if (Date.now() - this.lastFullLog >= LOG_EVERY_MS) this.lastFullLog = Date.now();
      else return this.flushIfDue();
      this.logger.error(
        { dropped: this.dropped, capacity: this.maxBuffered },
        'audit buffer full: the oldest unwritten events are being dropped (the database has been unreachable too long)',
      );
    }
    this.flushIfDue();
  }

  private flushIfDue(): void {
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
      const unwritten = await this.writeBatch(batch);
      if (unwritten.length > 0) {
        // The database is unreachable: keep them, in order, for the next attempt.
        this.buffer.unshift(...unwritten);
        return;
      }
    }
    if (this.waitingForDatabase) {
      this.waitingForDatabase = false;
      this.logger.warn('audit events written again after the database came back');
    }
  }

  /**
   * Writes a batch; a batch the database refuses is split until the bad event is alone, which is then
   * written as a rejection record. Returns the events left unwritten because the database is unreachable.
   */
  private async writeBatch(batch: NewAuditEvent[]): Promise<NewAuditEvent[]> {
    const queue: NewAuditEvent[][] = [batch];
    while (queue.length > 0) {
      const chunk = queue.shift()!;
      try {
        await this.queries.insertMany(chunk);
        this.writes++;
        continue;
      } catch (error) {
        if (isTransientDatabaseError(error)) return this.waitForDatabase(error, [...chunk, ...queue.flat()]);
        if (chunk.length > 1) {
          const half = Math.ceil(chunk.length / 2);
          queue.unshift(chunk.slice(0, half), chunk.slice(half));
          continue;
        }
        const rejection = rejectedEvent(chunk[0]!, error);
        try {
          await this.queries.insertMany([rejection]);
          this.writes++;
          this.rejected++;
          this.logger.error(
            { err: error, subject: rejection.subject },
            'audit event refused by the database; a rejection record was written instead',
          );
        } catch (again) {
          if (isTransientDatabaseError(again)) return this.waitForDatabase(again, [...chunk, ...queue.flat()]);
          this.rejected++;
          this.dropped++;
          this.logger.error(
            { err: again, subject: rejection.subject },
            'audit event and its rejection record both refused; the event is lost',
          );
        }
      }
    }
    return [];
  }

  private waitForDatabase(error: unknown, unwritten: NewAuditEvent[]): NewAuditEvent[] {
    this.waitingForDatabase = true;
    const now = Date.now();
    if (now - this.lastFailureLog >= LOG_EVERY_MS) {
      this.lastFailureLog = now;
      this.logger.error(
        { err: error, pending: this.buffer.length + unwritten.length, capacity: this.maxBuffered },
        'audit events could not be written (database unreachable); kept in the buffer, will retry',
      );
    }
    return unwritten;
  }

  /** Stops the timer and writes what is left (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
  }
}
