import type { MikroORM } from '@mikro-orm/postgresql';
import type { Knex } from '@mikro-orm/knex';
import pg from 'pg';
import type { QueryRunner, SqlFragment } from '../../shared/sql';

// The application's one pool is MikroORM's: set-based SQL borrows its connections, so entities,
// migrations and every `sql` statement share the same `poolMax` connections.
// DATE stays a "YYYY-MM-DD" string (no time-zone shifts), NUMERIC a string (exact money), TIMESTAMPTZ a
// Date: per statement, whatever parsers MikroORM set on the connection for its own use.

const DATE_OID = 1082;

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
}

export class DatabaseQueryRunner implements QueryRunner {
  private readonly counter: StatementCounter | null;

  private constructor(
    private readonly knex: Knex,
    counted: boolean,
    counter?: StatementCounter,
  ) {
    this.counter = counted ? (counter ?? { statements: 0 }) : null;
  }

  /** Runs on the connections of this MikroORM instance's pool. */
  static over(orm: MikroORM): DatabaseQueryRunner {
    return new DatabaseQueryRunner(orm.em.getConnection().getKnex(), true);
  }

  get statementCount(): number {
    return this.counter?.statements ?? 0;
  }

  /** The same pool, not counted: background writes (the audit log) that are no request's statements. */
  uncounted(): QueryRunner {
    return new DatabaseQueryRunner(this.knex, false);
  }

  /** One connection of the pool for a piece of work (benches use it for session settings), then back to the pool. */
  async withConnection<T>(work: (connection: pg.ClientBase) => Promise<T>): Promise<T> {
    const connection = (await this.knex.client.acquireConnection()) as pg.ClientBase;
    try {
      return await work(connection);
    } finally {
      await this.knex.client.releaseConnection(connection);
    }
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
  poolStatus(): { total: number; idle: number; waiting: number } {
    const pool = (this.knex.client as { pool?: TarnPool }).pool;
    if (!pool) return { total: 0, idle: 0, waiting: 0 };
    const idle = pool.numFree();
    return { total: pool.numUsed() + idle, idle, waiting: pool.numPendingAcquires() };
  }

  async isReady(): Promise<boolean> {
    try {
      await this.withConnection((connection) => connection.query('select 1'));
      return true;
    } catch {
      return false;
    }
  }
}
