/**
 * The reference explorer checked against hand counts, so that pinning the checker against it is
 * worth something. Each figure's derivation is in the comment above it.
 */
import { describe, expect, it } from 'vitest';
import { brokenMutex } from './fixtures/broken-mutex.js';
import { dieHard } from './fixtures/diehard.js';
import { graphSpec } from './fixtures/graph.js';
import { peterson } from './fixtures/peterson.js';
import { type CounterState, racyCounter } from './fixtures/racy-counter.js';
import { naiveBfs, naivePath, nearest, stableKey } from './naive.js';

const bothCritical = (s: { pc: readonly string[] }) => s.pc[0] === 'critical' && s.pc[1] === 'critical';

describe('naive reference explorer', () => {
  it('keys states by value, not by key order', () => {
    expect(stableKey({ b: 1, a: [true, { d: null, c: 'x' }] })).toBe(
      stableKey({ a: [true, { c: 'x', d: null }], b: 1 }),
    );
    expect(stableKey({ a: 1 })).not.toBe(stableKey({ a: '1' }));
  });

  it('walks a chain with a back edge: n states, depth n-1', () => {
    // 0 -> 1 -> 2 -> 3 -> 4 -> 0: five states, five transitions, the farthest is 4 steps away.
    const r = naiveBfs(graphSpec({ succ: [[1], [2], [3], [4], [0]], initial: [0], bad: [] }));
    expect([r.nodes.length, r.transitions, r.depth]).toEqual([5, 5, 4]);
    expect(naivePath(r, 4)).toEqual([0, 0, 0, 0, 0]);
    expect(
      naiveBfs(graphSpec({ succ: [[1], [2], [3], [4], [0]], initial: [0], bad: [] }), { maxDepth: 2 }),
    ).toMatchObject({ depth: 2, cutByDepth: true, transitions: 3 });
  });

  it('DieHard: 16 states, 96 transitions; big = 4 first found at depth 6', () => {
    // By hand: after any step one jug is empty or full, so the states are the pairs with
    // small in {0,3} or big in {0,5}: 2*6 + 2*2 = 16, and all are reachable. All 6 actions are
    // enabled everywhere: 16 * 6 = 96 transitions.
    const full = naiveBfs(dieHard);
    expect([full.nodes.length, full.transitions]).toEqual([16, 96]);
    expect(nearest(full, (s) => s.big === 4)).toBe(6);
    // By hand, BFS levels: {00} {30 05} {35 03 32} {33 02} {15 20} {10 25}, then (1,0) adds (0,1)
    // and (2,5)'s sixth action BigToSmall reaches (3,4): 14 states; 12 states expanded * 6 = 72.
    const stop = naiveBfs(dieHard, { stopAt: (s) => s.big === 4 });
    expect([stop.nodes.length, stop.transitions]).toEqual([14, 72]);
    // FillBig, BigToSmall, EmptySmall, BigToSmall, FillBig, BigToSmall (the film's solution).
    expect(naivePath(stop, stop.stoppedAt!)).toEqual([0, 1, 5, 2, 5, 1, 5]);
  });

  it('Peterson: 20 states, 34 transitions', () => {
    // By hand, over (pc0, pc1, turn), 4*4*2 = 32 combinations (flag[i] is implied by pc[i]):
    // process i can be past giveTurn with turn = 1-i only if the other one has not given the turn
    // since, and it cannot get past `waiting` then, so the unreachable ones are both critical (2),
    // critical beside a waiting/flagged/idle other with the turn against it (6: ci0 cf0 cw1 and
    // mirrors), and waiting beside an idle/flagged other with turn against it (4: wi0 wf0 and
    // mirrors): 32 - 12 = 20. Each process has one enabled action except when blocked at `waiting`
    // (other flagged or later, turn against it): p0 in wf1 ww1 wc1, p1 in fw0 ww0 cw0; 40 - 6 = 34.
    const r = naiveBfs(peterson);
    expect([r.nodes.length, r.transitions]).toEqual([20, 34]);
    expect(r.nodes.some((n) => bothCritical(n.state))).toBe(false);
  });

  it('broken mutex: 13 states; both critical first found at depth 4 after 9 states', () => {
    // By hand (i idle, c checked, k critical; +/- the flag): 9 states where the flag says "someone
    // is critical" (ii- ci- ic- cc- ki+ ik+ kc+ ck+ kk+), plus 4 reached when one process exits
    // while the other is still critical, which clears the flag: ik- ki- ck- kc-.
    const full = naiveBfs(brokenMutex);
    expect(full.nodes.length).toBe(13);
    // By hand, BFS levels {ii-} {ci- ic-} {ki+ cc- ik+} {kc+ ck+}, then kc+'s second action (p1 set)
    // gives kk+:
    // 9 states; transitions 2 + (2+2) + (1+2+1) + 2 = 12.
    const stop = naiveBfs(brokenMutex, { stopAt: bothCritical });
    expect([stop.nodes.length, stop.transitions, stop.nodes[stop.stoppedAt!].depth]).toEqual([9, 12, 4]);
    expect(naivePath(stop, stop.stoppedAt!)).toEqual([0, 0, 1, 0, 1]);
  });

  it('racy counter: 13 states, 14 transitions; lost update first found at depth 4', () => {
    // By hand, per (pc0, pc1): ss rs sr ds sd rr: 1 each; dr and rd: 2 each (the other read before
    // or after the write); dd: x = 2 (two orders) or x = 1 (lost update): 3. 6 + 4 + 3 = 13.
    // Enabled actions: 2 in ss rs sr rr, 1 in ds sd and the four dr/rd states: 8 + 2 + 4 = 14.
    const full = naiveBfs(racyCounter);
    expect([full.nodes.length, full.transitions, full.depth]).toEqual([13, 14, 4]);
    const lost = (s: CounterState) => s.pc[0] === 'done' && s.pc[1] === 'done' && s.x !== 2;
    const stop = naiveBfs(racyCounter, { stopAt: lost });
    // Levels {ss} {rs sr} {ds rr sd} {dr(tmp 0,1) dr(tmp 0,0) ...}: the second level-3 state's only
    // action gives x = 1: 1+2+3+4+2 = 12 states; transitions 2 + 4 + 4 + 1 + 1 = 12.
    expect([stop.nodes.length, stop.transitions]).toEqual([12, 12]);
    expect(naivePath(stop, stop.stoppedAt!)).toEqual([0, 0, 1, 0, 0]);
  });
});
