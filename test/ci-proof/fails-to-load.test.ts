// Not part of `npm test`: .ci/run runs this file alone (PA_CI_PROOF=1) and requires a non-zero exit status,
// proving that a file which fails to load (as 19 did on Node 24) fails the run.
throw new Error('this test file fails to load on purpose (CI proof)');
