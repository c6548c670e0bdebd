/**
 * The stock->work item drain_all_stock queues on a remote CPU (spec §2.2 rows drain_local_stock
 * and drain_stock; §2.3 row drain_stock): drain_stock, then FLUSHING_CACHED_CHARGE cleared.
 */
import { describe, expect, it } from 'vitest';
import {
  A,
  at,
  B,
  BOTH,
  copy,
  expectDisabled,
  expectEnabled,
  fire,
  IDLE,
  PROG,
  ptr,
  ROOT,
  world,
} from './helpers.js';

const WORK = (cpu: number) => ({ kind: 'drain_local_stock (work)', arg: cpu });

describe('drain_local_stock (work)', () => {
  it.each([
    ['old', 4],
    ['new', 3],
  ] as const)('%s: drain_stock (PC -2, css_put), FLUSHING cleared, work done', (d, ref) => {
    const { machine, s } = world(d);
    s.stock[1] = { cached: ptr(A), nr: 2, flushing: 1, work: 1 };
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    s.memcg[A].ref = ref;
    const after = fire(machine, s, WORK(1));
    const want = copy(s);
    want.stock[1] = { cached: 0, nr: 0, flushing: 0, work: 0 };
    want.memcg[A].usage = want.memcg[ROOT].usage = 0;
    want.memcg[A].ref = 2;
    expect(after).toEqual(want);
  });

  it.each([
    ['old', 2, 2],
    ['new', 3, 2],
  ] as const)(
    '%s: an emptied stock: OLD clears the pointer only, NEW also drops its ref',
    (d, ref, refAfter) => {
      const { machine, s } = world(d);
      s.stock[0] = { cached: ptr(A), nr: 0, flushing: 1, work: 1 };
      s.memcg[A].ref = ref;
      const after = fire(machine, s, WORK(0));
      const want = copy(s);
      want.stock[0] = { cached: 0, nr: 0, flushing: 0, work: 0 };
      want.memcg[A].ref = refAfter;
      expect(after).toEqual(want);
    },
  );

  it.each(BOTH)('%s: a NULL stock: drain_stock returns, the flags are cleared', (d) => {
    const { machine, s } = world(d);
    s.stock[1] = { cached: 0, nr: 0, flushing: 1, work: 1 };
    const after = fire(machine, s, WORK(1));
    const want = copy(s);
    want.stock[1] = { cached: 0, nr: 0, flushing: 0, work: 0 };
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: guard: work queued, and its CPU not inside drain_all_stock', (d) => {
    const { machine, s } = world(d);
    s.stock[1] = { cached: ptr(A), nr: 1, flushing: 1, work: 0 };
    expectDisabled(machine, s, WORK(1));
    s.stock[1].work = 1;
    expectEnabled(machine, s, WORK(1));
    expectDisabled(machine, s, WORK(0));
    at(s, 1, PROG.drainAll, 1, { memcg: ptr(B), rcu: 1 });
    s.mutex = 2;
    expectDisabled(machine, s, WORK(1));
    s.mutex = 1;
    s.cpu[1] = { ...IDLE };
    at(s, 0, PROG.drainAll, 1, { memcg: ptr(B), rcu: 1 });
    expectEnabled(machine, s, WORK(1));
  });
});
