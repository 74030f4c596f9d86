import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm run import` against a local HTTP server that fails its first answers the way a restarting server or
// a proxy does: a dropped connection ("fetch failed"), 503 and 429 with Retry-After. The CLI must retry those
// (bounded, honouring Retry-After) for the upload and for the status polls, and never retry another 4xx.

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const JOB_ID = '6f1c2a4e-8a7d-4d63-9a51-0c3e2b7f9d10';
const RESULT = { added: 2, exited: 0, unchanged: 0, dryRun: false, rows: 2, problems: [] };

/** One planned answer: a status (with headers and body), or 'drop' to destroy the socket without answering. */
type Answer = 'drop' | { status: number; headers?: Record<string, string>; body?: unknown };

interface Seen {
  method: string;
  url: string;
  at: number;
}

function job(state: string) {
  const done = state === 'DONE';
  return {
    id: JOB_ID,
    state,
    phase: state,
    rowsRead: done ? 2 : 1,
    bytesRead: done ? 10 : 5,
    bytesTotal: 10,
    problemCount: 0,
    httpStatus: done ? 200 : null,
    result: done ? RESULT : null,
  };
}

describe('npm run import: retries', () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-cli-retries-'));
  const file = path.join(folder, 'roster.csv');
  let server: http.Server;
  let port: number;
  let uploads: Answer[] = [];
  let polls: Answer[] = [];
  let seen: Seen[] = [];

  beforeAll(async () => {
    writeFileSync(file, '身份证号码,姓名\n');
    server = http.createServer((request, response) => {
      seen.push({ method: request.method!, url: request.url!, at: Date.now() });
      const plan = request.method === 'POST' ? uploads : polls;
      // Past the plan: the upload is accepted, the job is done.
      const answer: Answer =
        plan.shift() ??
        (request.method === 'POST' ? { status: 202, body: { id: JOB_ID, state: 'QUEUED' } } : { status: 200, body: job('DONE') });
      if (answer === 'drop') {
        request.socket.destroy();
        return;
      }
      // The body is read before answering, as a real server does.
      request.resume();
      request.on('end', () => {
        response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        response.end(JSON.stringify(answer.body ?? { code: String(answer.status) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(folder, { recursive: true, force: true });
  });

  const runImport = async (...extra: string[]) => {
    const started = Date.now();
    const run = spawn(
      TSX,
      [
        'src/cli/import.ts',
        file,
        ...['--category', 'DIBAO', '--county', '530102', '--as-of', '2024-03-31'],
        ...['--url', `http://127.0.0.1:${port}`, '--token', 'a-token', '--interval', '50', '--retry-delay-ms', '100'],
        ...extra,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    run.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    run.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => run.once('close', resolve));
    return { code, stdout, stderr, elapsedMs: Date.now() - started };
  };

  const reset = (upload: Answer[], poll: Answer[]) => {
    uploads = upload;
    polls = poll;
    seen = [];
  };

  it('should retry a dropped connection, a 503 and a 429 on the upload, waiting as Retry-After says, then follow the job', async () => {
    reset(
      ['drop', { status: 503, headers: { 'retry-after': '1' } }, { status: 429, headers: { 'retry-after': '0' } }],
      [{ status: 200, body: job('RUNNING') }],
    );
    const { code, stdout, stderr } = await runImport();
    expect(code, stderr.replaceAll('sourceMappingURL', 'source-map')).toBe(0);
    expect(JSON.parse(stdout)).toEqual(RESULT);
    const posts = seen.filter((request) => request.method === 'POST');
    expect(posts).toHaveLength(4);
    // Retry-After: 1 after the 503: the third attempt came at least a second after the second.
    expect(posts[2]!.at - posts[1]!.at).toBeGreaterThanOrEqual(950);
    expect(stderr).toMatch(/upload: fetch failed.*; attempt 2 of 6/);
    expect(stderr).toMatch(/upload: 503; attempt 3 of 6 in 1\.0 s/);
    expect(stderr).toMatch(/upload: 429; attempt 4 of 6 in 0\.0 s/);
    expect(stderr).toContain(`job ${JOB_ID}`);
  }, 60_000);

  it('should tolerate transient failures of the status polls', async () => {
    reset([], [{ status: 200, body: job('RUNNING') }, 'drop', { status: 503 }, { status: 429 }, { status: 200, body: job('RUNNING') }]);
    const { code, stdout, stderr } = await runImport();
    expect(code, stderr.replaceAll('sourceMappingURL', 'source-map')).toBe(0);
    expect(JSON.parse(stdout)).toEqual(RESULT);
    expect(seen.filter((request) => request.method === 'GET')).toHaveLength(6);
    expect(stderr).toMatch(new RegExp(`GET /jobs/${JOB_ID}: 503; attempt 3 of 6`));
  }, 60_000);

  it('should not retry a 400, a 401 or a 413: the answer is printed and the exit status is 1', async () => {
    for (const status of [400, 401, 413]) {
      reset([{ status, body: { code: 'BAD_USER_INPUT', status } }], []);
      const { code, stdout } = await runImport();
      expect(code).toBe(1);
      expect(JSON.parse(stdout)).toEqual({ code: 'BAD_USER_INPUT', status });
      expect(seen).toHaveLength(1);
    }
  }, 60_000);

  it('should stop polling at once on a 404 of the job', async () => {
    reset([], [{ status: 404, body: { code: 'NOT_FOUND' } }]);
    const { code, stderr } = await runImport();
    expect(code).toBe(2);
    expect(stderr).toContain(`GET /jobs/${JOB_ID} answered 404`);
    expect(seen.filter((request) => request.method === 'GET')).toHaveLength(1);
  }, 60_000);

  it('should give up after the retries are spent, with exit status 2 for a connection that keeps failing', async () => {
    reset(['drop', 'drop', 'drop'], []);
    const dropped = await runImport('--retries', '2');
    expect(dropped.code).toBe(2);
    expect(dropped.stderr).toMatch(/import failed: gave up after 3 attempts: fetch failed/);
    expect(seen).toHaveLength(3);
    // Backoff 100 ms then 200 ms: bounded and growing, not immediate.
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(90);
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(190);

    reset([{ status: 503 }, { status: 503 }, { status: 503 }], []);
    const unavailable = await runImport('--retries', '2');
    expect(unavailable.code).toBe(1);
    expect(JSON.parse(unavailable.stdout)).toEqual({ code: '503' });
    expect(seen).toHaveLength(3);
  }, 60_000);
});
