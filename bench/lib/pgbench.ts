import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

// The raw SQL limit of a page: its own statements run directly by pgbench (PostgreSQL 15's client on this
// machine, or PGBENCH), with the same concurrency, extended protocol like node-postgres, per-transaction log for p99.

const run = promisify(execFile);

export function pgbenchPath(): string | null {
  const candidates = [process.env.PGBENCH, '/usr/lib/postgresql/15/bin/pgbench', '/usr/bin/pgbench'];
  return candidates.find((candidate): candidate is string => !!candidate && existsSync(candidate)) ?? null;
}

export interface PgbenchResult {
  transactions: number;
  tps: number;
  p99Ms: number;
}

export async function runPgbench(
  binary: string,
  url: string,
  statements: string[],
  clients: number,
  seconds: number,
): Promise<PgbenchResult> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-pgbench-'));
  try {
    const script = path.join(folder, 'page.sql');
    // pgbench reads one statement per line (a backslash-free SQL line ends at its semicolon).
    writeFileSync(script, statements.map((statement) => `${statement.replace(/\s+/g, ' ').trim().replace(/;$/, '')};`).join('\n') + '\n');
    const { stdout } = await run(
      binary,
      [
        '-n',
        '-M',
        'extended',
        '-c',
        String(clients),
        '-j',
        '2',
        '-T',
        String(seconds),
        '-f',
        script,
        '-l',
        `--log-prefix=${path.join(folder, 'tx')}`,
        url,
      ],
      { maxBuffer: 10 * 1024 * 1024 },
    );
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1] ?? Number.NaN);
    const latencies: number[] = [];
    for (const file of readdirSync(folder).filter((name) => name.startsWith('tx'))) {
      for (const line of readFileSync(path.join(folder, file), 'utf8').split('\n')) {
        const fields = line.split(' ');
        if (fields.length > 3) latencies.push(Number(fields[2]) / 1000);
      }
    }
    latencies.sort((left, right) => left - right);
    return { transactions: latencies.length, tps, p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? Number.NaN };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
