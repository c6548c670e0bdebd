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
  P0,
  PROG,
  pc,
  ptr,
  ROOT,
  scope,
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

  // Issue #11: the guard used to key on percpu_charge_mutex; it now keys on preemption. The work item
  // waits while its CPU is between drain_all_stock's get_cpu and put_cpu (cpu.preempt = 1), in any
  // of the three paths; a CPU that holds the mutex but has not reached get_cpu (or is past put_cpu)
  // lets its kworker run.
  it.each(BOTH)('%s: guard: work queued, and its CPU not with preemption off', (d) => {
    const { machine, s } = world(d, { ...scope('ci'), drainAll: true });
    s.stock[1] = { cached: ptr(A), nr: 1, flushing: 1, work: 0 };
    expectDisabled(machine, s, WORK(1));
    s.stock[1].work = 1;
    expectEnabled(machine, s, WORK(1));
    expectDisabled(machine, s, WORK(0));
    // cpu1 between get_cpu and put_cpu: blocked.
    at(s, 1, PROG.drainAll, 'drain_all_stock: read stock->cached', { root: ptr(B), rcu: 1, preempt: 1 });
    s.mutex = 2;
    expectDisabled(machine, s, WORK(1));
    // cpu1 holds only percpu_charge_mutex, before get_cpu: not blocked.
    at(s, 1, PROG.drainAll, 'drain_all_stock: get_cpu', { root: ptr(B) });
    expectEnabled(machine, s, WORK(1));
    // ... and after put_cpu, before mutex_unlock: not blocked either.
    at(s, 1, PROG.drainAll, 'drain_all_stock: mutex_unlock', { root: ptr(B), i: 2 });
    expectEnabled(machine, s, WORK(1));
    // Preemption off on the other CPU (cpu0) does not block cpu1's work.
    s.mutex = 1;
    s.cpu[1] = { ...IDLE };
    at(s, 0, PROG.drainAll, 'drain_all_stock: read stock->cached', { root: ptr(B), rcu: 1, preempt: 1 });
    expectEnabled(machine, s, WORK(1));
  });

  it.each(BOTH)(
    '%s: guard: preemption off in css_killed_work_fn or in try_charge’s reclaim blocks it too',
    (d) => {
      const { machine, s } = world(d);
      s.stock[1] = { cached: ptr(A), nr: 1, flushing: 1, work: 1 };
      s.memcg[B].killed = 1;
      s.cgroupMutex = 2;
      s.mutex = 2;
      at(s, 1, PROG.offline, 'drain_all_stock: put_cpu', {
        memcg: ptr(B),
        root: ptr(B),
        i: 2,
        rcu: 1,
        preempt: 1,
      });
      expectDisabled(machine, s, WORK(1));
      s.cgroupMutex = 0;
      s.memcg[B].killed = 0;
      at(s, 1, PROG.charge, 'drain_all_stock: read stock->nr_pages', {
        memcg: ptr(A),
        page: P0 + 1,
        tmp: 1,
        root: ptr(A),
        drained: 1,
        seen: ptr(A),
        rcu: 2,
        preempt: 1,
      });
      expectDisabled(machine, s, WORK(1));
      s.cpu[1].pc = pc(PROG.charge, 'drain_all_stock: mutex_unlock');
      s.cpu[1].rcu = s.cpu[1].preempt = 0;
      expectEnabled(machine, s, WORK(1));
    },
  );
});
