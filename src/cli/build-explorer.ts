import fs from 'node:fs';
import { buildExplorerAssets, prebuiltDirectory } from '../app/explorer-assets';

// npm run build:explorer (run by `npm run build` too): bundles the explorer into dist/explorer/, which the
// server serves where the dev dependencies (graphiql, esbuild) are not installed, as in production.
// Built beside it and swapped in, so that a failed build leaves the previous one in place.
const target = prebuiltDirectory();
const building = `${target}.building-${process.pid}`;
const started = Date.now();
buildExplorerAssets(building)
  .then((manifest) => {
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(building, target);
    process.stdout.write(`explorer bundled into ${target} in ${Date.now() - started} ms (${manifest.files.length} files)\n`);
  })
  .catch((error: unknown) => {
    fs.rmSync(building, { recursive: true, force: true });
    process.stderr.write(`explorer bundle failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
