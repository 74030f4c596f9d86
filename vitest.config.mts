import { createRequire } from 'node:module';
import { configDefaults, defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

// test/ci-proof/ holds a failing test and a file that fails to load. They are left out of `npm test`; .ci/run
// runs each alone with PA_CI_PROOF=1, through this same configuration, and requires a non-zero exit status.
const ciProof = process.env.PA_CI_PROOF === '1';

export default defineConfig({
  resolve: {
    // One copy of graphql, or type-graphql and Apollo disagree about "the same" types.
    alias: { graphql: require.resolve('graphql/index.js') },
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
