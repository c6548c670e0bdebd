/**
 * obj_cgroup primitives (include/linux/memcontrol.h v5.9, bf4f059954dc "mm: memcg/slab: obj_cgroup
 * API"): obj_cgroup_get/put/tryget on objcg->refcnt (a percpu_ref), and any access to the struct.
 * As in kernel.ts, each records the first bug it hits in the ghost `oops` field (oopsMemcg names the
 * memcg the objcg was made for). An objcg is freed by obj_cgroup_release's kfree_rcu once the RCU
 * readers it waits for are gone: `released && gp == 0` (kfree_rcu runs no code of ours).
 */
import { oops } from './kernel.js';
import { Branch, Oops } from './oops.js';
import type { Ctx } from './ops.js';
import type { Objcg } from './slab-state.js';
import type { ReadonlyState } from './state.js';

/** The objcg behind pointer `ptr` (index + 1) is freed (kfree_rcu has run). */
export function objcgFreed(s: ReadonlyState, ptr: number): boolean {
  const o = s.objcg[ptr - 1];
  return o !== undefined && o.released === 1 && o.gp === 0;
}

/** An access to the objcg behind `ptr`: NULL is an oops, a freed one a use after free; undefined then. */
export function objcgAt(x: Ctx, ptr: number): Objcg | undefined {
  const o = x.s.objcg[ptr - 1];
  if (ptr === 0 || o === undefined) {
    oops(x, Oops.nullObjcg, -1);
    return undefined;
  }
  if (o.released && o.gp === 0) oops(x, Oops.objcgUseAfterFree, ptr - 1);
  return o;
}

/**
 * obj_cgroup_get (percpu_ref_get): a get on a zero count is a resurrection. With `held`, the get is
 * made on the strength of this CPU's slab lookup reference (slabCpu.held on this objcg); without
 * it, it is marked (Branch.getWithoutRef, claim get_with_reference).
 */
export function objcgGet(x: Ctx, ptr: number, backing?: 'held'): void {
  const o = objcgAt(x, ptr);
  if (!o) return;
  if (o.ref <= 0) oops(x, Oops.objcgGetOnZero, ptr - 1);
  if (backing === 'held') {
    const c = x.s.slabCpu[x.task];
    if (c?.held !== 1 || c.objcg !== ptr) x.s.branch |= Branch.getWithoutRef;
  }
  o.ref++;
}

/** obj_cgroup_put (percpu_ref_put): below zero is a bug; at zero after the kill, release follows (an event). */
export function objcgPut(x: Ctx, ptr: number): void {
  const o = objcgAt(x, ptr);
  if (!o) return;
  o.ref--;
  if (o.ref < 0) oops(x, Oops.objcgPutBelowZero, ptr - 1);
}

/** obj_cgroup_tryget (percpu_ref_tryget): succeeds iff the count is above zero (as css_tryget, docs/model.md). */
export function objcgTryget(x: Ctx, ptr: number): boolean {
  const o = objcgAt(x, ptr);
  if (!o || o.ref <= 0) return false;
  o.ref++;
  return true;
}
