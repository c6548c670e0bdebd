/**
 * The fair-set search (checker/liveness-scc.ts) against the definition, on random small graphs
 * (fast-check): a fair stuck cycle exists iff some non-empty set W of stuck states is strongly
 * connected by edges inside W (a single state is, by stuttering) and fair as a tour of W: every
 * weak class enabled in all of W, and every strong class enabled anywhere in W, is taken by an
 * edge inside W, and every justice condition holds somewhere in W. The naive side tries every
 * subset (at most 2^7); it shares no code with the checker. Each lasso the checker gives is then
 * checked to be such a cycle: edges of the graph inside the stuck states, back to its start, fair.
 * On graphs a limit cuts, every set found must still be fair in the whole graph, and the verdict
 * is never `verified`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Spec } from '../../checker/index.js';
import { checkLiveness, type LivenessClaim } from '../../checker/liveness.js';

interface Graph {
  readonly n: number;
  /** Per node its edges: [target, class or -1]. */
  readonly out: readonly (readonly [number, number])[][];
  readonly strong: readonly boolean[];
  readonly stuck: readonly boolean[];
  /** Justice conditions (zero to two), each a state predicate. */
  readonly justice: readonly (readonly boolean[])[];
}

const graphArb: fc.Arbitrary<Graph> = fc
  .record({
    n: fc.integer({ min: 1, max: 7 }),
    classes: fc.integer({ min: 1, max: 3 }),
    seed: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: -1, max: 2 })), { maxLength: 16 }),
    strong: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    stuck: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
    just: fc.array(fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }), { maxLength: 2 }),
  })
  .map(({ n, classes, seed, strong, stuck, just }) => {
    const out: [number, number][][] = Array.from({ length: n }, () => []);
    // Node 0 reaches every node (a chain of unfair edges), so every node is reachable.
    for (let i = 1; i < n; i++) out[i - 1].push([i, -1]);
    for (const [a, b, c] of seed) out[a % n].push([b % n, c < 0 ? -1 : c % classes]);
    return { n, out, strong, stuck: stuck.slice(0, n), justice: just.map((j) => j.slice(0, n)) };
  });

function specOf(g: Graph): Spec<number, number> {
  return {
    name: 'random-graph',
    initial: () => [0],
    actions: (s) => g.out[s].map((_, k) => k),
    next: (s, k) => g.out[s][k][0],
    label: (k) => `e${k}`,
    invariants: [],
  };
}

function claimOf(g: Graph): LivenessClaim<number, number> {
  return {
    name: 'leaves',
    subjects: ['x'],
    stuck: (s) => g.stuck[s],
    fairness: (s, k) => {
      const c = g.out[s][k][1];
      return c < 0 ? null : { name: `c${c}`, strong: g.strong[c] };
    },
    justice: g.justice.map((j, k) => ({ name: `j${k}`, holds: (s: number) => j[s] })),
  };
}

/** Is the set W (nodes, bit mask) a fair strongly connected set, by the definition? */
function fairByDefinition(g: Graph, nodes: number[]): boolean {
  const inW = (v: number) => nodes.includes(v);
  const reach = (from: number) => {
    const seen = new Set([from]);
    const q = [from];
    while (q.length) {
      for (const [v] of g.out[q.shift()!]) {
        if (!inW(v) || seen.has(v)) continue;
        seen.add(v);
        q.push(v);
      }
    }
    return seen;
  };
  if (!nodes.every((u) => nodes.every((v) => reach(u).has(v)))) return false;
  const enabledAt = (u: number) => new Set(g.out[u].filter(([, c]) => c >= 0).map(([, c]) => c));
  const taken = new Set<number>();
  for (const u of nodes) for (const [v, c] of g.out[u]) if (c >= 0 && inW(v)) taken.add(c);
  for (let c = 0; c < 3; c++) {
    if (taken.has(c)) continue;
    const at = nodes.filter((u) => enabledAt(u).has(c)).length;
    if (g.strong[c] ? at > 0 : at === nodes.length) return false;
  }
  return g.justice.every((j) => nodes.some((u) => j[u]));
}

function reachable(g: Graph): Set<number> {
  const seen = new Set([0]);
  const q = [0];
  while (q.length) {
    for (const [v] of g.out[q.shift()!]) {
      if (seen.has(v)) continue;
      seen.add(v);
      q.push(v);
    }
  }
  return seen;
}

function naiveViolated(g: Graph): boolean {
  const live = [...reachable(g)].filter((v) => g.stuck[v]);
  for (let mask = 1; mask < 1 << live.length; mask++) {
    if (
      fairByDefinition(
        g,
        live.filter((_, i) => mask & (1 << i)),
      )
    )
      return true;
  }
  return false;
}

describe('fair-set search against the definition (random graphs)', () => {
  it('finds a fair stuck cycle exactly when one exists, and each lasso is one', () => {
    fc.assert(
      fc.property(graphArb, (g) => {
        const run = checkLiveness(specOf(g), claimOf(g));
        expect(run.verdict === 'violated').toBe(naiveViolated(g));
        for (const set of run.sets) {
          expect(
            fairByDefinition(
              g,
              [...set.states].map((id) => run.state(id)),
            ),
          ).toBe(true);
          const lasso = run.lasso(set);
          const start = lasso.prefix.steps.at(-1)?.state ?? lasso.prefix.initial;
          const cycleStates = lasso.cycle.length ? lasso.cycle.map((s) => s.state) : [start];
          expect(cycleStates.at(-1)).toBe(start);
          expect(cycleStates.every((v) => g.stuck[v])).toBe(true);
          // The cycle as a set of states and edges is fair by the definition's conditions.
          const visited = lasso.cycle.length ? [start, ...cycleStates.slice(0, -1)] : [start];
          const taken = new Set<number>();
          let at = start;
          for (const st of lasso.cycle) {
            const c = g.out[at][st.action][1];
            if (c >= 0) taken.add(c);
            at = st.state;
          }
          for (let c = 0; c < 3; c++) {
            if (taken.has(c)) continue;
            const en = visited.filter((u) => g.out[u].some(([, k]) => k === c)).length;
            expect(g.strong[c] ? en : en === visited.length).toBeFalsy();
          }
          for (const j of g.justice) expect(visited.some((u) => j[u])).toBe(true);
        }
      }),
      { numRuns: 1500, seed: 1717 },
    );
  });

  it('on a graph a limit cuts: every set found is fair in the whole graph, and no verdict is verified', () => {
    const cut = fc.oneof(
      fc.record({ maxStates: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ maxDepth: fc.integer({ min: 0, max: 4 }) }),
    );
    fc.assert(
      fc.property(graphArb, cut, (g, limits) => {
        const run = checkLiveness(specOf(g), claimOf(g), limits);
        if (run.limit) expect(run.verdict).not.toBe('verified');
        for (const set of run.sets) {
          expect(
            fairByDefinition(
              g,
              [...set.states].map((id) => run.state(id)),
            ),
          ).toBe(true);
          // The lasso's cycle comes back to the state the prefix ends in, inside the stuck states.
          const lasso = run.lasso(set);
          const start = lasso.prefix.steps.at(-1)?.state ?? lasso.prefix.initial;
          expect(lasso.cycle.at(-1)?.state ?? start).toBe(start);
          expect(lasso.cycle.every((st) => g.stuck[st.state])).toBe(true);
        }
        if (!run.limit) expect(run.verdict === 'violated').toBe(naiveViolated(g));
      }),
      { numRuns: 1500, seed: 1718 },
    );
  });
});
