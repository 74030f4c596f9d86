import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';

// No Docker engine runs here, so the image's steps are replayed on the host: each stage gets a folder that
// stands for its file system, COPY copies only what the Dockerfile names (minus .dockerignore), RUN runs
// in the stage's WORKDIR with the stage's ENV. Not reproduced: the base image (the host's node runs), USER.
// An instruction it does not know fails the replay, so the test cannot drift from the Dockerfile silently.

export interface Stage {
  name: string;
  /** Folder standing for the stage's `/`. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  cmd: string[] | null;
  healthcheck: string | null;
}

interface Instruction {
  keyword: string;
  argument: string;
}

function instructions(dockerfile: string): Instruction[] {
  const joined = dockerfile.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const keyword = line.split(/\s+/)[0]!;
      return { keyword: keyword.toUpperCase(), argument: line.slice(keyword.length).trim() };
    });
}

/** The .dockerignore patterns this replay supports: plain paths from the context's root. */
function ignoredPaths(context: string): string[] {
  const file = path.join(context, '.dockerignore');
  if (!existsSync(file)) return [];
  const patterns = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  for (const pattern of patterns) {
    if (/[*?[\]!]/.test(pattern)) throw new Error(`.dockerignore pattern "${pattern}": the replay supports plain paths only`);
  }
  return patterns.map((pattern) => pattern.replace(/^\/+|\/+$/g, ''));
}

/** Environment of a RUN or of the started CMD: the stage's ENV over a bare one (not vitest's NODE_ENV). */
export function stageEnvironment(stage: Stage, extra: Record<string, string> = {}): Record<string, string> {
  const bare: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };
  return { ...bare, ...stage.env, ...extra };
}

export function inStage(stage: Stage, containerPath: string): string {
  const absolute = path.posix.resolve(stage.workdir, containerPath);
  return path.join(stage.root, absolute);
}

export interface ReplayOptions {
  /** Added to every RUN (e.g. npm's prefer-offline: the npm cache stands for Docker's build cache). */
  runEnvironment?: Record<string, string>;
  /**
   * Docker's layer cache: a full `npm ci` (no --omit) over the context's own package-lock.json gives the
   * context's node_modules, so that folder is linked instead of installed again. Installs with --omit run.
   */
  reuseFullInstall?: boolean;
}

function isFullInstallOfContextLock(command: string, stageFolder: string, context: string): boolean {
  if (!/^npm ci( --no-audit| --no-fund)*$/.test(command.trim())) return false;
  const lock = path.join(stageFolder, 'package-lock.json');
  const installed = path.join(context, 'node_modules/.package-lock.json');
  return (
    existsSync(lock) &&
    existsSync(installed) &&
    readFileSync(lock, 'utf8') === readFileSync(path.join(context, 'package-lock.json'), 'utf8')
  );
}

/** Replays `dockerfile` (from `context`) into folders under `workRoot`; returns the stages in order. */
export function replayDockerfile(context: string, workRoot: string, options: ReplayOptions = {}): Stage[] {
  const ignored = ignoredPaths(context);
  const stages: Stage[] = [];
  let stage: Stage | null = null;
  const current = (keyword: string): Stage => {
    if (!stage) throw new Error(`${keyword} before FROM`);
    return stage;
  };

  for (const { keyword, argument } of instructions(readFileSync(path.join(context, 'Dockerfile'), 'utf8'))) {
    switch (keyword) {
      case 'FROM': {
        const match = /^\S+(?:\s+AS\s+(\S+))?$/i.exec(argument);
        if (!match) throw new Error(`FROM ${argument}: not understood`);
        const name = match[1] ?? `stage-${stages.length}`;
        stage = { name, root: path.join(workRoot, name), workdir: '/', env: {}, cmd: null, healthcheck: null };
        mkdirSync(stage.root, { recursive: true });
        stages.push(stage);
        break;
      }
      case 'ENV': {
        for (const pair of argument.split(/\s+/)) {
          const [name, ...value] = pair.split('=');
          if (value.length === 0) throw new Error(`ENV ${argument}: use NAME=value`);
          current(keyword).env[name!] = value.join('=');
        }
        break;
      }
      case 'WORKDIR': {
        const target = current(keyword);
        target.workdir = path.posix.resolve(target.workdir, argument);
        mkdirSync(inStage(target, '.'), { recursive: true });
        break;
      }
      case 'COPY': {
        const target = current(keyword);
        const words = argument.split(/\s+/);
        const from = words[0]!.startsWith('--from=') ? words.shift()!.slice('--from='.length) : null;
        if (words.some((word) => word.startsWith('--'))) throw new Error(`COPY ${argument}: option not supported`);
        const destination = words.pop()!;
        const source = from ? stages.find((candidate) => candidate.name === from) : null;
        if (from && !source) throw new Error(`COPY --from=${from}: no such stage`);
        for (const item of words) {
          const origin = source ? inStage(source, item) : path.join(context, item);
          const relative = path.relative(context, origin);
          if (!source && ignored.some((ignoredPath) => relative === ignoredPath || relative.startsWith(`${ignoredPath}/`))) continue;
          const into = destination.endsWith('/')
            ? path.join(inStage(target, destination), path.basename(item))
            : inStage(target, destination);
          const isFolder = statSync(origin).isDirectory();
          cpSync(origin, into, {
            recursive: true,
            filter: (file) => {
              if (source || !isFolder) return true;
              const inContext = path.relative(context, file);
              return !ignored.some((ignoredPath) => inContext === ignoredPath || inContext.startsWith(`${ignoredPath}/`));
            },
          });
        }
        break;
      }
      case 'RUN': {
        const target = current(keyword);
        // A BuildKit cache mount keeps e.g. npm's cache out of the image; on the host it is the host's cache.
        const command = argument.replace(/^(--mount=type=cache,\S+\s+)+/, '');
        if (command.startsWith('--')) throw new Error(`RUN ${argument}: option not supported`);
        if (options.reuseFullInstall && isFullInstallOfContextLock(command, inStage(target, '.'), context)) {
          symlinkSync(path.join(context, 'node_modules'), inStage(target, 'node_modules'));
          break;
        }
        execFileSync('sh', ['-c', command], {
          cwd: inStage(target, '.'),
          env: stageEnvironment(target, options.runEnvironment),
          stdio: ['ignore', 'pipe', 'pipe'],
          maxBuffer: 64 * 1024 * 1024,
        });
        break;
      }
      case 'HEALTHCHECK': {
        const match = /\bCMD\s+(.+)$/.exec(argument);
        if (!match) throw new Error(`HEALTHCHECK ${argument}: expected CMD`);
        current(keyword).healthcheck = match[1]!;
        break;
      }
      case 'CMD': {
        const parsed = JSON.parse(argument) as unknown;
        if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === 'string')) throw new Error('CMD: use the exec (JSON) form');
        current(keyword).cmd = parsed;
        break;
      }
      case 'USER':
      case 'EXPOSE':
        current(keyword);
        break;
      default:
        throw new Error(`Dockerfile instruction ${keyword} is not replayed by test/support/dockerfile-replay.ts`);
    }
  }
  return stages;
}
