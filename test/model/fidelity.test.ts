/**
 * Issue #11: what the model used to forbid that the kernel allows, and the one thing it allowed
 * that the kernel cannot, each on a hand-built state (expected states written out by hand):
 *
 * 1. get_mem_cgroup_from_mm reads a dying memcg and css_tryget succeeds above zero; at zero the
 *    loop reads again (still under RCU) and finds a live memcg.
 * 2. try_charge's consume_stock on another CPU's stock; its reclaim drain_all_stock(mem_over_limit)
 *    on the charging CPU, which drains its own stock directly, then the retry.
 * 3. preemption is not percpu_charge_mutex: between mutex_trylock and get_cpu the holder's CPU
 *    runs its drain work; between get_cpu and put_cpu it does not.
 * 4. a split THP frame, all of it freed, is charged again as a THP.
 * 5. a THP is never served from the stock; config refuses a THP smaller than the batch.
 * 6. cgroup_mutex serialises rmdir, css offline and css release.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../model/config.js';
import { chargeArg } from '../../model/paths/charge.js';
import { TC } from '../../model/paths/try-charge.js';
import {
  A,
  at,
  B,
  BOTH,
  copy,
  expectDisabled,
  expectEnabled,
  FRAME_THP,
  fire,
  H0,
  H1,
  IDLE,
  matching,
  P0,
  PROG,
  ptr,
  ROOT,
  scope,
  world,
} from './helpers.js';

const stepOf = (w: ReturnType<typeof world>, prog: number, name: string) =>
  w.machine.design.programs[prog].steps.findIndex((st) => st.name === name);

describe.each(BOTH)('%s: get_mem_cgroup_from_mm on a dying memcg', (d) => {
  it('a killed (even offline) memcg with a count above zero is read and css_tryget takes a reference', () => {
    const w = world(d);
    const { machine, s } = w;
    // A was removed and offlined; a stale read still names it; a page keeps its count at 1.
    s.memcg[A] = { ...s.memcg[A], killed: 1, offline: 1, id: 0, ref: 1 };
    s.page[P0] = ptr(A);
    s.memcg[A].usage = s.memcg[ROOT].usage = 1;
    const after = fire(machine, s, { kind: 'get_mem_cgroup_from_mm', cpu: 0, arg: chargeArg(H0, A) });
    const want = copy(s);
    want.memcg[A].ref = 2;
    want.cpu[0] = { ...IDLE, op: PROG.charge + 1, pc: 1, memcg: ptr(A), page: H0 + 1, tmp: 1 };
    expect(after).toEqual(want);
  });

  it('at zero css_tryget fails: the loop reads again under rcu_read_lock, and finds a live memcg', () => {
    const w = world(d);
    const { machine, s } = w;
    s.memcg[A] = { ...s.memcg[A], killed: 1, offline: 1, id: 0, ref: 0, released: 1 };
    const failed = fire(machine, s, { kind: 'get_mem_cgroup_from_mm', cpu: 0, arg: chargeArg(P0, A) });
    const retry = stepOf(w, PROG.charge, 'get_mem_cgroup_from_mm: retry');
    const want = copy(s);
    want.cpu[0] = { ...IDLE, op: PROG.charge + 1, pc: retry, memcg: ptr(A), page: P0 + 1, rcu: 1 };
    expect(failed).toEqual(want);
    // The retry reads the task's memcg now: a live one (B, root), never the killed A.
    const args = matching(machine, failed, { kind: 'get_mem_cgroup_from_mm: retry', cpu: 0 }).map(
      (a) => a.arg,
    );
    expect(args).toEqual([ROOT, B]);
    const got = fire(machine, failed, { kind: 'get_mem_cgroup_from_mm: retry', cpu: 0, arg: B });
    const want2 = copy(failed);
    want2.memcg[B].ref = 3;
    want2.cpu[0] = { ...IDLE, op: PROG.charge + 1, pc: 1, memcg: ptr(B), page: P0 + 1, tmp: 1 };
    expect(got).toEqual(want2);
  });

  it('a freed memcg is never read', () => {
    const { machine, s } = world(d);
    s.memcg[A] = { ...s.memcg[A], killed: 1, offline: 1, id: 0, ref: 0, released: 1, freed: 1 };
    expect(matching(machine, s, { kind: 'get_mem_cgroup_from_mm', cpu: 0, arg: chargeArg(P0, A) })).toEqual(
      [],
    );
    expectEnabled(machine, s, { kind: 'get_mem_cgroup_from_mm', cpu: 0, arg: chargeArg(P0, B) });
  });
});

describe.each(BOTH)('%s: try_charge on another CPU and its reclaim drain', (d) => {
  it('consume_stock may hit the stock of the CPU the task migrated to', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.charge, 1, { memcg: ptr(A), page: P0 + 1, tmp: 1 });
    s.stock[1] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    s.memcg[A].ref = 4; // base, id, lookup, and the stock (new: its pointer; old: its page)
    s.memcg[A].usage = s.memcg[ROOT].usage = 1;
    const after = fire(machine, s, { kind: 'try_charge', cpu: 0, arg: TC.hit(1) });
    const want = copy(s);
    want.stock[1].nr = 0;
    want.cpu[0] = { ...IDLE, op: PROG.charge + 1, pc: 2, memcg: ptr(A), page: P0 + 1, tmp: 1, nr: 1 };
    expect(after).toEqual(want);
  });

  it('not the stock of a CPU with preemption off (inside drain_all_stock between get_cpu and put_cpu)', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.charge, 1, { memcg: ptr(A), page: P0 + 1, tmp: 1 });
    at(s, 1, PROG.drainAll, 2, { root: ptr(A), rcu: 1, preempt: 1 });
    s.mutex = 2;
    s.stock[1] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    expectDisabled(machine, s, { kind: 'try_charge', cpu: 0, arg: TC.hit(1) });
    expectDisabled(machine, s, { kind: 'try_charge', cpu: 0, arg: TC.refill(1) });
    expectEnabled(machine, s, { kind: 'try_charge', cpu: 0, arg: TC.refillHere });
  });

  it('reclaim: drain_all_stock(mem_over_limit) on the charging CPU drains its own stock directly, then the retry charges nr_pages', () => {
    const w = world(d);
    const { machine, s } = w;
    at(s, 0, PROG.charge, 1, { memcg: ptr(A), page: P0 + 1, tmp: 1 });
    // cpu0's own stock holds a page of A; cpu1's is empty.
    s.stock[0] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    s.memcg[A].ref = 4;
    s.memcg[A].usage = s.memcg[ROOT].usage = 1;
    // The stock hits on cpu0, but the task may be on cpu1, whose stock misses: every charge fails.
    let t = fire(machine, s, { kind: 'try_charge', cpu: 0, arg: TC.reclaim(A) });
    const trylock = stepOf(w, PROG.charge, 'drain_all_stock: mutex_trylock');
    let want = copy(s);
    want.cpu[0] = { ...want.cpu[0], pc: trylock, root: ptr(A), drained: 1 };
    expect(t).toEqual(want);
    t = fire(machine, t, { kind: 'drain_all_stock: mutex_trylock', cpu: 0, arg: A });
    t = fire(machine, t, { kind: 'drain_all_stock: get_cpu', cpu: 0 });
    t = fire(machine, t, { kind: 'drain_all_stock: read stock->cached', cpu: 0 });
    const before = t;
    t = fire(machine, t, { kind: 'drain_all_stock: read stock->nr_pages', cpu: 0 });
    // cpu == curcpu: drain_local_stock right here: the page goes back to the counter.
    want = copy(before);
    want.stock[0] = { cached: 0, nr: 0, flushing: 0, work: 0 };
    want.memcg[A].usage = want.memcg[ROOT].usage = 0;
    want.memcg[A].ref = 3; // new: the stock's pointer ref put; old: its page's ref put
    // ... and the loop goes on to cpu 1.
    const readCached = stepOf(w, PROG.charge, 'drain_all_stock: read stock->cached');
    want.cpu[0] = { ...want.cpu[0], pc: readCached, rcu: 1, i: 1, seen: 0, flush: 0 };
    expect(t).toEqual(want);
    t = fire(machine, t, { kind: 'drain_all_stock: read stock->cached', cpu: 0 });
    t = fire(machine, t, { kind: 'drain_all_stock: read stock->nr_pages', cpu: 0 });
    t = fire(machine, t, { kind: 'drain_all_stock: put_cpu', cpu: 0 });
    t = fire(machine, t, { kind: 'drain_all_stock: mutex_unlock', cpu: 0 });
    // The retry: drained, so no second reclaim; nr_pages charged, then commit_charge.
    const retryArgs = matching(machine, t, { kind: 'try_charge: retry', cpu: 0 }).map((a) => a.arg);
    expect(retryArgs.some((a) => a >= 32 && a < 64)).toBe(false);
    const before2 = t;
    t = fire(machine, t, { kind: 'try_charge: retry', cpu: 0, arg: TC.exact });
    want = copy(before2);
    want.memcg[A].usage = want.memcg[ROOT].usage = 1;
    if (d === 'old') want.memcg[A].ref += 1; // css_get_many(nr_pages)
    want.cpu[0] = { ...want.cpu[0], pc: 2, nr: 1 };
    expect(t).toEqual(want);
  });
});

describe.each(BOTH)('%s: preemption is not the mutex', (d) => {
  it('the mutex holder before get_cpu: its CPU runs drain work; after get_cpu: it does not', () => {
    const { machine, s } = world(d);
    s.memcg[A].killed = 1;
    s.cgroupMutex = 1;
    at(s, 0, PROG.offline, 1, { memcg: ptr(A) });
    const locked = fire(machine, s, { kind: 'drain_all_stock: mutex_trylock', cpu: 0, arg: A });
    const want = copy(s);
    want.mutex = 1;
    want.cpu[0] = { ...IDLE, op: PROG.offline + 1, pc: 2, memcg: ptr(A), root: ptr(A) };
    expect(locked).toEqual(want);
    // Work queued on cpu0 earlier: it can run while cpu0 holds the mutex with preemption on.
    const queued = copy(locked);
    queued.stock[0] = { cached: ptr(B), nr: 1, flushing: 1, work: 1 };
    expectEnabled(machine, queued, { kind: 'drain_local_stock (work)', arg: 0 });
    const off = fire(machine, queued, { kind: 'drain_all_stock: get_cpu', cpu: 0 });
    expect(off.cpu[0].preempt).toBe(1);
    expect(off.cpu[0].rcu).toBe(1);
    expectDisabled(machine, off, { kind: 'drain_local_stock (work)', arg: 0 });
  });
});

describe.each(BOTH)('%s: THP frames', (d) => {
  it('a split THP all of whose pages are free is charged again as a whole THP', () => {
    const { machine, s } = world(d);
    s.split[FRAME_THP] = 1;
    const asThp = chargeArg(H0, A, true);
    const after = fire(machine, s, { kind: 'get_mem_cgroup_from_mm', cpu: 0, arg: asThp });
    const want = copy(s);
    want.split[FRAME_THP] = 0;
    want.memcg[A].ref = 3;
    want.cpu[0] = { ...IDLE, op: PROG.charge + 1, pc: 1, memcg: ptr(A), page: H0 + 1, tmp: 1 };
    expect(after).toEqual(want);
    // Its subpages are still order-0 pages too; with one of them charged, the whole frame is not free.
    expectEnabled(machine, s, { kind: 'get_mem_cgroup_from_mm', cpu: 0, arg: chargeArg(H1, A) });
    const oneUsed = copy(s);
    oneUsed.page[H1] = ptr(A);
    expectDisabled(machine, oneUsed, { kind: 'get_mem_cgroup_from_mm', cpu: 0, arg: asThp });
  });

  it('consume_stock never serves a THP, even from a stock holding a batch of its memcg', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.charge, 1, { memcg: ptr(A), page: H0 + 1, tmp: 1 });
    s.stock[0] = { cached: ptr(A), nr: 2, flushing: 0, work: 0 };
    const args = matching(machine, s, { kind: 'try_charge', cpu: 0 }).map((a) => a.arg);
    expect(args).not.toContain(TC.hitHere);
    expect(args).toContain(TC.exact);
    // batch = max(2, 2) = nr_pages: no refill after a THP charge either.
    expect(args).not.toContain(TC.refillHere);
  });
});

it('config refuses a THP smaller than the batch (the kernel: 512 > 32)', () => {
  expect(() => validateConfig({ ...scope('ci'), batch: 3 })).toThrow(ConfigError);
  expect(() => validateConfig({ ...scope('ci'), batch: 3 })).toThrow(/smaller than --batch 3/);
  expect(() => validateConfig({ ...scope('ci'), batch: 2 })).not.toThrow();
});

describe.each(BOTH)('%s: cgroup_mutex', (d) => {
  it('an offline holds it: rmdir, css release and another offline wait; css free does not', () => {
    const { machine, s } = world(d);
    s.memcg[B] = { ...s.memcg[B], killed: 1 };
    s.memcg[A] = { ...s.memcg[A], killed: 1, offline: 1, id: 0, ref: 0 };
    expectEnabled(machine, s, { kind: 'css_killed_work_fn', cpu: 0, arg: B });
    expectEnabled(machine, s, { kind: 'css_release_work_fn', arg: A });
    const held = fire(machine, s, { kind: 'css_killed_work_fn', cpu: 0, arg: B });
    const want = copy(s);
    want.cgroupMutex = 1;
    want.cpu[0] = { ...IDLE, op: PROG.offline + 1, pc: 1, memcg: ptr(B) };
    expect(held).toEqual(want);
    expectDisabled(machine, held, { kind: 'css_release_work_fn', arg: A });
    expectDisabled(machine, held, { kind: 'css_killed_work_fn', cpu: 1, arg: B });
    const released = copy(held);
    released.memcg[A].released = 1;
    expectEnabled(machine, released, { kind: 'css_free_rwork_fn', arg: A });
    const live = copy(held);
    live.memcg[A] = { ...s.memcg[A], killed: 0, offline: 0, id: 1, ref: 2 };
    expectDisabled(machine, live, { kind: 'kill_css', arg: A });
  });

  it('offline_css lets it go', () => {
    const w = world(d);
    const { machine, s } = w;
    s.memcg[B] = { ...s.memcg[B], killed: 1, ref: 2 };
    s.cgroupMutex = 2;
    at(s, 1, PROG.offline, stepOf(w, PROG.offline, 'offline_css'), { memcg: ptr(B) });
    const after = fire(machine, s, { kind: 'offline_css', cpu: 1 });
    const want = copy(s);
    want.cgroupMutex = 0;
    want.memcg[B] = { ...s.memcg[B], id: 0, offline: 1, ref: 0 };
    want.cpu[1] = { ...IDLE };
    expect(after).toEqual(want);
  });
});
