import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { expect } from 'vitest';
import { signToken } from '../../src/shared/auth';
import { openOrm } from '../../src/app/orm';
import { DatabaseQueryRunner } from '../../src/infrastructure/database/query-runner';
import { sql } from '../../src/shared/sql';
import { insertPerson } from '../factories/person.factory';

// The server as a separate process, started the way a user or a process manager starts it, and stopped
// with a signal sent to that one process (never to its children).

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends `signal` to the started process alone; resolves once it and its output have ended. */
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
}

export async function startServerProcess(
  command: string,
  args: string[],
  options: { cwd: string; port: number; env: Record<string, string> },
): Promise<ServerProcess & { readyAfterMs: number }> {
  // Its own process group: afterwards the group tells whether anything it started is still running.
  const child = spawn(command, args, {
    cwd: options.cwd,
    detached: true,
    env: { ...process.env, ...options.env, PORT: String(options.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  let readyAfterMs: number;
  try {
    readyAfterMs = await waitForReady(options.port, child, 90_000);
  } catch (error) {
    killGroup(child);
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return {
    child,
    port: options.port,
    readyAfterMs,
    output: () => output,
    async stop(signal) {
      const sentAt = Date.now();
      child.kill(signal);
      const timeout = setTimeout(() => killGroup(child), 30_000);
      const result = await closed;
      clearTimeout(timeout);
      return { ...result, afterMs: Date.now() - sentAt };
    },
  };
}

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

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

function runningInGroup(child: ChildProcess): string[] {
  const result = spawnSync('ps', ['-eo', 'pgid=,pid=,stat=,args='], { encoding: 'utf8' });
  return result.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pgid, , stat]) => pgid === String(child.pid) && !stat!.startsWith('Z'))
    .map((words) => words.join(' '));
}

/**
 * Processes still running in the started process's group (its node, a shell, PostgreSQL...), after giving
 * helpers that end on their own when the server is gone (tsx's esbuild) up to 3 s. An exited process not yet
 * reaped (a zombie) is not running and does not count.
 */
export async function processesInGroup(child: ChildProcess): Promise<string[]> {
  const deadline = Date.now() + 3000;
  let running = runningInGroup(child);
  while (running.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    running = runningInGroup(child);
  }
  return running;
}

export function postgresProcessesOn(dataDir: string): string[] {
  const result = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return result.stdout.split('\n').filter((line) => line.includes('postgres') && line.includes(dataDir));
}

/**
 * Puts a person in the server's database and reads it over GraphQL as `subject`: the server buffers a READ
 * audit event for it, which only a complete shutdown (or the next timed flush) writes.
 */
export async function readAPerson(server: ServerProcess, databaseUrl: string, jwtSecret: string, subject: string): Promise<void> {
  const person = await withDatabase(databaseUrl, (db) =>
    insertPerson(db, { name: '关机测试', entries: [{ category: 'DIBAO', county: '530102' }] }),
  );
  const response = await fetch(`http://127.0.0.1:${server.port}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${signToken({ subject, department: 'HRSS', county: null }, jwtSecret)}`,
    },
    body: JSON.stringify({ query: 'query ShutdownRead { persons { edges { node { idNumber } } } }' }),
  });
  const body = (await response.json()) as { data?: { persons: { edges: Array<{ node: { idNumber: string } }> } } };
  expect(body.data?.persons.edges.map((edge) => edge.node.idNumber)).toContain(person.idNumber);
}

export async function auditedReadsBy(databaseUrl: string, subject: string): Promise<number> {
  return withDatabase(databaseUrl, async (db) => {
    const row = await db.one<{ count: number }>(
      sql`select count(*)::int as count from audit_event where subject = ${subject} and action = 'READ'`,
    );
    return row!.count;
  });
}

/** One connection to the server's database for the duration of `work`. */
async function withDatabase<T>(databaseUrl: string, work: (db: DatabaseQueryRunner) => Promise<T>): Promise<T> {
  const orm = await openOrm(databaseUrl, undefined, 1);
  try {
    return await work(DatabaseQueryRunner.over(orm));
  } finally {
    await orm.close(true);
  }
}
