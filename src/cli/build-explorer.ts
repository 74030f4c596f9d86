import { buildExplorerAssets, prebuiltDirectory } from '../app/explorer-assets';

// npm run build:explorer (run by `npm run build` too): bundles the explorer into dist/explorer/, which the
// server serves where the dev dependencies (graphiql, esbuild) are not installed, as in production.
const started = Date.now();
buildExplorerAssets(prebuiltDirectory())
  .then((manifest) => {
    process.stdout.write(`explorer bundled into ${prebuiltDirectory()} in ${Date.now() - started} ms (${manifest.files.length} files)\n`);
  })
  .catch((error: unknown) => {
    process.stderr.write(`explorer bundle failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
