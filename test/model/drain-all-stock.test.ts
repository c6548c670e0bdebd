/**
 * drain_all_stock(root_memcg) step by step, for the standalone path and for the one inside
 * css_killed_work_fn (spec §2.2 rows drain_all_stock, drain_local_stock, drain_stock; §2.3 rows
 * drain_stock, drain_local_stock). The stock->work item it queues is in drain-local-stock.test.ts.
 *
 * The loop holds preemption off from the trylock to the unlock (an RCU reader, rcu depth 1) and
 * nests an rcu_read_lock around each remote read (depth 2).
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
  IDLE,
  PROG,
  ptr,
  ROOT,
  scope,
  world,
} from './helpers.js';

const TRYLOCK = (m: number, prog: number = PROG.drainAll, cpu = 0) => ({
  kind: 'drain_all_stock: mutex_trylock',
  cpu,
  arg: m,
  prog,
});
const READ_CACHED = { kind: 'drain_all_stock: read stock->cached', cpu: 0 };
const READ_NR = { kind: 'drain_all_stock: read stock->nr_pages', cpu: 0 };
const UNLOCK = { kind: 'drain_all_stock: mutex_unlock', cpu: 0 };

/** The ci scope with the standalone drain_all_stock path (memory.max writes) switched on. */
const WITH_DRAIN_ALL = { ...scope('ci'), drainAll: true };

describe.each(BOTH)('drain_all_stock: mutex_trylock (%s: same in both designs)', (d) => {
  it('free: takes the mutex, get_cpu (rcu depth 1), loop at cpu 0', () => {
    const { machine, s } = world(d, WITH_DRAIN_ALL);
    const after = fire(machine, s, TRYLOCK(A));
    const want = copy(s);
    want.mutex = 1;
    want.cpu[0] = { ...IDLE, op: PROG.drainAll + 1, pc: 1, memcg: ptr(A), rcu: 1 };
    expect(after).toEqual(want);
  });

  it('free, inside css_killed_work_fn of a killed memcg', () => {
    const { machine, s } = world(d);
    s.memcg[A].killed = 1;
    const after = fire(machine, s, TRYLOCK(A, PROG.offline, 1));
    const want = copy(s);
    want.mutex = 2;
    want.cpu[1] = { ...IDLE, op: PROG.offline + 1, pc: 1, memcg: ptr(A), rcu: 1 };
    expect(after).toEqual(want);
  });

  it('contended: the standalone path returns at once', () => {
    const { machine, s } = world(d, WITH_DRAIN_ALL);
    at(s, 1, PROG.drainAll, 1, { memcg: ptr(B), rcu: 1 });
    s.mutex = 2;
    const after = fire(machine, s, TRYLOCK(A));
    expect(after).toEqual(copy(s)); // cpu0 started and returned: idle again, nothing else moved
  });

  it('contended: css_killed_work_fn skips to offline_css', () => {
    const { machine, s } = world(d);
    at(s, 1, PROG.drainAll, 1, { memcg: ptr(B), rcu: 1 });
    s.mutex = 2;
    s.memcg[A].killed = 1;
    const after = fire(machine, s, TRYLOCK(A, PROG.offline));
    const want = copy(s);
    want.cpu[0] = { ...IDLE, op: PROG.offline + 1, pc: 4, memcg: ptr(A) };
    expect(after).toEqual(want);
  });

  it('guard, standalone: a live non-root memcg on an idle CPU, when the scope has the path', () => {
    const { machine, s } = world(d, WITH_DRAIN_ALL);
    expectEnabled(machine, s, TRYLOCK(B, PROG.drainAll, 1));
    expectDisabled(machine, s, TRYLOCK(ROOT));
    s.memcg[A].killed = 1;
    expectDisabled(machine, s, TRYLOCK(A));
    at(s, 1, PROG.charge, 1, { memcg: ptr(B), page: 1, tmp: 1 });
    expectDisabled(machine, s, TRYLOCK(B, PROG.drainAll, 1));
    const off = world(d, { ...scope('ci'), drainAll: false });
    expectDisabled(off.machine, off.s, { kind: 'drain_all_stock: mutex_trylock', prog: PROG.drainAll });
  });

  it('guard, offline: killed, not offline, not already being offlined, no online child', () => {
    const { machine, s } = world(d, scope('large'));
    expectDisabled(machine, s, TRYLOCK(A, PROG.offline)); // not killed
    s.memcg[A].killed = 1;
    expectDisabled(machine, s, TRYLOCK(A, PROG.offline)); // A1 still online
    s.memcg[A1].killed = 1;
    expectEnabled(machine, s, TRYLOCK(A1, PROG.offline));
    s.memcg[A1].offline = 1;
    expectDisabled(machine, s, TRYLOCK(A1, PROG.offline)); // already offline
    expectEnabled(machine, s, TRYLOCK(A, PROG.offline));
    at(s, 1, PROG.offline, 4, { memcg: ptr(A) });
    expectDisabled(machine, s, TRYLOCK(A, PROG.offline)); // cpu1 is offlining A
    expectDisabled(machine, s, TRYLOCK(ROOT, PROG.offline));
  });
});

describe.each(BOTH)('drain_all_stock: read stock->cached (%s: same in both designs)', (d) => {
  it('rcu_read_lock (depth 2), seen = stock->cached of the CPU the loop is at', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.drainAll, 1, { memcg: ptr(A), i: 1, rcu: 1 });
    s.mutex = 1;
    s.stock[1] = { cached: ptr(B), nr: 1, flushing: 0, work: 0 };
    s.memcg[B].usage = s.memcg[ROOT].usage = 1;
    s.memcg[B].ref = 3;
    const after = fire(machine, s, READ_CACHED);
    const want = copy(s);
    want.cpu[0].rcu = 2;
    want.cpu[0].seen = ptr(B);
    want.cpu[0].pc = 2;
    expect(after).toEqual(want);
  });

  it('guard: only at step 1', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.drainAll, 2, { memcg: ptr(A), rcu: 2 });
    expectDisabled(machine, s, READ_CACHED);
    s.cpu[0].pc = 1;
    expectEnabled(machine, s, READ_CACHED);
  });
});

/** cpu0 in drain_all_stock(root_memcg) at the nr_pages read for CPU i, having read `seen` (a pointer). */
function atReadNr(d: 'old' | 'new', root: number, i: number, seen: number, config = scope('ci')) {
  const w = world(d, config);
  at(w.s, 0, PROG.drainAll, 2, { memcg: ptr(root), i, seen, rcu: 2 });
  w.s.mutex = 1;
  return w;
}

describe('drain_all_stock: read stock->nr_pages', () => {
  it.each(BOTH)('%s: flush remote: FLUSHING set, work queued; rcu 2 → 1 keeps the grace period', (d) => {
    const { machine, s } = atReadNr(d, A, 1, ptr(A));
    s.stock[1] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    s.memcg[A].usage = s.memcg[ROOT].usage = 1;
    s.memcg[A].ref = 3;
    Object.assign(s.memcg[B], { killed: 1, offline: 1, released: 1, ref: 0, id: 0, gp: 1 });
    const after = fire(machine, s, READ_NR);
    const want = copy(s);
    want.stock[1].flushing = 1;
    want.stock[1].work = 1;
    want.cpu[0] = { ...IDLE, op: PROG.drainAll + 1, pc: 3, memcg: ptr(A), i: 2, rcu: 1 };
    expect(after).toEqual(want);
  });

  it.each([
    ['old', 4],
    ['new', 3],
  ] as const)('%s: flush local: drain_local_stock now (PC -2, css_put), loop to cpu 1', (d, ref) => {
    const { machine, s } = atReadNr(d, A, 0, ptr(A));
    s.stock[0] = { cached: ptr(A), nr: 2, flushing: 0, work: 0 };
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    s.memcg[A].ref = ref; // OLD: 2 stock pages; NEW: the stock pointer
    const after = fire(machine, s, READ_NR);
    const want = copy(s);
    want.stock[0] = { cached: 0, nr: 0, flushing: 0, work: 0 };
    want.memcg[A].usage = want.memcg[ROOT].usage = 0;
    want.memcg[A].ref = 2; // OLD: css_put_many(2); NEW: css_put(1)
    want.cpu[0] = { ...IDLE, op: PROG.drainAll + 1, pc: 1, memcg: ptr(A), i: 1, rcu: 1 };
    expect(after).toEqual(want);
  });

  it.each([
    ['FLUSHING already set', { cached: ptr(A), nr: 1, flushing: 1, work: 1 }, ptr(A)],
    ['nr_pages 0', { cached: ptr(A), nr: 0, flushing: 0, work: 0 }, ptr(A)],
    ['not a descendant', { cached: ptr(B), nr: 1, flushing: 0, work: 0 }, ptr(B)],
    ['NULL', { cached: 0, nr: 0, flushing: 0, work: 0 }, 0],
  ])('both: %s: nothing but the loop moves on', (_, stock, seen) => {
    for (const d of BOTH) {
      const { machine, s } = atReadNr(d, A, 1, seen);
      s.stock[1] = { ...stock };
      const after = fire(machine, s, READ_NR);
      const want = copy(s);
      want.cpu[0] = { ...IDLE, op: PROG.drainAll + 1, pc: 3, memcg: ptr(A), i: 2, rcu: 1 };
      expect(after).toEqual(want);
    }
  });

  it.each(BOTH)('%s: a descendant’s stock is flushed (A1 under A)', (d) => {
    const { machine, s } = atReadNr(d, A, 1, ptr(A1), scope('large'));
    s.stock[1] = { cached: ptr(A1), nr: 1, flushing: 0, work: 0 };
    const after = fire(machine, s, READ_NR);
    const want = copy(s);
    want.stock[1].flushing = want.stock[1].work = 1;
    want.cpu[0] = { ...IDLE, op: PROG.drainAll + 1, pc: 3, memcg: ptr(A), i: 2, rcu: 1 };
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: racy: the decision uses the stale cached and the current nr_pages', (d) => {
    const { machine, s } = atReadNr(d, A, 1, ptr(A));
    s.stock[1] = { cached: ptr(B), nr: 1, flushing: 0, work: 0 }; // switched to B after the read
    const after = fire(machine, s, READ_NR);
    const want = copy(s);
    want.stock[1].flushing = want.stock[1].work = 1;
    want.cpu[0] = { ...IDLE, op: PROG.drainAll + 1, pc: 3, memcg: ptr(A), i: 2, rcu: 1 };
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: mem_cgroup_is_descendant on a freed memcg is a use after free', (d) => {
    const { machine, s } = atReadNr(d, A, 1, ptr(B));
    s.stock[1] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    Object.assign(s.memcg[B], { killed: 1, offline: 1, released: 1, freed: 1, ref: 0, id: 0 });
    const after = fire(machine, s, READ_NR);
    const want = copy(s);
    want.oops = 3; // Oops.useAfterFree
    want.oopsMemcg = ptr(B);
    want.cpu[0] = { ...IDLE, op: PROG.drainAll + 1, pc: 3, memcg: ptr(A), i: 2, rcu: 1 };
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: inside css_killed_work_fn: same effect', (d) => {
    const { machine, s } = world(d);
    at(s, 0, PROG.offline, 2, { memcg: ptr(A), i: 1, seen: ptr(A), rcu: 2 });
    s.mutex = 1;
    s.memcg[A].killed = 1;
    s.stock[1] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    const after = fire(machine, s, READ_NR);
    const want = copy(s);
    want.stock[1].flushing = want.stock[1].work = 1;
    want.cpu[0] = { ...IDLE, op: PROG.offline + 1, pc: 3, memcg: ptr(A), i: 2, rcu: 1 };
    expect(after).toEqual(want);
  });

  it('guard: only at step 2', () => {
    const { machine, s } = atReadNr('new', A, 1, ptr(A));
    expectEnabled(machine, s, READ_NR);
    s.cpu[0].pc = 1;
    expectDisabled(machine, s, READ_NR);
  });
});

describe.each(BOTH)('drain_all_stock: mutex_unlock (%s: same in both designs)', (d) => {
  it('put_cpu ends the RCU reader (clears its grace-period bit), unlocks, returns', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.drainAll, 3, { memcg: ptr(A), i: 2, rcu: 1 });
    s.mutex = 1;
    Object.assign(s.memcg[B], { killed: 1, offline: 1, released: 1, ref: 0, id: 0, gp: 1 });
    const after = fire(machine, s, UNLOCK);
    const want = copy(s);
    want.mutex = 0;
    want.memcg[B].gp = 0;
    want.cpu[0] = { ...IDLE };
    expect(after).toEqual(want);
  });

  it('inside css_killed_work_fn: goes on to offline_css', () => {
    const { machine, s } = world(d);
    at(s, 1, PROG.offline, 3, { memcg: ptr(A), i: 2, rcu: 1 });
    s.mutex = 2;
    s.memcg[A].killed = 1;
    const after = fire(machine, s, { ...UNLOCK, cpu: 1 });
    const want = copy(s);
    want.mutex = 0;
    want.cpu[1] = { ...IDLE, op: PROG.offline + 1, pc: 4, memcg: ptr(A) };
    expect(after).toEqual(want);
  });

  it('guard: only at step 3', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.drainAll, 3, { memcg: ptr(A), i: 2, rcu: 1 });
    expectEnabled(machine, s, UNLOCK);
    s.cpu[0].pc = 2;
    expectDisabled(machine, s, UNLOCK);
  });
});
