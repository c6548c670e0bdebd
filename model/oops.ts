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
  /** percpu_ref_put(&s->memcg_params.refcnt) below zero (v5.8 per-memcg kmem_cache). */
  cachePutBelowZero: 12,
  /** percpu_ref_get of a kmem_cache's refcnt on a zero count (a cache resurrected after its shutdown began). */
  cacheGetOnZero: 13,
  /** An access to a kmem_cache shutdown_cache freed (KASAN use-after-free). */
  cacheUseAfterFree: 14,
  /** mem_cgroup_id_get_many on a zero id.ref (refcount_t: "addition on 0; use-after-free"; the WARN of 8d22a9351035). */
  idGetOnZero: 15,
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
  12: 'kmem_cache refcnt put below zero',
  13: 'kmem_cache refcnt get on a zero count',
  14: 'use after free of a kmem_cache',
  15: 'mem_cgroup_id_get on a zero id refcount',
};

/** The oops codes of obj_cgroup refcounting: oopsMemcg names the memcg the objcg was made for. */
export const OBJCG_OOPS: readonly number[] = [8, 9, 10, 11];

/** The oops codes of v5.8's per-memcg kmem_cache refcounting: oopsMemcg names the cache's memcg. */
export const KMEM_CACHE_OOPS: readonly number[] = [12, 13, 14];

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
  /** memcg_kmem_cache_create_func found the memcg's kmem already offline (or a cache made) and made none. */
  cacheCreateSkipped: 16,
  /** memcg_charge_slab ran while s->memcg_params.memcg was killed and the cache not yet reparented (F7's window). */
  chargeSlabDying: 32,
  /**
   * A get (css_get, obj_cgroup_get, a kmem_cache's percpu_ref_get) by a path that holds no
   * reference on the object it gets: only rcu_read_lock, or nothing, kept it (claim
   * get_with_reference). Transient like the others: it marks the state right after the get.
   */
  getWithoutRef: 64,
  // The byte is full: a next bit needs the branch field widened (it is a signed byte in the codec).
} as const;
