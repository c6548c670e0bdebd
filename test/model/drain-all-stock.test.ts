/**
 * drain_all_stock(root_memcg) step by step, for the standalone path (memory_max_write), the one
 * inside css_killed_work_fn, and the one try_charge's reclaim runs (spec §2.2 rows drain_all_stock,
 * drain_local_stock, drain_stock; §2.3 rows drain_stock, drain_local_stock). The stock->work item it
 * queues is in drain-local-stock.test.ts.
 *
 * Since issue #11: mutex_trylock, then get_cpu (preemption off: an RCU reader, rcu depth 1, and
 * cpu.preempt = 1), per CPU an rcu_read_lock'd read of stock->cached (depth 2) and of nr_pages, then
 * put_cpu and mutex_unlock, each its own step. root_memcg is the CPU's `root` local (the standalone
 * path no longer stores it in `memcg`).
 *
 * Long because the three paths that run drain_all_stock are checked step by step with hand-built
 * states written out, and their steps read best side by side.
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
  P0,
  PROG,
  pc,
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
const GET_CPU = { kind: 'drain_all_stock: get_cpu', cpu: 0 };
const READ_CACHED = { kind: 'drain_all_stock: read stock->cached', cpu: 0 };
const READ_NR = { kind: 'drain_all_stock: read stock->nr_pages', cpu: 0 };
const PUT_CPU = { kind: 'drain_all_stock: put_cpu', cpu: 0 };
const UNLOCK = { kind: 'drain_all_stock: mutex_unlock', cpu: 0 };

/** The ci scope with the standalone drain_all_stock path (memory.max writes) switched on. */
const WITH_DRAIN_ALL = { ...scope('ci'), drainAll: true };

/** Step indices, by name, of the standalone path, the offline and the charge path. */
const DA = (name: string) => pc(PROG.drainAll, name);
const OFF = (name: string) => pc(PROG.offline, name);
const CH = (name: string) => pc(PROG.charge, name);

/** The locals of cpu0's charge of P0 to A when try_charge's reclaim runs drain_all_stock(A). */
const RECLAIM = { memcg: ptr(A), page: P0 + 1, tmp: 1, root: ptr(A), drained: 1 };

describe.each(BOTH)('drain_all_stock: mutex_trylock (%s: same in both designs)', (d) => {
  it('free, standalone: takes the mutex, root_memcg = A; get_cpu is a step of its own', () => {
    const { machine, s } = world(d, WITH_DRAIN_ALL);
    const after = fire(machine, s, TRYLOCK(A));
    const want = copy(s);
    want.mutex = 1;
    // memcg stays NULL, and no get_cpu yet: rcu depth 0, preemption on.
    want.cpu[0] = { ...IDLE, op: PROG.drainAll + 1, pc: DA('drain_all_stock: get_cpu'), root: ptr(A) };
    expect(after).toEqual(want);
  });

  it('free, inside css_killed_work_fn of a killed memcg: root_memcg = the css', () => {
    const { machine, s } = world(d);
    s.memcg[A].killed = 1;
    s.cgroupMutex = 2;
    at(s, 1, PROG.offline, 'drain_all_stock: mutex_trylock', { memcg: ptr(A) });
    const after = fire(machine, s, TRYLOCK(A, PROG.offline, 1));
    const want = copy(s);
    want.mutex = 2;
    want.cpu[1] = {
      ...IDLE,
      op: PROG.offline + 1,
      pc: OFF('drain_all_stock: get_cpu'),
      memcg: ptr(A),
      root: ptr(A),
    };
    expect(after).toEqual(want);
  });

  it('free, inside try_charge’s reclaim: takes the mutex, on to get_cpu', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.charge, 'drain_all_stock: mutex_trylock', RECLAIM);
    s.memcg[A].ref = 3;
    const after = fire(machine, s, TRYLOCK(A, PROG.charge));
    const want = copy(s);
    want.mutex = 1;
    want.cpu[0].pc = CH('drain_all_stock: get_cpu');
    expect(after).toEqual(want);
  });

  it('contended: the standalone path returns at once', () => {
    const { machine, s } = world(d, WITH_DRAIN_ALL);
    at(s, 1, PROG.drainAll, 'drain_all_stock: read stock->cached', { root: ptr(B), rcu: 1, preempt: 1 });
    s.mutex = 2;
    const after = fire(machine, s, TRYLOCK(A));
    expect(after).toEqual(copy(s)); // cpu0 started and returned: idle again, nothing else moved
  });

  it('contended: css_killed_work_fn skips to offline_css', () => {
    const { machine, s } = world(d, WITH_DRAIN_ALL);
    at(s, 1, PROG.drainAll, 'drain_all_stock: read stock->cached', { root: ptr(B), rcu: 1, preempt: 1 });
    s.mutex = 2;
    s.memcg[A].killed = 1;
    s.cgroupMutex = 1;
    at(s, 0, PROG.offline, 'drain_all_stock: mutex_trylock', { memcg: ptr(A) });
    const after = fire(machine, s, TRYLOCK(A, PROG.offline));
    const want = copy(s);
    want.cpu[0] = { ...IDLE, op: PROG.offline + 1, pc: OFF('offline_css'), memcg: ptr(A), root: ptr(A) };
    expect(after).toEqual(want);
  });

  it('contended: try_charge’s reclaim skips to its retry (drained: no second try)', () => {
    const { machine, s } = world(d, WITH_DRAIN_ALL);
    at(s, 1, PROG.drainAll, 'drain_all_stock: get_cpu', { root: ptr(B) });
    s.mutex = 2;
    at(s, 0, PROG.charge, 'drain_all_stock: mutex_trylock', RECLAIM);
    s.memcg[A].ref = 3;
    const after = fire(machine, s, TRYLOCK(A, PROG.charge));
    const want = copy(s);
    want.cpu[0].pc = CH('try_charge: retry');
    expect(after).toEqual(want);
  });

  it('guard, standalone: a live non-root memcg on an idle CPU, when the scope has the path', () => {
    const { machine, s } = world(d, WITH_DRAIN_ALL);
    expectEnabled(machine, s, TRYLOCK(B, PROG.drainAll, 1));
    expectDisabled(machine, s, TRYLOCK(ROOT));
    s.memcg[A].killed = 1;
    expectDisabled(machine, s, TRYLOCK(A));
    at(s, 1, PROG.charge, 'try_charge', { memcg: ptr(B), page: 1, tmp: 1 });
    expectDisabled(machine, s, TRYLOCK(B, PROG.drainAll, 1));
    const off = world(d, { ...scope('ci'), drainAll: false });
    expectDisabled(off.machine, off.s, { kind: 'drain_all_stock: mutex_trylock', prog: PROG.drainAll });
  });

  // The offline's guard (killed, not offline, ...) moved to its entry step css_killed_work_fn
  // (lifecycle.test.ts); its trylock only ever takes the css the path works on.
  it('guard, offline: only at its step, on the css the path offlines; never an entry', () => {
    const { machine, s } = world(d);
    s.memcg[A].killed = 1;
    s.memcg[B].killed = 1;
    expectDisabled(machine, s, { kind: 'drain_all_stock: mutex_trylock', prog: PROG.offline });
    at(s, 0, PROG.offline, 'drain_all_stock: mutex_trylock', { memcg: ptr(A) });
    s.cgroupMutex = 1;
    expectEnabled(machine, s, TRYLOCK(A, PROG.offline));
    expectDisabled(machine, s, TRYLOCK(B, PROG.offline));
    s.cpu[0].pc = OFF('drain_all_stock: get_cpu');
    expectDisabled(machine, s, { kind: 'drain_all_stock: mutex_trylock' });
  });

  it('guard, reclaim: root_memcg is mem_over_limit (cpu.root), not the memcg being charged', () => {
    const { machine, s } = world(d, scope('large'));
    at(s, 0, PROG.charge, 'drain_all_stock: mutex_trylock', { ...RECLAIM, memcg: ptr(A1) });
    expectEnabled(machine, s, TRYLOCK(A, PROG.charge));
    expectDisabled(machine, s, TRYLOCK(A1, PROG.charge));
  });
});

describe.each(BOTH)('drain_all_stock: get_cpu (%s: same in both designs)', (d) => {
  it('standalone: preemption off (an RCU reader: depth 1, preempt 1), loop at cpu 0', () => {
    const { machine, s } = world(d, WITH_DRAIN_ALL);
    at(s, 0, PROG.drainAll, 'drain_all_stock: get_cpu', { root: ptr(A) });
    s.mutex = 1;
    const after = fire(machine, s, GET_CPU);
    const want = copy(s);
    want.cpu[0] = {
      ...IDLE,
      op: PROG.drainAll + 1,
      pc: DA('drain_all_stock: read stock->cached'),
      root: ptr(A),
      rcu: 1,
      preempt: 1,
    };
    expect(after).toEqual(want);
  });

  it('inside css_killed_work_fn: the same', () => {
    const { machine, s } = world(d);
    s.memcg[A].killed = 1;
    s.cgroupMutex = 1;
    s.mutex = 1;
    at(s, 0, PROG.offline, 'drain_all_stock: get_cpu', { memcg: ptr(A), root: ptr(A) });
    const after = fire(machine, s, GET_CPU);
    const want = copy(s);
    want.cpu[0].pc = OFF('drain_all_stock: read stock->cached');
    want.cpu[0].rcu = 1;
    want.cpu[0].preempt = 1;
    expect(after).toEqual(want);
  });

  it('inside try_charge’s reclaim: the same; the charge’s locals stay', () => {
    const { machine, s } = world(d);
    s.memcg[A].ref = 3;
    s.mutex = 1;
    at(s, 0, PROG.charge, 'drain_all_stock: get_cpu', RECLAIM);
    const after = fire(machine, s, GET_CPU);
    const want = copy(s);
    want.cpu[0].pc = CH('drain_all_stock: read stock->cached');
    want.cpu[0].rcu = 1;
    want.cpu[0].preempt = 1;
    expect(after).toEqual(want);
  });

  it('guard: only at the get_cpu step', () => {
    const { machine, s } = world(d, WITH_DRAIN_ALL);
    at(s, 0, PROG.drainAll, 'drain_all_stock: get_cpu', { root: ptr(A) });
    s.mutex = 1;
    expectEnabled(machine, s, GET_CPU);
    s.cpu[0].pc = DA('drain_all_stock: read stock->cached');
    expectDisabled(machine, s, GET_CPU);
    s.cpu[0] = { ...IDLE };
    expectDisabled(machine, s, GET_CPU);
  });
});

describe.each(BOTH)('drain_all_stock: read stock->cached (%s: same in both designs)', (d) => {
  it('rcu_read_lock (depth 2), seen = stock->cached of the CPU the loop is at', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.drainAll, 'drain_all_stock: read stock->cached', {
      root: ptr(A),
      i: 1,
      rcu: 1,
      preempt: 1,
    });
    s.mutex = 1;
    s.stock[1] = { cached: ptr(B), nr: 1, flushing: 0, work: 0 };
    s.memcg[B].usage = s.memcg[ROOT].usage = 1;
    s.memcg[B].ref = 3;
    const after = fire(machine, s, READ_CACHED);
    const want = copy(s);
    want.cpu[0].rcu = 2;
    want.cpu[0].seen = ptr(B);
    want.cpu[0].pc = DA('drain_all_stock: read stock->nr_pages');
    expect(after).toEqual(want);
  });

  it('guard: only at the read stock->cached step', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.drainAll, 'drain_all_stock: read stock->nr_pages', { root: ptr(A), rcu: 2, preempt: 1 });
    expectDisabled(machine, s, READ_CACHED);
    s.cpu[0].pc = DA('drain_all_stock: read stock->cached');
    s.cpu[0].rcu = 1;
    expectEnabled(machine, s, READ_CACHED);
  });
});

/**
 * cpu0 in the standalone drain_all_stock(root_memcg) at the nr_pages read for CPU i, having read
 * `seen` (a pointer). Its memcg local is NULL: the decision reads root_memcg from cpu.root.
 */
function atReadNr(d: 'old' | 'new', root: number, i: number, seen: number, config = scope('ci')) {
  const w = world(d, config);
  at(w.s, 0, PROG.drainAll, 'drain_all_stock: read stock->nr_pages', {
    root: ptr(root),
    i,
    seen,
    rcu: 2,
    preempt: 1,
  });
  w.s.mutex = 1;
  return w;
}

/** Where the standalone loop is after the nr_pages read of CPU i (of 2): the next CPU's read, or put_cpu. */
const afterRead = (root: number, i: number) => ({
  ...IDLE,
  op: PROG.drainAll + 1,
  pc: i + 1 < 2 ? DA('drain_all_stock: read stock->cached') : DA('drain_all_stock: put_cpu'),
  root: ptr(root),
  i: i + 1,
  rcu: 1,
  preempt: 1,
});

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
    want.cpu[0] = afterRead(A, 1); // the last CPU: on to put_cpu, still preempt-disabled
    expect(want.cpu[0].pc).toBe(6); // memory_max_write step 6: put_cpu (after the two obj_stock_flush_required steps)
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
    want.cpu[0] = afterRead(A, 0);
    expect(want.cpu[0].pc).toBe(2); // memory_max_write step 2: read stock->cached
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
      want.cpu[0] = afterRead(A, 1);
      expect(after).toEqual(want);
    }
  });

  it.each(BOTH)('%s: a descendant’s stock is flushed (A1 under A)', (d) => {
    const { machine, s } = atReadNr(d, A, 1, ptr(A1), scope('large'));
    s.stock[1] = { cached: ptr(A1), nr: 1, flushing: 0, work: 0 };
    const after = fire(machine, s, READ_NR);
    const want = copy(s);
    want.stock[1].flushing = want.stock[1].work = 1;
    want.cpu[0] = afterRead(A, 1);
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: racy: the decision uses the stale cached and the current nr_pages', (d) => {
    const { machine, s } = atReadNr(d, A, 1, ptr(A));
    s.stock[1] = { cached: ptr(B), nr: 1, flushing: 0, work: 0 }; // switched to B after the read
    const after = fire(machine, s, READ_NR);
    const want = copy(s);
    want.stock[1].flushing = want.stock[1].work = 1;
    want.cpu[0] = afterRead(A, 1);
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
    want.cpu[0] = afterRead(A, 1);
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: inside css_killed_work_fn: same effect', (d) => {
    const { machine, s } = world(d);
    at(s, 0, PROG.offline, 'drain_all_stock: read stock->nr_pages', {
      memcg: ptr(A),
      root: ptr(A),
      i: 1,
      seen: ptr(A),
      rcu: 2,
      preempt: 1,
    });
    s.mutex = 1;
    s.cgroupMutex = 1;
    s.memcg[A].killed = 1;
    s.stock[1] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    const after = fire(machine, s, READ_NR);
    const want = copy(s);
    want.stock[1].flushing = want.stock[1].work = 1;
    want.cpu[0] = {
      ...IDLE,
      op: PROG.offline + 1,
      pc: OFF('drain_all_stock: put_cpu'),
      memcg: ptr(A),
      root: ptr(A),
      i: 2,
      rcu: 1,
      preempt: 1,
    };
    expect(after).toEqual(want);
  });

  it.each(BOTH)(
    '%s: inside try_charge’s reclaim: root_memcg is mem_over_limit (A), not the charged A1',
    (d) => {
      const { machine, s } = world(d, scope('large'));
      // cpu0 charges A1 and drains A: cpu1's stock caches A, not a descendant of A1 but of A.
      at(s, 0, PROG.charge, 'drain_all_stock: read stock->nr_pages', {
        memcg: ptr(A1),
        page: P0 + 1,
        tmp: 1,
        root: ptr(A),
        drained: 1,
        i: 1,
        seen: ptr(A),
        rcu: 2,
        preempt: 1,
      });
      s.memcg[A1].ref = 3;
      s.mutex = 1;
      s.stock[1] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
      s.memcg[A].usage = s.memcg[ROOT].usage = 1;
      const after = fire(machine, s, READ_NR);
      const want = copy(s);
      want.stock[1].flushing = want.stock[1].work = 1;
      want.cpu[0].pc = CH('drain_all_stock: put_cpu');
      want.cpu[0].i = 2;
      want.cpu[0].seen = 0;
      want.cpu[0].rcu = 1;
      expect(after).toEqual(want);
    },
  );

  it('guard: only at the read stock->nr_pages step', () => {
    const { machine, s } = atReadNr('new', A, 1, ptr(A));
    expectEnabled(machine, s, READ_NR);
    s.cpu[0].pc = DA('drain_all_stock: read stock->cached');
    expectDisabled(machine, s, READ_NR);
  });
});

describe.each(BOTH)('drain_all_stock: put_cpu (%s: same in both designs)', (d) => {
  it('preemption on; the RCU reader ends (clears its grace-period bit); the mutex stays held', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.drainAll, 'drain_all_stock: put_cpu', { root: ptr(A), i: 2, rcu: 1, preempt: 1 });
    s.mutex = 1;
    Object.assign(s.memcg[B], { killed: 1, offline: 1, released: 1, ref: 0, id: 0, gp: 0b11 });
    const after = fire(machine, s, PUT_CPU);
    const want = copy(s);
    want.memcg[B].gp = 0b10; // cpu1's reader still holds the grace period back
    want.cpu[0] = {
      ...IDLE,
      op: PROG.drainAll + 1,
      pc: DA('drain_all_stock: mutex_unlock'),
      root: ptr(A),
      i: 2,
    };
    expect(after).toEqual(want);
  });

  it('inside css_killed_work_fn and try_charge’s reclaim: the same, on to mutex_unlock', () => {
    const off = world(d);
    off.s.memcg[A].killed = 1;
    off.s.cgroupMutex = 2;
    off.s.mutex = 2;
    at(off.s, 1, PROG.offline, 'drain_all_stock: put_cpu', {
      memcg: ptr(A),
      root: ptr(A),
      i: 2,
      rcu: 1,
      preempt: 1,
    });
    const a = fire(off.machine, off.s, { ...PUT_CPU, cpu: 1 });
    const wantOff = copy(off.s);
    wantOff.cpu[1].pc = OFF('drain_all_stock: mutex_unlock');
    wantOff.cpu[1].rcu = 0;
    wantOff.cpu[1].preempt = 0;
    expect(a).toEqual(wantOff);

    const ch = world(d);
    ch.s.memcg[A].ref = 3;
    ch.s.mutex = 1;
    at(ch.s, 0, PROG.charge, 'drain_all_stock: put_cpu', { ...RECLAIM, i: 2, rcu: 1, preempt: 1 });
    const b = fire(ch.machine, ch.s, PUT_CPU);
    const wantCh = copy(ch.s);
    wantCh.cpu[0].pc = CH('drain_all_stock: mutex_unlock');
    wantCh.cpu[0].rcu = 0;
    wantCh.cpu[0].preempt = 0;
    expect(b).toEqual(wantCh);
  });

  it('guard: only at the put_cpu step', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.drainAll, 'drain_all_stock: put_cpu', { root: ptr(A), i: 2, rcu: 1, preempt: 1 });
    expectEnabled(machine, s, PUT_CPU);
    s.cpu[0].pc = DA('drain_all_stock: read stock->nr_pages');
    expectDisabled(machine, s, PUT_CPU);
  });
});

describe.each(BOTH)('drain_all_stock: mutex_unlock (%s: same in both designs)', (d) => {
  it('standalone: unlocks; memory_max_write returns (root_memcg out of scope)', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.drainAll, 'drain_all_stock: mutex_unlock', { root: ptr(A), i: 2 });
    s.mutex = 1;
    const after = fire(machine, s, UNLOCK);
    const want = copy(s);
    want.mutex = 0;
    want.cpu[0] = { ...IDLE };
    expect(after).toEqual(want);
  });

  it('inside css_killed_work_fn: goes on to offline_css (cgroup_mutex still held)', () => {
    const { machine, s } = world(d);
    at(s, 1, PROG.offline, 'drain_all_stock: mutex_unlock', { memcg: ptr(A), root: ptr(A), i: 2 });
    s.mutex = 2;
    s.cgroupMutex = 2;
    s.memcg[A].killed = 1;
    const after = fire(machine, s, { ...UNLOCK, cpu: 1 });
    const want = copy(s);
    want.mutex = 0;
    want.cpu[1] = { ...IDLE, op: PROG.offline + 1, pc: OFF('offline_css'), memcg: ptr(A), root: ptr(A) };
    expect(after).toEqual(want);
  });

  it('inside try_charge’s reclaim: goes on to try_charge: retry', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.charge, 'drain_all_stock: mutex_unlock', { ...RECLAIM, i: 2 });
    s.mutex = 1;
    s.memcg[A].ref = 3;
    const after = fire(machine, s, UNLOCK);
    const want = copy(s);
    want.mutex = 0;
    want.cpu[0] = { ...IDLE, op: PROG.charge + 1, pc: CH('try_charge: retry'), ...RECLAIM };
    expect(after).toEqual(want);
  });

  it('guard: only at the mutex_unlock step', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.drainAll, 'drain_all_stock: mutex_unlock', { root: ptr(A), i: 2 });
    expectEnabled(machine, s, UNLOCK);
    s.cpu[0].pc = DA('drain_all_stock: put_cpu');
    expectDisabled(machine, s, UNLOCK);
  });
});
