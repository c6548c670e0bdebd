/**
 * The css lifecycle (spec §2.0 destruction, §2.2 rows mem_cgroup_css_offline, css_released,
 * css_free): kill_css, css_killed_work_fn (its entry, which takes cgroup_mutex; its drain_all_stock
 * is in drain-all-stock.test.ts), offline_css, css_release_work_fn and css_free_rwork_fn. The same
 * code in both designs, so every test runs in each. Since issue #11, cgroup_mutex is modelled: the
 * offline holds it from its entry to offline_css, and rmdir and the release wait for it.
 */
import { describe, expect, it } from 'vitest';
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
  IDLE,
  P0,
  PROG,
  pc,
  ptr,
  ROOT,
  scope,
  world,
} from './helpers.js';

const KILL = (m: number) => ({ kind: 'kill_css', arg: m });
const OFFLINE = { kind: 'offline_css', cpu: 0 };
const RELEASE = (m: number) => ({ kind: 'css_release_work_fn', arg: m });
const FREE = (m: number) => ({ kind: 'css_free_rwork_fn', arg: m });

/** Fields of a memcg that reached refcount 0 after going offline. */
const dead = { killed: 1, offline: 1, id: 0, ref: 0 };

describe.each(BOTH)('kill_css (%s)', (d) => {
  it('CSS_DYING; css_get (extra) and the base ref dropped: the count is unchanged', () => {
    const { machine, s } = world(d);
    s.page[P0] = ptr(A);
    s.memcg[A].usage = s.memcg[ROOT].usage = 1;
    s.memcg[A].ref = 3;
    const after = fire(machine, s, KILL(A));
    const want = copy(s);
    want.memcg[A].killed = 1;
    expect(after).toEqual(want);
  });

  it('guard: non-root, not yet killed, every child cgroup removed (cgroup_destroy_locked)', () => {
    const { machine, s } = world(d, scope('large'));
    expectDisabled(machine, s, KILL(ROOT));
    expectDisabled(machine, s, KILL(A)); // A1 still exists
    expectEnabled(machine, s, KILL(A1));
    expectEnabled(machine, s, KILL(B));
    s.memcg[A1].killed = 1;
    expectDisabled(machine, s, KILL(A1)); // already killed
    // A1 removed: its self css is offline at rmdir, so A can go even before A1's memcg is offlined.
    expectEnabled(machine, s, KILL(A));
    s.memcg[A1].offline = 1;
    expectEnabled(machine, s, KILL(A));
  });

  it('guard: not while cgroup_mutex is held (an offline in progress)', () => {
    const { machine, s } = world(d);
    s.memcg[A].killed = 1;
    at(s, 0, PROG.offline, 'drain_all_stock: mutex_trylock', { memcg: ptr(A) });
    s.cgroupMutex = 1;
    expectDisabled(machine, s, KILL(B));
    s.cgroupMutex = 0;
    expectEnabled(machine, s, KILL(B));
  });
});

describe.each(BOTH)('css_killed_work_fn (%s)', (d) => {
  const KILLED = (m: number, cpu = 0) => ({ kind: 'css_killed_work_fn', cpu, arg: m });

  it('mutex_lock(&cgroup_mutex), css = the killed css; on to drain_all_stock’s trylock', () => {
    const { machine, s } = world(d);
    s.memcg[A].killed = 1; // ref 2: extra + id
    const after = fire(machine, s, KILLED(A, 1));
    const want = copy(s);
    want.cgroupMutex = 2;
    want.cpu[1] = {
      ...IDLE,
      op: PROG.offline + 1,
      pc: pc(PROG.offline, 'drain_all_stock: mutex_trylock'),
      memcg: ptr(A),
    };
    expect(after).toEqual(want); // no count moves yet; root_memcg is set by the trylock
  });

  it('guard: killed, not offline, not already being offlined, no online child, cgroup_mutex free', () => {
    const { machine, s } = world(d, scope('large'));
    expectDisabled(machine, s, KILLED(A)); // not killed
    s.memcg[A].killed = 1;
    expectDisabled(machine, s, KILLED(A)); // A1 still online
    s.memcg[A1].killed = 1;
    expectEnabled(machine, s, KILLED(A1));
    s.memcg[A1].offline = 1;
    expectDisabled(machine, s, KILLED(A1)); // already offline
    expectEnabled(machine, s, KILLED(A));
    at(s, 1, PROG.offline, 'offline_css', { memcg: ptr(A), root: ptr(A) });
    expectDisabled(machine, s, KILLED(A)); // cpu1 is offlining A
    expectDisabled(machine, s, KILLED(ROOT));
    // cgroup_mutex held by another path (here a CPU mid-offline of B, say): no offline starts.
    s.cpu[1] = { ...IDLE };
    s.memcg[B].killed = 1;
    expect(argsOf(machine, s, 'css_killed_work_fn', 0)).toEqual([A, B]);
    s.cgroupMutex = 2;
    at(s, 1, PROG.offline, 'drain_all_stock: get_cpu', { memcg: ptr(B), root: ptr(B) });
    expectDisabled(machine, s, { kind: 'css_killed_work_fn' });
  });
});

describe.each(BOTH)('offline_css (%s)', (d) => {
  it('mem_cgroup_id_put (id 1 → 0: css_put), CSS_ONLINE cleared, the extra ref put, cgroup_mutex unlocked; returns', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.offline, 'offline_css', { memcg: ptr(A), root: ptr(A) });
    s.cgroupMutex = 1;
    s.memcg[A].killed = 1;
    s.memcg[A].ref = 2; // extra + id
    const after = fire(machine, s, OFFLINE);
    const want = copy(s);
    want.memcg[A].id = 0;
    want.memcg[A].ref = 0;
    want.memcg[A].offline = 1;
    want.cgroupMutex = 0;
    want.cpu[0] = { ...IDLE };
    expect(after).toEqual(want);
  });

  it('a page still charged keeps the memcg alive', () => {
    const { machine, s } = world(d, scope('large'));
    at(s, 1, PROG.offline, 'offline_css', { memcg: ptr(A1), root: ptr(A1) });
    s.cgroupMutex = 2;
    s.page[P0] = ptr(A1);
    s.memcg[A1].usage = s.memcg[A].usage = s.memcg[ROOT].usage = 1;
    s.memcg[A1].killed = 1;
    s.memcg[A1].ref = 3;
    const after = fire(machine, s, { ...OFFLINE, cpu: 1 });
    const want = copy(s);
    want.memcg[A1].id = 0;
    want.memcg[A1].ref = 1;
    want.memcg[A1].offline = 1;
    want.cgroupMutex = 0;
    want.cpu[1] = { ...IDLE };
    expect(after).toEqual(want);
  });

  it('guard: only at the offline_css step of css_killed_work_fn', () => {
    const { machine, s } = world(d);
    s.memcg[A].killed = 1;
    s.cgroupMutex = 1;
    at(s, 0, PROG.offline, 'drain_all_stock: mutex_unlock', { memcg: ptr(A), root: ptr(A), i: 2 });
    expectDisabled(machine, s, OFFLINE);
    s.cpu[0].pc = pc(PROG.offline, 'offline_css');
    expectEnabled(machine, s, OFFLINE);
    s.cgroupMutex = 0;
    at(s, 0, PROG.drainAll, 'drain_all_stock: mutex_unlock', { root: ptr(A), i: 2 });
    expectDisabled(machine, s, OFFLINE);
  });
});

describe.each(BOTH)('css_release_work_fn (%s)', (d) => {
  it('CSS_RELEASED; the grace period waits for the CPUs now inside an RCU reader', () => {
    const { machine, s } = world(d);
    Object.assign(s.memcg[A], dead);
    at(s, 1, PROG.drainAll, 'drain_all_stock: read stock->nr_pages', {
      root: ptr(B),
      i: 0,
      seen: ptr(A),
      rcu: 2,
      preempt: 1,
    });
    s.mutex = 2;
    const after = fire(machine, s, RELEASE(A));
    const want = copy(s);
    want.memcg[A].released = 1;
    want.memcg[A].gp = 0b10;
    expect(after).toEqual(want);
  });

  it('no reader: an empty mask', () => {
    const { machine, s } = world(d);
    Object.assign(s.memcg[B], dead);
    at(s, 0, PROG.charge, 'try_charge', { memcg: ptr(A), page: P0 + 1, tmp: 1 }); // not inside rcu_read_lock
    s.memcg[A].ref = 3;
    const after = fire(machine, s, RELEASE(B));
    const want = copy(s);
    want.memcg[B].released = 1;
    expect(after).toEqual(want);
  });

  it('the mask has a bit for every CPU with rcu depth > 0', () => {
    const { machine, s } = world(d);
    Object.assign(s.memcg[A], dead);
    s.cpu[0].rcu = 1;
    s.cpu[1].rcu = 2;
    const after = fire(machine, s, RELEASE(A));
    const want = copy(s);
    want.memcg[A].released = 1;
    want.memcg[A].gp = 0b11;
    expect(after).toEqual(want);
  });

  it('guard: killed, refcount 0, not yet released, not root', () => {
    const { machine, s } = world(d);
    expectDisabled(machine, s, RELEASE(ROOT));
    Object.assign(s.memcg[A], dead, { ref: 1 });
    expectDisabled(machine, s, RELEASE(A)); // still referenced
    s.memcg[A].ref = 0;
    expectEnabled(machine, s, RELEASE(A));
    s.memcg[A].released = 1;
    expectDisabled(machine, s, RELEASE(A)); // already released
    s.memcg[B].ref = 0;
    expectDisabled(machine, s, RELEASE(B)); // not killed
  });

  it('guard: not while cgroup_mutex is held (an offline in progress)', () => {
    const { machine, s } = world(d);
    Object.assign(s.memcg[A], dead);
    s.memcg[B].killed = 1;
    at(s, 1, PROG.offline, 'offline_css', { memcg: ptr(B), root: ptr(B) });
    s.cgroupMutex = 2;
    expectDisabled(machine, s, RELEASE(A));
    s.cgroupMutex = 0;
    expectEnabled(machine, s, RELEASE(A));
  });
});

describe.each(BOTH)('css_free_rwork_fn (%s)', (d) => {
  it('kfree(memcg); css_put(parent) on root is a no-op', () => {
    const { machine, s } = world(d);
    Object.assign(s.memcg[A], dead, { released: 1 });
    const after = fire(machine, s, FREE(A));
    const want = copy(s);
    want.memcg[A].freed = 1;
    expect(after).toEqual(want);
  });

  it('then css_put(parent): a child unpins its parent', () => {
    const { machine, s } = world(d, scope('large'));
    Object.assign(s.memcg[A1], dead, { released: 1 });
    Object.assign(s.memcg[A], { killed: 1, offline: 1, id: 0, ref: 1 }); // only the child pin left
    const after = fire(machine, s, FREE(A1));
    const want = copy(s);
    want.memcg[A1].freed = 1;
    want.memcg[A].ref = 0;
    expect(after).toEqual(want);
  });

  it('guard: released, grace period over, not yet freed', () => {
    const { machine, s } = world(d);
    Object.assign(s.memcg[A], dead);
    expectDisabled(machine, s, FREE(A)); // not released
    s.memcg[A].released = 1;
    s.memcg[A].gp = 0b01;
    expectDisabled(machine, s, FREE(A)); // cpu0's reader still inside
    s.memcg[A].gp = 0;
    expectEnabled(machine, s, FREE(A));
    s.memcg[A].freed = 1;
    expectDisabled(machine, s, FREE(A));
    expectDisabled(machine, s, FREE(ROOT));
  });

  it('guard: no cgroup_mutex: the free runs while an offline holds it', () => {
    const { machine, s } = world(d);
    Object.assign(s.memcg[A], dead, { released: 1 });
    s.memcg[B].killed = 1;
    at(s, 1, PROG.offline, 'drain_all_stock: get_cpu', { memcg: ptr(B), root: ptr(B) });
    s.cgroupMutex = 2;
    s.mutex = 2;
    expectEnabled(machine, s, FREE(A));
  });
});
