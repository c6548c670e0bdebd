/**
 * Properties on random small directed graphs (up to 30 nodes, up to 4 edges each, duplicates and
 * self-loops allowed, 1-3 initial nodes, a random set of bad nodes), each a spec with numeric
 * states and successor lists as actions. The expected values come from the naive reference.
 * Every property runs on the packed store and on the JSON store.
 */
import fc from 'fast-check';
import { assert, describe, expect, it } from 'vitest';
import { type CheckOptions, check, explore, replayPath } from '../../checker/index.js';
import { storeIndependent } from './compare.js';
import { graphSpec } from './fixtures/graph.js';
import { graphArb } from './fixtures/graph-arb.js';
import { naiveBfs, naivePath, nearest } from './naive.js';

const stores: readonly [string, CheckOptions][] = [
  ['packed store', {}],
  ['JSON store', { forceJsonStore: true }],
];

describe.each(stores)('random graphs, %s', (_name, store) => {
  it('without bad nodes: verified, with the reference reachable set, transitions and depth', () => {
    fc.assert(
      fc.property(graphArb(0), (g) => {
        const spec = graphSpec(g);
        const ref = naiveBfs(spec);
        const r = check(spec, store);
        expect(r.verdict).toBe('verified');
        expect(r.stats.distinct).toBe(ref.nodes.length);
        expect(r.stats.transitions).toBe(ref.transitions);
        expect(r.stats.depth).toBe(ref.depth);
        expect(r.stats.fired).toEqual(ref.transitions > 0 ? { edge: ref.transitions } : {});
      }),
    );
  });

  it('with bad nodes: violated iff one is reachable, by a shortest trace that replays', () => {
    fc.assert(
      fc.property(graphArb(4), (g) => {
        const spec = graphSpec(g);
        const isBad = (s: number) => g.bad.includes(s);
        const full = naiveBfs(spec);
        const distance = nearest(full, isBad);
        const r = check(spec, store);
        if (distance === undefined) {
          expect(r.verdict).toBe('verified');
          expect(r.stats.distinct).toBe(full.nodes.length);
          return;
        }
        assert(r.verdict === 'violated', r.verdict);
        const trace = r.violation.trace;
        expect(r.violation.property).toBe('NotBad');
        // It replays to the same states, ends in a bad state, and no violating path is shorter.
        const again = replayPath(spec, trace.path);
        expect(again.initial).toBe(trace.initial);
        expect(again.steps.map((s) => s.state)).toEqual(trace.steps.map((s) => s.state));
        expect(isBad(trace.steps.at(-1)?.state ?? trace.initial)).toBe(true);
        expect(trace.steps.length).toBe(distance);
        // And it is the first violating state in BFS discovery order, found after as many states.
        const stop = naiveBfs(spec, { stopAt: isBad });
        expect(trace.path).toEqual(naivePath(stop, stop.stoppedAt!));
        expect(r.stats.distinct).toBe(stop.nodes.length);
        expect(r.stats.transitions).toBe(stop.transitions);
      }),
    );
  });

  it('a witness is reached iff its node is reachable, at the reference distance', () => {
    fc.assert(
      fc.property(
        graphArb(0).chain((g) => fc.tuple(fc.constant(g), fc.nat({ max: g.succ.length - 1 }))),
        (g_goal) => {
          const [g, goal] = g_goal;
          const spec = {
            ...graphSpec(g),
            witnesses: [{ type: 'sometimes' as const, name: 'goal', holds: (s: number) => s === goal }],
          };
          const distance = nearest(naiveBfs(spec), (s) => s === goal);
          const run = explore(spec, store);
          const w = run.result.witnesses[0];
          expect(w.reached).toBe(distance !== undefined);
          expect(run.result.vacuous).toBe(distance === undefined);
          if (distance !== undefined) {
            expect(w.depth).toBe(distance);
            const t = run.witnessTrace('goal')!;
            expect(t.steps.length).toBe(distance);
            expect(t.steps.at(-1)?.state ?? t.initial).toBe(goal);
          }
        },
      ),
    );
  });

  it('maxDepth stores exactly the states within the bound', () => {
    fc.assert(
      fc.property(graphArb(0), fc.nat({ max: 8 }), (g, maxDepth) => {
        const spec = graphSpec(g);
        const ref = naiveBfs(spec, { maxDepth });
        const run = explore(spec, { ...store, maxDepth });
        const r = run.result;
        expect(r.stats.distinct).toBe(ref.nodes.length);
        expect(r.stats.transitions).toBe(ref.transitions);
        expect(r.verdict).toBe(ref.cutByDepth ? 'incomplete' : 'verified');
        if (ref.cutByDepth) expect(r.limit).toEqual({ kind: 'maxDepth', value: maxDepth });
        for (let id = 0; id < r.stats.distinct; id++)
          expect(run.pathTo(id).length - 1).toBeLessThanOrEqual(maxDepth);
      }),
    );
  });

  it('maxStates stores min(limit, reachable) and is incomplete iff it binds', () => {
    fc.assert(
      fc.property(graphArb(0), fc.nat({ max: 32 }), (g, maxStates) => {
        const spec = graphSpec(g);
        const reachable = naiveBfs(spec).nodes.length;
        const r = check(spec, { ...store, maxStates });
        expect(r.stats.distinct).toBe(Math.min(maxStates, reachable));
        expect(r.verdict).toBe(maxStates < reachable ? 'incomplete' : 'verified');
        if (maxStates < reachable) expect(r.limit).toEqual({ kind: 'maxStates', value: maxStates });
      }),
    );
  });
});

describe('random graphs, both stores', () => {
  it('give the same result apart from timing and store figures', () => {
    fc.assert(
      fc.property(graphArb(4), (g) => {
        const spec = graphSpec(g);
        const packed = check(spec);
        const json = check(spec, { forceJsonStore: true });
        expect([packed.stats.store, json.stats.store]).toEqual(['packed', 'json']);
        expect(storeIndependent(packed)).toEqual(storeIndependent(json));
        expect(storeIndependent(check(graphSpec(g, false)))).toEqual(storeIndependent(json));
      }),
    );
  });
});
