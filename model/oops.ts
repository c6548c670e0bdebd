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
} as const;

export const OOPS_NAMES: Record<number, string> = {
  1: 'css_put below zero',
  2: 'css_get on a zero refcount',
  3: 'use after free',
  4: 'page_counter underflow',
  5: 'mem_cgroup_id_put below zero',
  6: 'NULL pointer dereference of a memcg',
  7: 'NULL pointer dereference of a page',
};

/** Bits of `State.branch`: a rare branch of a kernel function, taken by the step just run. */
export const Branch = {
  /** refill_stock: stock->nr_pages > MEMCG_CHARGE_BATCH after the refill, so it drains the stock. */
  refillOverflow: 1,
} as const;
