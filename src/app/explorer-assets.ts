import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// The explorer's browser code (GraphiQL, React, Monaco and its three workers), bundled by esbuild into a
// handful of plain files that the server serves itself: no CDN, no font host, no telemetry.
//
// Why a bundle and not the package's own files: graphiql 5 publishes ESM only, with bare imports (react,
// @graphiql/react, monaco-editor, whose modules import .css files) and workers that must be separate
// scripts; a browser can load none of that as published, and its own "CDN" set-up fetches from esm.sh.
// Why esbuild: it is already in the tree (tsx runs on it) and is pinned as a dev dependency; it bundles
// all of this in a few seconds.
//
// When: `npm run build` writes dist/explorer/ (the production path, whose runtime install has no dev
// dependencies, so neither graphiql nor esbuild). Anywhere the dev dependencies are installed (`npm ci &&
// npm start`, tests), the first explorer request bundles into node_modules/.cache/pension-aid-explorer/<key>,
// keyed by package-lock.json and the client source, so later starts reuse it and an upgrade rebuilds it.

export const EXPLORER_SCRIPT = 'explorer.js';
export const EXPLORER_STYLE = 'explorer.css';
/** Monaco asks for a worker by label; every other label gets the plain editor worker. */
export const EXPLORER_WORKERS = { editor: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' } as const;

const MANIFEST = 'manifest.json';
/** Bump when the build options below change, so that old caches are not reused. */
const BUNDLE_FORMAT = 1;
const CLIENT_DIRECTORY = path.join('src', 'app', 'explorer-client');
const CLIENT_ENTRY = path.join(CLIENT_DIRECTORY, 'main.mjs');

interface Manifest {
  key: string;
  files: string[];
  builtAt: string;
}

export class ExplorerAssetsUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExplorerAssetsUnavailable';
  }
}

/** The checkout's (or image's) root: the nearest folder upwards holding this project's package.json. */
export function packageRoot(from: string = __dirname): string {
  for (let directory = from; ; directory = path.dirname(directory)) {
    const manifest = path.join(directory, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'pension-aid') {
      return directory;
    }
    if (path.dirname(directory) === directory) throw new Error(`No pension-aid package.json above ${from}`);
  }
}

function readManifest(directory: string): Manifest | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(directory, MANIFEST), 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/** The explorer files in a built folder (the only names the asset route serves). */
export function explorerFiles(directory: string): ReadonlySet<string> {
  return new Set(readManifest(directory)?.files ?? []);
}

function canBundle(root: string): boolean {
  return (
    ['graphiql', 'react', 'react-dom', 'esbuild', 'monaco-editor', 'monaco-graphql'].every((name) =>
      fs.existsSync(path.join(root, 'node_modules', name, 'package.json')),
    ) && fs.existsSync(path.join(root, CLIENT_ENTRY))
  );
}

function bundleKey(root: string): string {
  const hash = createHash('sha256').update(`format ${BUNDLE_FORMAT}\n`);
  hash.update(fs.readFileSync(path.join(root, 'package-lock.json')));
  for (const file of fs.readdirSync(path.join(root, CLIENT_DIRECTORY)).sort()) {
    hash.update(file).update(fs.readFileSync(path.join(root, CLIENT_DIRECTORY, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Bundles the explorer into `outDirectory` (made empty first) and writes its manifest. */
export async function buildExplorerAssets(outDirectory: string, root: string = packageRoot()): Promise<Manifest> {
  const esbuild = await import('esbuild');
  const key = bundleKey(root);
  fs.rmSync(outDirectory, { recursive: true, force: true });
  fs.mkdirSync(outDirectory, { recursive: true });
  const moduleFile = (specifier: string) => path.join(root, 'node_modules', specifier);
  const common = {
    absWorkingDir: root,
    bundle: true,
    minify: true,
    platform: 'browser',
    target: 'es2022',
    outdir: outDirectory,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
    legalComments: 'eof',
  } as const;
  await Promise.all([
    esbuild.build({
      ...common,
      entryPoints: { explorer: path.join(root, CLIENT_ENTRY) },
      format: 'esm',
      // Monaco's codicon font, imported by its CSS: served beside the bundle, never from a font host.
      loader: { '.ttf': 'file' },
      assetNames: '[name]-[hash]',
    }),
    // Workers are classic scripts (IIFE): they start with `new Worker(url)` in every browser.
    esbuild.build({
      ...common,
      format: 'iife',
      entryPoints: {
        'editor.worker': moduleFile('monaco-editor/esm/vs/editor/editor.worker.js'),
        'json.worker': moduleFile('monaco-editor/esm/vs/language/json/json.worker.js'),
        'graphql.worker': moduleFile('monaco-graphql/esm/graphql.worker.js'),
      },
    }),
  ]);
  const files = fs.readdirSync(outDirectory).filter((file) => file !== MANIFEST && !file.endsWith('.LEGAL.txt'));
  for (const expected of [EXPLORER_SCRIPT, EXPLORER_STYLE, ...Object.values(EXPLORER_WORKERS)]) {
    if (!files.includes(expected)) throw new Error(`The explorer bundle has no ${expected}`);
  }
  const manifest: Manifest = { key, files, builtAt: new Date().toISOString() };
  fs.writeFileSync(path.join(outDirectory, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Where `npm run build` puts the bundle (the production path). */
export function prebuiltDirectory(root: string = packageRoot()): string {
  return path.join(root, 'dist', 'explorer');
}

/**
 * The folder holding the explorer's files: where the dev dependencies are installed, a cached bundle,
 * built now if missing; otherwise (production) the prebuilt dist/explorer. Several processes may build at once (test workers):
 * each builds into its own folder and renames it into place; the first rename wins.
 */
export async function locateExplorerAssets(root: string = packageRoot()): Promise<string> {
  const prebuilt = prebuiltDirectory(root);
  if (!canBundle(root)) {
    if (readManifest(prebuilt)) return prebuilt;
    throw new ExplorerAssetsUnavailable(
      'The explorer is not built: run `npm run build` (writes dist/explorer/) where the dev dependencies are installed, or install them',
    );
  }
  // Never dist/explorer here: `npm run build` may be replacing it right now (the start-up test builds).
  const key = bundleKey(root);
  const cacheRoot = path.join(root, 'node_modules', '.cache', 'pension-aid-explorer');
  const cached = path.join(cacheRoot, key);
  if (readManifest(cached)?.key === key) return cached;
  const building = `${cached}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await buildExplorerAssets(building, root);
    try {
      fs.renameSync(building, cached);
    } catch (error) {
      // Another process got there first: its bundle is the same.
      if (!readManifest(cached)) throw error;
    }
  } finally {
    fs.rmSync(building, { recursive: true, force: true });
  }
  for (const old of fs.readdirSync(cacheRoot)) {
    if (old !== key && !old.includes('.building-')) fs.rmSync(path.join(cacheRoot, old), { recursive: true, force: true });
  }
  return cached;
}
