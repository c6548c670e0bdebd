/**
 * Symmetry reduction (`spec.canonical`): the RMs of TwoPhase are interchangeable, so sorting them
 * is an exact canonical form. The reduced count is checked against the reference run on the same
 * model with every state canonicalised.
 */
import { describe, expect, it } from 'vitest';
import { check, explore, replayPath, type Spec } from '../../checker/index.js';
import { storeIndependent } from './compare.js';
import { sortRms, type TPAction, type TPState, twoPhase } from './fixtures/twophase.js';
import { naiveBfs } from './naive.js';

function symmetric(rmCount: number): Spec<TPState, TPAction> {
  return { ...twoPhase(rmCount), canonical: sortRms };
}

describe('symmetry reduction', () => {
  it('TwoPhase with sorted RMs: the reference count of canonical states, same verdict', () => {
    for (const n of [3, 4]) {
      const spec = symmetric(n);
      const ref = naiveBfs({
        initial: () => spec.initial().map(sortRms),
        actions: (s) => spec.actions(s),
        next: (s, a) => sortRms(spec.next(s, a)),
      });
      const r = check(spec);
      expect(r.verdict).toBe('verified');
      expect(r.stats.distinct).toBe(ref.nodes.length);
      expect(r.stats.transitions).toBe(ref.transitions);
      expect(r.stats.depth).toBe(ref.depth);
      expect(r.stats.distinct).toBeLessThan(check(twoPhase(n)).stats.distinct);
      expect(r.witnesses.map((w) => [w.reached, w.depth])).toEqual([
        [true, 3 * n + 1],
        [true, n],
      ]);
      expect(storeIndependent(check(spec, { forceJsonStore: true }))).toEqual(storeIndependent(r));
    }
  });

  it('noSymmetry ignores canonical: 288 states (TwoPhase.cfg)', () => {
    expect(check(symmetric(3), { noSymmetry: true }).stats.distinct).toBe(288);
  });

  it('a trace found under symmetry is concrete: its path replays without symmetry', () => {
    const spec = symmetric(3);
    const t = explore(spec).witnessTrace('commit agreement')!;
    expect(t.steps.length).toBe(10);
    const plain = { ...spec, canonical: undefined };
    expect(replayPath(plain, t.path).steps.map((s) => s.state)).toEqual(t.steps.map((s) => s.state));
    // Every step's state is a successor of the previous one in the unreduced spec.
    let s = t.initial;
    for (const step of t.steps) {
      expect([...spec.actions(s)].map((a) => spec.next(s, a))).toContainEqual(step.state);
      s = step.state;
    }
  });
});
