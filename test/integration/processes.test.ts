import { spawnSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config/config';
import { freePort } from '../../src/infrastructure/free-port';
import { EMBEDDED_DATABASE_NAME } from '../../src/infrastructure/database/database';
import { signToken } from '../../src/shared/auth';
import { openOrm } from '../../src/app/orm';
import { DatabaseQueryRunner } from '../../src/infrastructure/database/query-runner';
import { createLogger } from '../../src/infrastructure/logger';
import { runningEmbeddedPostgres, startEmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres';
import { insertPerson } from '../factories/person.factory';
import { auditedReadsBy, killLeftoverServers, postgresProcessesOn, processesInGroup, startServerProcess } from '../support/server-process';

// PA_PROCESSES=2: one cluster primary (embedded PostgreSQL, migrations) and two server workers on one port.
// Reads on fresh connections are dealt round-robin to the workers, each buffering its audit events; a
// worker that dies is replaced while the other serves; SIGTERM to the primary drains every worker (each
// writes its own buffer) before the database stops.

const ROOT = path.resolve(__dirname, '../..');

/** Node workers of the primary (their command line is the primary's: node --import tsx src/main.ts). */
function workersOf(primaryPid: number): number[] {
  const result = spawnSync('ps', ['-o', 'pid=,stat=,args=', '--ppid', String(primaryPid)], { encoding: 'utf8' });
  return result.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, stat, ...args]) => stat !== undefined && !stat.startsWith('Z') && args.join(' ').includes('src/main.ts'))
    .map(([pid]) => Number(pid));
}

/** A persons query on a connection of its own (no keep-alive), so the cluster may hand it to either worker. */
function readPersons(port: number, subject: string): Promise<number> {
  const token = signToken({ subject, department: 'HRSS', county: null }, DEVELOPMENT_JWT_SECRET);
  const body = JSON.stringify({ query: 'query ClusterRead { persons { edges { node { idNumber } } } }' });
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.setTimeout(20_000, () => request.destroy(new Error('no answer within 20 s')));
    request.on('error', reject);
    request.end(body);
  });
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('PA_PROCESSES=2 (node:cluster)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-cluster-'));

  afterAll(() => {
    killLeftoverServers();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should serve from two workers, replace one that dies, and stop them all, audit written, on SIGTERM', async () => {
    const server = await startServerProcess('node', ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      port: await freePort(),
      env: {
        PA_PROCESSES: '2',
        PA_DATA_DIR: dataDir,
        PA_EMBEDDED_PG_PORT: String(await freePort()),
        DATABASE_URL: '',
        JWT_SECRET: '',
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
      },
    });
    const primaryPid = server.child.pid!;
    await until('two listening workers', () => server.output().includes('with 2 server processes'));
    expect(server.output().match(/migrations applied/g)?.length, server.output()).toBe(1);
    const workers = workersOf(primaryPid);
    expect(workers).toHaveLength(2);

    // One worker killed: the other keeps serving, and the primary starts a replacement.
    process.kill(workers[0]!, 'SIGKILL');
    // (A connection dealt to the dead worker before the primary saw it die would be lost, as behind any proxy.)
    await until('the primary to see the worker die', () => server.output().includes('server worker exited; starting another'));
    for (let i = 0; i < 4; i++) expect(await readPersons(server.port, 'cluster-warmup')).toBe(200);
    await until('a replacement worker', () => {
      const now = workersOf(primaryPid);
      return now.length === 2 && !now.includes(workers[0]!);
    });

    // Reads spread over both workers' audit buffers; shutdown must write both.
    await until('the replacement to serve', async () => (await fetch(`http://127.0.0.1:${server.port}/readyz`)).ok);
    // A person to read: READ events list the persons a request returned.
    const running = runningEmbeddedPostgres(dataDir, 0)!;
    const orm = await openOrm(running.urlFor(EMBEDDED_DATABASE_NAME), undefined, 1);
    await insertPerson(DatabaseQueryRunner.over(orm), { entries: [{ category: 'DIBAO', county: '530102' }] });
    await orm.close(true);
    const subject = `cluster-${Date.now()}`;
    for (let i = 0; i < 6; i++) expect(await readPersons(server.port, subject)).toBe(200);
    const stopped = await server.stop('SIGTERM');
    expect(stopped, server.output()).toMatchObject({ code: 0, signal: null });
    expect(server.output()).toContain('embedded PostgreSQL stopped');
    expect(await processesInGroup(server.child)).toEqual([]);
    expect(postgresProcessesOn(dataDir)).toEqual([]);

    expect(runningEmbeddedPostgres(dataDir, 0)).toBeNull();
    const database = await startEmbeddedPostgres(dataDir, await freePort(), createLogger('silent'));
    try {
      expect(await auditedReadsBy(database.urlFor(EMBEDDED_DATABASE_NAME), subject)).toBe(6);
    } finally {
      await database.stop();
    }
  }, 180_000);

  it('should fail the start, exit 1 and stop its database, not replace workers in a loop, when workers cannot start', async () => {
    // Workers cannot listen: something else holds the port.
    const port = await freePort();
    const squatter = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(port, '0.0.0.0', resolve));
    const failedDir = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-cluster-fail-'));
    try {
      const start = startServerProcess('node', ['--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        port,
        env: {
          PA_PROCESSES: '2',
          PA_DATA_DIR: failedDir,
          PA_EMBEDDED_PG_PORT: String(await freePort()),
          DATABASE_URL: '',
          JWT_SECRET: '',
          NODE_ENV: 'development',
          LOG_LEVEL: 'info',
        },
      });
      const failure = await start.then(
        () => null,
        (error: unknown) => (error as Error).message,
      );
      expect(failure).not.toBeNull();
      expect(failure).toContain('server exited with 1');
      expect(failure).toContain('pension-aid failed to start: worker');
      expect(failure).not.toContain('starting another');
      // The exit code is read as soon as the process ends; its database was stopped before that.
      expect(failure).toContain('embedded PostgreSQL stopped');
      expect(postgresProcessesOn(failedDir)).toEqual([]);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
      rmSync(failedDir, { recursive: true, force: true });
    }
  }, 120_000);
});
