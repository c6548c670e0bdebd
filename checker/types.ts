/**
 * The contract between a model and the explorer. Nothing here knows about memcg.
 *
 * A spec is a labelled transition system: initial states, the enabled actions of a state in a
 * fixed order, and a pure successor function. Claims are `always` invariants and `sometimes`
 * witnesses (non-vacuity). A spec may also give a packed codec (exact byte encoding) and an
 * in-place effect `apply` for the fast path; without them the explorer falls back to a canonical
 * JSON serialisation (slower, still exact).
 */

/** A claim that must hold in every reachable state. */
export interface Invariant<S> {
  readonly type: 'always';
  readonly name: string;
  readonly holds: (s: S) => boolean;
  /** Why the claim fails in `s`, with its numbers. Called only on a violating state. */
  readonly explain?: (s: S) => string;
}

/** A corner that must be reached at least once, or the run is vacuous. */
export interface Witness<S> {
  readonly type: 'sometimes';
  readonly name: string;
  readonly holds: (s: S) => boolean;
}

/**
 * An exact, fixed-width byte encoding of a state. `decode(encode(s))` must equal `s` for every
 * reachable `s`; two states are the same state iff their encodings are byte-equal.
 */
export interface Codec<S> {
  /** Bytes per state. */
  readonly bytes: number;
  encode(s: S, out: Uint8Array, at: number): void;
  /** A fresh, mutable state. */
  decode(src: Uint8Array, at: number): S;
  /** Overwrite a reusable mutable state in place (the allocation-free fast path). */
  decodeInto?(src: Uint8Array, at: number, into: S): void;
}

export interface Spec<S, A> {
  readonly name: string;
  initial(): readonly S[];
  /** The enabled actions of `s`, in a fixed, deterministic order. Guards only read. */
  actions(s: S): Iterable<A>;
  /** The successor of `s` under `a`; pure (the reference path: tests, replay, traces). */
  next(s: S, a: A): S;
  /** A one-line human label of an action, e.g. `cpu1 refill_stock(A)`. */
  label(a: A): string;
  /** The action's kind, for fire counts and coverage. Default: `a.kind` if `a` has one, else its label. */
  kind?(a: A): string;
  /** Every action kind the spec can fire, so that coverage can name the ones that never fired. */
  readonly actionKinds?: readonly string[];
  readonly invariants: readonly Invariant<S>[];
  readonly witnesses?: readonly Witness<S>[];
  readonly codec?: Codec<S>;
  /**
   * The same effect as `next`, applied in place to a mutable copy (the fast path). Used only with a
   * codec that has `decodeInto`. Replay checks that both paths agree on every step of every trace.
   */
  apply?(scratch: S, a: A): void;
  /** A canonical representative of `s` (symmetry reduction); must be exact. */
  canonical?(s: S): S;
  /**
   * Optional speed-up of `canonical` for the packed store: write `codec.encode(canonical(s))` into
   * `out` directly, without building the representative. Must agree with `canonical` exactly.
   */
  canonicalBytes?(s: S, out: Uint8Array): void;
  /**
   * The identity of the model beyond its name (e.g. a hash of its bounds and code): a run resumed
   * from a checkpoint refuses one written with another fingerprint.
   */
  readonly fingerprint?: string;
}

export interface CheckOptions {
  /** Stop with `incomplete` once this many distinct states are stored. */
  readonly maxStates?: number;
  /** Do not explore past this depth (number of steps from an initial state). */
  readonly maxDepth?: number;
  /** Stop with `incomplete` after this many milliseconds. */
  readonly timeoutMs?: number;
  /** Stop with `incomplete` before the explorer's own storage would pass this many bytes. */
  readonly maxMemoryBytes?: number;
  /** Ignore the codec and use the canonical-JSON store (for cross-checks). */
  readonly forceJsonStore?: boolean;
  /** Ignore `spec.canonical` (symmetry off). */
  readonly noSymmetry?: boolean;
  /** Called about once a second with the figures so far. */
  readonly onProgress?: (p: Progress) => void;
  /** Milliseconds between progress reports. Default 1000. */
  readonly progressEveryMs?: number;
  /** Write a checkpoint to this file at level boundaries, and when a limit stops the run (packed store only). */
  readonly checkpoint?: string;
  /** Minimum milliseconds between two checkpoints. Default 60000; 0 writes one at every level boundary. */
  readonly checkpointEveryMs?: number;
  /** Resume from this checkpoint file instead of starting from the initial states. */
  readonly resume?: string;
  /**
   * Stop with `incomplete` (limit `interrupted`) once this signal is aborted: seen where the timeout
   * is checked and at level boundaries; a string `reason` (e.g. `'SIGINT'`) is kept in the limit,
   * and a checkpoint is written as for a timeout. `check` and `explore` never
   * yield to the event loop, so only an abort from inside the run (`onProgress`) reaches them;
   * `exploreAsync` and `exploreParallel` also see one from a timer or a signal handler.
   */
  readonly signal?: AbortSignal;
}

export interface Progress {
  readonly distinct: number;
  readonly transitions: number;
  readonly queue: number;
  readonly depth: number;
  readonly ms: number;
  readonly statesPerSecond: number;
}

export type Verdict = 'verified' | 'violated' | 'incomplete';

export type LimitKind = 'maxStates' | 'maxDepth' | 'timeout' | 'memory' | 'interrupted';

/**
 * The limit that stopped (or, for maxDepth, cut) a run: the value given for it (states, steps,
 * milliseconds, bytes), or for `interrupted` the milliseconds of exploration when the abort was
 * seen, with the abort's reason when it was a string.
 */
export interface Limit {
  readonly kind: LimitKind;
  readonly value: number;
  readonly reason?: string;
}

export interface TraceStep<S, A> {
  readonly action: A;
  readonly label: string;
  readonly state: S;
}

export interface Trace<S, A> {
  readonly initial: S;
  readonly steps: readonly TraceStep<S, A>[];
  /** Index of the initial state in `spec.initial()`, then the index of each action among the enabled ones. */
  readonly path: readonly number[];
}

export interface Stats {
  readonly distinct: number;
  readonly transitions: number;
  /** The largest depth at which a state was stored. */
  readonly depth: number;
  readonly ms: number;
  readonly statesPerSecond: number;
  readonly transitionsPerSecond: number;
  /** Transitions fired per action kind (including those that led to known states). */
  readonly fired: Readonly<Record<string, number>>;
  /** Explorer storage per distinct state (state bytes, index, parent link), in bytes. */
  readonly bytesPerState: number;
  readonly storeBytes: number;
  readonly store: 'packed' | 'json';
}

export interface WitnessResult<S, A> {
  readonly name: string;
  readonly reached: boolean;
  /** Depth of the first state found that satisfies it. */
  readonly depth?: number;
  /** The shortest path to it, rebuilt only when asked for (see `witnessTrace`). */
  readonly trace?: Trace<S, A>;
}

export interface Violation<S, A> {
  readonly property: string;
  readonly message: string;
  readonly trace: Trace<S, A>;
}

interface ResultCommon<S, A> {
  readonly spec: string;
  readonly stats: Stats;
  readonly witnesses: readonly WitnessResult<S, A>[];
  /** Action kinds listed in `spec.actionKinds` that never fired. */
  readonly neverFired: readonly string[];
  /** True when the run was complete and some witness was never reached. */
  readonly vacuous: boolean;
}

/** Every reachable state was visited and every invariant holds in each. */
export interface VerifiedResult<S, A> extends ResultCommon<S, A> {
  readonly verdict: 'verified';
  readonly violation?: undefined;
  readonly limit?: undefined;
}

/** An invariant fails: `violation` holds the shortest trace to the first violating state. */
export interface ViolatedResult<S, A> extends ResultCommon<S, A> {
  readonly verdict: 'violated';
  readonly violation: Violation<S, A>;
  readonly limit?: undefined;
}

/** A limit stopped the run: `limit` says which; the figures are those so far. */
export interface IncompleteResult<S, A> extends ResultCommon<S, A> {
  readonly verdict: 'incomplete';
  readonly violation?: undefined;
  readonly limit: Limit;
}

/** A run's outcome, discriminated by `verdict`: `violation` exactly when violated, `limit` exactly when incomplete. */
export type CheckResult<S, A> = VerifiedResult<S, A> | ViolatedResult<S, A> | IncompleteResult<S, A>;
