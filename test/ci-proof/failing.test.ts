import { expect, it } from 'vitest';

// Not part of `npm test`: .ci/run runs this file alone (PA_CI_PROOF=1) and requires a non-zero exit status,
// proving that a failing test fails the run through the real configuration (global set-up included).
it('should fail on purpose when run by the CI proof', () => {
  expect('deliberately failing').toBe('passing');
});
