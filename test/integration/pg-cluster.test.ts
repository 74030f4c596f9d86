import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { Client } from 'pg';
import { cleanupAllPgClusters, createPgCluster, postgresProcessesIn } from '../support/pg-cluster';

// The throwaway PostgreSQL 15 cluster the fault tests stop and start: it starts, survives fast and
// immediate stops with its data, and cleanup leaves neither a process nor a folder.

afterAll(cleanupAllPgClusters);

async function query(url: string, text: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('throwaway PostgreSQL cluster', () => {
  it('starts, stops fast and immediate keeping its data, and cleans up completely', async () => {
    const cluster = await createPgCluster();
    expect(cluster.running).toBe(true);
    expect(await query(cluster.url, 'show server_version_num')).toEqual([{ server_version_num: expect.stringMatching(/^15/) }]);
    await query(cluster.url, 'create table kept (n int); insert into kept values (1)');

    await cluster.stop('fast');
    expect(cluster.running).toBe(false);
    await expect(query(cluster.url, 'select 1')).rejects.toThrow(/ECONNREFUSED/);
    await cluster.start();
    await query(cluster.url, 'insert into kept values (2)');

    await cluster.stop('immediate');
    await cluster.start();
    expect(await query(cluster.url, 'select n from kept order by n')).toEqual([{ n: 1 }, { n: 2 }]);

    expect(postgresProcessesIn(cluster.baseDir).length).toBeGreaterThan(0);
    await cluster.cleanup();
    expect(postgresProcessesIn(cluster.baseDir)).toEqual([]);
    expect(existsSync(cluster.baseDir)).toBe(false);
  });
});
