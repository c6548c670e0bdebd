/**
 * Traces are stored as a path: the index of the initial state in `spec.initial()`, then the index
 * of each action in the enabled-action order of its state. They are rebuilt by re-executing the
 * reference path (`spec.next`), so a trace's states are the model's own frozen states.
 */
import { CheckerError } from './errors.js';
import type { Spec, Trace, TraceStep } from './types.js';

/**
 * Replays a path. Traces reported by the explorer are concrete even when it ran with symmetry, so
 * by default the replay applies no canonicalisation; pass `symmetry = true` to replay a path of
 * canonical states instead.
 */
export function replayPath<S, A>(spec: Spec<S, A>, path: readonly number[], symmetry = false): Trace<S, A> {
  const inits = spec.initial();
  if (path.length === 0 || path[0] < 0 || path[0] >= inits.length) {
    throw new CheckerError(
      'E_BAD_OPTION',
      `path must start with an initial-state index below ${inits.length}`,
    );
  }
  const canon = symmetry && spec.canonical ? spec.canonical.bind(spec) : (s: S) => s;
  const initial = canon(inits[path[0]]);
  const steps: TraceStep<S, A>[] = [];
  let s = initial;
  for (let i = 1; i < path.length; i++) {
    const enabled = [...spec.actions(s)];
    const a = enabled[path[i]];
    if (a === undefined) {
      throw new CheckerError(
        'E_BAD_OPTION',
        `path step ${i}: action index ${path[i]} is not enabled (${enabled.length} actions enabled)`,
      );
    }
    s = canon(spec.next(s, a));
    steps.push({ action: a, label: spec.label(a), state: s });
  }
  return { initial, steps, path: [...path] };
}

/** The path string of a trace (Stateright style), e.g. `0/3/1`. */
export function formatPath(path: readonly number[]): string {
  return path.join('/');
}

export function parsePath(text: string): number[] {
  const parts = text.split('/');
  if (parts.some((p) => !/^\d+$/.test(p))) {
    throw new CheckerError('E_BAD_OPTION', `path "${text}" must be numbers separated by "/", e.g. 0/3/1`);
  }
  return parts.map(Number);
}
