import 'reflect-metadata';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { fork } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { openBenchDatabase } from './bench-database';
import { createLogger } from '../src/infrastructure/logger';
import { createServer } from '../src/app/server';
import { DEFAULT_PRECEDENCE } from '../src/modules/eligibility/domain/precedence';
import { signToken } from '../src/shared/auth';
import { checkCharacter } from '../src/shared/id-number';
import { freePort } from '../src/infrastructure/free-port';

// Memory and time of a large roster import, end to end: generates an N-row CSV (default 1,000,000),
// starts an embedded PostgreSQL in a temporary folder, serves the app, uploads the file over HTTP
// as multipart/form-data to POST /rosters/import (twice: the second time it is the same file), and prints
// the server process's peak RSS and the times. The server runs in a child process, so the numbers are
// the server's alone; PostgreSQL runs in its own processes, not counted.
//   npx tsx bench/import-memory.ts [rows]

const ROWS = Number(process.argv.find((argument) => /^\d+$/.test(argument)) ?? 1_000_000);
const SECRET = 'pension-aid-bench-secret-0123456789';

/** The index-th distinct valid ID number: 1,000 sequence numbers for each birth day from 1960 on. */
function idNumber(index: number): string {
  const day = new Date(Date.UTC(1960, 0, 1) + Math.floor(index / 1000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const first17 = `530102${day}${String(index % 1000).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

async function writeCsv(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('身份证号,姓名,残疾等级,认定日期\r\n');
  for (let index = 0; index < rows; index++) {
    const line = `${idNumber(index)},测试${index},${index % 10 === 0 ? 3 : ''},2024-01-${String((index % 28) + 1).padStart(2, '0')}\r\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function upload(port: number, file: string, token: string): Promise<{ status: number; body: string }> {
  const boundary = `----pension-aid-bench-${Date.now()}`;
  const fields = { category: 'DIBAO', county: '530102', asOf: '2024-03-31' };
  const head =
    Object.entries(fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('') + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="roster.csv"\r\nContent-Type: text/csv\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const length = Buffer.byteLength(head) + statSync(file).size + Buffer.byteLength(tail);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/rosters/import',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': length,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    request.on('error', reject);
    request.write(head);
    const stream = createReadStream(file);
    stream.on('error', reject);
    stream.on('end', () => request.end(tail));
    stream.pipe(request, { end: false });
  });
}

interface ServerReady {
  port: number;
}

/** Child process: embedded PostgreSQL and the app, nothing else, so that its RSS is the server's alone. */
async function serve(): Promise<void> {
  const logger = createLogger('warn');
  const { db, close } = await openBenchDatabase({ logger, poolMax: 5 });
  const server = await createServer({
    services: { db, settings: { precedence: DEFAULT_PRECEDENCE }, logger },
    jwtSecret: SECRET,
    production: true,
    importLimits: { maxBytes: 2 * 1024 ** 3, maxRows: 5_000_000 },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.httpServer.listen(port, '127.0.0.1', resolve));
  process.send!({ port } satisfies ServerReady);
  process.once('message', () => {
    void (async () => {
      await server.stop();
      await close();
      process.exit(0);
    })();
  });
}

function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kilobytes('VmRSS'), peak: kilobytes('VmHWM') };
}

const mebibytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-bench-'));
  const csv = path.join(folder, 'roster.csv');
  let started = Date.now();
  await writeCsv(csv, ROWS);
  console.log(`generated ${ROWS} rows, ${(statSync(csv).size / 1e6).toFixed(1)} MB, in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // The server runs in a child process (same Node flags): the upload client's buffers are not counted.
  const child = fork(__filename, ['--serve'], { execArgv: process.execArgv, stdio: 'inherit' });
  const [ready] = (await once(child, 'message')) as [ServerReady];
  const before = memoryOf(child.pid!);
  let sampledPeak = before.rss;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, memoryOf(child.pid!).rss);
  }, 50);
  try {
    const token = signToken({ subject: 'bench', department: 'CIVIL_AFFAIRS', county: null }, SECRET);
    for (const attempt of ['first import', 'same file again']) {
      started = Date.now();
      const answer = await upload(ready.port, csv, token);
      const seconds = (Date.now() - started) / 1000;
      const parsed = JSON.parse(answer.body) as Record<string, unknown>;
      console.log(
        `${attempt}: HTTP ${answer.status} in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds)} rows/s):`,
        JSON.stringify({
          added: parsed.added,
          exited: parsed.exited,
          unchanged: parsed.unchanged,
          alreadyApplied: parsed.alreadyApplied,
          problems: (parsed.problems as unknown[] | undefined)?.length,
          code: parsed.code,
        }),
      );
    }
  } finally {
    clearInterval(sampler);
    const after = memoryOf(child.pid!);
    console.log(
      `server process RSS: ${mebibytes(before.rss)} before the imports, peak ${mebibytes(Math.max(sampledPeak, after.peak))} (kernel VmHWM ${mebibytes(after.peak)}, sampled ${mebibytes(sampledPeak)})`,
    );
    child.send('stop');
    await once(child, 'exit');
    rmSync(folder, { recursive: true, force: true });
  }
}

(process.argv.includes('--serve') ? serve() : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
