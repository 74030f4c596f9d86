import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// PostGraphile v5, installed by the bench into a folder of its own (never a dependency of the server).
// rc.3 is the newest v5 that runs on Node 20 here. Its own dependencies are ^ranges that would pull the
// 1.x/5.x releases (Node 22), so the whole set published with rc.3 is pinned, with overrides.

export const POSTGRAPHILE_VERSION = '5.0.0-rc.3';

const PINNED: Record<string, string> = {
  grafast: '1.0.0-rc.3',
  grafserv: '1.0.0-rc.3',
  '@dataplan/pg': '1.0.0-rc.2',
  '@dataplan/json': '1.0.0-rc.2',
  'graphile-build': '5.0.0-rc.2',
  'graphile-build-pg': '5.0.0-rc.2',
  'graphile-config': '1.0.0-rc.2',
  'graphile-utils': '5.0.0-rc.2',
  'pg-sql2': '5.0.0-rc.2',
  tamedevil: '0.1.0-rc.2',
  '@graphile/lru': '5.0.0-rc.2',
};

export function peerFolder(): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'pension-aid', 'bench-peers', 'postgraphile');
}

/** Installs PostGraphile (when missing or another version) and returns the folder and its server script. */
export function ensurePostgraphile(log: (line: string) => void): { folder: string; script: string } {
  const folder = peerFolder();
  mkdirSync(folder, { recursive: true });
  const manifest = {
    name: 'pension-aid-bench-peer-postgraphile',
    private: true,
    description: 'Installed by pension-aid npm run bench; safe to delete.',
    type: 'module',
    dependencies: { postgraphile: POSTGRAPHILE_VERSION, ...PINNED, graphql: '16.15.0', pg: '8.20.0' },
    overrides: PINNED,
  };
  const manifestFile = path.join(folder, 'package.json');
  const wanted = `${JSON.stringify(manifest, null, 2)}\n`;
  const installed = path.join(folder, 'node_modules', 'postgraphile', 'package.json');
  const current = existsSync(installed) ? (JSON.parse(readFileSync(installed, 'utf8')) as { version: string }).version : null;
  const manifestChanged = !existsSync(manifestFile) || readFileSync(manifestFile, 'utf8') !== wanted;
  if (current !== POSTGRAPHILE_VERSION || manifestChanged) {
    log(`installing PostGraphile ${POSTGRAPHILE_VERSION} into ${folder} ...`);
    writeFileSync(manifestFile, wanted);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], { cwd: folder, stdio: 'inherit' });
  }
  const script = path.join(folder, 'postgraphile-server.mjs');
  copyFileSync(path.join(__dirname, '..', 'peers', 'postgraphile-server.mjs'), script);
  return { folder, script };
}
