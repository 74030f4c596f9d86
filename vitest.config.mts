import { createRequire } from 'node:module';
import { configDefaults, defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// test/ci-proof/ holds a failing test and a file that fails to load. They are left out of `npm test`; .ci/run
// runs each alone with PA_CI_PROOF=1, through this same configuration, and requires a non-zero exit status.
const ciProof = process.env.PA_CI_PROOF === '1';

export default defineConfig({
  resolve: {
    alias: [
      // One copy of graphql, or type-graphql and Apollo disagree about "the same" types.
      { find: /^graphql$/, replacement: require.resolve('graphql/index.js') },
      // The CommonJS builds, as the server (CommonJS) loads them: graphql-shield's ESM build imports
      // `isUndefined` from `util`, which Node 24 removed, so on Node 24 every file importing it failed to load.
      // graphql-middleware follows, so that shield's middleware and ours are instances of one copy.
      { find: /^graphql-shield$/, replacement: require.resolve('graphql-shield') },
      { find: /^graphql-middleware$/, replacement: require.resolve('graphql-middleware') },
    ],
  },
  test: {
    include: ciProof ? ['test/ci-proof/*.test.ts'] : ['test/**/*.test.ts'],
    exclude: ciProof ? configDefaults.exclude : [...configDefaults.exclude, 'test/ci-proof/**'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup-file.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
