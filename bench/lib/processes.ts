import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/infrastructure/free-port';

// Child servers and what the kernel says about them: CPU seconds from /proc/<pid>/stat, RSS from
// /proc/<pid>/status. Linux only (the bench machine); CLK_TCK is 100 on every Linux we run on.

const CLOCK_TICKS = 100;

export interface ChildServer {
  name: string;
  pid: number;
  port: number;
  child: ChildProcess;
  /** Output the child wrote (kept for the error message when it dies). */
  output(): string;
  stop(): Promise<void>;
}

export interface ChildServerOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  port: number;
  /** GET path that answers 200 once the server is ready. */
  readyPath: string;
  readyTimeoutMs?: number;
}

export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = once(child, 'exit');
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${options.name} exited before it was ready (${child.exitCode ?? child.signalCode}):\n${output}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${options.port}${options.readyPath}`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} was not ready within ${options.readyTimeoutMs ?? 120_000} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    name: options.name,
    pid: child.pid!,
    port: options.port,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields start after the last ')'.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** User + system CPU seconds of one process (its own threads, not its children). */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (!fields) return Number.NaN;
  // After the name: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17); index = field - 3.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Resident set size in bytes, NaN when the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds of a PostgreSQL server: the postmaster with its reaped children (cutime/cstime hold the
 * CPU of backends that have exited) plus every live child (backends, walwriter, autovacuum...).
 */
export function postgresCpuSeconds(postmasterPid: number): number {
  const own = statFields(postmasterPid);
  if (!own) return Number.NaN;
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === postmasterPid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / CLOCK_TICKS;
}

/** Samples RSS of `pid` every 100 ms until stopped; returns the highest value seen. */
export function sampleRss(pid: number): () => number {
  let peak = rssBytes(pid);
  const timer = setInterval(() => {
    const now = rssBytes(pid);
    if (now > peak) peak = now;
  }, 100);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rssBytes(pid) || 0);
  };
}

export interface PensionAidServerOptions {
  /** The database the server uses (DATABASE_URL). */
  databaseUrl: string;
  /** The bench's token secret (JWT_SECRET). */
  secret: string;
  /** The checkout to run (another commit's extracted tree for a baseline); this one by default. */
  cwd?: string;
  name?: string;
  /** Writes a CPU profile of the server into this folder when it stops. */
  cpuProfileDir?: string | null;
  /** More settings (PA_PROCESSES, say). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The V8 flags production runs with (`npm run start:prod`, the Dockerfile's CMD; test/unit/runtime-flags.test.ts
 * keeps the three the same): a 256 MiB old generation, and 32 MiB semi-spaces, so that the objects of the
 * requests in flight die young instead of being promoted and marked (issue 11: page 1.4x, RSS +30 MB).
 */
export const SERVER_NODE_FLAGS = ['--max-old-space-size=256', '--max-semi-space-size=32'] as const;

const built = new Set<string>();

/** Compiles a server root's TypeScript into its dist/ (once per root and bench run), as the image's build stage does. */
export function buildServer(root: string): void {
  if (built.has(root)) return;
  const tsc = path.resolve(__dirname, '../../node_modules/.bin/tsc');
  const result = spawnSync(tsc, ['-p', 'tsconfig.build.json'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed in ${root}:\n${result.stdout}${result.stderr}`);
  built.add(root);
}

/**
 * pension-aid as production runs it: the compiled build (`node <SERVER_NODE_FLAGS> dist/src/main.js`, built first),
 * in its own child process, production mode, on a free port, without rate limits — one token sends thousands of
 * requests a minute, and the limit would be measured instead of the server.
 */
export async function startPensionAidServer(options: PensionAidServerOptions): Promise<ChildServer> {
  const port = await freePort();
  const root = options.cwd ?? path.resolve(__dirname, '../..');
  buildServer(root);
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  return startChildServer({
    name: options.name ?? 'pension-aid',
    command: process.execPath,
    args: [...profile, ...SERVER_NODE_FLAGS, 'dist/src/main.js'],
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      JWT_SECRET: options.secret,
      LOG_LEVEL: 'warn',
      PA_RATE_LIMIT_AUTHENTICATED: '0',
      PA_RATE_LIMIT_ANONYMOUS: '0',
      ...options.env,
    },
    port,
    readyPath: '/readyz',
  });
}
