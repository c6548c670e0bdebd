/** The toy benchmark spec and the naive explorer must both reach the closed-form counts. */
import { describe, expect, it } from 'vitest';
import { naiveBfs } from '../../bench/naive.js';
import { toyCounters, toyExpected } from '../../bench/toy-counters.js';
import { check } from '../../checker/index.js';

describe('toy-counters', () => {
  it('closed form: 3 counters of 3 values give 27 states, 108 transitions, depth 6', () => {
    expect(toyExpected({ n: 3, k: 3 })).toEqual({ distinct: 27, transitions: 108, depth: 6 });
  });

  it.each([
    { n: 3, k: 3 },
    { n: 5, k: 4 },
    { n: 7, k: 2 },
  ])('the checker and the naive explorer reach the closed form at n=$n k=$k', (scope) => {
    const want = toyExpected(scope);
    const r = check(toyCounters(scope));
    expect(r.verdict).toBe('verified');
    expect({ distinct: r.stats.distinct, transitions: r.stats.transitions, depth: r.stats.depth }).toEqual(
      want,
    );
    const naive = naiveBfs(toyCounters(scope));
    expect({ distinct: naive.distinct, transitions: naive.transitions, depth: naive.depth }).toEqual(want);
  });
});
