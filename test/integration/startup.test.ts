import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyToken } from '../../src/shared/auth';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config/config';
import { freePort } from '../../src/infrastructure/free-port';
import { EMBEDDED_DATABASE_NAME } from '../../src/infrastructure/database/database';
import { runningEmbeddedPostgres, startEmbeddedPostgres } from '../../src/infrastructure/database/embedded-postgres';
import { createLogger } from '../../src/infrastructure/logger';
import {
  auditedReadsBy,
  postgresProcessesOn,
  processesInGroup,
  readAPerson,
  startServerProcess,
  type ServerProcess,
} from '../support/server-process';

// The product as a new user runs it (`npm start` with no DATABASE_URL), and as production runs it (compiled,
// plain node); each stopped with a signal to the process that was started, as a process manager does.

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

async function startEmbedded(command: string, args: string[], dataDir: string): Promise<ServerProcess & { readyAfterMs: number }> {
  const pgPort = await freePort();
  return startServerProcess(command, args, {
    cwd: ROOT,
    port: await freePort(),
    env: {
      PA_DATA_DIR: dataDir,
      PA_EMBEDDED_PG_PORT: String(pgPort),
      DATABASE_URL: '',
      JWT_SECRET: '',
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
    },
  });
}

function embeddedDatabaseUrl(dataDir: string): string {
  const running = runningEmbeddedPostgres(dataDir, 0);
  if (!running) throw new Error(`no embedded PostgreSQL runs on ${dataDir}`);
  return running.urlFor(EMBEDDED_DATABASE_NAME);
}

/** After the server stopped its PostgreSQL: start that data folder again and count what was written. */
async function auditedReadsInDataFolder(dataDir: string, subject: string): Promise<number> {
  const server = await startEmbeddedPostgres(dataDir, await freePort(), createLogger('silent'));
  try {
    return await auditedReadsBy(server.urlFor(EMBEDDED_DATABASE_NAME), subject);
  } finally {
    await server.stop();
  }
}

/** Reads a person, stops the server with `signal` sent to the started process alone, and checks the whole way down. */
async function readThenStop(server: ServerProcess, dataDir: string, signal: NodeJS.Signals): Promise<{ afterMs: number }> {
  const subject = `shutdown-${signal}-${Date.now()}`;
  await readAPerson(server, embeddedDatabaseUrl(dataDir), DEVELOPMENT_JWT_SECRET, subject);
  const stopped = await server.stop(signal);
  expect(stopped, server.output()).toMatchObject({ code: 0, signal: null });
  // Well inside the server's own 15 s limit, after which it would give up and exit 1.
  expect(stopped.afterMs).toBeLessThan(10_000);
  expect(server.output()).toContain('"msg":"stopped"');
  expect(server.output()).toContain('embedded PostgreSQL stopped');
  expect(await processesInGroup(server.child)).toEqual([]);
  expect(postgresProcessesOn(dataDir)).toEqual([]);
  // The READ event waited in the in-process buffer; shutdown wrote it before the pool closed.
  expect(await auditedReadsInDataFolder(dataDir, subject)).toBe(1);
  return stopped;
}

describe('npm start on a machine without a database', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-start-'));

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should start an embedded PostgreSQL, migrate, answer /readyz, and stop cleanly when the npm process gets SIGTERM', async () => {
    const server = await startEmbedded('npm', ['start'], dataDir);
    expect(server.readyAfterMs).toBeLessThan(30_000);
    expect(server.output()).toContain('migrations applied');
    await readThenStop(server, dataDir, 'SIGTERM');
  });

  it('should reuse the data folder on the second start and stop cleanly on Ctrl-C (SIGINT to the whole group)', async () => {
    const server = await startEmbedded('npm', ['start'], dataDir);
    expect(server.output()).toContain('"reused":true');
    expect(server.output()).toContain('database schema is up to date');
    const exited = new Promise<number | null>((resolve) => server.child.once('close', (code) => resolve(code)));
    process.kill(-server.child.pid!, 'SIGINT');
    expect(await exited, server.output()).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
    expect(await processesInGroup(server.child)).toEqual([]);
    expect(postgresProcessesOn(dataDir)).toEqual([]);
  });
});

describe('the compiled server (npm run build, then plain node)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-compiled-'));

  beforeAll(() => {
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    expect(build.status, build.stdout + build.stderr).toBe(0);
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should run without a TypeScript loader and stop cleanly when node gets SIGTERM', async () => {
    const server = await startEmbedded('node', ['--max-old-space-size=256', 'dist/src/main.js'], dataDir);
    expect(server.output()).toContain('migrations applied');
    await readThenStop(server, dataDir, 'SIGTERM');
  });

  it('should stop cleanly when the npm run start:prod process gets SIGINT', async () => {
    const server = await startEmbedded('npm', ['run', 'start:prod'], dataDir);
    expect(server.output()).toContain('"reused":true');
    await readThenStop(server, dataDir, 'SIGINT');
  });
});

describe('npm run token', () => {
  it('should print only a token that verifies with the development secret', () => {
    const result = spawnSync(TSX, ['src/cli/token.ts', '--department', 'CIVIL_AFFAIRS', '--county', '530102', '--sub', 'alice'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, JWT_SECRET: '', NODE_ENV: 'development' },
    });
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(verifyToken(lines[0]!, DEVELOPMENT_JWT_SECRET)).toEqual({ subject: 'alice', department: 'CIVIL_AFFAIRS', county: '530102' });
  });

  it('should refuse an unknown department with a message and exit code 2', () => {
    const result = spawnSync(TSX, ['src/cli/token.ts', '--department', 'POLICE'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/--department must be one of/);
  });
});
