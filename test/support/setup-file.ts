import 'reflect-metadata';
import fc from 'fast-check';

// Property-based tests run with one fixed seed, so `npm test` is repeatable; a failure prints the seed and
// the counterexample's path. PA_FC_SEED tries another seed, PA_FC_RUNS more (or fewer) runs per property.
const seed = Number(process.env.PA_FC_SEED || 20261202);
fc.configureGlobal({ seed, numRuns: Number(process.env.PA_FC_RUNS || 100), endOnFailure: true });
