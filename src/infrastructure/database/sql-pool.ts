import pg from 'pg';
import type { SqlFragment } from '../../shared/sql';

// node-postgres pool for what MikroORM is not for: totals computed inside PostgreSQL and bulk writes.
// DATE stays a "YYYY-MM-DD" string (no time-zone shifts); NUMERIC stays a string (exact money).

const DATE_OID = 1082;

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === DATE_OID ? (value: string) => value : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export type Queryable = Pick<pg.PoolClient, 'query'>;

export class SqlPool {
  readonly pool: pg.Pool;
  /** Statements sent through rows()/one(); tests use it to prove there is no N+1. */
  statementCount = 0;

  constructor(url: string, max = 10, onIdleError: (error: Error) => void = () => undefined) {
    this.pool = new pg.Pool({ connectionString: url, max, types });
    // An idle connection that the server closes (restart, Ctrl-C reaching the embedded PostgreSQL) emits
    // 'error' on the pool; unhandled, that would crash the process. The pool replaces the connection.
    this.pool.on('error', onIdleError);
  }

  async rows<T>(query: SqlFragment, on: Queryable = this.pool): Promise<T[]> {
    const { text, values } = query.toQuery();
    this.statementCount++;
    const result = await on.query(text, values);
    return result.rows as T[];
  }

  async one<T>(query: SqlFragment, on: Queryable = this.pool): Promise<T | undefined> {
    return (await this.rows<T>(query, on))[0];
  }

  /** Runs `work` in one transaction; rolls back on any error. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async isReady(): Promise<boolean> {
    try {
      await this.pool.query('select 1');
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
