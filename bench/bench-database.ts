import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ensureDatabase } from '../src/app/database';
import { startEmbeddedPostgres } from '../src/app/embedded-postgres';
import { freePort } from '../src/app/free-port';
import type { Logger } from '../src/app/logger';
import { migrate, openOrm } from '../src/app/orm';
import { SqlPool } from '../src/app/sql-pool';
import { sql } from '../src/shared/sql';

// What every benchmark needs first: a migrated database, in a throw-away embedded PostgreSQL unless a
// URL is given, and a way to drop it all afterwards.

export interface BenchDatabase {
  url: string;
  /** Admin URL of the embedded server (null with an external URL). */
  adminUrl: string | null;
  orm: MikroORM;
  db: SqlPool;
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
      const admin = new SqlPool(embedded.adminUrl, 1);
      await admin.pool.query(`alter system set shared_preload_libraries = 'pg_stat_statements'`);
      await admin.close();
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
  const orm = await openOrm(url, logger, 4);
  await migrate(orm);
  const db = new SqlPool(url, options.poolMax ?? 8);
  if (options.statStatements) {
    await db.pool.query('create extension if not exists pg_stat_statements').catch(() => undefined);
  }
  return {
    url,
    adminUrl,
    orm,
    db,
    async close() {
      await db.close();
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
export async function postmasterPid(db: SqlPool): Promise<number | null> {
  const row = await db.one<{ pid: number }>(sql`select pg_backend_pid() as pid`);
  try {
    const stat = readFileSync(`/proc/${row!.pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** True when pg_stat_statements is loaded and readable in this database. */
export async function hasStatStatements(db: SqlPool): Promise<boolean> {
  try {
    await db.rows(sql`select 1 from pg_stat_statements limit 1`);
    return true;
  } catch {
    return false;
  }
}
