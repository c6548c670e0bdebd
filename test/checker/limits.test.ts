/**
 * Limits: a run stopped by maxStates, maxDepth, timeout or memory is `incomplete` with the limit
 * named, never an exception and never `verified`; bad options are misuse (E_BAD_OPTION).
 * Nothing here asserts on time.
 */
import { describe, expect, it } from 'vitest';
import { CheckerError, type CheckOptions, check, explore, type Progress } from '../../checker/index.js';
import { dieHard } from './fixtures/diehard.js';
import { peterson } from './fixtures/peterson.js';
import { twoPhase } from './fixtures/twophase.js';
import { naiveBfs } from './naive.js';

const stores: CheckOptions[] = [{}, { forceJsonStore: true }];

describe('maxStates', () => {
  it('stops with exactly the limit stored', () => {
    for (const o of stores) {
      const r = check(twoPhase(3), { ...o, maxStates: 100 });
      expect(r.verdict).toBe('incomplete');
      expect(r.limit).toEqual({ kind: 'maxStates', value: 100 });
      expect(r.stats.distinct).toBe(100);
      expect(r.vacuous).toBe(false);
    }
  });

  it('is not binding at the reachable count (288, see toys.test.ts), binding one below', () => {
    for (const o of stores) {
      expect(check(twoPhase(3), { ...o, maxStates: 288 })).toMatchObject({ verdict: 'verified' });
      expect(check(twoPhase(3), { ...o, maxStates: 287 })).toMatchObject({
        verdict: 'incomplete',
        limit: { kind: 'maxStates', value: 287 },
        stats: { distinct: 287 },
      });
    }
  });

  it('stops a violated spec before the violation is reached', () => {
    // DieHard finds big = 4 as its 14th state (naive.test.ts).
    expect(check(dieHard, { maxStates: 13 })).toMatchObject({
      verdict: 'incomplete',
      stats: { distinct: 13 },
    });
    expect(check(dieHard, { maxStates: 14 }).verdict).toBe('violated');
  });
});

describe('maxDepth', () => {
  it('gives incomplete and stores exactly the states within the bound', () => {
    for (const o of stores) {
      for (const maxDepth of [0, 1, 4, 9]) {
        const run = explore(twoPhase(3), { ...o, maxDepth });
        const r = run.result;
        expect(r.verdict).toBe('incomplete');
        expect(r.limit).toEqual({ kind: 'maxDepth', value: maxDepth });
        expect(r.stats.depth).toBe(maxDepth);
        const ref = naiveBfs(twoPhase(3), { maxDepth });
        expect(r.stats.distinct).toBe(ref.nodes.length);
        expect(r.stats.transitions).toBe(ref.transitions);
        for (let id = 0; id < r.stats.distinct; id++)
          expect(run.pathTo(id).length - 1).toBeLessThanOrEqual(maxDepth);
      }
    }
  });

  it('is not binding at the depth of the state space (10, see toys.test.ts)', () => {
    expect(check(twoPhase(3), { maxDepth: 10 })).toMatchObject({
      verdict: 'verified',
      stats: { distinct: 288 },
    });
    expect(check(twoPhase(3), { maxDepth: 11 }).verdict).toBe('verified');
  });

  it('hides a violation deeper than the bound', () => {
    // DieHard's shortest violation is 6 steps (toys.test.ts).
    expect(check(dieHard, { maxDepth: 5 })).toMatchObject({
      verdict: 'incomplete',
      limit: { kind: 'maxDepth' },
    });
    expect(check(dieHard, { maxDepth: 6 }).verdict).toBe('violated');
  });
});

describe('timeout', () => {
  it('timeoutMs 0 on a large-ish model gives incomplete with kind timeout', () => {
    // 50816 states (TwoPhase.tla, 6 RMs): far more than the explorer expands between clock reads.
    const r = check(twoPhase(6), { timeoutMs: 0 });
    expect(r.verdict).toBe('incomplete');
    expect(r.limit).toEqual({ kind: 'timeout', value: 0 });
    expect(r.stats.distinct).toBeLessThan(50816);
    expect(r.vacuous).toBe(false);
  });
});

describe('memory', () => {
  it('a tiny maxMemoryBytes gives kind memory without throwing', () => {
    for (const o of stores) {
      for (const spec of [twoPhase(3), peterson, dieHard] as Parameters<typeof check>[0][]) {
        const r = check(spec, { ...o, maxMemoryBytes: 1 });
        expect(r.verdict).toBe('incomplete');
        expect(r.limit).toEqual({ kind: 'memory', value: 1 });
        expect(r.stats.distinct).toBe(0);
        expect(r.violation).toBeUndefined();
      }
    }
  });

  it('a ceiling reached mid-run stops within it', () => {
    // The ceilings are above what the empty store already holds and far below what the full run
    // needs; the exact stopping point is the store's business, only the contract is checked.
    for (const [o, maxMemoryBytes] of [
      [{}, 200_000],
      [{ forceJsonStore: true }, 60_000],
    ] as const) {
      const r = check(twoPhase(6), { ...o, maxMemoryBytes });
      expect(r.verdict).toBe('incomplete');
      expect(r.limit).toEqual({ kind: 'memory', value: maxMemoryBytes });
      expect(r.stats.distinct).toBeGreaterThan(0);
      expect(r.stats.distinct).toBeLessThan(50816);
      expect(r.stats.storeBytes).toBeLessThanOrEqual(maxMemoryBytes);
    }
  });
});

describe('options', () => {
  it('a negative, NaN or non-number limit is E_BAD_OPTION', () => {
    const bad: CheckOptions[] = [
      { maxStates: -1 },
      { maxDepth: -1 },
      { timeoutMs: Number.NaN },
      { maxMemoryBytes: -5 },
      { maxStates: '10' as unknown as number },
    ];
    for (const o of bad) {
      let caught: unknown;
      try {
        check(peterson, o);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(CheckerError);
      expect((caught as CheckerError).code).toBe('E_BAD_OPTION');
      expect((caught as CheckerError).message).toContain(Object.keys(o)[0]);
    }
  });

  it('onProgress with progressEveryMs 0 reports, with monotone figures', () => {
    // How often is the explorer's business; only that it reports and that the figures make sense.
    const seen: Progress[] = [];
    const r = check(twoPhase(5), { onProgress: (p) => seen.push(p), progressEveryMs: 0 });
    expect(seen.length).toBeGreaterThan(0);
    seen.forEach((p, i) => {
      expect(p.queue).toBeGreaterThanOrEqual(0);
      expect(p.queue).toBeLessThanOrEqual(p.distinct);
      expect(p.distinct).toBeLessThanOrEqual(r.stats.distinct);
      expect(p.transitions).toBeLessThanOrEqual(r.stats.transitions);
      expect(p.depth).toBeLessThanOrEqual(r.stats.depth);
      if (i > 0) {
        expect(p.distinct).toBeGreaterThanOrEqual(seen[i - 1].distinct);
        expect(p.transitions).toBeGreaterThan(seen[i - 1].transitions);
      }
    });
  });
});
