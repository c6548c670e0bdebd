/**
 * A run's outcome, assembled the same way by both explorers (checker/bfs.ts, checker/parallel.ts):
 * the `CheckResult` (verdict, figures, witnesses, kinds that never fired, vacuity, the violation and
 * its trace, the limit that stopped the run) and the `CheckRun` around it, whose paths and traces
 * follow the stored parent links (checker/links.ts) back to an initial state.
 */
import { CheckerError } from './errors.js';
import { idsTo, type Links, pathTo } from './links.js';
import { rebuildTrace, type StoredStates } from './rebuild.js';
import type { CheckResult, Limit, Spec, Stats, Trace, Violation, WitnessResult } from './types.js';

export interface CheckRun<S, A> {
  readonly result: CheckResult<S, A>;
  /** The path (initial index, then action indices) to stored state `id`. */
  pathTo(id: number): number[];
  /** The shortest trace to the first state found that satisfies witness `name`. */
  witnessTrace(name: string): Trace<S, A> | undefined;
}

/** How a run ended, as its explorer counted it. */
export interface Outcome<S> {
  /** The stats but the rates, with `ms` unrounded (it includes the run a checkpoint resumed). */
  readonly figures: Omit<Stats, 'statesPerSecond' | 'transitionsPerSecond'>;
  /** Per witness: the id of the first state found that satisfies it (-1: none), and its depth. */
  readonly witnessFound: readonly number[];
  readonly witnessDepth: readonly number[];
  /** The first violating state. */
  readonly violation:
    | { readonly id: number; readonly property: string; readonly message: string }
    | undefined;
  readonly limit: Limit | undefined;
  readonly links: Links;
  /** The stored states along the traces the run may rebuild. */
  readonly stored: StoredStates<S>;
  readonly canonical: ((s: S) => S) | undefined;
}

/**
 * The violation as the user reads it: the message is explained again on the last state of the
 * rebuilt trace. With symmetry the explorer found a canonical representative, whose names may be
 * permuted (B where the concrete trace has A); the trace is concrete, so the message must be too.
 */
function concreteViolation<S, A>(
  spec: Spec<S, A>,
  v: { readonly id: number; readonly property: string; readonly message: string },
  rebuild: (id: number) => Trace<S, A>,
): Violation<S, A> {
  const trace = rebuild(v.id);
  const last = trace.steps.length > 0 ? trace.steps[trace.steps.length - 1].state : trace.initial;
  const inv = spec.invariants.find((i) => i.name === v.property);
  if (inv?.holds(last)) {
    throw new CheckerError(
      'E_CODEC_MISMATCH',
      `the rebuilt trace's last state satisfies ${v.property}, which its canonical form violates; spec.canonical is not an exact symmetry (it changed what a claim says)`,
    );
  }
  const message = inv?.explain ? inv.explain(last) : v.message;
  return { property: v.property, message, trace };
}

/** The result of a run and its traces, rebuilt by re-execution (checker/rebuild.ts). */
export function finishRun<S, A>(spec: Spec<S, A>, o: Outcome<S>): CheckRun<S, A> {
  const { figures, witnessFound, witnessDepth, violation, limit, links } = o;
  const rebuild = (id: number): Trace<S, A> =>
    rebuildTrace(spec, o.stored, pathTo(links, id), idsTo(links, id), o.canonical);
  const violationOut: Violation<S, A> | undefined = violation
    ? concreteViolation(spec, violation, rebuild)
    : undefined;
  const witnesses: WitnessResult<S, A>[] = (spec.witnesses ?? []).map((w, i) =>
    witnessFound[i] >= 0
      ? { name: w.name, reached: true, depth: witnessDepth[i] }
      : { name: w.name, reached: false },
  );
  const { distinct, transitions, ms, fired } = figures;
  const common = {
    spec: spec.name,
    stats: {
      distinct,
      transitions,
      depth: figures.depth,
      ms: Math.round(ms * 10) / 10,
      statesPerSecond: Math.round((distinct / Math.max(ms, 1e-3)) * 1000),
      transitionsPerSecond: Math.round((transitions / Math.max(ms, 1e-3)) * 1000),
      fired,
      bytesPerState: figures.bytesPerState,
      storeBytes: figures.storeBytes,
      store: figures.store,
    },
    witnesses,
    neverFired: (spec.actionKinds ?? []).filter((k) => !fired[k]),
  };
  // A violation wins over a limit: a run stops at its first violating state.
  const result: CheckResult<S, A> = violationOut
    ? { verdict: 'violated', ...common, vacuous: false, violation: violationOut }
    : limit
      ? { verdict: 'incomplete', ...common, vacuous: false, limit }
      : { verdict: 'verified', ...common, vacuous: witnesses.some((w) => !w.reached) };
  return {
    result,
    pathTo: (id) => pathTo(links, id),
    witnessTrace: (name: string) => {
      const i = (spec.witnesses ?? []).findIndex((w) => w.name === name);
      return i >= 0 && witnessFound[i] >= 0 ? rebuild(witnessFound[i]) : undefined;
    },
  };
}
