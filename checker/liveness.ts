/**
 * Liveness under fairness: a claim "no fair run stays stuck forever" per subject (TLA+'s
 * `~[]<>` form, `[](... ~> done)` when stuck means "owed and not done"), checked over the whole
 * reachable graph (checker/liveness-graph.ts) by Emerson-Lei fair-set search
 * (checker/liveness-scc.ts), with a lasso for each violation (checker/liveness-lasso.ts): the
 * breadth-first prefix to the cycle's first state, then the cycle, both re-executed with the
 * reference `next` and compared with the stored states, as every trace of the checker is.
 *
 * Generic: the claim names its subjects, when one is stuck, the fairness class of each action
 * (weak or strong) and any justice conditions (state predicates a fair run meets infinitely
 * often). Verdicts: `verified` (the graph is complete and no subject has a fair stuck cycle),
 * `violated` (some subject has one: also in a graph a limit cut, as the cycle is real), or
 * `incomplete` (a limit cut the graph and no cycle was found in it).
 */
import { CheckerError } from './errors.js';
import { idsTo, pathTo } from './links.js';
import {
  buildGraph,
  buildGraphAsync,
  type Fairness,
  type GraphLimit,
  type LivenessGraph,
} from './liveness-graph.js';
import { type CycleEdge, fairCycle } from './liveness-lasso.js';
import { fairSets, type Justice } from './liveness-scc.js';
import { rebuildTrace } from './rebuild.js';
import { formatPath } from './trace.js';
import type { CheckOptions, Spec, Trace, TraceStep } from './types.js';

export type { FairClass, Fairness, GraphLimit } from './liveness-graph.js';

export interface JusticeCondition<S> {
  readonly name: string;
  holds(s: S, subject: number): boolean;
}

export interface LivenessClaim<S, A> {
  readonly name: string;
  /** The subjects the claim is about, by name (e.g. each memcg). */
  readonly subjects: readonly string[];
  /** Subject `i` is stuck in `s`: a fair run that stays stuck forever violates the claim. */
  stuck(s: S, i: number): boolean;
  readonly fairness: Fairness<S, A>;
  readonly justice?: readonly JusticeCondition<S>[];
}

/** A fair set of states where a subject stays stuck: sorted ids, the first is the lasso's entry. */
export interface FairStuckSet {
  readonly subject: number;
  readonly states: Int32Array;
}

export interface Lasso<S, A> {
  /** From an initial state to the entry of the cycle (a shortest path to it). */
  readonly prefix: Trace<S, A>;
  /** From the entry back to it; empty when the run stutters in the entry forever. */
  readonly cycle: readonly TraceStep<S, A>[];
  /** The prefix's path, then the cycle's action indices (`replay --path` runs prefix and one turn). */
  readonly path: readonly number[];
  readonly cycleLength: number;
  /** The fairness classes the cycle takes, and those enabled somewhere on it but never taken. */
  readonly taken: readonly string[];
  readonly starvedWeak: readonly string[];
}

export interface LivenessRun<S, A> {
  readonly verdict: 'verified' | 'violated' | 'incomplete';
  readonly claim: string;
  readonly distinct: number;
  readonly transitions: number;
  readonly depth: number;
  readonly ms: number;
  readonly limit: GraphLimit | undefined;
  readonly classes: readonly string[];
  /** Every fair stuck set, subject by subject, each subject's by entry id. */
  readonly sets: readonly FairStuckSet[];
  /** The stored state `id` (decoded afresh). */
  state(id: number): S;
  lasso(set: FairStuckSet): Lasso<S, A>;
}

/** Per subject, the stuck states among the expanded ones, and the justice conditions as id predicates. */
function stuckStates<S, A>(g: LivenessGraph<S>, claim: LivenessClaim<S, A>) {
  const n = claim.subjects.length;
  const justice = claim.justice ?? [];
  const stuck: number[][] = Array.from({ length: n }, () => []);
  const just = Array.from({ length: n }, () => justice.map(() => new Uint8Array(g.expanded)));
  // One reused state where the store can decode in place (the claim reads it, never keeps it).
  const into = g.store.loadInto;
  const scratch = into && g.expanded > 0 ? g.store.load(0) : undefined;
  for (let id = 0; id < g.expanded; id++) {
    let s: S;
    if (into && scratch !== undefined) {
      into(id, scratch);
      s = scratch;
    } else s = g.store.load(id);
    for (let i = 0; i < n; i++) {
      if (!claim.stuck(s, i)) continue;
      stuck[i].push(id);
      justice.forEach((j, k) => {
        just[i][k][id] = j.holds(s, i) ? 1 : 0;
      });
    }
  }
  return { stuck, just };
}

export function checkLiveness<S, A>(
  spec: Spec<S, A>,
  claim: LivenessClaim<S, A>,
  options: CheckOptions = {},
): LivenessRun<S, A> {
  return analyse(spec, claim, buildGraph(spec, claim.fairness, options));
}

/** `checkLiveness`, the graph's search giving the event loop a turn every 50 ms (a signal can abort it). */
export async function checkLivenessAsync<S, A>(
  spec: Spec<S, A>,
  claim: LivenessClaim<S, A>,
  options: CheckOptions = {},
): Promise<LivenessRun<S, A>> {
  return analyse(spec, claim, await buildGraphAsync(spec, claim.fairness, options));
}

function analyse<S, A>(spec: Spec<S, A>, claim: LivenessClaim<S, A>, g: LivenessGraph<S>): LivenessRun<S, A> {
  const { stuck, just } = stuckStates(g, claim);
  const sets: FairStuckSet[] = [];
  const justiceOf: Justice[] = just.map((perSubject) => perSubject.map((arr) => (v: number) => arr[v] === 1));
  stuck.forEach((ids, i) => {
    for (const states of fairSets(g as LivenessGraph<unknown>, Int32Array.from(ids), justiceOf[i]))
      sets.push({ subject: i, states });
  });
  const complete = g.limit === undefined;
  const verdict = sets.length > 0 ? 'violated' : complete ? 'verified' : 'incomplete';
  return {
    verdict,
    claim: claim.name,
    distinct: g.count,
    transitions: g.transitions,
    depth: g.depth,
    ms: g.ms,
    limit: g.limit,
    classes: g.classes.map((c) => c.name),
    sets,
    state: (id) => g.store.load(id),
    lasso: (set) => lassoOf(spec, g, set, justiceOf[set.subject]),
  };
}

function lassoOf<S, A>(
  spec: Spec<S, A>,
  g: LivenessGraph<S>,
  set: FairStuckSet,
  justice: Justice,
): Lasso<S, A> {
  const entry = set.states[0];
  const edges = fairCycle(g as LivenessGraph<unknown>, set.states, justice);
  const prefixPath = pathTo(g.links, entry);
  const prefix = rebuildTrace(spec, g.store, prefixPath, idsTo(g.links, entry), undefined);
  const cycle = replayCycle(spec, g, prefix, edges, prefixPath);
  const taken = new Set<number>();
  const enabled = new Set<number>();
  for (const e of edges) {
    const c = g.edgeClass[g.edgeStart[e.from] + e.action];
    if (c >= 0) taken.add(c);
  }
  for (const u of edges.length > 0 ? edges.map((e) => e.from) : [entry])
    for (let k = g.enabledStart[u]; k < g.enabledStart[u + 1]; k++) enabled.add(g.enabledClass[k]);
  const names = (xs: Iterable<number>) => [...xs].sort((a, b) => a - b).map((c) => g.classes[c].name);
  return {
    prefix,
    cycle,
    path: [...prefixPath, ...edges.map((e) => e.action)],
    cycleLength: edges.length,
    taken: names(taken),
    starvedWeak: names([...enabled].filter((c) => !taken.has(c))),
  };
}

/** The cycle re-executed with `next` from the prefix's last state; every step must be the stored state. */
function replayCycle<S, A>(
  spec: Spec<S, A>,
  g: LivenessGraph<S>,
  prefix: Trace<S, A>,
  edges: readonly CycleEdge[],
  prefixPath: readonly number[],
): TraceStep<S, A>[] {
  let s = prefix.steps.length > 0 ? prefix.steps[prefix.steps.length - 1].state : prefix.initial;
  const out: TraceStep<S, A>[] = [];
  edges.forEach((e, i) => {
    const a = [...spec.actions(s)][e.action];
    if (a === undefined || !g.store.equals(e.from, s))
      throw new CheckerError(
        'E_CODEC_MISMATCH',
        `replaying the cycle after ${formatPath([...prefixPath])}: step ${i + 1} is not the stored state; the fast path (apply/codec) and the reference path (next) disagree`,
      );
    s = spec.next(s, a);
    out.push({ action: a, label: spec.label(a), state: s });
  });
  if (edges.length > 0 && !g.store.equals(edges[edges.length - 1].to, s))
    throw new CheckerError('E_CODEC_MISMATCH', 'replaying the cycle did not come back to its first state');
  return out;
}
