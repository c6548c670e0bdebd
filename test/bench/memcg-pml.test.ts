/**
 * The memcg.pml port must explore the very graph SPIN explores. The counts below are pinned because
 * SPIN 6.5.2 computed them (bench/spin/spin-run.sh 2 3 2 3: "6616 states, stored", "73497
 * transitions (= stored+matched)"; SPIN counts the initial state as a transition, hence 73,496
 * here), not because this code did. With BUG=1 SPIN reports `assertion violated
 * (freed[i]||(ref[i]==rcnt))`, and with -i its shortest trail has 2 steps.
 */
import { describe, expect, it } from 'vitest';
import { memcgPml, type PmlScope } from '../../bench/memcg-pml.js';
import { check } from '../../checker/index.js';

const SMALL: PmlScope = { ncpu: 2, npage: 3, batch: 2, limit: 3 };

describe('memcg.pml port', () => {
  it('reaches exactly the states and transitions SPIN counts at 2/3/2/3', () => {
    const r = check(memcgPml(SMALL));
    expect(r.verdict).toBe('verified');
    expect(r.stats.distinct).toBe(6_616);
    expect(r.stats.transitions).toBe(73_497 - 1);
    expect(r.vacuous).toBe(false);
    expect(r.neverFired).toEqual([]);
  });

  it('gives the same graph with the byte codec and with the JSON store', () => {
    for (const r of [
      check(memcgPml({ ...SMALL, codec: 'bytes' })),
      check(memcgPml(SMALL), { forceJsonStore: true }),
    ]) {
      expect(r.verdict).toBe('verified');
      expect(r.stats.distinct).toBe(6_616);
      expect(r.stats.transitions).toBe(73_496);
    }
  });

  it('BUG=1 (drain_stock forgets css_put) violates the refcount claim in 2 steps', () => {
    const r = check(memcgPml({ ...SMALL, bug: true }));
    expect(r.verdict).toBe('violated');
    expect(r.violation?.property).toBe('RefcountCountsHolders');
    expect(r.violation?.message).toBe('memcg 1: refcount 3, holders 2');
    expect(r.violation?.trace.steps.map((s) => s.label)).toEqual([
      'cpu0: charge(page 0, memcg 1)',
      'cpu0: charge(page 1, memcg 2)',
    ]);
  });
});
