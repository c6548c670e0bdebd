/**
 * Kernel primitives of swap accounting (mm/memcontrol.c, CONFIG_MEMCG_SWAP), written like those of
 * model/kernel.ts: the memcg ID refcount's gets (mem_cgroup_id_get_many, mem_cgroup_id_get_online),
 * mem_cgroup_from_id, and the swap (v2) or memsw (v1) page counter, kept as `swapCounter` (model/swap-state.ts).
 * Each records the first bug it hits in the ghost `oops` field.
 */

import { Branch2, markBranch2 } from './branch2.js';
import { deref, isNullMemcg, oops, ROOT } from './kernel.js';
import type { Ctx } from './ops.js';
import type { ReadonlyState } from './state.js';
import { Oops } from './state.js';

/** mem_cgroup_id_get_many: refcount_add(n, &memcg->id.ref); on a zero count refcount_t WARNs ("addition on 0"). */
export function idGetMany(x: Ctx, m: number, n: number): void {
  if (isNullMemcg(x, m) || n === 0) return;
  deref(x, m);
  const memcg = x.s.memcg[m];
  if (memcg.id <= 0) oops(x, Oops.idGetOnZero, m);
  memcg.id += n;
}

/**
 * mem_cgroup_id_get_online: `while (!refcount_inc_not_zero(&memcg->id.ref)) memcg = parent`: the
 * closest memcg from m up whose id.ref is not zero (an offline memcg with swap records still takes
 * new ones). Root's id is never put to zero (the WARN_ON_ONCE of the kernel's loop); returns the index.
 */
export function idGetOnline(x: Ctx, m: number): number {
  if (isNullMemcg(x, m)) return -1;
  for (let a = m; ; a = x.L.parent[a]) {
    deref(x, a);
    const memcg = x.s.memcg[a];
    if (memcg.id > 0) {
      memcg.id++;
      if (a !== m) markBranch2(x.s, Branch2.idOfAncestor);
      return a;
    }
    if (a === ROOT) {
      // WARN_ON_ONCE(memcg == root_mem_cgroup): the kernel breaks out with root and takes no reference.
      oops(x, Oops.idGetOnZero, a);
      return a;
    }
  }
}

/**
 * mem_cgroup_from_id(id) under rcu_read_lock: the memcg a swap record names, or -1 (NULL) once its
 * id was removed (mem_cgroup_id_remove at id.ref 0: idr_remove), so a stale record finds nothing.
 */
export function memcgFromId(s: ReadonlyState, record: number): number {
  if (record === 0) return -1;
  return s.memcg[record - 1].id > 0 ? record - 1 : -1;
}

/** Underflow of m's swap counter: v2 swap < 0; v1 memsw (= memory + swapCounter) < 0. */
function swapUnderflow(x: Ctx, a: number): boolean {
  const swap = x.s.swapCounter[a];
  return x.L.config.swap === 'v1' ? x.s.memcg[a].usage + swap < 0 : swap < 0;
}

/** page_counter_charge(&memcg->swap) (v2) or (&memcg->memsw) (v1) on m and every ancestor. */
export function swapCounterCharge(x: Ctx, m: number, n: number): void {
  if (isNullMemcg(x, m)) return;
  for (const a of x.L.ancestors[m]) {
    deref(x, a);
    x.s.swapCounter[a] += n;
  }
}

/** page_counter_uncharge of the swap (v2) or memsw (v1) counter; WARN on underflow. */
export function swapCounterUncharge(x: Ctx, m: number, n: number): void {
  if (isNullMemcg(x, m)) return;
  for (const a of x.L.ancestors[m]) {
    deref(x, a);
    x.s.swapCounter[a] -= n;
    if (swapUnderflow(x, a)) oops(x, Oops.counterUnderflow, a);
  }
}

/**
 * v1 mem_cgroup_swapout's page_counter_uncharge(&memcg->memory, nr) alone: memory drops, memsw
 * stays (so memsw − memory grows by nr at m and every ancestor); WARN when memory underflows.
 */
export function memoryOnlyUncharge(x: Ctx, m: number, n: number): void {
  if (isNullMemcg(x, m)) return;
  for (const a of x.L.ancestors[m]) {
    deref(x, a);
    x.s.memcg[a].usage -= n;
    x.s.swapCounter[a] += n;
    if (x.s.memcg[a].usage < 0) oops(x, Oops.counterUnderflow, a);
  }
}

/** The first `n` free swap slots (get_swap_page), lowest first; fewer when there are not n. */
export function freeSlots(s: ReadonlyState, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < s.swapMap.length && out.length < n; k++) if (s.swapMap[k] === 0) out.push(k);
  return out;
}
