import { Client } from 'pg';
import { createPgCluster, runPgTool, type PgCluster } from './pg-cluster';

// A real streaming replica for tests: a throwaway PostgreSQL 15 primary (pg-cluster.ts) and a second
// throwaway cluster filled by `pg_basebackup -R` from it and started as a hot standby. initdb's pg_hba.conf
// trusts replication connections from 127.0.0.1, and PostgreSQL 15 defaults to wal_level=replica.

export interface StreamingReplica {
  primary: PgCluster;
  standby: PgCluster;
  /** Resolves once the standby has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** pg_wal_replay_pause(): the standby keeps receiving WAL but applies none of it until resume(). */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Runs one statement on a database of the primary or the standby, on a connection of its own. */
  query<T>(on: 'primary' | 'standby', database: string, text: string, values?: unknown[]): Promise<T[]>;
  cleanup(): Promise<void>;
}

async function query<T>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url, application_name: 'pa-test-replica-probe' });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A primary and its standby, both running. `prepare` runs on the primary before the base backup (e.g.
 * create the application's database); anything written later reaches the standby by streaming.
 */
export async function createStreamingReplica(prepare?: (primary: PgCluster) => Promise<void>): Promise<StreamingReplica> {
  const primary = await createPgCluster({ settings: { wal_level: 'replica', max_wal_senders: '5' } });
  let standby: PgCluster | null = null;
  try {
    if (prepare) await prepare(primary);
    standby = await createPgCluster({
      settings: { hot_standby: 'on' },
      // -R: standby.signal and primary_conninfo; -X stream: the WAL written during the copy comes along.
      initialise: async (dataDir) => {
        await runPgTool('pg_basebackup', ['-d', primary.url, '-D', dataDir, '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync']);
      },
    });
    const recovering = await query<{ recovering: boolean }>(standby.url, 'select pg_is_in_recovery() as recovering');
    if (!recovering[0]!.recovering) throw new Error('the base backup started as a primary, not as a standby');
  } catch (error) {
    await standby?.cleanup();
    await primary.cleanup();
    throw error;
  }
  const replica = standby;
  const urlOf = (on: 'primary' | 'standby', database: string) => (on === 'primary' ? primary : replica).urlFor(database);
  return {
    primary,
    standby: replica,
    async caughtUp(timeoutMs = 30_000) {
      const [{ lsn }] = (await query<{ lsn: string }>(primary.url, 'select pg_current_wal_lsn()::text as lsn')) as [{ lsn: string }];
      await until(
        `the standby to replay up to ${lsn}`,
        async () => {
          const rows = await query<{ done: boolean }>(replica.url, 'select pg_last_wal_replay_lsn() >= $1::pg_lsn as done', [lsn]);
          return rows[0]!.done === true;
        },
        timeoutMs,
      );
    },
    async pause() {
      await query(replica.url, 'select pg_wal_replay_pause()');
      await until(
        'the standby to pause replay',
        async () => (await query<{ state: string }>(replica.url, 'select pg_get_wal_replay_pause_state() as state'))[0]!.state === 'paused',
        10_000,
      );
    },
    async resume() {
      await query(replica.url, 'select pg_wal_replay_resume()');
    },
    query: (on, database, text, values) => query(urlOf(on, database), text, values),
    async cleanup() {
      await replica.cleanup();
      await primary.cleanup();
    },
  };
}
