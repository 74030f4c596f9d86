import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyToken } from '../../src/shared/auth';
import { DEVELOPMENT_JWT_SECRET } from '../../src/config/config';
import { freePort } from '../../src/infrastructure/free-port';

// The product as a new user runs it: `npm start` with no DATABASE_URL, Ctrl-C, start again.

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

async function waitForReady(port: number, child: ChildProcess, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('server did not become ready');
}

function postgresProcessesOn(dataDir: string): string[] {
  const result = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return result.stdout.split('\n').filter((line) => line.includes('postgres') && line.includes(dataDir));
}

async function startAndStop(dataDir: string): Promise<{ readyAfterMs: number; cleanExit: boolean; output: string }> {
  const port = await freePort();
  // `npm start` in its own process group, stopped the way Ctrl-C does: SIGINT to the whole group.
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    env: {
      ...process.env,
      PORT: String(port),
      PA_DATA_DIR: dataDir,
      PA_EMBEDDED_PG_PORT: String(await freePort()),
      DATABASE_URL: '',
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const readyAfterMs = await waitForReady(port, child, 60_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  process.kill(-child.pid!, 'SIGINT');
  const { code, signal } = await exited;
  // 'close' waits for the server's output to end too. npm itself reports the SIGINT it was sent (signal, or 130);
  // the server under it must have finished its own shutdown.
  const cleanExit = (code === 0 || code === 130 || signal === 'SIGINT') && output.includes('"msg":"stopped"');
  return { readyAfterMs, cleanExit, output };
}

describe('npm start on a machine without a database', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-start-'));

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('should start an embedded PostgreSQL, migrate, answer /readyz, and stop cleanly on SIGINT', async () => {
    const first = await startAndStop(dataDir);
    expect(first.readyAfterMs).toBeLessThan(30_000);
    expect(first.output).toContain('migrations applied');
    expect(first.output).toContain('"msg":"stopped"');
    expect(first.cleanExit).toBe(true);
    expect(first.output).toContain('embedded PostgreSQL stopped');
    expect(postgresProcessesOn(dataDir)).toEqual([]);
  });

  it('should reuse the data folder on the second start', async () => {
    const second = await startAndStop(dataDir);
    expect(second.output).toContain('"reused":true');
    expect(second.output).toContain('database schema is up to date');
    expect(second.output).toContain('"msg":"stopped"');
    expect(second.cleanExit).toBe(true);
    expect(postgresProcessesOn(dataDir)).toEqual([]);
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
