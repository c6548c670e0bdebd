/** The options and result of a random simulation (checker/simulate.ts). */
import type { Shard } from './simulate-seed.js';
import type { Limit, LimitKind, Trace } from './types.js';

/**
 * `violated`: some run's walk reached a state that violates an invariant (a real counterexample);
 * `no-violation`: every run was walked and none did (not a proof: simulation samples walks);
 * `incomplete`: a limit (timeout, an aborted signal) stopped the runs before the last, none failed.
 */
export type SimulationVerdict = 'violated' | 'no-violation' | 'incomplete';

export interface SimulateOptions {
  /** Runs in all (every shard together); default 1000. */
  readonly runs?: number;
  /** Steps per walk at most; default 60. */
  readonly depth?: number;
  /** The seed (an unsigned 32-bit integer) every run's seed derives from; default 0. */
  readonly seed?: number;
  /** Run only this shard's runs (`r mod count = index - 1`); default every run. */
  readonly shard?: Shard;
  /** Swarm weights per action kind, drawn per run (default true); false: uniform choices. */
  readonly swarm?: boolean;
  /**
   * States the breadth-first search for a shortest counterexample may store (default 500,000);
   * 0 skips it and keeps the shrunk walk.
   */
  readonly shortestStates?: number;
  /** Ignore `spec.canonical` in the shortest search (walks never use symmetry). */
  readonly noSymmetry?: boolean;
  /** Walk with `next` instead of the fast path (`apply` on a decoded copy), for cross-checks. */
  readonly referencePath?: boolean;
  /** Stop with the runs done so far after this many milliseconds. */
  readonly timeoutMs?: number;
  /** Stop with the runs done so far once aborted (`limit.kind` `interrupted`). */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SimulationProgress) => void;
  /** Milliseconds between progress reports; default 1000. */
  readonly progressEveryMs?: number;
}

export interface SimulationProgress {
  /** Runs of this shard done, and in all. */
  readonly runsDone: number;
  readonly runs: number;
  readonly steps: number;
  readonly violatingRuns: number;
  readonly ms: number;
  readonly stepsPerSecond: number;
}

/** What the runs covered: every figure sums over runs, so shards add up (checker/simulate-merge.ts). */
export interface SimulationCoverage {
  /** Runs walked. */
  readonly runsDone: number;
  /** Steps taken by the runs' walks (the shrinker's are not counted). */
  readonly steps: number;
  /** Runs whose walk violated an invariant. */
  readonly violatingRuns: number;
  /** Runs whose walk stopped at a state with no enabled action. */
  readonly deadEnds: number;
  /** Steps per action kind, in the order of `spec.actionKinds`, then others alphabetically; kinds that fired only. */
  readonly fired: Readonly<Record<string, number>>;
  /** Per witness (spec order): how many runs reached it. */
  readonly witnesses: readonly { readonly name: string; readonly runs: number }[];
  /** Kinds of `spec.actionKinds` that no run fired. */
  readonly neverFired: readonly string[];
}

/** The first violating run (by run index) and its counterexample. */
export interface SimulationViolation<S, A> {
  readonly run: number;
  readonly runSeed: number;
  /** The invariant the reported trace violates, and why (explained on its last state). */
  readonly property: string;
  readonly message: string;
  /** The reported counterexample: a shortest one when `shortest`, else the shrunk walk. */
  readonly trace: Trace<S, A>;
  /** True when the breadth-first search found `trace`: no counterexample has fewer steps. */
  readonly shortest: boolean;
  /** The run's walk, shrunk by fast-check, as a path (it replays with `replayPath`). */
  readonly walk: {
    readonly path: readonly number[];
    readonly property: string;
    /** Steps of the generated walk before shrinking. */
    readonly generatedSteps: number;
    /** Successful shrinks, and walks the shrinker tried. */
    readonly shrinks: number;
    readonly tried: number;
    /** Steps the reduction by labels removed after the shrinker (checker/simulate-reduce.ts). */
    readonly removed: number;
    /** False when a limit cut shrinking short. */
    readonly shrinkComplete: boolean;
  };
  /** The breadth-first search to the walk's depth: how many states it stored, and whether it finished. */
  readonly search?: {
    readonly distinct: number;
    readonly complete: boolean;
    /** When it did not finish: the limit that stopped it (`maxStates` is `shortestStates`). */
    readonly stoppedBy?: Exclude<LimitKind, 'maxDepth'>;
  };
  /** The run's swarm weights (kinds in `spec.actionKinds` order), when swarm was on. */
  readonly weights?: Readonly<Record<string, number>>;
}

/**
 * The figures of a simulation, with the violation as any payload that names its run: what
 * `mergeSimulations` (checker/simulate-merge.ts) adds up, whether the payload is a trace or a
 * report's JSON of one.
 */
export interface SimulationFigures<V extends { readonly run: number }> {
  readonly spec: string;
  /** `spec.fingerprint`, when the spec has one. */
  readonly fingerprint?: string;
  readonly verdict: SimulationVerdict;
  readonly seed: number;
  readonly runs: number;
  readonly depth: number;
  readonly swarm: boolean;
  readonly shortestStates: number;
  readonly shard?: Shard;
  /** `spec.actionKinds` (empty if it gives none): the order of `fired`. */
  readonly actionKinds: readonly string[];
  readonly coverage: SimulationCoverage;
  /** Milliseconds (summed over the shards, for a merged result) and steps per second. */
  readonly stats: { readonly ms: number; readonly stepsPerSecond: number };
  readonly violation?: V;
  /** The limit that stopped the runs before the last (with a violation too: runs after the limit were not walked). */
  readonly limit?: Limit;
  /** A merged result: the number of shards merged. */
  readonly mergedShards?: number;
}

export type SimulationResult<S, A> = SimulationFigures<SimulationViolation<S, A>>;
