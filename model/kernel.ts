/**
 * Kernel primitives the steps are written with: css refcounting (include/linux/cgroup.h), the memcg
 * ID refcount, hierarchical page counters (mm/page_counter.c), and dereferences of memcg structs.
 * Each primitive records the first bug it hits in the ghost `oops` field instead of throwing, so
 * the explorer reports the state where the kernel would have warned or crashed.
 *
 * All functions take the step context `x` (the draft state and the layout) and a memcg index.
 */
import type { Ctx } from './ops.js';
import { Branch, type Memcg, Oops } from './state.js';

export const ROOT = 0;

export function oops(x: Ctx, code: number, m: number): void {
  if (x.s.oops === 0) {
    x.s.oops = code;
    x.s.oopsMemcg = m + 1;
  }
}

/**
 * A memcg index below 0 is a NULL pointer (pointer fields hold index + 1, 0 = NULL). Every
 * primitive checks it first: in the kernel a get, put or access through NULL is an oops, so the
 * model records `no_null_deref` and the primitive does nothing else.
 */
function isNull(x: Ctx, m: number): boolean {
  if (m >= 0 && m < x.s.memcg.length) return false;
  oops(x, Oops.nullMemcg, -1);
  return true;
}

/** A NULL memcg pointer for a primitive of another module (model/swap.ts): records the oops. */
export const isNullMemcg = isNull;

/**
 * The memcg struct at index m for a field access (`memcg->...`), or undefined after recording the
 * oops when m is NULL; a freed memcg is a use after free. Ops read and write fields through it.
 */
export function memcgAt(x: Ctx, m: number): Memcg | undefined {
  if (isNull(x, m)) return undefined;
  deref(x, m);
  return x.s.memcg[m];
}

/** A page struct index for an access (`page->...`): false after recording the oops when p is NULL. */
export function pageOk(x: Ctx, p: number): boolean {
  if (p >= 0 && p < x.s.page.length) return true;
  oops(x, Oops.nullPage, -1);
  return false;
}

/** Any access to the memcg struct: NULL is an oops; a freed memcg is a use after free (KASAN). */
export function deref(x: Ctx, m: number): void {
  if (isNull(x, m)) return;
  if (x.s.memcg[m].freed) oops(x, Oops.useAfterFree, m);
}

/**
 * The reference a path holds on a memcg when it takes one more with css_get (claim
 * get_with_reference: "a get only while holding a reference, or by tryget"): `lookup` the running
 * path's temporary reference (cpu.tmp on cpu.memcg of `x.task`, from a css_tryget), `{ child: c }`
 * child c's reference on its parent (init_and_link_css; c not yet freed), `base` the base reference
 * of a css not yet killed, `{ page: p }` page struct p's own reference (p->mem_cgroup names the
 * memcg), `create` v5.8's queued kmem_cache create work's css_tryget_online, `rcu` none: only
 * rcu_read_lock keeps the memcg (always a violation), `unchecked` a get the model does not check.
 * Leaving `backing` out is `unchecked` (so that variant files written before the claim keep
 * working; docs/variants.md asks a variant's own gets to name their backing).
 */
export type Backing =
  | 'lookup'
  | { readonly child: number }
  | 'base'
  | { readonly page: number }
  | 'create'
  | 'rcu'
  | 'unchecked';

function backed(x: Ctx, m: number, b: Backing): boolean {
  if (typeof b === 'object')
    return 'page' in b
      ? x.s.page[b.page] === m + 1
      : x.L.parent[b.child] === m && x.s.memcg[b.child]?.freed === 0;
  switch (b) {
    case 'lookup': {
      const c = x.s.cpu[x.task];
      return c !== undefined && c.tmp === 1 && c.memcg === m + 1;
    }
    case 'base':
      return !x.s.memcg[m].killed;
    case 'create':
      return x.s.kmemCache[m]?.queued === 1;
    case 'rcu':
      return false;
    case 'unchecked':
      return true;
  }
}

/**
 * css_get / css_get_many: no-op on root (CSS_NO_REF); a get on a zero count resurrects (bug). With
 * `backing`, a get by a path that does not hold that reference is marked (Branch.getWithoutRef).
 */
export function cssGet(x: Ctx, m: number, n = 1, backing?: Backing): void {
  if (isNull(x, m) || m === ROOT || n === 0) return;
  deref(x, m);
  const css = x.s.memcg[m];
  if (css.ref <= 0) oops(x, Oops.getOnZero, m);
  // Marked whatever the count: at zero no_get_on_zero fails too (and is reported first).
  if (backing !== undefined && !backed(x, m, backing)) x.s.branch |= Branch.getWithoutRef;
  css.ref += n;
}

/** css_put / css_put_many: no-op on root; below zero is a bug. At zero, release follows (see events). */
export function cssPut(x: Ctx, m: number, n = 1): void {
  if (isNull(x, m) || m === ROOT || n === 0) return;
  deref(x, m);
  const css = x.s.memcg[m];
  css.ref -= n;
  if (css.ref < 0) oops(x, Oops.putBelowZero, m);
}

/** css_tryget (percpu_ref_tryget): succeeds iff the count is above zero, even after kill. */
export function cssTryget(x: Ctx, m: number): boolean {
  if (isNull(x, m)) return false;
  if (m === ROOT) return true;
  deref(x, m);
  const css = x.s.memcg[m];
  if (css.ref <= 0) return false;
  css.ref++;
  return true;
}

/** css_tryget_online (percpu_ref_tryget_live): fails once kill_css has run; root never fails. */
export function cssTrygetOnline(x: Ctx, m: number): boolean {
  if (isNull(x, m)) return false;
  if (m === ROOT) return true;
  deref(x, m);
  const css = x.s.memcg[m];
  if (css.killed || css.ref <= 0) return false;
  css.ref++;
  return true;
}

/** mem_cgroup_id_put_many: at zero, mem_cgroup_id_remove and css_put ("memcg ID pins CSS"). */
export function idPut(x: Ctx, m: number, n = 1): void {
  if (isNull(x, m)) return;
  deref(x, m);
  const memcg = x.s.memcg[m];
  memcg.id -= n;
  if (memcg.id < 0) oops(x, Oops.idPutBelowZero, m);
  if (memcg.id === 0) cssPut(x, m);
}

/** page_counter_charge on m's counter and every ancestor's (use_hierarchy). */
export function pageCounterCharge(x: Ctx, m: number, n: number): void {
  if (isNull(x, m)) return;
  for (const a of x.L.ancestors[m]) {
    deref(x, a);
    x.s.memcg[a].usage += n;
  }
}

/** page_counter_uncharge → page_counter_cancel on each ancestor; WARN on underflow. */
export function pageCounterUncharge(x: Ctx, m: number, n: number): void {
  if (isNull(x, m)) return;
  for (const a of x.L.ancestors[m]) {
    deref(x, a);
    const memcg = x.s.memcg[a];
    memcg.usage -= n;
    if (memcg.usage < 0) oops(x, Oops.counterUnderflow, a);
  }
}

/** mem_cgroup_is_descendant(memcg, root): dereferences memcg->css.cgroup. */
export function isDescendant(x: Ctx, m: number, root: number): boolean {
  if (isNull(x, m) || isNull(x, root)) return false;
  // cgroup_is_descendant reads both: memcg's ancestor ids and root_memcg's level and id.
  deref(x, m);
  deref(x, root);
  return x.L.ancestors[m].includes(root);
}

/**
 * rcu_read_lock, or get_cpu()/preempt_disable(): since the RCU flavour consolidation (v4.20,
 * commit 1893afd63409) a preempt-disabled region is an RCU read-side critical section too, so both
 * nest in one per-CPU depth.
 */
export function rcuReadLock(x: Ctx): void {
  x.s.cpu[x.cpu].rcu++;
}

/** rcu_read_unlock or put_cpu(): at depth 0 the CPU no longer holds back any grace period. */
export function rcuReadUnlock(x: Ctx): void {
  const c = x.s.cpu[x.cpu];
  c.rcu--;
  if (c.rcu > 0) return;
  c.rcu = 0;
  const bit = 1 << x.cpu;
  for (const memcg of x.s.memcg) if (memcg.gp & bit) memcg.gp &= ~bit;
  // obj_cgroup_release's kfree_rcu waits for the same readers (empty without --objects).
  const objcgs = x.s.objcg;
  for (let i = 0; i < objcgs.length; i++) if (objcgs[i].gp & bit) objcgs[i].gp &= ~bit;
  // v5.8: kmemcg_cache_deactivate's call_rcu too (empty in v5.9 and without --objects).
  const caches = x.s.kmemCache;
  for (let i = 0; i < caches.length; i++) if (caches[i].gp & bit) caches[i].gp &= ~bit;
}

/**
 * compound_nr of a page struct being uncharged or charged: a THP head not yet split counts all
 * subpages; for a kernel page, `1 << order` (the whole allocation until split_page, 1 after).
 */
export function nrPages(x: Ctx, p: number): number {
  if (!pageOk(x, p)) return 0;
  const f = x.L.structFrame[p];
  return x.L.structIsHead[p] && !x.s.split[f] ? x.L.frameSize[f] : 1;
}
