/**
 * The claim get_with_reference (issue #14 item 4: "a get only while holding a reference, or by
 * tryget", for every get the kernel does from a pointer): each get site of the model declares the
 * reference its path holds (kernel.ts `Backing`), and a get without it marks the state after the
 * step (Branch.getWithoutRef). On hand-built states: the backed gets of both designs leave no mark;
 * v5.9's obj_cgroup_charge css_get under rcu_read_lock alone (F4, eefbfa7fd678) and the
 * obj_cgroup_get of the objcg returned without a reference (F3, 2f7659a31473) are marked; each
 * backing fails when its reference is missing.
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../../model/config.js';
import { type Backing, cssGet } from '../../model/kernel.js';
import { cacheGet } from '../../model/kmem-cache.js';
import { CacheState } from '../../model/kmem-cache-state.js';
import { objcgGet } from '../../model/objcg.js';
import { Branch } from '../../model/oops.js';
import type { Ctx } from '../../model/ops.js';
import { slabAllocArg } from '../../model/paths/slab.js';
import { TC } from '../../model/paths/try-charge.js';
import type { State } from '../../model/state.js';
import { buildVariant } from '../../model/variant.js';
import { slabFixed } from '../../model/variants/slab.js';
import { memcgSpec } from '../../properties/spec.js';
import { A, at, fire, PROG, ptr, ROOT, slabNested, slabScope, stepCtx, world } from './helpers.js';

const slab = slabScope;
const nested = slabNested;
const A1 = 2;
const marked = (s: State) => (s.branch & Branch.getWithoutRef) !== 0;

/** A step context on `s` for calling a primitive directly, running on CPU `cpu`. */
const ctx = (s: State, config?: Config, design: 'old' | 'new' = 'new', cpu = 0): Ctx =>
  stepCtx(s, design, config, cpu);

describe('each backing holds exactly when its reference is there', () => {
  const cases: readonly [Backing, (s: State) => void][] = [
    [
      'lookup',
      (s) => {
        s.cpu[0] = { ...s.cpu[0], memcg: ptr(A), tmp: 1 };
      },
    ],
    [
      { page: 0 },
      (s) => {
        s.page[0] = ptr(A);
      },
    ],
    ['base', () => {}],
  ];
  it.each(cases)('%j', (b, give) => {
    const { s } = world('new');
    s.memcg[A].ref = 3;
    if (b === 'base') s.memcg[A].killed = 1; // the base ref dropped
    const without = structuredClone(s);
    cssGet(ctx(without), A, 1, b);
    expect(marked(without)).toBe(true);
    expect(without.memcg[A].ref).toBe(4); // the get itself happens

    const held = structuredClone(s);
    if (b === 'base') held.memcg[A].killed = 0;
    give(held);
    cssGet(ctx(held), A, 1, b);
    expect(marked(held)).toBe(false);
  });

  it('child: a parent gets on the strength of that child, not yet freed', () => {
    const { s } = world('new', nested);
    cssGet(ctx(s, nested), A, 1, { child: A1 });
    expect(marked(s)).toBe(false);
    cssGet(ctx(s, nested), A, 1, { child: A }); // A is not its own child
    expect(marked(s)).toBe(true);
    s.branch = 0;
    s.memcg[A1].freed = 1;
    cssGet(ctx(s, nested), A, 1, { child: A1 });
    expect(marked(s)).toBe(true);
  });

  it('page: that page struct, not any page of the memcg', () => {
    const { s } = world('new');
    s.page[1] = ptr(A); // another page of A
    cssGet(ctx(s), A, 1, { page: 0 });
    expect(marked(s)).toBe(true);
  });

  it('create (v5.8): memcg_link_cache on the strength of the queued create work', () => {
    const { s } = world('old', slab());
    cssGet(ctx(s, slab(), 'old'), A, 1, 'create');
    expect(marked(s)).toBe(true);
    s.branch = 0;
    s.kmemCache[A].queued = 1;
    cssGet(ctx(s, slab(), 'old'), A, 1, 'create');
    expect(marked(s)).toBe(false);
  });

  it('rcu: never a reference', () => {
    const { s } = world('new');
    s.cpu[0] = { ...s.cpu[0], memcg: ptr(A), tmp: 1, rcu: 1 };
    cssGet(ctx(s), A, 1, 'rcu');
    expect(marked(s)).toBe(true);
  });

  it('a get at zero without a reference is marked too (no_get_on_zero, checked first, names it); unchecked is not', () => {
    const { s } = world('new');
    s.memcg[A].ref = 0;
    cssGet(ctx(s), A, 1, 'rcu');
    expect(marked(s)).toBe(true);
    expect(s.oops).not.toBe(0);
    const t = world('new').s;
    cssGet(ctx(t), A, 1);
    cssGet(ctx(t), A, 1, 'unchecked');
    expect(marked(t)).toBe(false);
  });

  it('obj_cgroup_get and a kmem_cache get on the strength of this CPU’s lookup reference', () => {
    const n = world('new', slab()).s;
    objcgGet(ctx(n, slab()), ptr(A), 'held');
    expect(marked(n)).toBe(true);
    n.branch = 0;
    n.slabCpu[0] = { objcg: ptr(A), held: 1, slot: 1 };
    objcgGet(ctx(n, slab()), ptr(A), 'held');
    expect(marked(n)).toBe(false);

    const o = world('old', slab()).s;
    o.kmemCache[A] = { ...o.kmemCache[A], state: CacheState.active, memcg: ptr(A), refcnt: 1 };
    cacheGet(ctx(o, slab(), 'old'), ptr(A), 1, 'held');
    expect(marked(o)).toBe(true);
    o.branch = 0;
    o.kmemCacheCpu[0] = { cache: ptr(A), held: 1, slot: 1 };
    cacheGet(ctx(o, slab(), 'old'), ptr(A), 1, 'held');
    expect(marked(o)).toBe(false);
  });
});

describe('the get sites of the paths', () => {
  it('kill_css: the extra css_get is made while the base ref is still held', () => {
    const { machine, s } = world('new');
    const after = fire(machine, s, { kind: 'kill_css', arg: A });
    expect(after.memcg[A].killed).toBe(1);
    expect(marked(after)).toBe(false);
  });

  it('commit_charge (v5.9) on the strength of the lookup reference; without it, marked', () => {
    const { machine, s } = world('new');
    at(s, 0, PROG.charge, 'commit_charge', { memcg: ptr(A), page: 1, tmp: 1, nr: 1 });
    s.memcg[A].ref = 3;
    s.memcg[A].usage = s.memcg[ROOT].usage = 1;
    expect(marked(fire(machine, s, { kind: 'commit_charge', cpu: 0 }))).toBe(false);
    s.cpu[0].tmp = 0;
    expect(marked(fire(machine, s, { kind: 'commit_charge', cpu: 0 }))).toBe(true);
  });

  it('refill_stock on the stock of a CPU the task migrated to: the task’s lookup reference backs it', () => {
    const { machine, s } = world('new');
    at(s, 0, PROG.charge, 'try_charge', { memcg: ptr(A), page: 1, tmp: 1 });
    s.memcg[A].ref = 3;
    const after = fire(machine, s, { kind: 'try_charge', cpu: 0, arg: TC.refill(1), prog: PROG.charge });
    expect(after.stock[1].cached).toBe(ptr(A));
    expect(marked(after)).toBe(false);
  });

  it('v5.9 obj_cgroup_charge: css_get on the memcg read under rcu_read_lock is marked (F4); eefbfa7fd678’s tryget is not', () => {
    const { machine, s } = world('new', slab());
    let t = fire(machine, s, { kind: 'get_obj_cgroup_from_current', cpu: 0, arg: slabAllocArg(0, A) });
    t = fire(machine, t, { kind: 'obj_cgroup_tryget', cpu: 0 });
    t = fire(machine, t, { kind: 'obj_cgroup_charge: consume_obj_stock', cpu: 0, arg: 0 });
    expect(marked(fire(machine, t, { kind: 'obj_cgroup_charge: css_get', cpu: 0 }))).toBe(true);

    const fixed = world(buildVariant(slabFixed), slab()).machine;
    expect(marked(fire(fixed, t, { kind: 'obj_cgroup_charge: css_get', cpu: 0 }))).toBe(false);
  });

  it('v5.9 memcg_slab_post_alloc_hook: obj_cgroup_get of an objcg the lookup holds no reference on is marked (F3)', () => {
    const { machine, s } = world('new', slab());
    // After a consume_obj_stock hit for objcg(A), returned by a loop whose tryget failed (held 0).
    at(s, 0, PROG.slabAlloc, 'obj_cgroup_charge: consume_obj_stock', { memcg: ptr(ROOT) });
    s.slabCpu[0] = { objcg: ptr(A), held: 0, slot: 1 };
    s.objStock[0] = { cached: ptr(A), bytes: 1 };
    s.objcg[A].ref = 2; // its base ref and the stock's
    const after = fire(machine, s, { kind: 'obj_cgroup_charge: consume_obj_stock', cpu: 0, arg: 0 });
    expect(marked(after)).toBe(true);
    s.slabCpu[0].held = 1;
    s.objcg[A].ref = 3;
    expect(marked(fire(machine, s, { kind: 'obj_cgroup_charge: consume_obj_stock', cpu: 0, arg: 0 }))).toBe(
      false,
    );
  });

  it('v5.9 refill_obj_stock in the allocation: obj_cgroup_get of an objcg the lookup holds no reference on is marked (F3)', () => {
    const { machine, s } = world('new', slab());
    at(s, 0, PROG.slabAlloc, 'obj_cgroup_charge: refill_obj_stock', { memcg: ptr(ROOT), nr: 0 });
    s.slabCpu[0] = { objcg: ptr(A), held: 0, slot: 1 };
    const after = fire(machine, s, { kind: 'obj_cgroup_charge: refill_obj_stock', cpu: 0, arg: 0 });
    expect(marked(after)).toBe(true);
    s.slabCpu[0].held = 1;
    s.objcg[A].ref = 2;
    expect(marked(fire(machine, s, { kind: 'obj_cgroup_charge: refill_obj_stock', cpu: 0, arg: 0 }))).toBe(
      false,
    );
  });

  it('the claim: violated exactly on a marked state', () => {
    const spec = memcgSpec(slab(), world('new', slab()).machine.design);
    const claim = spec.invariants.find((c) => c.name === 'get_with_reference')!;
    const s = world('new', slab()).s;
    expect(claim.holds(s)).toBe(true);
    s.branch = Branch.getWithoutRef;
    expect(claim.holds(s)).toBe(false);
  });
});
