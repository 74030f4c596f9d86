import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ensureDatabase } from '../src/infrastructure/database/database';
import { startEmbeddedPostgres } from '../src/infrastructure/database/embedded-postgres';
import { freePort } from '../src/infrastructure/free-port';
import type { Logger } from '../src/infrastructure/logger';
import { migrate, openOrm } from '../src/app/orm';
import { DatabaseQueryRunner } from '../src/infrastructure/database/query-runner';
import { sql, type QueryRunner } from '../src/shared/sql';
import pg from 'pg';

// What every benchmark needs first: a migrated database, in a throw-away embedded PostgreSQL unless a
// URL is given, and a way to drop it all afterwards.

export interface BenchDatabase {
  url: string;
  /** Admin URL of the embedded server (null with an external URL). */
  adminUrl: string | null;
  orm: MikroORM;
  db: DatabaseQueryRunner;
  /** Closes the pools, stops the embedded server and removes its folder. */
  close(): Promise<void>;
}

export interface BenchDatabaseOptions {
  logger: Logger;
  /** Use this PostgreSQL instead of starting one (nothing is removed then). */
  externalUrl?: string;
  /** Port of the embedded server; a free one when not given. */
  port?: number;
  poolMax?: number;
  /**
   * Load pg_stat_statements (embedded server: shared_preload_libraries and one restart) so that a bench
   * can count the statements a request sends. With an external URL it is used when already loaded.
   */
  statStatements?: boolean;
}

export async function openBenchDatabase(options: BenchDatabaseOptions): Promise<BenchDatabase> {
  const { logger } = options;
  let url = options.externalUrl ?? '';
  let adminUrl: string | null = null;
  let stopEmbedded = async (): Promise<void> => undefined;
  if (!url) {
    // A folder of its own: initdb runs as another user and must own it.
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-bench-'));
    const port = options.port ?? (await freePort());
    let embedded = await startEmbeddedPostgres(dataDir, port, logger);
    stopEmbedded = async () => {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
    if (options.statStatements) {
      const admin = new pg.Client({ connectionString: embedded.adminUrl });
      await admin.connect();
      await admin.query(`alter system set shared_preload_libraries = 'pg_stat_statements'`);
      await admin.end();
      await embedded.stop();
      embedded = await startEmbeddedPostgres(dataDir, port, logger);
    }
    adminUrl = embedded.adminUrl;
    try {
      await ensureDatabase(embedded.adminUrl, 'pension_aid_bench');
    } catch (error) {
      await stopEmbedded();
      throw error;
    }
    url = embedded.urlFor('pension_aid_bench');
  }
  // One pool, as in the server: MikroORM's, which the query runner borrows from.
  const orm = await openOrm(url, logger, options.poolMax ?? 8);
  await migrate(orm);
  const db = DatabaseQueryRunner.over(orm);
  if (options.statStatements) {
    await db.execute(sql`create extension if not exists pg_stat_statements`).catch(() => undefined);
  }
  return {
    url,
    adminUrl,
    orm,
    db,
    async close() {
      await orm.close(true);
      await stopEmbedded();
    },
  };
}

/** Median wall time of `runs` calls, after one warm-up call (plans cached, pages in memory). */
export async function medianMs(runs: number, work: () => Promise<unknown>): Promise<number> {
  await work();
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return samples.sort((left, right) => left - right)[Math.floor(samples.length / 2)]!;
}

/** The postmaster's pid when PostgreSQL runs on this machine (a backend's parent), else null. */
export async function postmasterPid(db: QueryRunner): Promise<number | null> {
  const row = await db.one<{ pid: number }>(sql`select pg_backend_pid() as pid`);
  try {
    const stat = readFileSync(`/proc/${row!.pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** True when pg_stat_statements is loaded and readable in this database. */
export async function hasStatStatements(db: QueryRunner): Promise<boolean> {
  try {
    await db.rows(sql`select 1 from pg_stat_statements limit 1`);
    return true;
  } catch {
    return false;
  }
}
