import type { MikroORM } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/knex';
import pg from 'pg';
import type { QueryRunner, SqlFragment } from '../../shared/sql';
import { endOpenTransaction, followSessionStatus } from './session-status';
import { isDatabaseUnavailable } from './unavailable';

// The application's one pool on the primary is MikroORM's: set-based SQL borrows its connections, so
// entities, migrations and every `sql` statement share the same `poolMax` connections. With a read replica
// (DATABASE_REPLICA_URL) a second, plain pg pool serves the reads that opt in with `analystReads()`.
// DATE stays a "YYYY-MM-DD" string (no time-zone shifts), NUMERIC a string (exact money), TIMESTAMPTZ a
// Date: per statement, whatever parsers MikroORM set on the connection for its own use.

const DATE_OID = 1082;

/** How long /readyz waits for `select 1` before it says the database is unavailable. */
export const DEFAULT_READINESS_TIMEOUT_MS = 500;

const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === DATE_OID ? (value: string) => value : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

type Connection = Pick<pg.ClientBase, 'query'>;

/** What knex's (tarn's) pool says about itself. */
interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

async function run(connection: Connection, query: SqlFragment): Promise<pg.QueryResult> {
  const { text, values } = query.toQuery();
  return connection.query({ text, values, types: TYPES });
}

/** Statements sent through rows()/one()/execute(); tests use it to prove there is no N+1. */
interface StatementCounter {
  statements: number;
}

/** Everything on one connection: a transaction in progress. */
class TransactionRunner implements QueryRunner {
  constructor(
    private readonly connection: Connection,
    private readonly counter: StatementCounter | null,
  ) {}

  async rows<T>(query: SqlFragment): Promise<T[]> {
    if (this.counter) this.counter.statements++;
    return (await run(this.connection, query)).rows as T[];
  }

  async one<T>(query: SqlFragment): Promise<T | undefined> {
    return (await this.rows<T>(query))[0];
  }

  async execute(query: SqlFragment): Promise<number> {
    if (this.counter) this.counter.statements++;
    return (await run(this.connection, query)).rowCount ?? 0;
  }

  transaction<T>(work: (transaction: QueryRunner) => Promise<T>): Promise<T> {
    return work(this);
  }

  /** A transaction reads on its own connection: it sees its own writes. */
  analystReads(): QueryRunner {
    return this;
  }
}

/** Where connections come from: MikroORM's knex pool on the primary, a plain pg pool on the replica. */
/** Connections of a pool: open (in use or idle), idle, and acquisitions waiting for one. */
export interface PoolStatus {
  total: number;
  idle: number;
  waiting: number;
}

interface ConnectionSource {
  acquire(): Promise<pg.ClientBase>;
  status(): PoolStatus;
  /** `broken`: the connection failed with a connection-class error; it is destroyed, never lent again. */
  release(connection: pg.ClientBase, broken: boolean): Promise<void>;
  close(): Promise<void>;
}

function knexSource(knex: Knex): ConnectionSource {
  return {
    acquire: async () => (await knex.client.acquireConnection()) as pg.ClientBase,
    release: async (connection, broken) => {
      // knex validates a connection before lending it and destroys one marked disposed (as its own 'end' listener does).
      if (broken) (connection as { __knex__disposed?: unknown }).__knex__disposed ??= 'failed with a connection error';
      await knex.client.releaseConnection(connection);
    },
    // MikroORM owns this pool and closes it (orm.close).
    close: async () => undefined,
    status: () => {
      const pool = (knex.client as { pool?: TarnPool }).pool;
      if (!pool) return { total: 0, idle: 0, waiting: 0 };
      const idle = pool.numFree();
      return { total: pool.numUsed() + idle, idle, waiting: pool.numPendingAcquires() };
    },
  };
}

function poolSource(pool: pg.Pool): ConnectionSource {
  // An idle connection the server drops (the replica restarts) is an 'error' event; unhandled, it would end the process.
  pool.on('error', () => undefined);
  return {
    acquire: () => pool.connect(),
    // release(true) removes the client from the pool: a waiting borrower gets a new connection, not this one.
    release: async (connection, broken) => (connection as pg.PoolClient).release(broken),
    close: () => pool.end(),
    status: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

export interface ReplicaSettings {
  url: string;
  /** Connections of the replica's pool; default 10. */
  poolMax?: number;
  /** Reported in the replica's pg_stat_activity. */
  applicationName?: string;
}

export interface DatabaseReadiness {
  /** The primary answers. */
  primary: boolean;
  /** null: no replica configured. */
  replica: null | {
    ready: boolean;
    /** The replica is in recovery (a standby), as a replica must be. */
    inRecovery: boolean | null;
    /** Seconds since the last transaction the replica replayed; null if unknown (nothing replayed yet). */
    lagSeconds: number | null;
    /** Analyst reads the primary served because no replica connection could be had (since start). */
    fallbacks: number;
  };
}

export class DatabaseQueryRunner implements QueryRunner {
  private readonly counter: StatementCounter | null;

  private constructor(
    private readonly source: ConnectionSource,
    counted: boolean,
    counter: StatementCounter | undefined,
    /** The replica's runner (analyst reads), or null: they run here. */
    private readonly replica: DatabaseQueryRunner | null,
    /** 'replica' for the replica's own runner. */
    readonly role: 'primary' | 'replica',
  ) {
    this.counter = counted ? (counter ?? { statements: 0 }) : null;
  }

  /** Replica only: where its reads go when the replica cannot be reached (the primary), and how often they did. */
  private fallback: { runner: DatabaseQueryRunner; count: number } | null = null;

  /**
   * Runs on the connections of this MikroORM instance's pool; with `replica`, analyst reads (reports) run on
   * a pool of that server instead.
   */
  static over(orm: MikroORM, options: { replica?: ReplicaSettings | null } = {}): DatabaseQueryRunner {
    const counter: StatementCounter = { statements: 0 };
    const settings = options.replica;
    const replica = settings
      ? new DatabaseQueryRunner(
          poolSource(
            new pg.Pool({
              connectionString: settings.url,
              max: settings.poolMax ?? 10,
              application_name: settings.applicationName ?? 'pension-aid-replica-reads',
              connectionTimeoutMillis: 5_000,
            }),
          ),
          true,
          counter,
          null,
          'replica',
        )
      : null;
    const primary = new DatabaseQueryRunner(knexSource(orm.em.getConnection().getKnex()), true, counter, replica, 'primary');
    // A replica that is down costs the reports their offload, not their answers: they run on the primary.
    if (replica) replica.fallback = { runner: primary, count: 0 };
    return primary;
  }

  get statementCount(): number {
    return this.counter?.statements ?? 0;
  }

  /** True when analyst reads go to a read replica. */
  get hasReplica(): boolean {
    return this.replica !== null;
  }

  /** The same pool, not counted: background writes (the audit log) that are no request's statements. */
  uncounted(): QueryRunner {
    return new DatabaseQueryRunner(this.source, false, undefined, this.replica, this.role);
  }

  analystReads(): QueryRunner {
    return this.replica ?? this;
  }

  /**
   * One connection of the pool for a piece of work (benches use it for session settings), then back to the
   * pool idle, or destroyed when it failed with a connection-class error. On the replica, work that cannot
   * get a connection, or whose connection breaks under it, runs on the primary instead (the replica is
   * read-only: nothing done there needs undoing).
   */
  async withConnection<T>(work: (connection: pg.ClientBase) => Promise<T>): Promise<T> {
    let connection: pg.ClientBase;
    try {
      connection = await this.source.acquire();
    } catch (error) {
      if (this.fallback === null) throw error;
      return this.fallBack(work);
    }
    followSessionStatus(connection);
    let result: T;
    try {
      result = await work(connection);
    } catch (error) {
      const broken = isDatabaseUnavailable(error) || !(await this.endTransaction(connection, true));
      await this.source.release(connection, broken);
      if (broken && this.fallback !== null) return this.fallBack(work);
      throw error;
    }
    await this.source.release(connection, !(await this.endTransaction(connection, false)));
    return result;
  }

  /** A connection goes back idle: no transaction, aborted or open, is handed to the next borrower. False: it could not be made idle. */
  private async endTransaction(connection: pg.ClientBase, workFailed: boolean): Promise<boolean> {
    return endOpenTransaction(connection, workFailed).then(
      () => true,
      () => false,
    );
  }

  private fallBack<T>(work: (connection: pg.ClientBase) => Promise<T>): Promise<T> {
    this.fallback!.count++;
    return this.fallback!.runner.withConnection(work);
  }

  rows<T>(query: SqlFragment): Promise<T[]> {
    return this.withConnection((connection) => new TransactionRunner(connection, this.counter).rows<T>(query));
  }

  async one<T>(query: SqlFragment): Promise<T | undefined> {
    return (await this.rows<T>(query))[0];
  }

  execute(query: SqlFragment): Promise<number> {
    return this.withConnection((connection) => new TransactionRunner(connection, this.counter).execute(query));
  }

  transaction<T>(work: (transaction: QueryRunner) => Promise<T>): Promise<T> {
    return this.withConnection(async (connection) => {
      await connection.query('begin');
      try {
        const result = await work(new TransactionRunner(connection, this.counter));
        await connection.query('commit');
        return result;
      } catch (error) {
        await connection.query('rollback').catch(() => undefined);
        throw error;
      }
    });
  }

  /** The pool's connections for /metrics: open (in use or idle), idle, and acquisitions waiting for one. */
  poolStatus(): PoolStatus {
    return this.source.status();
  }

  /**
   * `select 1` on a pool connection, bounded: false when it fails or takes longer than `timeoutMs` (a
   * database that does not answer, or a pool with no free connection), so /readyz answers 503 in time.
   */
  async isReady(timeoutMs = DEFAULT_READINESS_TIMEOUT_MS): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const check = this.withConnection((connection) => connection.query('select 1')).then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([check, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** For /readyz: the primary, and the replica with its replay lag. */
  async readiness(timeoutMs = DEFAULT_READINESS_TIMEOUT_MS): Promise<DatabaseReadiness> {
    const [primary, replica] = await Promise.all([this.isReady(timeoutMs), this.replica?.replicaStatus() ?? Promise.resolve(null)]);
    return { primary, replica };
  }

  private async replicaStatus(): Promise<NonNullable<DatabaseReadiness['replica']>> {
    const fallbacks = this.fallback?.count ?? 0;
    let connection: pg.ClientBase;
    try {
      connection = await this.source.acquire();
    } catch {
      return { ready: false, inRecovery: null, lagSeconds: null, fallbacks };
    }
    let broken = false;
    try {
      const result = await connection.query<{ in_recovery: boolean; lag: number | null }>(
        // Caught up (all WAL received is replayed): no lag, however long ago the primary's last write was.
        `select pg_is_in_recovery() as in_recovery,
                case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                     else extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 end as lag`,
      );
      const row = result.rows[0]!;
      const lagSeconds = row.lag === null ? null : Math.max(0, Math.round(row.lag * 10) / 10);
      return { ready: true, inRecovery: row.in_recovery, lagSeconds, fallbacks };
    } catch (error) {
      broken = isDatabaseUnavailable(error);
      return { ready: false, inRecovery: null, lagSeconds: null, fallbacks };
    } finally {
      await this.source.release(connection, broken);
    }
  }

  /** Closes the replica's pool (the primary's is MikroORM's: orm.close). */
  async close(): Promise<void> {
    await this.replica?.source.close();
  }
}
