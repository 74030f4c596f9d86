import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ensureDatabase } from '../src/infrastructure/database/database';
import { startEmbeddedPostgres } from '../src/infrastructure/database/embedded-postgres';
import { freePort } from '../src/infrastructure/free-port';
import type { Logger } from '../src/infrastructure/logger';
import { migrate, openOrm } from '../src/app/orm';
import { DatabaseQueryRunner } from '../src/infrastructure/database/query-runner';

// What every benchmark needs first: a migrated database, in a throw-away embedded PostgreSQL unless a
// URL is given, and a way to drop it all afterwards.

export interface BenchDatabase {
  url: string;
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
}

export async function openBenchDatabase(options: BenchDatabaseOptions): Promise<BenchDatabase> {
  const { logger } = options;
  let url = options.externalUrl ?? '';
  let stopEmbedded = async (): Promise<void> => undefined;
  if (!url) {
    // A folder of its own: initdb runs as another user and must own it.
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-bench-'));
    const embedded = await startEmbeddedPostgres(dataDir, options.port ?? (await freePort()), logger);
    stopEmbedded = async () => {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
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
  return {
    url,
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
