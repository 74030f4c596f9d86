import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/infrastructure/free-port';

// A throwaway PostgreSQL 15 cluster from the system binaries, for tests that stop and start the database
// under a running server (fault tests) or build on it (a streaming replica). Not the shared embedded server
// of global-setup.ts: stopping that one would break every other test file.
//
// Each cluster lives in its own temporary folder, listens on 127.0.0.1 on a free port with trust
// authentication, and is stopped (immediate) and deleted by cleanup(), by cleanupAllPgClusters() (afterAll)
// or, failing both, when the test process exits. As root, the binaries run as the `postgres` user (initdb
// refuses root). Missing binaries make createPgCluster throw: the fault tests must fail, not skip.

export const PG_BIN_DIR = process.env.PA_PG_BIN_DIR || '/usr/lib/postgresql/15/bin';

export type StopMode = 'fast' | 'immediate';

export interface PgCluster {
  /** The temporary folder holding the data directory, the socket and the log. */
  readonly baseDir: string;
  readonly dataDir: string;
  readonly port: number;
  /** URL of the maintenance database `postgres` (user postgres, no password). */
  readonly url: string;
  urlFor(database: string): string;
  /** Whether this object started the cluster and has not stopped it since. */
  readonly running: boolean;
  /** Starts the cluster (pg_ctl start -w); resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it: `fast` (clients disconnected, clean shutdown) or `immediate` (no shutdown checkpoint: a crash). */
  stop(mode?: StopMode): Promise<void>;
  /**
   * Freezes the running cluster (SIGSTOP to the postmaster and its children): connections stay open but
   * nothing answers, as with a hung server or a network cut. resume() thaws it (SIGCONT).
   */
  pause(): void;
  resume(): void;
  /** Stops it if running (immediate) and removes the folder. Safe to call twice. */
  cleanup(): Promise<void>;
  /** The server log so far (for failure messages). */
  log(): string;
}

export interface PgClusterOptions {
  /** Extra `postgres -c` settings, e.g. { wal_level: 'replica' }. */
  settings?: Record<string, string>;
  /**
   * Fills the (empty, not yet existing) data directory instead of initdb, e.g. with pg_basebackup for a
   * replica. Runs with the same user the server will run as (see runPgTool).
   */
  initialise?: (dataDir: string) => Promise<void>;
  /** Start at once (default true). */
  start?: boolean;
}

const clusters = new Set<PgCluster>();

/** Full path of a PostgreSQL 15 program; throws a clear error when the binaries are not installed. */
export function pgBinary(name: string): string {
  const binary = path.join(PG_BIN_DIR, name);
  if (!existsSync(binary)) {
    throw new Error(
      `PostgreSQL 15 program ${binary} not found. The fault tests need the system PostgreSQL 15 binaries ` +
        '(apt-get install postgresql-15, or set PA_PG_BIN_DIR to their folder).',
    );
  }
  return binary;
}

interface PostgresUser {
  uid: number;
  gid: number;
}

/** As root: the `postgres` user the binaries run as; otherwise null (they run as the current user). */
function postgresUser(): PostgresUser | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0)
    throw new Error('Running as root, the throwaway PostgreSQL needs a `postgres` user to run as (initdb refuses root).');
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function spawnOptions(): SpawnOptions {
  const user = postgresUser();
  // LC_ALL=C: initdb and the server must not depend on the machine's locales.
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  return user ? { uid: user.uid, gid: user.gid, env, cwd: os.tmpdir() } : { env, cwd: os.tmpdir() };
}

/** Runs a PostgreSQL 15 program (initdb, pg_ctl, pg_basebackup...) as the user the clusters run as. */
export function runPgTool(name: string, args: string[], timeoutMs = 60_000): Promise<{ stdout: string; stderr: string }> {
  const binary = pgBinary(name);
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { ...spawnOptions(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else reject(new Error(`${name} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${stderr}${stdout}`));
    });
  });
}

/** The postmaster's pid from postmaster.pid, or null. */
function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Last resort, synchronous (usable in an exit handler): SIGQUIT (immediate shutdown), then SIGKILL. */
function killSync(dataDir: string): void {
  const pid = postmasterPid(dataDir);
  if (pid === null || !alive(pid)) return;
  const stopped = spawnSync(pgBinary('pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-t', '10'], {
    ...spawnOptions(),
    stdio: 'ignore',
  });
  if (stopped.status !== 0 && alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** The postmaster and its children (backends, checkpointer...). */
function clusterProcesses(dataDir: string): number[] {
  const postmaster = postmasterPid(dataDir);
  if (postmaster === null || !alive(postmaster)) return [];
  const table = spawnSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' }).stdout;
  const children = table
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([, ppid]) => ppid === postmaster)
    .map(([pid]) => pid!);
  return [postmaster, ...children];
}

function signalAll(dataDir: string, signal: 'SIGSTOP' | 'SIGCONT'): void {
  for (const pid of clusterProcesses(dataDir)) {
    try {
      process.kill(pid, signal);
    } catch {
      // exited meanwhile
    }
  }
}

let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const cluster of clusters) {
      signalAll(cluster.dataDir, 'SIGCONT');
      killSync(cluster.dataDir);
      rmSync(cluster.baseDir, { recursive: true, force: true });
    }
  });
}

export async function createPgCluster(options: PgClusterOptions = {}): Promise<PgCluster> {
  pgBinary('postgres');
  pgBinary('pg_ctl');
  installExitHook();
  const user = postgresUser();
  const baseDir = mkdtempSync(path.join(os.tmpdir(), 'pa-pg-'));
  if (user) chownSync(baseDir, user.uid, user.gid);
  chmodSync(baseDir, 0o700);
  const dataDir = path.join(baseDir, 'data');
  const logFile = path.join(baseDir, 'server.log');
  const port = await freePort();
  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let running = false;
  let cleaned = false;

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: baseDir,
    max_connections: '100',
    fsync: 'off',
    ...options.settings,
  };
  const postgresFlags = Object.entries(settings)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');

  const cluster: PgCluster = {
    baseDir,
    dataDir,
    port,
    url: urlFor('postgres'),
    urlFor,
    get running() {
      return running;
    },
    async start() {
      if (cleaned) throw new Error('this PostgreSQL cluster was cleaned up');
      if (running) return;
      await runPgTool('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', postgresFlags]);
      running = true;
    },
    async stop(mode = 'fast') {
      if (!running) return;
      await runPgTool('pg_ctl', ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '60']);
      running = false;
    },
    pause() {
      signalAll(dataDir, 'SIGSTOP');
    },
    resume() {
      signalAll(dataDir, 'SIGCONT');
    },
    async cleanup() {
      if (cleaned) return;
      signalAll(dataDir, 'SIGCONT');
      cleaned = true;
      clusters.delete(cluster);
      try {
        if (postmasterPid(dataDir) !== null) await runPgTool('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w', '-t', '10']);
      } catch {
        // not running, or pg_ctl failed: killSync below decides
      }
      killSync(dataDir);
      running = false;
      rmSync(baseDir, { recursive: true, force: true });
    },
    log() {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
  };
  clusters.add(cluster);

  try {
    if (options.initialise) await options.initialise(dataDir);
    else await runPgTool('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    if (options.start ?? true) await cluster.start();
  } catch (error) {
    const log = cluster.log();
    await cluster.cleanup();
    throw new Error(`${(error as Error).message}${log ? `\nserver log:\n${log}` : ''}`, { cause: error });
  }
  return cluster;
}

/** For afterAll: every cluster this process created and did not clean up is stopped and removed. */
export async function cleanupAllPgClusters(): Promise<void> {
  for (const cluster of [...clusters]) await cluster.cleanup();
}

/** The postgres processes still running on a folder (a test checks cleanup left none). */
export function postgresProcessesIn(baseDir: string): string[] {
  const result = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return result.stdout.split('\n').filter((line) => line.includes('postgres') && line.includes(baseDir));
}
