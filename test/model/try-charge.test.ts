/**
 * try_charge in each of its branches (spec §2.2 rows try_charge, consume_stock, refill_stock,
 * drain_stock; §2.3 rows try_charge, refill_stock, drain_stock): a stock hit, a batch charge with
 * refill_stock (keeping or switching the cached memcg), root's early return, and a THP.
 */
import { describe, expect, it } from 'vitest';
import {
  A,
  A1,
  at,
  B,
  BOTH,
  copy,
  expectDisabled,
  expectEnabled,
  fire,
  H0,
  IDLE,
  P0,
  PROG,
  ptr,
  ROOT,
  scope,
  world,
} from './helpers.js';

/** try_charge on cpu0 with its refill (if any) on cpu0 itself: arg -1 (the task did not migrate). */
const TRY = { kind: 'try_charge', cpu: 0, arg: -1 };

/** cpu0 inside mem_cgroup_charge(page, memcg) at try_charge, holding the lookup ref. */
function atTry(d: 'old' | 'new', page: number, m: number, config = scope('ci')) {
  const w = world(d, config);
  at(w.s, 0, PROG.charge, 1, { memcg: ptr(m), page: page + 1, tmp: 1 });
  if (m !== ROOT) w.s.memcg[m].ref += 1;
  return w;
}

describe('try_charge', () => {
  it('guard: only at step 1 of the charge path', () => {
    const { machine, s } = atTry('new', P0, A);
    expectEnabled(machine, s, TRY);
    expectDisabled(machine, s, { ...TRY, cpu: 1 });
    s.cpu[0].pc = 2;
    expectDisabled(machine, s, TRY);
    s.cpu[0] = { ...IDLE };
    expectDisabled(machine, s, TRY);
  });

  it.each([
    ['old', 5],
    ['new', 4],
  ] as const)('%s: consume_stock hit takes a page from the stock, no ref or counter moves', (d, ref) => {
    const { machine, s } = atTry(d, P0, A);
    s.stock[0] = { cached: ptr(A), nr: 2, flushing: 0, work: 0 };
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    s.memcg[A].ref = ref; // OLD: +2 stock pages; NEW: +1 stock pointer
    const after = fire(machine, s, TRY);
    const want = copy(s);
    want.stock[0].nr = 1;
    want.cpu[0].nr = 1;
    want.cpu[0].pc = 2;
    expect(after).toEqual(want);
  });

  it.each([
    ['old', 5],
    ['new', 4],
  ] as const)('%s: batch charge into an empty stock: PC += batch, refill_stock(batch - 1)', (d, ref) => {
    const { machine, s } = atTry(d, P0, A); // A.ref 3
    const after = fire(machine, s, TRY);
    const want = copy(s);
    want.memcg[A].usage = 2;
    want.memcg[ROOT].usage = 2;
    want.memcg[A].ref = ref; // OLD: css_get_many(batch = 2); NEW: refill_stock's css_get
    want.stock[0] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    want.cpu[0].nr = 1;
    want.cpu[0].pc = 2;
    expect(after).toEqual(want);
  });

  it.each([
    ['old', 3, 5],
    ['new', 4, 4],
  ] as const)('%s: stock already caches memcg with 0 pages: refill without a switch', (d, ref, refAfter) => {
    const { machine, s } = atTry(d, P0, A);
    s.stock[0] = { cached: ptr(A), nr: 0, flushing: 0, work: 0 };
    s.memcg[A].ref = ref; // NEW: the empty stock still holds its pointer's ref
    const after = fire(machine, s, TRY);
    const want = copy(s);
    want.memcg[A].usage = want.memcg[ROOT].usage = 2;
    want.memcg[A].ref = refAfter;
    want.stock[0].nr = 1;
    want.cpu[0].nr = 1;
    want.cpu[0].pc = 2;
    expect(after).toEqual(want);
  });

  it.each([
    ['old', 5],
    ['new', 4],
  ] as const)('%s: refill switching memcg drains the old one (B: PC -1, css_put)', (d, refA) => {
    const { machine, s } = atTry(d, P0, A);
    s.stock[0] = { cached: ptr(B), nr: 1, flushing: 0, work: 0 };
    s.memcg[B].usage = s.memcg[ROOT].usage = 1;
    s.memcg[B].ref = 3; // OLD: one stock page; NEW: the stock pointer
    const after = fire(machine, s, TRY);
    const want = copy(s);
    want.memcg[B].usage = 0;
    want.memcg[B].ref = 2;
    want.memcg[A].usage = 2;
    want.memcg[ROOT].usage = 2; // 1 - 1 + 2
    want.memcg[A].ref = refA;
    want.stock[0] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    want.cpu[0].nr = 1;
    want.cpu[0].pc = 2;
    expect(after).toEqual(want);
  });

  it.each([
    ['old', 2, 2],
    ['new', 3, 2],
  ] as const)('%s: switching from an emptied stock (cached B, 0 pages)', (d, refB, refBAfter) => {
    const { machine, s } = atTry(d, P0, A);
    s.stock[0] = { cached: ptr(B), nr: 0, flushing: 0, work: 0 };
    s.memcg[B].ref = refB; // OLD: the pointer holds no ref; NEW: it holds one
    const after = fire(machine, s, TRY);
    const want = copy(s);
    want.memcg[B].ref = refBAfter;
    want.memcg[A].usage = want.memcg[ROOT].usage = 2;
    want.memcg[A].ref = d === 'old' ? 5 : 4;
    want.stock[0] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    want.cpu[0].nr = 1;
    want.cpu[0].pc = 2;
    expect(after).toEqual(want);
  });

  it('old: switching away from a stale pointer to a freed memcg (0 pages) never touches it', () => {
    const { machine, s } = atTry('old', P0, A);
    s.stock[0] = { cached: ptr(B), nr: 0, flushing: 0, work: 0 };
    Object.assign(s.memcg[B], { killed: 1, offline: 1, released: 1, freed: 1, ref: 0, id: 0 });
    const after = fire(machine, s, TRY);
    const want = copy(s);
    want.memcg[A].usage = want.memcg[ROOT].usage = 2;
    want.memcg[A].ref = 5;
    want.stock[0] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    want.cpu[0].nr = 1;
    want.cpu[0].pc = 2;
    expect(after).toEqual(want); // oops stays 0: drain_stock reads nothing of B when nr_pages is 0
  });

  it.each(BOTH)('%s: root returns early: nothing but the pc moves, even with a stock', (d) => {
    const { machine, s } = atTry(d, P0, ROOT);
    s.stock[0] = { cached: ptr(A), nr: 2, flushing: 0, work: 0 };
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    s.memcg[A].ref = d === 'old' ? 4 : 3;
    const after = fire(machine, s, TRY);
    const want = copy(s);
    want.cpu[0].pc = 2;
    expect(after).toEqual(want);
  });

  it.each([
    ['old', 5],
    ['new', 3],
  ] as const)('%s: THP nr=2: batch = nr, no refill, stock untouched', (d, ref) => {
    const { machine, s } = atTry(d, H0, A);
    const after = fire(machine, s, TRY);
    const want = copy(s);
    want.memcg[A].usage = want.memcg[ROOT].usage = 2;
    want.memcg[A].ref = ref; // OLD: css_get_many(2); NEW: none
    want.cpu[0].nr = 2;
    want.cpu[0].pc = 2;
    expect(after).toEqual(want);
  });

  it.each([
    ['old', 5],
    ['new', 4],
  ] as const)('%s: THP from a full stock: nr_pages 0 but cached stays', (d, ref) => {
    const { machine, s } = atTry(d, H0, A);
    s.stock[0] = { cached: ptr(A), nr: 2, flushing: 0, work: 0 };
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    s.memcg[A].ref = ref;
    const after = fire(machine, s, TRY);
    const want = copy(s);
    want.stock[0].nr = 0;
    want.cpu[0].nr = 2;
    want.cpu[0].pc = 2;
    expect(after).toEqual(want);
  });

  it.each([
    ['old', 5],
    ['new', 4],
  ] as const)('%s: hierarchy: charging A1 charges A1, A and root', (d, ref) => {
    const { machine, s } = atTry(d, P0, A1, scope('large')); // A1.ref 3, A.ref 3 (child pin)
    const after = fire(machine, s, TRY);
    const want = copy(s);
    want.memcg[A1].usage = want.memcg[A].usage = want.memcg[ROOT].usage = 2;
    want.memcg[A1].ref = ref; // OLD: css_get_many(2); NEW: refill_stock's css_get
    want.stock[0] = { cached: ptr(A1), nr: 1, flushing: 0, work: 0 };
    want.cpu[0].nr = 1;
    want.cpu[0].pc = 2;
    expect(after).toEqual(want);
  });
});

/**
 * The task may migrate between try_charge's page-counter charge and refill_stock (preemption is on
 * in between): the refill then uses the stock of the CPU it runs on. Expected values by hand from
 * spec §2.2 (refill_stock, drain_stock) and §2.3 (NEW: refill_stock's css_get, drain_stock's single put).
 */
describe('try_charge with a migrated refill', () => {
  const MIGRATED = { kind: 'try_charge', cpu: 0, arg: 1 };

  it('guard: offered only when a refill follows, and not onto a CPU inside drain_all_stock', () => {
    const { machine, s } = atTry('new', P0, A);
    expectEnabled(machine, s, MIGRATED); // stock of cpu0 empty: batch charge, refill of 1 page
    s.mutex = 2; // cpu1 inside drain_all_stock with preemption off
    expectDisabled(machine, s, MIGRATED);
    s.mutex = 0;
    s.stock[0] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 }; // consume_stock hits: no refill
    expectDisabled(machine, s, MIGRATED);
    const root = atTry('new', P0, ROOT);
    expectDisabled(root.machine, root.s, MIGRATED); // root returns before any stock
  });

  it.each([
    ['old', 3, 5],
    ['new', 3, 4],
  ] as const)('%s: the refill lands in cpu1’s stock; cpu0’s stays as it was', (d, ref, refAfter) => {
    const { machine, s } = atTry(d, P0, A);
    s.memcg[A].ref = ref;
    const after = fire(machine, s, MIGRATED);
    const want = copy(s);
    want.memcg[A].usage = want.memcg[ROOT].usage = 2;
    want.memcg[A].ref = refAfter; // OLD: css_get_many(2); NEW: refill_stock's css_get for cpu1's pointer
    want.stock[1] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    want.cpu[0].nr = 1;
    want.cpu[0].pc = 2;
    expect(after).toEqual(want);
  });

  it.each([
    // OLD: A holds base + id + lookup + 2 stock pages = 5; +2 (batch) then the overflow drain puts 3.
    ['old', 5, 4],
    // NEW: base + id + lookup + cpu1's stock pointer = 4; no get (same memcg), the drain puts 1.
    ['new', 4, 3],
  ] as const)(
    '%s: overflow: cpu1’s stock goes over MEMCG_CHARGE_BATCH and is drained',
    (d, ref, refAfter) => {
      const { machine, s } = atTry(d, P0, A);
      s.stock[1] = { cached: ptr(A), nr: 2, flushing: 0, work: 0 };
      s.memcg[A].usage = s.memcg[ROOT].usage = 2;
      s.memcg[A].ref = ref;
      const after = fire(machine, s, MIGRATED);
      const want = copy(s);
      // +2 charged by try_charge, then drain_stock uncharges the 3 stocked pages: 2 + 2 - 3 = 1.
      want.memcg[A].usage = want.memcg[ROOT].usage = 1;
      want.memcg[A].ref = refAfter;
      want.stock[1] = { cached: 0, nr: 0, flushing: 0, work: 0 };
      want.cpu[0].nr = 1;
      want.cpu[0].pc = 2;
      expect(after).toEqual(want);
    },
  );
});
