/**
 * One random walk of a simulation (checker/simulate.ts): a list of choice integers turned into a
 * path of the spec.
 *
 * The first choice picks the initial state (modulo `initial().length`; an empty list picks state
 * 0); each later choice picks one of the enabled actions of the current state: modulo their
 * number, or, with swarm weights, modulo the sum of their kinds' weights, walking the actions in
 * their fixed order (a kind of weight 0 is never picked, unless every enabled kind has weight 0:
 * then modulo their number). A state with no enabled action ends the walk, and so does the first
 * state that violates an invariant. Any list is a valid walk, so every list fast-check's shrinker
 * makes is one too.
 *
 * Every invariant is checked on the initial state and after every step; with `coverage`, the
 * fired kinds and the witnesses reached are counted. The states are the spec's fast path when it
 * has one (`apply` on a copy decoded by the codec, as the explorers use), else `next`; the caller
 * replays the failing walk with `next` (checker/trace.ts) and compares.
 */
import { Claims, type Failure } from './claims.js';
import { CheckerError, specThrewAt, type ThrowSite } from './errors.js';
import { actionKindFn, type FireCounts } from './kind.js';
import { formatPath } from './trace.js';
import type { Codec, Spec } from './types.js';

/** How a walk ended. */
export interface WalkOutcome {
  /** The path it took: initial index, then each action's index among the enabled ones. */
  readonly path: number[];
  /**
   * The smallest choices that take the same path (the initial index, then per step the least
   * choice that picks the same action): the shrinker starts from these.
   */
  readonly choices: number[];
  /** The first invariant violated, in the path's last state. */
  readonly failure?: Failure;
  /** It stopped at a state with no enabled action. */
  readonly deadEnd: boolean;
}

/** What the generated walk of a run counts (the shrinker's walks count nothing). */
export interface WalkCoverage {
  readonly fired: FireCounts;
  /** Per witness (spec order): reached on this walk. */
  readonly reached: boolean[];
}

export class Walker<S, A> {
  private readonly claims: Claims<S>;
  private readonly kindOf: (a: A) => string;
  private readonly inits: readonly S[];
  private readonly fast: boolean;
  private readonly codec: Codec<S> | undefined;
  private readonly rows: Uint8Array;
  private scratch: S | undefined;
  private weights: ReadonlyMap<string, number> | undefined;
  /** The weights of the actions `pick` saw last, and their sum. */
  private readonly w: number[] = [];
  private total = 0;

  constructor(
    private readonly spec: Spec<S, A>,
    reference: boolean,
  ) {
    this.claims = new Claims(spec);
    this.kindOf = actionKindFn(spec);
    try {
      this.inits = spec.initial();
    } catch (e) {
      throw specThrewAt(spec, 'initial', '()', e);
    }
    if (this.inits.length === 0)
      throw new CheckerError('E_SPEC_NO_INITIAL', `spec "${spec.name}" has no initial state`);
    this.fast = !reference && spec.apply !== undefined && spec.codec?.decodeInto !== undefined;
    this.codec = this.fast ? spec.codec : undefined;
    const bytes = this.codec?.bytes ?? 0;
    this.rows = new Uint8Array(this.inits.length * bytes);
    this.inits.forEach((s, i) => {
      try {
        this.codec?.encode(s, this.rows, i * bytes);
      } catch (e) {
        throw specThrewAt(spec, 'encode', `on initial state ${i}`, e);
      }
    });
  }

  /** The swarm weights of the walks that follow (undefined: uniform). */
  setWeights(weights: ReadonlyMap<string, number> | undefined): void {
    this.weights = weights;
  }

  /** Follows `choices`; see the file's comment. */
  walk(choices: readonly number[], coverage?: WalkCoverage): WalkOutcome {
    const spec = this.spec;
    const i0 = (choices[0] ?? 0) % this.inits.length;
    const path = [i0];
    const least = [i0];
    let s = this.start(i0, path);
    if (coverage) this.reach(s, coverage, path);
    let failure = this.failure(s, path);
    for (let k = 1; k < choices.length && failure === undefined; k++) {
      let enabled: A[];
      try {
        enabled = [...spec.actions(s)];
      } catch (e) {
        throw this.threw('actions', path, undefined, e);
      }
      if (enabled.length === 0) return { path, choices: least, deadEnd: true };
      const idx = this.pick(enabled, choices[k]);
      least.push(this.least(idx));
      const a = enabled[idx];
      try {
        if (this.fast) spec.apply!(s, a);
        else s = spec.next(s, a);
      } catch (e) {
        throw this.threw('next', path, a, e);
      }
      path.push(idx);
      if (coverage) {
        coverage.fired.count(this.kindOf(a));
        this.reach(s, coverage, path);
      }
      failure = this.failure(s, path);
    }
    return { path, choices: least, ...(failure ? { failure } : {}), deadEnd: false };
  }

  /**
   * Follows actions by their labels from initial state `i0`: undefined as soon as a label is not
   * enabled; else the walk, which ends at the first violating state (checker/simulate-reduce.ts).
   */
  walkLabels(i0: number, labels: readonly string[]): WalkOutcome | undefined {
    const spec = this.spec;
    const path = [i0];
    let s = this.start(i0, path);
    let failure = this.failure(s, path);
    for (let k = 0; k < labels.length && failure === undefined; k++) {
      let enabled: A[];
      try {
        enabled = [...spec.actions(s)];
      } catch (e) {
        throw this.threw('actions', path, undefined, e);
      }
      const idx = enabled.findIndex((a) => spec.label(a) === labels[k]);
      if (idx < 0) return undefined;
      try {
        if (this.fast) spec.apply!(s, enabled[idx]);
        else s = spec.next(s, enabled[idx]);
      } catch (e) {
        throw this.threw('next', path, enabled[idx], e);
      }
      path.push(idx);
      failure = this.failure(s, path);
    }
    return { path, choices: path, ...(failure ? { failure } : {}), deadEnd: false };
  }

  /** The labels of the actions a path takes (replayed by index with the walker's states). */
  labelsOf(path: readonly number[]): string[] {
    const spec = this.spec;
    const out: string[] = [];
    let s = this.start(path[0], path);
    for (let k = 1; k < path.length; k++) {
      const a = [...spec.actions(s)][path[k]];
      out.push(spec.label(a));
      if (this.fast) spec.apply!(s, a);
      else s = spec.next(s, a);
    }
    return out;
  }

  /** The initial state `i`: a fresh mutable copy on the fast path, else the spec's own. */
  private start(i: number, path: readonly number[]): S {
    if (!this.fast) return this.inits[i];
    const codec = this.codec!;
    try {
      if (this.scratch === undefined) this.scratch = codec.decode(this.rows, 0);
      codec.decodeInto!(this.rows, i * codec.bytes, this.scratch);
    } catch (e) {
      throw this.threw('decode', path, undefined, e);
    }
    return this.scratch;
  }

  /** The index of the action choice `c` picks among `enabled` (see the file's comment). */
  private pick(enabled: readonly A[], c: number): number {
    const weights = this.weights;
    if (weights === undefined) return c % enabled.length;
    const w = this.w;
    let total = 0;
    for (let i = 0; i < enabled.length; i++) {
      w[i] = weights.get(this.kindOf(enabled[i])) ?? 1;
      total += w[i];
    }
    this.total = total;
    if (total === 0) return c % enabled.length;
    let t = c % total;
    for (let i = 0; i < enabled.length; i++) {
      if (t < w[i]) return i;
      t -= w[i];
    }
    throw new Error('unreachable: t < total');
  }

  /** The least choice that picks index `idx` of the actions `pick` saw last. */
  private least(idx: number): number {
    if (this.weights === undefined || this.total === 0) return idx;
    let t = 0;
    for (let i = 0; i < idx; i++) t += this.w[i];
    return t;
  }

  private failure(s: S, path: readonly number[]): Failure | undefined {
    try {
      return this.claims.violated(s);
    } catch (e) {
      throw withPath(e, path);
    }
  }

  private reach(s: S, coverage: WalkCoverage, path: readonly number[]): void {
    const ws = this.spec.witnesses ?? [];
    for (let i = 0; i < ws.length; i++) {
      if (coverage.reached[i]) continue;
      try {
        if (ws[i].holds(s)) coverage.reached[i] = true;
      } catch (e) {
        throw withPath(specThrewAt(this.spec, 'claim', `"${ws[i].name}"`, e), path);
      }
    }
  }

  private threw(where: ThrowSite, path: readonly number[], a: A | undefined, e: unknown): CheckerError {
    const on = a === undefined ? '' : ` on action ${this.spec.label(a)}`;
    return withPath(specThrewAt(this.spec, where, `${on} at the end of walk ${formatPath(path)}`, e), path);
  }
}

/** A CheckerError that gets `path` (the walk so far, which replays to the state it threw from). */
function withPath<E>(e: E, path: readonly number[]): E {
  if (e instanceof CheckerError && e.path === undefined) e.path = [...path];
  return e;
}
