/**
 * v5.8 slab accounting through per-memcg kmem_caches (issue #14; spec §2.2 the memcg_charge_slab
 * row; kernel code in docs/research/kmem-v59-notes.md §4 and docs/research/kmem-cache-v58.md): each
 * step of the allocation (memcg_kmem_get_cache, memcg_charge_slab's trygets and its transfer of the
 * page references, memcg_kmem_put_cache), memcg_uncharge_slab, the cache's create work, its
 * deactivation after RCU and its shutdown, and memcg_offline_kmem's deactivate and reparent in
 * css_killed_work_fn, on hand-built states with every expected change written out by hand. The
 * proposed fix of F7 (variants/slab-v58.ts) is checked on the same states.
 *
 * Bounds: the slab scope (root/A, 2 CPUs, two slab page slots, no user pages, batch 2), design old.
 *
 * Long because each step is checked with its expected state written out by hand.
 */
import { describe, expect, it } from 'vitest';
import type { Design } from '../../model/design/types.js';
import { CacheState } from '../../model/kmem-cache-state.js';
import { Branch, Oops } from '../../model/oops.js';
import type { State } from '../../model/state.js';
import { buildVariant, DESIGNS } from '../../model/variant.js';
import { slabV58Fixed, slabV58KmemKey } from '../../model/variants/slab-v58.js';
import { memcgSpec } from '../../properties/spec.js';
import {
  A,
  argsOf,
  at,
  copy,
  expectDisabled,
  fire,
  IDLE,
  PROG,
  pc,
  ptr,
  ROOT,
  slabNested,
  slabScope,
  world,
} from './helpers.js';

/** root/A/A1: a cache reparented twice. */
const nested = slabNested;
const A1 = 2;

const allocArg = (slot: number, m: number) => slot * 16 + m;
const GET = (slot: number, m: number, cpu = 0) => ({
  kind: 'memcg_kmem_get_cache',
  cpu,
  arg: allocArg(slot, m),
});
const TRYGET = { kind: 'memcg_charge_slab: css_tryget_online', cpu: 0 };
const MOVE = { kind: 'memcg_charge_slab: move the page references to the kmem_cache', cpu: 0 };
const PUT = { kind: 'memcg_kmem_put_cache', cpu: 0 };
const FREE = (slot: number) => ({ kind: 'memcg_uncharge_slab', arg: slot });
const CREATE = (m: number) => ({ kind: 'memcg_kmem_cache_create_func', arg: m });
const KILL = (m: number) => ({ kind: 'kmemcg_cache_deactivate_after_rcu', arg: m });
const SHUTDOWN = (m: number) => ({ kind: 'kmemcg_cache_shutdown_fn', arg: m });
const IDLE_CPU = { cache: 0, held: 0, slot: 0 };

/** memcg m's cache as memcg_create_kmem_cache leaves it (refcnt: its base ref), its css ref taken. */
function created(s: State, m: number, refcnt = 1): void {
  s.kmemCache[m] = { ...s.kmemCache[m], state: CacheState.active, memcg: ptr(m), refcnt };
  s.memcg[m].ref += 1;
}

/** CPU 0 allocating `slot` from memcg m's cache at `step`, holding the lookup reference. */
function allocating(s: State, step: string, slot: number, m: number, locals = {}, design?: Design): void {
  at(s, 0, PROG.slabAllocV58, pc(PROG.slabAllocV58, step, design), locals);
  s.kmemCacheCpu[0] = { cache: ptr(m), held: 1, slot: slot + 1 };
}

describe('the old design at --objects', () => {
  it('has the v5.8 kmem_cache state and none of v5.9’s obj_cgroup state', () => {
    const { s } = world('old', slabScope());
    expect(s.objcg).toEqual([]);
    expect(s.objects).toEqual([]);
    expect(s.kmemCache).toHaveLength(2);
    expect(s.kmemCache[A]).toEqual({
      state: 0,
      memcg: 0,
      refcnt: 0,
      gp: 0,
      queued: 0,
      kmemOffline: 0,
      stale: 0,
    });
    expect(s.slabPage).toEqual([0, 0]);
    expect(() => memcgSpec(slabScope(), DESIGNS.old)).not.toThrow();
    // And the new design the other way round.
    const n = world('new', slabScope()).s;
    expect(n.kmemCache).toEqual([]);
    expect(n.objcg).toHaveLength(2);
  });
});

describe('memcg_kmem_get_cache', () => {
  it('is offered for each free slab page slot and each non-root memcg not freed', () => {
    const { machine, s } = world('old', slabScope());
    expect(argsOf(machine, s, 'memcg_kmem_get_cache', 0)).toEqual([allocArg(0, A), allocArg(1, A)]);
    s.slabPage[0] = ptr(A);
    s.kmemCacheCpu[1].slot = 2;
    expect(argsOf(machine, s, 'memcg_kmem_get_cache', 0)).toEqual([]);
    s.kmemCacheCpu[1].slot = 0;
    s.memcg[A].freed = 1;
    expect(argsOf(machine, s, 'memcg_kmem_get_cache', 0)).toEqual([]);
  });

  it('no cache yet: memcg_schedule_kmem_cache_create takes css_tryget_online and queues the work; the root cache is used', () => {
    const { machine, s } = world('old', slabScope());
    const after = fire(machine, s, GET(0, A));
    const want = copy(s);
    want.memcg[A].ref = 3;
    want.kmemCache[A].queued = 1;
    expect(after).toEqual(want);
  });

  it('a create work already queued: nothing more (one per memcg: docs/model.md)', () => {
    const { machine, s } = world('old', slabScope());
    s.kmemCache[A].queued = 1;
    s.memcg[A].ref = 3;
    expect(fire(machine, s, GET(1, A))).toEqual(s);
  });

  it('a killed memcg gets no create work (css_tryget_online fails)', () => {
    const { machine, s } = world('old', slabScope());
    s.memcg[A].killed = 1;
    s.memcg[A].ref = 2;
    expect(fire(machine, s, GET(0, A))).toEqual(s);
  });

  it('an active cache: percpu_ref_tryget, and on to memcg_charge_slab for a new slab page', () => {
    const { machine, s } = world('old', slabScope());
    created(s, A);
    const after = fire(machine, s, GET(1, A));
    const want = copy(s);
    want.kmemCache[A].refcnt = 2;
    want.cpu[0] = {
      ...IDLE,
      op: PROG.slabAllocV58 + 1,
      pc: pc(PROG.slabAllocV58, 'memcg_charge_slab: css_tryget_online'),
    }; // current's memcg is a local of the step: no reference is held on it
    want.kmemCacheCpu[0] = { cache: ptr(A), held: 1, slot: 2 };
    expect(after).toEqual(want);
  });

  it('after memcg_offline_kmem the kmemcg_id is the parent’s: root’s is -1, the root cache', () => {
    const { machine, s } = world('old', slabScope());
    s.kmemCache[A].kmemOffline = 1;
    expect(fire(machine, s, GET(0, A))).toEqual(s);
  });

  it('in root/A/A1, an offline A1 allocates from A’s cache', () => {
    const { machine, s } = world('old', nested);
    created(s, A);
    s.kmemCache[A1].kmemOffline = 1;
    const after = fire(machine, s, GET(0, A1));
    expect(after.kmemCacheCpu[0]).toEqual({ cache: ptr(A), held: 1, slot: 1 });
    expect(after.kmemCache[A].refcnt).toBe(2);
  });
});

describe('memcg_charge_slab: css_tryget_online', () => {
  it('the cache’s memcg online: its tryget reference, then try_charge', () => {
    const { machine, s } = world('old', slabScope());
    created(s, A, 2);
    allocating(s, 'memcg_charge_slab: css_tryget_online', 0, A, { memcg: ptr(A) });
    const after = fire(machine, s, TRYGET);
    const want = copy(s);
    want.memcg[A].ref += 1;
    want.cpu[0].tmp = 1;
    want.cpu[0].pc = pc(PROG.slabAllocV58, 'try_charge');
    expect(after).toEqual(want);
  });

  it('v5.8: the cache’s memcg killed: the walk reaches root, nothing is charged, the page’s ref goes to the cache (F7)', () => {
    const { machine, s } = world('old', slabScope());
    created(s, A, 2);
    s.memcg[A].killed = 1;
    s.memcg[A].ref = 3; // kill_css's extra, the id, the cache
    allocating(s, 'memcg_charge_slab: css_tryget_online', 0, A, { memcg: ptr(A) });
    const after = fire(machine, s, TRYGET);
    const want = copy(s);
    want.kmemCache[A].refcnt = 3;
    want.slabPage[0] = ptr(A);
    want.slabCharged[0] = 0;
    want.cpu[0].memcg = ptr(ROOT);
    want.cpu[0].pc = pc(PROG.slabAllocV58, 'memcg_kmem_put_cache');
    want.branch = Branch.chargeSlabDying;
    expect(after).toEqual(want);
  });

  it('the proposed fix reads the cache’s memcg, then (a step of its own) css_tryget: the killed memcg itself', () => {
    const v = buildVariant(slabV58Fixed);
    const { machine, s } = world(v, slabScope());
    created(s, A, 2);
    s.memcg[A].killed = 1;
    s.memcg[A].ref = 3;
    allocating(s, 'memcg_charge_slab: css_tryget_online', 0, A, {}, v);
    const read = fire(machine, s, TRYGET);
    const want = copy(s);
    want.cpu[0].memcg = ptr(A);
    want.cpu[0].rcu = 1;
    want.cpu[0].pc = pc(PROG.slabAllocV58, 'memcg_charge_slab: css_tryget', v);
    expect(read).toEqual(want);
    const after = fire(machine, read, { kind: 'memcg_charge_slab: css_tryget', cpu: 0 });
    want.memcg[A].ref = 4;
    want.cpu[0].tmp = 1;
    want.cpu[0].rcu = 0;
    want.cpu[0].pc = pc(PROG.slabAllocV58, 'try_charge', v);
    want.branch = Branch.chargeSlabDying;
    expect(after).toEqual(want);
  });

  it('the proposed fix: a reparent and the last put between the read and the tryget make it fail and read again', () => {
    const v = buildVariant(slabV58Fixed);
    const { machine, s } = world(v, slabScope());
    s.kmemCache[A] = { ...s.kmemCache[A], state: CacheState.deactivated, memcg: ptr(ROOT), refcnt: 2 };
    s.memcg[A] = { ...s.memcg[A], killed: 1, offline: 1, ref: 0, id: 0 };
    allocating(s, 'memcg_charge_slab: css_tryget', 0, A, { memcg: ptr(A), rcu: 1 }, v);
    const after = fire(machine, s, { kind: 'memcg_charge_slab: css_tryget', cpu: 0 });
    expect(after.memcg[A].ref).toBe(0);
    expect(after.cpu[0].pc).toBe(pc(PROG.slabAllocV58, 'memcg_charge_slab: css_tryget_online', v));
    expect(after.cpu[0].rcu).toBe(0);
  });
});

describe('memcg_charge_slab: move the page references to the kmem_cache', () => {
  it('percpu_ref_get_many on the cache, css_put_many of the page refs, css_put of the tryget', () => {
    const { machine, s } = world('old', slabScope());
    created(s, A, 2);
    // After try_charge(A, 1) at batch 2: one page for the slab page (cpu.nr), one in the stock.
    s.memcg[A].ref += 1 + 2; // the tryget, the batch's two page refs
    s.memcg[A].usage = 2;
    s.memcg[ROOT].usage = 2;
    s.stock[0] = { ...s.stock[0], cached: ptr(A), nr: 1 };
    allocating(s, 'memcg_charge_slab: move the page references to the kmem_cache', 1, A, {
      memcg: ptr(A),
      tmp: 1,
      nr: 1,
    });
    const after = fire(machine, s, MOVE);
    const want = copy(s);
    want.kmemCache[A].refcnt = 3;
    want.slabPage[1] = ptr(A);
    want.slabCharged[1] = ptr(A);
    want.memcg[A].ref -= 2;
    want.cpu[0].nr = 0;
    want.cpu[0].tmp = 0;
    want.cpu[0].pc = pc(PROG.slabAllocV58, 'memcg_kmem_put_cache');
    expect(after).toEqual(want);
  });
});

describe('memcg_kmem_put_cache', () => {
  it('puts the lookup reference; the allocation returns', () => {
    const { machine, s } = world('old', slabScope());
    created(s, A, 3);
    s.slabPage[0] = ptr(A);
    allocating(s, 'memcg_kmem_put_cache', 0, A, { memcg: ptr(A) });
    const after = fire(machine, s, PUT);
    const want = copy(s);
    want.kmemCache[A].refcnt = 2;
    want.cpu[0] = { ...IDLE };
    want.kmemCacheCpu[0] = IDLE_CPU;
    expect(after).toEqual(want);
  });
});

describe('memcg_kmem_put_cache and the static key (F8)', () => {
  it('v5.8: once no non-root memcg is left, memcg_kmem_enabled() is false and the put is skipped', () => {
    const { machine, s } = world('old', slabScope());
    s.kmemCache[A] = {
      ...s.kmemCache[A],
      state: CacheState.killed,
      memcg: ptr(ROOT),
      refcnt: 2,
      kmemOffline: 1,
    };
    s.memcg[A] = { ...s.memcg[A], killed: 1, offline: 1, released: 1, freed: 1, ref: 0, id: 0 };
    s.slabPage[0] = ptr(A);
    allocating(s, 'memcg_kmem_put_cache', 0, A);
    const after = fire(machine, s, PUT);
    expect(after.kmemCache[A].refcnt).toBe(2); // the lookup's reference is never put
    expect(after.kmemCacheCpu[0]).toEqual(IDLE_CPU);
  });

  it('d648bcc7fe65 (the key never goes back): the put is made', () => {
    const v = buildVariant(slabV58Fixed);
    const { machine, s } = world(v, slabScope());
    s.kmemCache[A] = {
      ...s.kmemCache[A],
      state: CacheState.killed,
      memcg: ptr(ROOT),
      refcnt: 2,
      kmemOffline: 1,
    };
    s.memcg[A] = { ...s.memcg[A], killed: 1, offline: 1, released: 1, freed: 1, ref: 0, id: 0 };
    s.slabPage[0] = ptr(A);
    allocating(s, 'memcg_kmem_put_cache', 0, A, {}, v);
    expect(fire(machine, s, PUT).kmemCache[A].refcnt).toBe(1);
    // The variant with only that fix left out shows the skipped put.
    expect(buildVariant(slabV58KmemKey).name).toBe('slab-v58-kmem-key');
  });
});

describe('memcg_uncharge_slab', () => {
  it('is offered for each slab page not being filled', () => {
    const { machine, s } = world('old', slabScope());
    created(s, A, 3);
    s.slabPage = [ptr(A), ptr(A)];
    s.kmemCacheCpu[1].slot = 2;
    expect(argsOf(machine, s, 'memcg_uncharge_slab')).toEqual([0]);
  });

  it('uncharges the cache’s memcg and puts the page’s reference', () => {
    const { machine, s } = world('old', slabScope());
    created(s, A, 2);
    s.slabPage[0] = ptr(A);
    s.slabCharged[0] = ptr(A);
    s.memcg[A].usage = 1;
    s.memcg[ROOT].usage = 1;
    const after = fire(machine, s, FREE(0));
    const want = copy(s);
    want.slabPage[0] = 0;
    want.slabCharged[0] = 0;
    want.memcg[A].usage = 0;
    want.memcg[ROOT].usage = 0;
    want.kmemCache[A].refcnt = 1;
    expect(after).toEqual(want);
  });

  it('a cache reparented to root: nothing uncharged; A’s and root’s counters keep the page (the ghost stale)', () => {
    const { machine, s } = world('old', slabScope());
    s.kmemCache[A] = {
      ...s.kmemCache[A],
      state: CacheState.killed,
      memcg: ptr(ROOT),
      refcnt: 1,
      kmemOffline: 1,
    };
    s.slabPage[0] = ptr(A);
    s.slabCharged[0] = ptr(A);
    s.memcg[A].usage = 1;
    s.memcg[ROOT].usage = 1;
    const after = fire(machine, s, FREE(0));
    const want = copy(s);
    want.slabPage[0] = 0;
    want.slabCharged[0] = 0;
    want.kmemCache[A].refcnt = 0;
    want.kmemCache[A].state = CacheState.shutdown; // the last put after the kill: kmemcg_cache_shutdown
    want.kmemCache[A].stale = 1;
    want.kmemCache[ROOT].stale = 1;
    expect(after).toEqual(want);
  });

  it('v5.8: a page charged nowhere (the walk reached root) uncharged at A: page_counter underflow (F7)', () => {
    const { machine, s } = world('old', slabScope());
    created(s, A, 2);
    s.slabPage[0] = ptr(A);
    s.slabCharged[0] = 0;
    const after = fire(machine, s, FREE(0));
    expect(after.memcg[A].usage).toBe(-1);
    expect(after.memcg[ROOT].usage).toBe(-1);
    expect(after.oops).toBe(Oops.counterUnderflow);
    expect(after.oopsMemcg).toBe(ptr(A));
    expect(after.kmemCache[A].stale).toBe(0);
  });
});

describe('memcg_kmem_cache_create_func', () => {
  it('makes the cache (base ref, memcg_link_cache’s css_get) and puts the work’s reference', () => {
    const { machine, s } = world('old', slabScope());
    s.kmemCache[A].queued = 1;
    s.memcg[A].ref = 3;
    expectDisabled(machine, s, CREATE(ROOT));
    const after = fire(machine, s, CREATE(A));
    const want = copy(s);
    want.kmemCache[A] = {
      ...want.kmemCache[A],
      queued: 0,
      state: CacheState.active,
      memcg: ptr(A),
      refcnt: 1,
    };
    expect(after).toEqual(want); // css(A): +1 (link) -1 (the work's put)
  });

  it('a killed memcg whose kmem is still online gets its cache (kmem_state is KMEM_ONLINE until offline)', () => {
    const { machine, s } = world('old', slabScope());
    s.kmemCache[A].queued = 1;
    s.memcg[A] = { ...s.memcg[A], killed: 1, ref: 3 };
    expect(fire(machine, s, CREATE(A)).kmemCache[A].state).toBe(CacheState.active);
  });

  it('after memcg_offline_kmem: no cache, only the css_put', () => {
    const { machine, s } = world('old', slabScope());
    s.kmemCache[A] = { ...s.kmemCache[A], queued: 1, kmemOffline: 1 };
    s.memcg[A].ref = 2;
    const after = fire(machine, s, CREATE(A));
    const want = copy(s);
    want.kmemCache[A].queued = 0;
    want.memcg[A].ref = 1;
    want.branch = Branch.cacheCreateSkipped;
    expect(after).toEqual(want);
  });
});

describe('memcg_offline_kmem in css_killed_work_fn (v5.8)', () => {
  it('deactivates the cache (call_rcu), moves it and its css reference to the parent, sets kmem offline', () => {
    const { machine, s } = world('old', slabScope());
    created(s, A, 2);
    s.memcg[A] = { ...s.memcg[A], killed: 1, ref: 3 }; // extra, id, cache
    s.cpu[1].rcu = 1; // CPU 1 is inside an RCU read section
    const after = fire(machine, s, { kind: 'css_killed_work_fn', cpu: 0, arg: A });
    expect(after.kmemCache[A]).toEqual({
      ...s.kmemCache[A],
      state: CacheState.deactivated,
      memcg: ptr(ROOT),
      gp: 0b10,
      kmemOffline: 1,
    });
    expect(after.memcg[A].ref).toBe(2); // the cache's css_put(A); css_get_many(root) is a no-op
  });

  it('in root/A/A1: A1’s cache, already reparented to A, moves on to root with A’s reference', () => {
    const { machine, s } = world('old', nested);
    s.kmemCache[A1] = {
      ...s.kmemCache[A1],
      state: CacheState.killed,
      memcg: ptr(A),
      refcnt: 1,
      kmemOffline: 1,
    };
    s.memcg[A1] = { ...s.memcg[A1], killed: 1, offline: 1, ref: 0, id: 0 };
    s.memcg[A] = { ...s.memcg[A], killed: 1, ref: 4 }; // extra, id, child A1, A1's cache
    const after = fire(machine, s, { kind: 'css_killed_work_fn', cpu: 0, arg: A });
    expect(after.kmemCache[A1].memcg).toBe(ptr(ROOT));
    expect(after.kmemCache[A].state).toBe(CacheState.none);
    expect(after.kmemCache[A].kmemOffline).toBe(1);
    expect(after.memcg[A].ref).toBe(3);
  });

  it('the v5.9 design reparents objcgs instead and has no kmem_cache state', () => {
    const { machine, s } = world('new', slabScope());
    s.memcg[A] = { ...s.memcg[A], killed: 1, ref: 2 };
    const after = fire(machine, s, { kind: 'css_killed_work_fn', cpu: 0, arg: A });
    expect(after.kmemCache).toEqual([]);
    expect(after.objcg[A].killed).toBe(1);
  });
});

describe('kmemcg_cache_deactivate_after_rcu', () => {
  it('waits for the grace period, then percpu_ref_kill drops the base ref', () => {
    const { machine, s } = world('old', slabScope());
    s.kmemCache[A] = {
      ...s.kmemCache[A],
      state: CacheState.deactivated,
      memcg: ptr(ROOT),
      refcnt: 2,
      gp: 0b10,
    };
    expectDisabled(machine, s, KILL(A));
    s.kmemCache[A].gp = 0;
    const after = fire(machine, s, KILL(A));
    const want = copy(s);
    want.kmemCache[A].state = CacheState.killed;
    want.kmemCache[A].refcnt = 1;
    expect(after).toEqual(want);
  });

  it('rcu_read_unlock on the last reader clears its bit', () => {
    const { machine, s } = world('old', slabScope());
    s.kmemCache[A] = {
      ...s.kmemCache[A],
      state: CacheState.deactivated,
      memcg: ptr(ROOT),
      refcnt: 1,
      gp: 0b01,
      kmemOffline: 1,
    };
    // memcg_kmem_get_cache on CPU 0 opens and closes an RCU section in its one step.
    const after = fire(machine, s, GET(0, A));
    expect(after.kmemCache[A].gp).toBe(0);
  });

  it('no slab page left: the kill’s put reaches zero and queues the shutdown', () => {
    const { machine, s } = world('old', slabScope());
    s.kmemCache[A] = { ...s.kmemCache[A], state: CacheState.deactivated, memcg: ptr(ROOT), refcnt: 1 };
    expect(fire(machine, s, KILL(A)).kmemCache[A].state).toBe(CacheState.shutdown);
  });
});

describe('kmemcg_cache_shutdown_fn', () => {
  it('destroy_memcg_params puts the css of the memcg the cache points at, and the cache is freed', () => {
    const { machine, s } = world('old', nested);
    s.kmemCache[A1] = {
      ...s.kmemCache[A1],
      state: CacheState.shutdown,
      memcg: ptr(A),
      refcnt: 0,
      kmemOffline: 1,
    };
    s.memcg[A].ref = 4;
    expectDisabled(machine, s, SHUTDOWN(A));
    const after = fire(machine, s, SHUTDOWN(A1));
    const want = copy(s);
    want.kmemCache[A1].state = CacheState.destroyed;
    want.memcg[A].ref = 3;
    expect(after).toEqual(want);
  });

  it('a slab page pointing at a destroyed cache is a dangling pointer; an access is a use after free', () => {
    const { machine, s } = world('old', slabScope());
    s.kmemCache[A] = { ...s.kmemCache[A], state: CacheState.destroyed, memcg: ptr(ROOT) };
    s.slabPage[0] = ptr(A);
    const after = fire(machine, s, FREE(0));
    expect(after.oops).toBe(Oops.cacheUseAfterFree);
  });
});
