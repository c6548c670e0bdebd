/**
 * v5.9 slab accounting through obj_cgroup (issue #14; spec §2.3 the slab, obj stock and objcg
 * rows; kernel code in docs/research/kmem-v59-notes.md §3): each step of kmem_cache_alloc's memcg
 * hooks, memcg_slab_free_hook, obj_cgroup_release, the reparenting in css_killed_work_fn, the obj
 * stock drain in drain_local_stock and obj_stock_flush_required in drain_all_stock, on hand-built
 * states with every expected state written out by hand. The fixes of the v5.9 bugs (variants/slab.ts)
 * are checked on the same states. v5.8's slab path is in slab-v58.test.ts.
 *
 * Bounds: the slab scope (root/A, 2 CPUs, objects 0 and 1, no pages, batch 2). Bytes are scaled:
 * PAGE_SIZE 2, an object 1.
 *
 * Long because each step is checked with its expected state written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { Oops } from '../../model/oops.js';
import { slabAllocArg, slabFreeArg } from '../../model/paths/slab.js';
import { TC } from '../../model/paths/try-charge.js';
import type { State } from '../../model/state.js';
import { buildVariant, DESIGNS } from '../../model/variant.js';
import { slabFixed, slabRootReturn } from '../../model/variants/slab.js';
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

/** root/A/A1: an objcg reparented twice. */
const nested = slabNested;
const A1 = 2;

const ALLOC = (slot: number, m: number, cpu = 0) => ({
  kind: 'get_obj_cgroup_from_current',
  cpu,
  arg: slabAllocArg(slot, m),
});
const TRYGET = { kind: 'obj_cgroup_tryget', cpu: 0 };
const CONSUME = (t = 0) => ({ kind: 'obj_cgroup_charge: consume_obj_stock', cpu: 0, arg: t });
const CSS_GET = { kind: 'obj_cgroup_charge: css_get', cpu: 0 };
const TRY = (arg: number) => ({ kind: 'try_charge', cpu: 0, arg, prog: PROG.slabAlloc });
const REFILL = (t = 0) => ({ kind: 'obj_cgroup_charge: refill_obj_stock', cpu: 0, arg: t });
const FREE = (slot: number, t: number) => ({ kind: 'memcg_slab_free_hook', arg: slabFreeArg(slot, t) });
const RELEASE = (o: number) => ({ kind: 'obj_cgroup_release', arg: o });

/** CPU 0 in kmem_cache_alloc at `step`, allocating `slot` for objcg `o`. */
function allocating(s: State, step: string, slot: number, o: number, locals = {}, held = 1): void {
  at(s, 0, PROG.slabAlloc, step, locals);
  s.slabCpu[0] = { objcg: ptr(o), held, slot: slot + 1 };
}
const IDLE_SLAB = { objcg: 0, held: 0, slot: 0 };

describe('get_obj_cgroup_from_current', () => {
  it('is offered for each free object slot and each non-root memcg not freed', () => {
    const { machine, s } = world('new', slabScope());
    expect(argsOf(machine, s, 'get_obj_cgroup_from_current', 0)).toEqual([
      slabAllocArg(0, A),
      slabAllocArg(1, A),
    ]);
    s.objects[0] = ptr(A);
    s.memcg[A].freed = 1;
    expect(argsOf(machine, s, 'get_obj_cgroup_from_current', 0)).toEqual([]);
  });

  it('reads memcg->objcg under rcu_read_lock and goes on to the tryget', () => {
    const { machine, s } = world('new', slabScope());
    const after = fire(machine, s, ALLOC(1, A));
    const want = copy(s);
    want.cpu[0] = {
      ...IDLE,
      op: PROG.slabAlloc + 1,
      pc: pc(PROG.slabAlloc, 'obj_cgroup_tryget'),
      memcg: ptr(A),
      rcu: 1,
    };
    want.slabCpu[0] = { objcg: ptr(A), held: 0, slot: 2 };
    expect(after).toEqual(want);
  });

  it('a reparented memcg’s objcg is NULL: the loop goes up to root and the object is not accounted', () => {
    const { machine, s } = world('new', slabScope());
    s.objcg[A].killed = 1;
    const after = fire(machine, s, ALLOC(0, A));
    expect(after.cpu[0]).toEqual(IDLE);
    expect(after.slabCpu[0]).toEqual(IDLE_SLAB);
    expect(after.objects).toEqual([0, 0]);
  });

  it('in root/A/A1, a reparented A1 reads A’s objcg', () => {
    const { machine, s } = world('new', nested);
    s.objcg[A1].killed = 1;
    const after = fire(machine, s, ALLOC(0, A1));
    expect(after.cpu[0].memcg).toBe(ptr(A));
    expect(after.slabCpu[0].objcg).toBe(ptr(A));
  });
});

describe('obj_cgroup_tryget', () => {
  it('takes a reference and closes the RCU section', () => {
    const { machine, s } = world('new', slabScope());
    allocating(s, 'obj_cgroup_tryget', 0, A, { memcg: ptr(A), rcu: 1 }, 0);
    const after = fire(machine, s, TRYGET);
    const want = copy(s);
    want.objcg[A].ref = 2;
    want.cpu[0].rcu = 0;
    want.cpu[0].pc = pc(PROG.slabAlloc, 'obj_cgroup_charge: consume_obj_stock');
    want.slabCpu[0].held = 1;
    expect(after).toEqual(want);
  });

  it('v5.9: a failed tryget whose parent is root returns the child’s objcg without a reference (2f7659a31473)', () => {
    const { machine, s } = world('new', slabScope());
    allocating(s, 'obj_cgroup_tryget', 0, A, { memcg: ptr(A), rcu: 1 }, 0);
    s.objcg[A] = { ...s.objcg[A], ref: 0, killed: 1, memcg: ptr(ROOT) };
    const after = fire(machine, s, TRYGET);
    const want = copy(s);
    want.cpu[0].memcg = ptr(ROOT);
    want.cpu[0].rcu = 0;
    want.cpu[0].pc = pc(PROG.slabAlloc, 'obj_cgroup_charge: consume_obj_stock');
    want.branch = 2; // Branch.objcgTrygetFailed
    expect(after).toEqual(want);
    expect(after.slabCpu[0]).toEqual({ objcg: ptr(A), held: 0, slot: 1 });
  });

  it('with 2f7659a31473 the loop returns NULL: the allocation is not accounted', () => {
    const design = buildVariant(slabFixed);
    const { machine, s } = world(design, slabScope());
    allocating(s, 'obj_cgroup_tryget', 0, A, { memcg: ptr(A), rcu: 1 }, 0);
    s.objcg[A] = { ...s.objcg[A], ref: 0, killed: 1, memcg: ptr(ROOT) };
    const after = fire(machine, s, TRYGET);
    expect(after.cpu[0]).toEqual(IDLE);
    expect(after.slabCpu[0]).toEqual(IDLE_SLAB);
  });
});

describe('obj_cgroup_charge', () => {
  it('consume_obj_stock hit: one byte from the stock, and memcg_slab_post_alloc_hook stores the objcg', () => {
    const { machine, s } = world('new', slabScope());
    allocating(s, 'obj_cgroup_charge: consume_obj_stock', 1, A);
    s.objcg[A].ref = 4; // base, object0, the stock, the lookup
    s.objects[0] = ptr(A);
    s.objStock[1] = { cached: ptr(A), bytes: 1 };
    s.memcg[A].usage = s.memcg[ROOT].usage = 1;
    const after = fire(machine, s, CONSUME(1));
    const want = copy(s);
    want.objStock[1].bytes = 0;
    want.objects[1] = ptr(A);
    want.cpu[0] = { ...IDLE };
    want.slabCpu[0] = { ...IDLE_SLAB };
    expect(after).toEqual(want); // refcount 4: get for the object, put of the lookup's
  });

  it('a miss reads objcg->memcg under rcu_read_lock', () => {
    const { machine, s } = world('new', slabScope());
    allocating(s, 'obj_cgroup_charge: consume_obj_stock', 0, A);
    s.objcg[A].ref = 2;
    const after = fire(machine, s, CONSUME(0));
    const want = copy(s);
    want.cpu[0] = {
      ...want.cpu[0],
      memcg: ptr(A),
      rcu: 1,
      pc: pc(PROG.slabAlloc, 'obj_cgroup_charge: css_get'),
    };
    expect(after).toEqual(want);
  });

  it('css_get on the memcg read; on a zero count it resurrects it (eefbfa7fd678)', () => {
    const { machine, s } = world('new', slabScope());
    allocating(s, 'obj_cgroup_charge: css_get', 0, A, { memcg: ptr(A), rcu: 1 });
    const after = fire(machine, s, CSS_GET);
    expect(after.memcg[A].ref).toBe(3);
    expect(after.cpu[0]).toMatchObject({ tmp: 1, rcu: 0, pc: pc(PROG.slabAlloc, 'try_charge') });
    s.memcg[A].ref = 0;
    expect(fire(machine, s, CSS_GET).oops).toBe(Oops.getOnZero);
  });

  it('with eefbfa7fd678 a failed css_tryget reads objcg->memcg again', () => {
    const { machine, s } = world(buildVariant(slabFixed), slabScope());
    allocating(s, 'obj_cgroup_charge: css_get', 0, A, { memcg: ptr(A), rcu: 1 });
    s.memcg[A].ref = 0;
    s.objcg[A].memcg = ptr(ROOT);
    const after = fire(machine, s, CSS_GET);
    expect(after.cpu[0]).toMatchObject({
      memcg: ptr(ROOT),
      tmp: 0,
      pc: pc(PROG.slabAlloc, 'obj_cgroup_charge: css_get'),
    });
    expect(after.memcg[A].ref).toBe(0);
  });

  it('try_charge of one page (batch 2: one page more into the page stock)', () => {
    const { machine, s } = world('new', slabScope());
    allocating(s, 'try_charge', 0, A, { memcg: ptr(A), tmp: 1 });
    s.memcg[A].ref = 3;
    const after = fire(machine, s, TRY(TC.refillHere));
    const want = copy(s);
    want.memcg[A].usage = want.memcg[ROOT].usage = 2;
    want.memcg[A].ref = 4; // refill_stock's css_get for stock->cached
    want.stock[0] = { ...want.stock[0], cached: ptr(A), nr: 1 };
    want.cpu[0] = { ...want.cpu[0], nr: 1, pc: pc(PROG.slabAlloc, 'obj_cgroup_charge: refill_obj_stock') };
    expect(after).toEqual(want);
  });

  it('refill_obj_stock switches the stock (draining the old objcg), css_put, post_alloc', () => {
    const { machine, s } = world('new', nested);
    allocating(s, 'obj_cgroup_charge: refill_obj_stock', 1, A, { memcg: ptr(A), tmp: 1, nr: 1 });
    s.memcg[A].ref = 4; // base, id, child A1, the css_get
    s.objcg[A].ref = 2;
    s.objcg[A].bytes = 1; // parked by an earlier drain
    s.objcg[A1].ref = 3; // base, object0, the stock
    s.objects[0] = ptr(A1);
    s.objStock[0] = { cached: ptr(A1), bytes: 1 };
    s.memcg[A1].usage = 1;
    s.memcg[A].usage = s.memcg[ROOT].usage = 3;
    const after = fire(machine, s, REFILL(0));
    const want = copy(s);
    want.objcg[A1].ref = 2; // drain_obj_stock's put
    want.objcg[A1].bytes = 1; // 1 byte: no whole page to uncharge, parked
    want.objcg[A].bytes = 0; // atomic_xchg into the stock
    want.objStock[0] = { cached: ptr(A), bytes: 2 };
    want.objcg[A].ref = 3; // the stock's get; post_alloc's get and put net 0
    want.objects[1] = ptr(A);
    want.memcg[A].ref = 3;
    want.cpu[0] = { ...IDLE };
    want.slabCpu[0] = { ...IDLE_SLAB };
    want.branch = 8; // Branch.objStockParkedBytes
    expect(after).toEqual(want);
  });

  it('ghost: a page charged at A before A’s objcg moved to root leaves a stale page in A’s counter', () => {
    const { machine, s } = world('new', slabScope());
    allocating(s, 'obj_cgroup_charge: refill_obj_stock', 0, A, { memcg: ptr(A), tmp: 1, nr: 1 });
    s.objcg[A] = { ...s.objcg[A], killed: 1, memcg: ptr(ROOT), ref: 1 };
    s.memcg[A].ref = 3;
    s.memcg[A].usage = s.memcg[ROOT].usage = 1;
    const after = fire(machine, s, REFILL(0));
    expect(after.objcg[A].stale).toBe(2); // 2 bytes: one page
    expect(after.objcg[ROOT].stale).toBe(0);
  });
});

describe('memcg_slab_free_hook', () => {
  it('clears the slot, refills the stock, puts the objcg; past PAGE_SIZE the stock is drained', () => {
    const { machine, s } = world('new', slabScope());
    s.objects = [ptr(A), ptr(A)];
    s.objStock[1] = { cached: ptr(A), bytes: 2 };
    s.objcg[A].ref = 4; // base, two objects, the stock
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    const after = fire(machine, s, FREE(0, 1));
    const want = copy(s);
    want.objects[0] = 0;
    want.objStock[1] = { cached: 0, bytes: 0 }; // 3 > 2: drain_obj_stock
    want.memcg[A].usage = want.memcg[ROOT].usage = 1; // one whole page uncharged
    want.objcg[A].bytes = 1; // the remainder parked
    want.objcg[A].ref = 2; // the stock's put and the object's put
    want.branch = 8;
    expect(after).toEqual(want);
  });

  it('is not offered on a CPU with preemption off (drain_all_stock between get_cpu and put_cpu)', () => {
    const { machine, s } = world('new', slabScope());
    s.objects[0] = ptr(A);
    at(s, 1, PROG.drainAll, 'drain_all_stock: read stock->cached', { preempt: 1, rcu: 1, root: ptr(A) });
    expect(argsOf(machine, s, 'memcg_slab_free_hook')).toEqual([slabFreeArg(0, 0)]);
  });
});

describe('memcg_reparent_objcgs (css_killed_work_fn, v5.9)', () => {
  it('moves A1’s objcg to A with css_get(A), kills it, and keeps its stale bytes in A1', () => {
    const { machine, s } = world('new', nested);
    s.memcg[A1] = { ...s.memcg[A1], killed: 1, ref: 2 }; // extra, id
    s.objects[0] = ptr(A1);
    s.objStock[0] = { cached: ptr(A1), bytes: 1 };
    s.objcg[A1].ref = 3;
    const after = fire(machine, s, { kind: 'css_killed_work_fn', arg: A1, cpu: 1 });
    const want = copy(s);
    want.cgroupMutex = 2;
    want.cpu[1] = { ...IDLE, op: PROG.offline + 1, pc: 1, memcg: ptr(A1) };
    want.objcg[A1] = { ...want.objcg[A1], killed: 1, memcg: ptr(A), ref: 2, stale: 2 };
    want.memcg[A].ref += 1;
    expect(after).toEqual(want);
  });

  it('objcgs already reparented to A move on to root: css_put(A) for each', () => {
    const { machine, s } = world('new', nested);
    s.memcg[A] = { ...s.memcg[A], killed: 1, ref: 4 }; // extra, id, A1's objcg, child A1
    s.memcg[A1] = { ...s.memcg[A1], killed: 1, offline: 1, id: 0, ref: 0, released: 1, freed: 1 };
    s.objcg[A1] = { ...s.objcg[A1], killed: 1, memcg: ptr(A), ref: 1, stale: 2 };
    s.objects[0] = ptr(A1);
    const after = fire(machine, s, { kind: 'css_killed_work_fn', arg: A, cpu: 1 });
    expect(after.objcg[A1].memcg).toBe(ptr(ROOT));
    expect(after.objcg[A]).toMatchObject({ killed: 1, memcg: ptr(ROOT), ref: 0, stale: 1 });
    expect(after.memcg[A].ref).toBe(3);
  });

  it('v5.8 has no objcg: the old design at --objects has empty objcg groups (slab-v58.test.ts has its kmem_caches)', () => {
    expect(memcgSpec(slabScope(), DESIGNS.old).initial()[0].objcg).toEqual([]);
    expect(memcgSpec(slabScope(), DESIGNS.new).initial()[0].objcg).toHaveLength(2);
  });
});

describe('obj_cgroup_release', () => {
  it('is offered for a reparented objcg at zero; uncharges the parked pages, puts the memcg, kfree_rcu', () => {
    const { machine, s } = world('new', slabScope());
    s.objcg[A] = { ...s.objcg[A], killed: 1, memcg: ptr(ROOT), ref: 1, bytes: 2 };
    expectDisabled(machine, s, RELEASE(A));
    s.objcg[A].ref = 0;
    s.memcg[ROOT].usage = 1;
    at(s, 1, PROG.slabAlloc, 'obj_cgroup_tryget', { rcu: 1, memcg: ptr(A) });
    const after = fire(machine, s, RELEASE(A));
    const want = copy(s);
    want.memcg[ROOT].usage = 0;
    want.objcg[A] = { ...want.objcg[A], released: 1, gp: 2 };
    want.branch = 4; // Branch.objcgReleaseUncharged
    expect(after).toEqual(want);
  });
});

describe('the obj stock in the drains', () => {
  it('drain_local_stock (work) drains the obj stock first (v5.9)', () => {
    const { machine, s } = world('new', slabScope());
    s.objStock[1] = { cached: ptr(A), bytes: 1 };
    s.objcg[A].ref = 2;
    s.stock[1] = { ...s.stock[1], flushing: 1, work: 1 };
    const after = fire(machine, s, { kind: 'drain_local_stock (work)', arg: 1 });
    expect(after.objStock[1]).toEqual({ cached: 0, bytes: 0 });
    expect(after.objcg[A]).toMatchObject({ ref: 1, bytes: 1 });
  });

  it('obj_stock_flush_required reads stock->cached_objcg twice: NULL at the second read is an oops (3b8abb323953)', () => {
    const { machine, s } = world('new', slabScope());
    at(s, 1, PROG.drainAll, 'drain_all_stock: read stock->nr_pages', {
      preempt: 1,
      rcu: 2,
      root: ptr(A),
      i: 0,
    });
    s.mutex = 2;
    s.objStock[0] = { cached: ptr(A), bytes: 1 };
    s.objcg[A].ref = 2;
    let after = fire(machine, s, { kind: 'drain_all_stock: read stock->nr_pages', cpu: 1 });
    expect(after.cpu[1].pc).toBe(
      pc(PROG.drainAll, 'drain_all_stock: obj_stock_flush_required: read stock->cached_objcg'),
    );
    after = fire(machine, after, {
      kind: 'drain_all_stock: obj_stock_flush_required: read stock->cached_objcg',
      cpu: 1,
    });
    const read2 = 'drain_all_stock: obj_stock_flush_required: obj_cgroup_memcg(stock->cached_objcg)';
    expect(after.cpu[1].pc).toBe(pc(PROG.drainAll, read2));
    const flushed = fire(machine, after, { kind: read2, cpu: 1 });
    expect(flushed.stock[0]).toMatchObject({ flushing: 1, work: 1 });
    const cleared = copy(after);
    cleared.objStock[0] = { cached: 0, bytes: 0 }; // cpu0's drain_obj_stock ran in between
    expect(fire(machine, cleared, { kind: read2, cpu: 1 }).oops).toBe(Oops.nullObjcg);
  });

  it('without --objects read stock->nr_pages goes on to the next CPU as before', () => {
    const { machine, s } = world('new');
    at(s, 1, PROG.drainAll, 'drain_all_stock: read stock->nr_pages', {
      preempt: 1,
      rcu: 2,
      root: ptr(A),
      i: 0,
    });
    const after = fire(machine, s, { kind: 'drain_all_stock: read stock->nr_pages', cpu: 1 });
    expect(after.cpu[1].pc).toBe(pc(PROG.drainAll, 'drain_all_stock: read stock->cached'));
  });
});

it('slab-root-return is v5.9’s get_obj_cgroup_from_current and nothing else of v5.9’s bugs', () => {
  const d = buildVariant(slabRootReturn);
  const names = (b: readonly { name: string }[]) => b.map((o) => o.name);
  expect(names(d.blocks.obj_cgroup_tryget)).toEqual(names(DESIGNS.new.blocks.obj_cgroup_tryget));
  expect(names(d.blocks['obj_cgroup_charge: css_get'])).not.toEqual(
    names(DESIGNS.new.blocks['obj_cgroup_charge: css_get']),
  );
});
