/**
 * A lasso through a fair set (checker/liveness-scc.ts): the prefix is the breadth-first path to
 * the set's first state (its smallest id, so at least as shallow as any other), the cycle a walk
 * inside the set from that state back to it that is itself fair. The walk is built greedily from
 * what the cycle so far requires, each leg a breadth-first search inside the set to the nearest
 * state that meets a requirement left:
 *
 * - an edge of every strong class enabled in some state of the cycle so far, and of every weak
 *   class enabled in all of them (a fair set has such an edge inside it, or, for a weak class, a
 *   state that disables it);
 * - or a state that disables such a weak class;
 * - a state where each justice condition holds.
 *
 * An empty cycle is the stuttering step: the run stays in the entry state forever, which is fair
 * when the entry enables no fair class and meets every justice condition.
 */
import type { LivenessGraph } from './liveness-graph.js';
import type { Justice } from './liveness-scc.js';

export interface CycleEdge {
  readonly from: number;
  /** The action's index among the enabled actions of `from`. */
  readonly action: number;
  readonly to: number;
}

/** The cycle of a lasso through `set` from its first state, as edges (empty: stuttering). */
export function fairCycle(g: LivenessGraph<unknown>, set: Int32Array, justice: Justice): CycleEdge[] {
  const inSet = new Set<number>(set);
  const entry = set[0];
  const nc = g.classes.length;
  const taken = new Uint8Array(nc);
  /** Strong classes enabled on the cycle so far; weak classes enabled in every state of it so far. */
  const strongSeen = new Uint8Array(nc);
  let weakAll: Set<number> | undefined;
  const met = new Set<number>();
  const enabledAt = (u: number) => g.enabledClass.subarray(g.enabledStart[u], g.enabledStart[u + 1]);
  const visit = (u: number) => {
    const en = enabledAt(u);
    for (const c of en) if (g.classes[c].strong) strongSeen[c] = 1;
    const weakHere = new Set([...en].filter((c) => !g.classes[c].strong));
    weakAll = weakAll ? new Set([...weakAll].filter((c) => weakHere.has(c))) : weakHere;
    justice.forEach((holds, j) => {
      if (holds(u)) met.add(j);
    });
  };
  const pendingClass = (c: number) => !taken[c] && (strongSeen[c] === 1 || weakAll!.has(c));
  const pending = () => {
    for (let c = 0; c < nc; c++) if (pendingClass(c)) return true;
    return met.size < justice.length;
  };
  /** The first edge out of u inside the set with a pending class, or -1. */
  const neededEdge = (u: number) => {
    for (let k = g.edgeStart[u]; k < g.edgeStart[u + 1]; k++) {
      const c = g.edgeClass[k];
      if (c >= 0 && pendingClass(c) && inSet.has(g.edgeTo[k])) return k;
    }
    return -1;
  };
  /** u would meet a requirement by being visited: it disables a pending weak class, or a justice condition left holds there. */
  const stateMeets = (u: number) => {
    const en = new Set(enabledAt(u));
    for (const c of weakAll!) if (!taken[c] && !en.has(c)) return true;
    return justice.some((holds, j) => !met.has(j) && holds(u));
  };
  const cycle: CycleEdge[] = [];
  const take = (k: number, u: number) => {
    const to = g.edgeTo[k];
    cycle.push({ from: u, action: k - g.edgeStart[u], to });
    if (g.edgeClass[k] >= 0) taken[g.edgeClass[k]] = 1;
    visit(to);
    return to;
  };
  /** Walks the shortest path inside the set from `from` to the first state `goal` accepts. */
  const walk = (from: number, goal: (u: number) => boolean): number => {
    const prev = new Map<number, number>([[from, -1]]);
    const queue = [from];
    for (let qi = 0; qi < queue.length; qi++) {
      const u = queue[qi];
      if (goal(u)) {
        const ks: number[] = [];
        for (let v = u; prev.get(v)! >= 0; v = sourceOf(g, prev.get(v)!)) ks.push(prev.get(v)!);
        let cur = from;
        for (const k of ks.reverse()) cur = take(k, cur);
        return cur;
      }
      for (let k = g.edgeStart[u]; k < g.edgeStart[u + 1]; k++) {
        const v = g.edgeTo[k];
        if (!inSet.has(v) || prev.has(v)) continue;
        prev.set(v, k);
        queue.push(v);
      }
    }
    throw new Error('liveness: a fair set is not strongly connected (a checker bug)');
  };
  visit(entry);
  let cur = entry;
  // Each leg takes a pending class or meets a requirement; the legs back to the entry may show
  // new strong classes, so the loop runs until a return to the entry leaves nothing pending.
  while (pending()) {
    cur = walk(cur, (u) => neededEdge(u) >= 0 || stateMeets(u));
    const k = neededEdge(cur);
    if (k >= 0) cur = take(k, cur);
    if (!pending() && cur !== entry) cur = walk(cur, (u) => u === entry);
  }
  // The loop ends only right after a walk back to the entry (or at the entry itself).
  if (cur !== entry) throw new Error('liveness: the cycle does not close (a checker bug)');
  return cycle;
}

/** The source state of edge k (a binary search over edgeStart). */
function sourceOf(g: LivenessGraph<unknown>, k: number): number {
  let lo = 0;
  let hi = g.expanded - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (g.edgeStart[mid] <= k) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
