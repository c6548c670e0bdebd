/**
 * Shortest traces from stored parent links, rebuilt by re-execution with the reference `next`.
 * At every step the state reached must be the very state the explorer stored: the fast path, the
 * codec and the reference path must agree, or the run is not to be trusted.
 */
import { CheckerError, specThrew } from './errors.js';
import { formatPath } from './trace.js';
import type { Spec, Trace } from './types.js';

/** What rebuilding needs of the explorer's storage: is stored state `id` the same state as `s`? */
export interface StoredStates<S> {
  equals(id: number, s: S): boolean;
}

/**
 * Re-executes `path` (initial index, then action indices) with `spec.next`; `ids` are the stored
 * ids along it. With symmetry (`canonical`), rebuilds a concrete trace instead (see concreteTrace).
 */
export function rebuildTrace<S, A>(
  spec: Spec<S, A>,
  store: StoredStates<S>,
  path: number[],
  ids: number[],
  canonical: ((s: S) => S) | undefined,
): Trace<S, A> {
  if (canonical) return concreteTrace(spec, store, path, ids, canonical);
  const inits = spec.initial();
  let s = inits[path[0]];
  const steps: { action: A; label: string; state: S }[] = [];
  for (let i = 1; i < path.length; i++) {
    const enabled = [...spec.actions(s)];
    const a = enabled[path[i]];
    if (a === undefined) {
      throw new CheckerError(
        'E_SPEC_NONDETERMINISTIC',
        `replaying ${formatPath(path)}: step ${i} found ${enabled.length} enabled actions, expected index ${path[i]}; actions() must be deterministic`,
      );
    }
    s = spec.next(s, a);
    steps.push({ action: a, label: spec.label(a), state: s });
    if (!store.equals(ids[i], s)) {
      throw new CheckerError(
        'E_CODEC_MISMATCH',
        `replaying ${formatPath(path)} with spec.next did not reach the stored state at step ${i}; the fast path (apply/codec) and the reference path (next) disagree`,
      );
    }
  }
  return { initial: inits[path[0]], steps, path };
}

/**
 * With symmetry, the stored path runs through canonical representatives, whose names may be
 * permuted from one step to the next. Rebuild a concrete trace instead: from the concrete initial
 * state, at each step take the first enabled action whose successor has the stored canonical form.
 * The result is a trace of the spec without symmetry (its path replays with `noSymmetry`), and
 * finding no such action means the canonical form is not exact: an error, never a silent trace.
 */
function concreteTrace<S, A>(
  spec: Spec<S, A>,
  store: StoredStates<S>,
  path: number[],
  ids: number[],
  canonical: (s: S) => S,
): Trace<S, A> {
  const initial = spec.initial()[path[0]];
  if (!store.equals(ids[0], canonical(initial))) {
    throw new CheckerError(
      'E_CODEC_MISMATCH',
      `initial state ${path[0]} does not canonicalise to the stored one`,
    );
  }
  let s = initial;
  const concrete = [path[0]];
  const steps: { action: A; label: string; state: S }[] = [];
  for (let i = 1; i < ids.length; i++) {
    const enabled = [...spec.actions(s)];
    const j = enabled.findIndex((a) => store.equals(ids[i], canonical(spec.next(s, a))));
    if (j < 0) {
      throw new CheckerError(
        'E_CODEC_MISMATCH',
        `rebuilding ${formatPath(path)} at step ${i}: no enabled action of the concrete state reaches the stored canonical state; spec.canonical is not an exact symmetry`,
      );
    }
    s = spec.next(s, enabled[j]);
    concrete.push(j);
    steps.push({ action: enabled[j], label: spec.label(enabled[j]), state: s });
  }
  return { initial, steps, path: concrete };
}

/**
 * A spec's exception, located: with a path to the state it threw from that replays without
 * symmetry, and, with symmetry, thrown again from that concrete state, so that the action named is
 * the concrete one (the canonical state's names may be permuted). `canonicalPath` is the stored
 * path to the state. Returns `err` itself when the state cannot be followed or does not throw again.
 */
export function locateThrow<S, A>(
  spec: Spec<S, A>,
  err: CheckerError,
  canonicalPath: readonly number[],
  canonical: ((s: S) => S) | undefined,
): CheckerError {
  const path = concretePath(spec, canonicalPath, canonical);
  if (!path) return err;
  err.path = path;
  if (!canonical || err.stateId === undefined) return err;
  let s = spec.initial()[path[0]];
  for (let i = 1; i < path.length; i++) s = spec.next(s, [...spec.actions(s)][path[i]]);
  let enabled: A[];
  try {
    enabled = [...spec.actions(s)];
  } catch (e) {
    const again = specThrew(spec, 'actions', err.stateId, undefined, e);
    again.path = path;
    return again;
  }
  for (const a of enabled) {
    try {
      spec.next(s, a);
    } catch (e) {
      const again = specThrew(spec, 'next', err.stateId, a, e);
      again.path = path;
      return again;
    }
  }
  return err;
}

/**
 * A path of canonical states (what the explorer stores with symmetry) as a concrete path that
 * replays without symmetry: the canonical path is re-executed with canonicalisation, and at each
 * step the first concrete action whose successor has that canonical form is taken. Used to locate
 * the state a spec threw from; undefined when the path cannot be followed.
 */
export function concretePath<S, A>(
  spec: Spec<S, A>,
  path: readonly number[],
  canonical: ((s: S) => S) | undefined,
): number[] | undefined {
  if (!canonical) return [...path];
  try {
    let c = canonical(spec.initial()[path[0]]);
    let s = spec.initial()[path[0]];
    const out = [path[0]];
    for (let i = 1; i < path.length; i++) {
      c = canonical(spec.next(c, [...spec.actions(c)][path[i]]));
      const enabled = [...spec.actions(s)];
      const j = enabled.findIndex((a) => sameValue(canonical(spec.next(s, a)), c));
      if (j < 0) return undefined;
      s = spec.next(s, enabled[j]);
      out.push(j);
    }
    return out;
  } catch {
    return undefined;
  }
}

/** Structural equality of two plain values (key order does not matter). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => k in rb && sameValue(ra[k], rb[k]));
}
