import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExplorerAssetsUnavailable, locateExplorerAssets, packageRoot } from '../../src/app/explorer-assets';

// Where the explorer's files come from when the dev dependencies are absent (a production install):
// only the bundle that `npm run build` wrote, or a clear error. Bundling itself is covered by the
// explorer's HTTP and browser tests.

describe('locating the explorer bundle', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  function productionInstall(withBuild: boolean): string {
    const root = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-explorer-'));
    roots.push(root);
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'pension-aid' }));
    mkdirSync(path.join(root, 'node_modules'));
    if (withBuild) {
      mkdirSync(path.join(root, 'dist', 'explorer'), { recursive: true });
      writeFileSync(
        path.join(root, 'dist', 'explorer', 'manifest.json'),
        JSON.stringify({ key: 'k', files: ['explorer.js'], builtAt: '' }),
      );
    }
    return root;
  }

  it('should serve the prebuilt dist/explorer where nothing can bundle', async () => {
    const root = productionInstall(true);
    await expect(locateExplorerAssets(root)).resolves.toBe(path.join(root, 'dist', 'explorer'));
  });

  it('should say how to build it when there is neither a bundle nor a bundler', async () => {
    const root = productionInstall(false);
    const failure = locateExplorerAssets(root);
    await expect(failure).rejects.toBeInstanceOf(ExplorerAssetsUnavailable);
    await expect(failure).rejects.toThrow(/npm run build/);
  });

  it("should find this project's root from a folder inside it", () => {
    expect(packageRoot(path.join(__dirname, 'exchange'))).toBe(path.resolve(__dirname, '../..'));
  });
});
