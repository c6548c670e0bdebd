/**
 * try_charge in each of its outcomes (spec §2.2 rows try_charge, consume_stock, refill_stock,
 * drain_stock; §2.3 rows try_charge, refill_stock, drain_stock). Since issue #11 the step's
 * argument is the outcome (model/paths/try-charge.ts, `TC`): a consume_stock hit on this or
 * another CPU's stock, a batch charge with refill_stock on this or another CPU's stock (keeping or
 * switching the cached memcg), nr_pages charged without a refill, reclaim (which jumps to
 * drain_all_stock(mem_over_limit)), and root's early return; then try_charge's retry after that drain.
 *
 * Long because every outcome gets its hand-built state and its expected state written out, in both
 * designs, and reading them side by side is the point.
 */
import { describe, expect, it } from 'vitest';
import { TC } from '../../model/paths/try-charge.js';
import {
  A,
  A1,
  argsOf,
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
  pc,
  ptr,
  ROOT,
  scope,
  world,
} from './helpers.js';

const COMMIT_PC = pc(PROG.charge, 'commit_charge');

/** try_charge on cpu0 with outcome `arg` (default: the batch charge, refill_stock on cpu0's own stock). */
const TRY = (arg: number = TC.refillHere) => ({ kind: 'try_charge', cpu: 0, arg });

/** cpu0 inside mem_cgroup_charge(page, memcg) at try_charge, holding the lookup ref. */
function atTry(d: 'old' | 'new', page: number, m: number, config = { ...scope('ci'), reclaim: true }) {
  const w = world(d, config);
  at(w.s, 0, PROG.charge, 'try_charge', { memcg: ptr(m), page: page + 1, tmp: 1 });
  if (m !== ROOT) w.s.memcg[m].ref += 1;
  return w;
}

describe('try_charge', () => {
  it('the outcome encoding, written out (part of the action encoding)', () => {
    expect([TC.root, TC.hitHere, TC.hit(1), TC.refillHere, TC.refill(1), TC.exact, TC.reclaim(A)]).toEqual([
      -1, 64, 1, 65, 9, 16, 33,
    ]);
  });

  it('guard: a small page, both stocks empty: refill on either CPU, nr_pages, or reclaim of A', () => {
    const { machine, s } = atTry('new', P0, A);
    // Sorted by value: refill(1) 9, exact 16, reclaim(A) 33, refillHere 65. No hit: both stocks empty.
    expect(argsOf(machine, s, 'try_charge', 0)).toEqual([
      TC.refill(1),
      TC.exact,
      TC.reclaim(A),
      TC.refillHere,
    ]);
  });

  it('guard: a scope with the reclaim path off (config reclaim: false) has no reclaim outcome', () => {
    const { machine, s } = atTry('new', P0, A, { ...scope('ci'), reclaim: false });
    expect(argsOf(machine, s, 'try_charge', 0)).toEqual([TC.refill(1), TC.exact, TC.refillHere]);
  });

  it('guard: only at the try_charge step of the charge path', () => {
    const { machine, s } = atTry('new', P0, A);
    expectEnabled(machine, s, TRY());
    expectDisabled(machine, s, { ...TRY(), cpu: 1 });
    s.cpu[0].pc = COMMIT_PC;
    expectDisabled(machine, s, { kind: 'try_charge' });
    s.cpu[0] = { ...IDLE };
    expectDisabled(machine, s, { kind: 'try_charge' });
  });

  it('labels: the common outcomes on the path’s own CPU print no argument', () => {
    const { machine, s } = atTry('new', P0, A);
    const label = (arg: number) => machine.label(expectEnabled(machine, s, TRY(arg)));
    expect(label(TC.refillHere)).toBe('cpu0 try_charge');
    expect(label(TC.refill(1))).toBe('cpu0 try_charge(refill_stock on cpu1)');
    expect(label(TC.exact)).toBe('cpu0 try_charge(nr_pages charged, no refill)');
    expect(label(TC.reclaim(A))).toBe('cpu0 try_charge(reclaim, drain_all_stock(A))');
    s.stock[1] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    s.stock[0] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    expect(label(TC.hitHere)).toBe('cpu0 try_charge');
    expect(label(TC.hit(1))).toBe('cpu0 try_charge(consume_stock on cpu1)');
    const root = atTry('new', P0, ROOT);
    expect(root.machine.label(expectEnabled(root.machine, root.s, TRY(TC.root)))).toBe('cpu0 try_charge');
  });

  it.each([
    ['old', 5],
    ['new', 4],
  ] as const)('%s: consume_stock hit takes a page from the stock, no ref or counter moves', (d, ref) => {
    const { machine, s } = atTry(d, P0, A);
    s.stock[0] = { cached: ptr(A), nr: 2, flushing: 0, work: 0 };
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    s.memcg[A].ref = ref; // OLD: +2 stock pages; NEW: +1 stock pointer
    const after = fire(machine, s, TRY(TC.hitHere));
    const want = copy(s);
    want.stock[0].nr = 1;
    want.cpu[0].nr = 1;
    want.cpu[0].pc = COMMIT_PC;
    expect(after).toEqual(want);
  });

  it.each([
    ['old', 5],
    ['new', 4],
  ] as const)(
    '%s: consume_stock hit on cpu1’s stock (the task runs there now); cpu0’s untouched',
    (d, ref) => {
      const { machine, s } = atTry(d, P0, A);
      s.stock[0] = { cached: ptr(B), nr: 1, flushing: 0, work: 0 };
      s.stock[1] = { cached: ptr(A), nr: 2, flushing: 0, work: 0 };
      s.memcg[A].usage = 2;
      s.memcg[B].usage = 1;
      s.memcg[ROOT].usage = 3;
      s.memcg[A].ref = ref; // OLD: +2 stock pages on cpu1; NEW: +1 for cpu1's stock pointer
      s.memcg[B].ref = 3; // OLD: one stock page; NEW: cpu0's stock pointer
      const after = fire(machine, s, TRY(TC.hit(1)));
      const want = copy(s);
      want.stock[1].nr = 1;
      want.cpu[0].nr = 1;
      want.cpu[0].pc = COMMIT_PC;
      expect(after).toEqual(want);
    },
  );

  it('guard: when every stock the task can be on hits, consume_stock takes the pages (only hits)', () => {
    const { machine, s } = atTry('new', P0, A);
    s.stock[0] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    s.stock[1] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    expect(argsOf(machine, s, 'try_charge', 0)).toEqual([TC.hit(1), TC.hitHere]);
  });

  it.each([
    ['old', 5],
    ['new', 4],
  ] as const)('%s: batch charge into an empty stock: PC += batch, refill_stock(batch - 1)', (d, ref) => {
    const { machine, s } = atTry(d, P0, A); // A.ref 3
    const after = fire(machine, s, TRY(TC.refillHere));
    const want = copy(s);
    want.memcg[A].usage = 2;
    want.memcg[ROOT].usage = 2;
    want.memcg[A].ref = ref; // OLD: css_get_many(batch = 2); NEW: refill_stock's css_get
    want.stock[0] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    want.cpu[0].nr = 1;
    want.cpu[0].pc = COMMIT_PC;
    expect(after).toEqual(want);
  });

  it.each([
    ['old', 3, 5],
    ['new', 4, 4],
  ] as const)('%s: stock already caches memcg with 0 pages: refill without a switch', (d, ref, refAfter) => {
    const { machine, s } = atTry(d, P0, A);
    s.stock[0] = { cached: ptr(A), nr: 0, flushing: 0, work: 0 };
    s.memcg[A].ref = ref; // NEW: the empty stock still holds its pointer's ref
    const after = fire(machine, s, TRY(TC.refillHere));
    const want = copy(s);
    want.memcg[A].usage = want.memcg[ROOT].usage = 2;
    want.memcg[A].ref = refAfter;
    want.stock[0].nr = 1;
    want.cpu[0].nr = 1;
    want.cpu[0].pc = COMMIT_PC;
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
    const after = fire(machine, s, TRY(TC.refillHere));
    const want = copy(s);
    want.memcg[B].usage = 0;
    want.memcg[B].ref = 2;
    want.memcg[A].usage = 2;
    want.memcg[ROOT].usage = 2; // 1 - 1 + 2
    want.memcg[A].ref = refA;
    want.stock[0] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    want.cpu[0].nr = 1;
    want.cpu[0].pc = COMMIT_PC;
    expect(after).toEqual(want);
  });

  it.each([
    ['old', 2, 2],
    ['new', 3, 2],
  ] as const)('%s: switching from an emptied stock (cached B, 0 pages)', (d, refB, refBAfter) => {
    const { machine, s } = atTry(d, P0, A);
    s.stock[0] = { cached: ptr(B), nr: 0, flushing: 0, work: 0 };
    s.memcg[B].ref = refB; // OLD: the pointer holds no ref; NEW: it holds one
    const after = fire(machine, s, TRY(TC.refillHere));
    const want = copy(s);
    want.memcg[B].ref = refBAfter;
    want.memcg[A].usage = want.memcg[ROOT].usage = 2;
    want.memcg[A].ref = d === 'old' ? 5 : 4;
    want.stock[0] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    want.cpu[0].nr = 1;
    want.cpu[0].pc = COMMIT_PC;
    expect(after).toEqual(want);
  });

  it('old: switching away from a stale pointer to a freed memcg (0 pages) never touches it', () => {
    const { machine, s } = atTry('old', P0, A);
    s.stock[0] = { cached: ptr(B), nr: 0, flushing: 0, work: 0 };
    Object.assign(s.memcg[B], { killed: 1, offline: 1, released: 1, freed: 1, ref: 0, id: 0 });
    const after = fire(machine, s, TRY(TC.refillHere));
    const want = copy(s);
    want.memcg[A].usage = want.memcg[ROOT].usage = 2;
    want.memcg[A].ref = 5;
    want.stock[0] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    want.cpu[0].nr = 1;
    want.cpu[0].pc = COMMIT_PC;
    expect(after).toEqual(want); // oops stays 0: drain_stock reads nothing of B when nr_pages is 0
  });

  it.each([
    ['old', 4],
    ['new', 3],
  ] as const)(
    '%s: nr_pages charged, no refill (small page): PC += 1, no stock moves (OLD: css += 1)',
    (d, ref) => {
      const { machine, s } = atTry(d, P0, A); // A.ref 3
      s.stock[0] = { cached: ptr(B), nr: 1, flushing: 0, work: 0 }; // another memcg's stock: not drained
      s.memcg[B].usage = s.memcg[ROOT].usage = 1;
      s.memcg[B].ref = 3;
      const after = fire(machine, s, TRY(TC.exact));
      const want = copy(s);
      want.memcg[A].usage = 1;
      want.memcg[ROOT].usage = 2;
      want.memcg[A].ref = ref; // OLD: css_get_many(nr_pages = 1); NEW: none
      want.cpu[0].nr = 1;
      want.cpu[0].pc = COMMIT_PC;
      expect(after).toEqual(want);
    },
  );

  it.each(BOTH)(
    '%s: root returns early: its only outcome; nothing but the pc moves, even with a stock',
    (d) => {
      const { machine, s } = atTry(d, P0, ROOT);
      s.stock[0] = { cached: ptr(A), nr: 2, flushing: 0, work: 0 };
      s.memcg[A].usage = s.memcg[ROOT].usage = 2;
      s.memcg[A].ref = d === 'old' ? 4 : 3;
      expect(argsOf(machine, s, 'try_charge', 0)).toEqual([TC.root]);
      const after = fire(machine, s, TRY(TC.root));
      const want = copy(s);
      want.cpu[0].pc = COMMIT_PC;
      expect(after).toEqual(want);
    },
  );

  it.each([
    ['old', 5],
    ['new', 3],
  ] as const)('%s: THP nr=2: batch = nr, charged with no refill, stock untouched', (d, ref) => {
    const { machine, s } = atTry(d, H0, A);
    // batch = max(2, 2) = nr_pages: no refill outcome; consume_stock refuses a THP: no hit.
    expect(argsOf(machine, s, 'try_charge', 0)).toEqual([TC.exact, TC.reclaim(A)]);
    const after = fire(machine, s, TRY(TC.exact));
    const want = copy(s);
    want.memcg[A].usage = want.memcg[ROOT].usage = 2;
    want.memcg[A].ref = ref; // OLD: css_get_many(2); NEW: none
    want.cpu[0].nr = 2;
    want.cpu[0].pc = COMMIT_PC;
    expect(after).toEqual(want);
  });

  // Issue #11 changed this premise: the THP used to be consumed from a stock of 2 pages (2 <= batch).
  // consume_stock now refuses every THP (the kernel's 512 > MEMCG_CHARGE_BATCH), so the pages stay.
  it.each([
    ['old', 7, 9],
    ['new', 5, 5],
  ] as const)('%s: a THP never consumes from stocks that hold 2 pages of its memcg', (d, ref, refAfter) => {
    const { machine, s } = atTry(d, H0, A);
    s.stock[0] = { cached: ptr(A), nr: 2, flushing: 0, work: 0 };
    s.stock[1] = { cached: ptr(A), nr: 2, flushing: 0, work: 0 };
    s.memcg[A].usage = s.memcg[ROOT].usage = 4;
    s.memcg[A].ref = ref; // OLD: base, id, lookup + 4 stock pages; NEW: + 2 stock pointers
    expectDisabled(machine, s, TRY(TC.hitHere));
    expectDisabled(machine, s, TRY(TC.hit(1)));
    expect(argsOf(machine, s, 'try_charge', 0)).toEqual([TC.exact, TC.reclaim(A)]);
    const after = fire(machine, s, TRY(TC.exact));
    const want = copy(s);
    want.memcg[A].usage = want.memcg[ROOT].usage = 6;
    want.memcg[A].ref = refAfter; // OLD: css_get_many(2); NEW: none
    want.cpu[0].nr = 2;
    want.cpu[0].pc = COMMIT_PC;
    expect(after).toEqual(want); // both stocks as they were
  });

  it.each([
    ['old', 5],
    ['new', 4],
  ] as const)('%s: hierarchy: charging A1 charges A1, A and root', (d, ref) => {
    const { machine, s } = atTry(d, P0, A1, { ...scope('large'), reclaim: true }); // A1.ref 3, A.ref 3 (child pin)
    const after = fire(machine, s, TRY(TC.refillHere));
    const want = copy(s);
    want.memcg[A1].usage = want.memcg[A].usage = want.memcg[ROOT].usage = 2;
    want.memcg[A1].ref = ref; // OLD: css_get_many(2); NEW: refill_stock's css_get
    want.stock[0] = { cached: ptr(A1), nr: 1, flushing: 0, work: 0 };
    want.cpu[0].nr = 1;
    want.cpu[0].pc = COMMIT_PC;
    expect(after).toEqual(want);
  });

  it.each(BOTH)(
    '%s: reclaim: root_memcg = A, drained set, on to drain_all_stock; nothing else moves',
    (d) => {
      const { machine, s } = atTry(d, P0, A);
      s.stock[0] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 }; // cpu1's stock empty: not every stock hits
      s.memcg[A].usage = s.memcg[ROOT].usage = 1;
      s.memcg[A].ref = 4; // base, id, lookup + (OLD: 1 stock page; NEW: the stock pointer)
      const after = fire(machine, s, TRY(TC.reclaim(A)));
      const want = copy(s);
      want.cpu[0].pc = pc(PROG.charge, 'drain_all_stock: mutex_trylock');
      want.cpu[0].root = ptr(A);
      want.cpu[0].drained = 1;
      expect(after).toEqual(want); // no counter, no ref, no stock, no mutex: the trylock is the next step
    },
  );

  it.each(BOTH)('%s: reclaim of an ancestor (mem_over_limit = A while charging A1); never root', (d) => {
    const { machine, s } = atTry(d, P0, A1, { ...scope('large'), reclaim: true });
    const args = argsOf(machine, s, 'try_charge', 0);
    expect(args).toContain(TC.reclaim(A1));
    expect(args).toContain(TC.reclaim(A));
    expect(args).not.toContain(TC.reclaim(ROOT));
    const after = fire(machine, s, TRY(TC.reclaim(A)));
    const want = copy(s);
    want.cpu[0].pc = pc(PROG.charge, 'drain_all_stock: mutex_trylock');
    want.cpu[0].root = ptr(A); // drain_all_stock(A), while the charge stays A1's
    want.cpu[0].drained = 1;
    expect(after).toEqual(want);
  });
});

/**
 * The task may migrate between try_charge's page-counter charge and refill_stock (preemption is on
 * in between), and it may run on another CPU when consume_stock runs: the stock used is then that
 * CPU's. Expected values by hand from spec §2.2 (refill_stock, drain_stock) and §2.3 (NEW:
 * refill_stock's css_get, drain_stock's single put).
 */
describe('try_charge with a migrated refill', () => {
  const MIGRATED = TRY(TC.refill(1));

  // Issue #11: the guard used to key on percpu_charge_mutex; it now keys on preemption (cpu.preempt,
  // drain_all_stock between get_cpu and put_cpu). And a hit on cpu0's stock alone no longer rules out
  // a refill: the task may run on cpu1, whose stock misses.
  it('guard: not onto a CPU with preemption off; a CPU that only holds percpu_charge_mutex is fine', () => {
    const { machine, s } = atTry('new', P0, A);
    expectEnabled(machine, s, MIGRATED); // stock of cpu1 empty: batch charge, refill of 1 page
    // cpu1 holds percpu_charge_mutex but has not reached get_cpu: preemption still on.
    at(s, 1, PROG.drainAll, 'drain_all_stock: get_cpu', { root: ptr(B) });
    s.mutex = 2;
    expectEnabled(machine, s, MIGRATED);
    // cpu1 past get_cpu: preemption off, no other task runs there.
    at(s, 1, PROG.drainAll, 'drain_all_stock: read stock->cached', { root: ptr(B), rcu: 1, preempt: 1 });
    expectDisabled(machine, s, MIGRATED);
    s.stock[1] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    expectDisabled(machine, s, TRY(TC.hit(1))); // nor a consume_stock there
    expect(argsOf(machine, s, 'try_charge', 0)).toEqual([TC.exact, TC.reclaim(A), TC.refillHere]);
  });

  it('guard: a hit on cpu0’s stock alone still lets the task refill on cpu1 (it may run there)', () => {
    const { machine, s } = atTry('new', P0, A);
    s.stock[0] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    expect(argsOf(machine, s, 'try_charge', 0)).toEqual([
      TC.refill(1),
      TC.exact,
      TC.reclaim(A),
      TC.hitHere,
      TC.refillHere,
    ]);
    s.stock[1] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 }; // now both hit: no refill
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
    want.cpu[0].pc = COMMIT_PC;
    expect(after).toEqual(want);
  });

  it.each([
    // OLD: A holds base + id + lookup + 2 stock pages = 5; +2 (batch) then the overflow drain puts 3.
    ['old', 5, 4],
    // NEW: base + id + lookup + cpu1's stock pointer = 4; no get (same memcg), the drain puts 1.
    ['new', 4, 3],
  ] as const)(
    '%s: overflow: cpu1’s stock goes over MEMCG_CHARGE_BATCH and is drained (branch bit 1)',
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
      want.cpu[0].pc = COMMIT_PC;
      want.branch = 1; // Branch.refillOverflow: refill_stock's overflow drain ran in this step
      expect(after).toEqual(want);
    },
  );

  it.each(BOTH)('%s: the branch bit lasts one step: the next step starts from 0', (d) => {
    const { machine, s } = atTry(d, P0, A);
    s.branch = 1; // as left by an overflow drain in the step before
    const after = fire(machine, s, TRY(TC.exact));
    const want = copy(s);
    want.branch = 0;
    want.memcg[A].usage = want.memcg[ROOT].usage = 1;
    want.memcg[A].ref = d === 'old' ? 4 : 3;
    want.cpu[0].nr = 1;
    want.cpu[0].pc = COMMIT_PC;
    expect(after).toEqual(want);
  });
});

/**
 * try_charge after its drain_all_stock(mem_over_limit): `drained = true; goto retry`. The same
 * outcomes as the first pass except reclaim (no second drain); then commit_charge.
 */
describe('try_charge: retry', () => {
  const RETRY = (arg: number) => ({ kind: 'try_charge: retry', cpu: 0, arg });

  /** cpu0 back from drain_all_stock(A) in try_charge of (page, memcg), holding the lookup ref. */
  function atRetry(d: 'old' | 'new', page: number, m: number) {
    const w = world(d);
    at(w.s, 0, PROG.charge, 'try_charge: retry', {
      memcg: ptr(m),
      page: page + 1,
      tmp: 1,
      root: ptr(A),
      drained: 1,
    });
    w.s.memcg[m].ref += 1;
    return w;
  }

  it('guard: no reclaim outcome any more (drained); nr_pages charged is offered', () => {
    const { machine, s } = atRetry('new', P0, A);
    const args = argsOf(machine, s, 'try_charge: retry', 0);
    expect(args).toContain(TC.exact);
    expect(args).not.toContain(TC.reclaim(A));
    expectDisabled(machine, s, { kind: 'try_charge', cpu: 0 }); // not the first pass's step
  });

  it('guard: a THP after the drain: nr_pages charged is its only outcome', () => {
    const { machine, s } = atRetry('new', H0, A);
    expect(argsOf(machine, s, 'try_charge: retry', 0)).toEqual([TC.exact]);
  });

  it('guard: only at the retry step', () => {
    const { machine, s } = atRetry('new', P0, A);
    expectEnabled(machine, s, RETRY(TC.exact));
    s.cpu[0].pc = pc(PROG.charge, 'drain_all_stock: mutex_unlock');
    expectDisabled(machine, s, { kind: 'try_charge: retry' });
  });

  it.each([
    ['old', 4],
    ['new', 3],
  ] as const)(
    '%s: nr_pages charged: PC += 1 (OLD: css += 1); on to commit_charge, drained kept',
    (d, ref) => {
      const { machine, s } = atRetry(d, P0, A); // A.ref 3
      const after = fire(machine, s, RETRY(TC.exact));
      const want = copy(s);
      want.memcg[A].usage = want.memcg[ROOT].usage = 1;
      want.memcg[A].ref = ref;
      want.cpu[0].nr = 1;
      want.cpu[0].pc = COMMIT_PC;
      expect(after).toEqual(want); // root and drained stay until mem_cgroup_charge returns
    },
  );

  it.each([
    ['old', 4],
    ['new', 4],
  ] as const)('%s: a stock refilled meanwhile: consume_stock hits; on to commit_charge', (d, ref) => {
    const { machine, s } = atRetry(d, P0, A);
    s.stock[0] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    s.memcg[A].usage = s.memcg[ROOT].usage = 1;
    s.memcg[A].ref = ref; // base, id, lookup + (OLD: 1 stock page; NEW: the stock pointer)
    const after = fire(machine, s, RETRY(TC.hitHere));
    const want = copy(s);
    want.stock[0].nr = 0;
    want.cpu[0].nr = 1;
    want.cpu[0].pc = COMMIT_PC;
    expect(after).toEqual(want);
  });

  it.each([
    ['old', 5],
    ['new', 3],
  ] as const)('%s: a THP: nr_pages charged (OLD: css += 2); on to commit_charge', (d, ref) => {
    const { machine, s } = atRetry(d, H0, A);
    const after = fire(machine, s, RETRY(TC.exact));
    const want = copy(s);
    want.memcg[A].usage = want.memcg[ROOT].usage = 2;
    want.memcg[A].ref = ref;
    want.cpu[0].nr = 2;
    want.cpu[0].pc = COMMIT_PC;
    expect(after).toEqual(want);
  });

  it('label', () => {
    const { machine, s } = atRetry('new', P0, A);
    expect(machine.label(expectEnabled(machine, s, RETRY(TC.exact)))).toBe(
      'cpu0 try_charge: retry(nr_pages charged, no refill)',
    );
  });
});
