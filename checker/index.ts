/** The checker's public entry. Generic: it knows nothing about memcg. */
export { assertSpec, formatResult } from './assert.js';
export { check, explore, exploreAsync } from './bfs.js';
export { type Snapshot, writeCheckpoint } from './checkpoint.js';
export { readCheckpoint } from './checkpoint-read.js';
export { CheckerError, type CheckpointFault, checkpointError, type ErrorCode } from './errors.js';
export { expectVerified, expectViolation } from './expect.js';
export { canonicalJson, JsonStore } from './json-store.js';
export { layoutCodec, leafPaths } from './layout.js';
export {
  checkLiveness,
  checkLivenessAsync,
  type FairClass,
  type Fairness,
  type FairStuckSet,
  type GraphLimit,
  type JusticeCondition,
  type Lasso,
  type LivenessClaim,
  type LivenessRun,
} from './liveness.js';
export { exploreParallel, type ParallelOptions, type WorkerSource } from './parallel.js';
export { always, sometimes } from './property.js';
export type { CheckRun } from './result.js';
export { SIMULATE_DEFAULTS, simulate } from './simulate.js';
export { mergeSimulations } from './simulate-merge.js';
export {
  formatShard,
  MAX_SEED,
  parseShard,
  runSeed,
  type Shard,
  shardRuns,
  swarmWeights,
  validateShard,
} from './simulate-seed.js';
export type {
  SimulateOptions,
  SimulationCoverage,
  SimulationFigures,
  SimulationProgress,
  SimulationResult,
  SimulationVerdict,
  SimulationViolation,
} from './simulate-types.js';
export { PackedStore, type StateStore } from './store.js';
export { formatPath, parsePath, replayPath } from './trace.js';
export type {
  CheckOptions,
  CheckResult,
  Codec,
  IncompleteResult,
  Invariant,
  Limit,
  LimitKind,
  Progress,
  Spec,
  Stats,
  Trace,
  TraceStep,
  Verdict,
  VerifiedResult,
  ViolatedResult,
  Violation,
  Witness,
  WitnessResult,
} from './types.js';
