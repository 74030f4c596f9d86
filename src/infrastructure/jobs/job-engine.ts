import PgBoss from 'pg-boss';
import { SqlFragment, type QueryRunner } from '../../shared/sql';
import type { DatabaseQueryRunner } from '../database/query-runner';
import type { Logger } from '../logger';

// The job engine (pg-boss 10, the newest for Node 20): its tables in their own schema, created and migrated
// by pg-boss itself at start, on the application's one pool. Jobs are sent inside the caller's transaction,
// so a job exists exactly when the rows it works on do.

export const JOB_ENGINE_SCHEMA = 'job_engine';

export interface JobEngineOptions {
  /** How often an idle worker asks for work. */
  pollingSeconds: number;
  /** pg-boss's own clean-up and expiry sweep. */
  maintenanceSeconds: number;
  /** An attempt that runs longer is taken for dead by pg-boss and tried again (our own lock keeps two from running). */
  expireSeconds: number;
  retryLimit: number;
  retryDelaySeconds: number;
}

export interface EngineJob<Data> {
  id: string;
  data: Data;
  /** Attempts left after this one. */
  retriesLeft: number;
}

export interface JobEngine {
  /** Queues a job inside `transaction` (committed with it). */
  send(queue: string, data: object, transaction: QueryRunner): Promise<void>;
  /** Runs `handler` for each job of `queue`; a throw fails the attempt (retried while attempts are left). */
  work<Data>(queue: string, handler: (job: EngineJob<Data>) => Promise<void>): Promise<void>;
  /** Stops fetching, waits up to `timeoutMs` for running handlers, then lets go. */
  stop(timeoutMs: number): Promise<void>;
}

/** A statement written by pg-boss: its text already numbers its placeholders. */
class EngineStatement extends SqlFragment {
  constructor(
    private readonly text: string,
    private readonly parameters: unknown[],
  ) {
    super([text], []);
  }

  override toQuery(): { text: string; values: unknown[] } {
    return { text: this.text, values: this.parameters };
  }
}

function onTransaction(transaction: QueryRunner): PgBoss.Db {
  return { executeSql: async (text, values) => ({ rows: await transaction.rows(new EngineStatement(text, values ?? [])) }) };
}

const DEADLOCK = '40P01';
const CREATE_QUEUE_ATTEMPTS = 5;

/**
 * pg-boss's create_queue inserts the queue's row and, in the same statement, adds a foreign key to the queue
 * table. Two processes creating the same new queue at once deadlock: one waits on the other's row, the other
 * on the first's table lock. PostgreSQL cancels one of them, the other creates the queue; the cancelled one
 * tries again and finds it there (its insert does nothing).
 */
async function createQueueOnce(boss: PgBoss, queue: string, options: JobEngineOptions): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.createQueue(queue, {
        name: queue,
        expireInSeconds: options.expireSeconds,
        retryLimit: options.retryLimit,
        retryDelay: options.retryDelaySeconds,
      });
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== DEADLOCK || attempt >= CREATE_QUEUE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200 * attempt));
    }
  }
}

export async function startJobEngine(db: DatabaseQueryRunner, logger: Logger, options: JobEngineOptions): Promise<JobEngine> {
  const boss = new PgBoss({
    schema: JOB_ENGINE_SCHEMA,
    // The one pool: pg-boss opens none of its own.
    db: { executeSql: (text, values) => db.withConnection(async (connection) => ({ rows: (await connection.query(text, values)).rows })) },
    maintenanceIntervalSeconds: options.maintenanceSeconds,
    // Nothing here is scheduled by cron.
    schedule: false,
  });
  boss.on('error', (error) => logger.error({ err: error }, 'job engine error'));
  await boss.start();
  const queues = new Set<string>();
  const ensureQueue = async (queue: string) => {
    if (queues.has(queue)) return;
    // A restart finds its queues there: no DDL at all.
    if ((await boss.getQueue(queue)) === null) await createQueueOnce(boss, queue, options);
    queues.add(queue);
  };
  return {
    async send(queue, data, transaction) {
      await ensureQueue(queue);
      await boss.send(queue, data, { db: onTransaction(transaction) });
    },
    async work<Data>(queue: string, handler: (job: EngineJob<Data>) => Promise<void>) {
      await ensureQueue(queue);
      await boss.work<Data>(
        queue,
        { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: options.pollingSeconds },
        async (jobs) => {
          for (const job of jobs) await handler({ id: job.id, data: job.data, retriesLeft: job.retryLimit - job.retryCount });
        },
      );
    },
    async stop(timeoutMs) {
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: false });
    },
  };
}
