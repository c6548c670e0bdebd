/** What the ghost fields `oops` and `branch` record: the first bug a step hit, and rare branches taken. */
/** Bugs detected at the moment they happen (a WARN, a KASAN report, a resurrected ref). */
export const Oops = {
  none: 0,
  /** css_put below zero ("percpu ref <= 0 after switching to atomic"). */
  putBelowZero: 1,
  /** css_get on a zero count (resurrection). */
  getOnZero: 2,
  /** A dereference of a freed memcg outside any RCU protection (KASAN use-after-free). */
  useAfterFree: 3,
  /** page_counter_cancel: new < 0 ("page_counter underflow"). */
  counterUnderflow: 4,
  /** mem_cgroup_id_put below zero (refcount_t saturation warning). */
  idPutBelowZero: 5,
  /** A css get/put or any access through a NULL memcg pointer (an oops: "BUG: kernel NULL pointer dereference"). */
  nullMemcg: 6,
  /** compound_nr or any access through a NULL page pointer (an oops as well). */
  nullPage: 7,
  /** obj_cgroup_put below zero (percpu_ref underflow of objcg->refcnt). */
  objcgPutBelowZero: 8,
  /** obj_cgroup_get on a zero count (an objcg resurrected after its release began). */
  objcgGetOnZero: 9,
  /** An access to an obj_cgroup freed by obj_cgroup_release's kfree_rcu (KASAN use-after-free). */
  objcgUseAfterFree: 10,
  /** An access through a NULL obj_cgroup pointer (obj_cgroup_memcg(NULL): an oops). */
  nullObjcg: 11,
} as const;

export const OOPS_NAMES: Record<number, string> = {
  1: 'css_put below zero',
  2: 'css_get on a zero refcount',
  3: 'use after free',
  4: 'page_counter underflow',
  5: 'mem_cgroup_id_put below zero',
  6: 'NULL pointer dereference of a memcg',
  7: 'NULL pointer dereference of a page',
  8: 'obj_cgroup_put below zero',
  9: 'obj_cgroup_get on a zero refcount',
  10: 'use after free of an obj_cgroup',
  11: 'NULL pointer dereference of an obj_cgroup',
};

/** The oops codes of obj_cgroup refcounting: oopsMemcg names the memcg the objcg was made for. */
export const OBJCG_OOPS: readonly number[] = [8, 9, 10, 11];

/** Bits of `State.branch`: a rare branch of a kernel function, taken by the step just run. */
export const Branch = {
  /** refill_stock: stock->nr_pages > MEMCG_CHARGE_BATCH after the refill, so it drains the stock. */
  refillOverflow: 1,
  /** get_obj_cgroup_from_current: obj_cgroup_tryget failed (the objcg's count had reached zero). */
  objcgTrygetFailed: 2,
  /** obj_cgroup_release uncharged leftover nr_charged_bytes pages. */
  objcgReleaseUncharged: 4,
  /** drain_obj_stock parked a sub-page remainder in objcg->nr_charged_bytes. */
  objStockParkedBytes: 8,
} as const;
