/**
 * What each claim means and which kernel symptom it stands for (`list claims`), and the selection
 * of claims a run checks (`--claims`, `--skip-claims`). The operational claims are the ones a
 * kernel developer sees as a crash or a warning; the ledger claims compare a count with what the
 * design says it must be, and usually fail first, several steps before the crash they lead to.
 *
 * Long because the claims are listed one by one, each with its meaning and its kernel symptom.
 */
export type ClaimKind = 'operational' | 'ledger';

export interface ClaimInfo {
  readonly name: string;
  readonly kind: ClaimKind;
  /** One line: what must hold. */
  readonly meaning: string;
  /** The kernel symptom when it does not. */
  readonly symptom: string;
}

export const CLAIMS: readonly ClaimInfo[] = [
  {
    name: 'no_use_after_free',
    kind: 'operational',
    meaning:
      'no access to a freed memcg outside the RCU protection that keeps it readable, nor to an obj_cgroup after its kfree_rcu, nor to a v5.8 kmem_cache after shutdown_cache freed it (--objects)',
    symptom: 'KASAN use-after-free (e.g. in drain_all_stock or page_counter_uncharge), "spinlock corrupted"',
  },
  {
    name: 'no_null_deref',
    kind: 'operational',
    meaning:
      'no css get or put, page_counter op or struct access through a NULL memcg, page or obj_cgroup pointer (in the kernel primitives and the shared ops; docs/variants.md §6)',
    symptom: 'BUG: kernel NULL pointer dereference (an oops)',
  },
  {
    name: 'no_put_below_zero',
    kind: 'operational',
    meaning:
      'no css_put takes a css refcount below zero, nor obj_cgroup_put an objcg refcount, nor a percpu_ref_put a kmem_cache refcnt (--objects)',
    symptom: '"percpu ref (css_release) <= 0 after switching to atomic", then a premature free',
  },
  {
    name: 'no_get_on_zero',
    kind: 'operational',
    meaning:
      'no css_get on a css whose refcount is zero, nor obj_cgroup_get on an objcg or percpu_ref_get on a kmem_cache at zero (css_tryget and obj_cgroup_tryget are the only ways to get from a pointer without a reference)',
    symptom: 'a css resurrected after its release: a later use-after-free',
  },
  {
    name: 'get_with_reference',
    kind: 'operational',
    meaning:
      'every css_get (and every obj_cgroup_get or kmem_cache percpu_ref_get on a pointer the path looked up) is made by a path holding a reference on that object (its lookup tryget, a page, a child, the base ref, a create work), or is a tryget: never on the strength of rcu_read_lock alone',
    symptom:
      'none yet: the get is racy; when the last reference is dropped between the read and the get, it is a get on zero (a resurrected css, then a use after free)',
  },
  {
    name: 'no_id_put_below_zero',
    kind: 'operational',
    meaning: 'no mem_cgroup_id_put takes memcg->id.ref below zero',
    symptom: '"refcount_t: underflow; use-after-free" warning',
  },
  {
    name: 'no_id_get_on_zero',
    kind: 'operational',
    meaning:
      'no mem_cgroup_id_get_many or mem_cgroup_id_get_online takes a reference on a memcg->id.ref that reached zero (--swap)',
    symptom:
      '"refcount_t: addition on 0; use-after-free" warnings, the count saturated (8d22a9351035: thousands of warnings, then OOM)',
  },
  {
    name: 'page_counter_nonneg',
    kind: 'operational',
    meaning: 'no page counter goes below zero',
    symptom: 'WARN_ON_ONCE in page_counter_cancel ("page_counter underflow")',
  },
  {
    name: 'no_dangling_pointer',
    kind: 'operational',
    meaning:
      'no page, stock (in v5.9; in v5.8 one with pages), uncharge batch, lookup, reparented objcg or kmem_cache pointer names a freed memcg, no object, obj stock or slab lookup names a freed obj_cgroup, and no v5.8 slab page or cache lookup names a freed kmem_cache',
    symptom: 'a use-after-free waiting for the next access through that pointer',
  },
  {
    name: 'refcount_ledger',
    kind: 'ledger',
    meaning:
      "each css refcount equals the references its holders account for under the design's rule (I-OLD-REF / I-NEW-REF)",
    symptom: 'none yet: a count off by one is a later leak (too high) or premature free (too low)',
  },
  {
    name: 'objcg_refcount_ledger',
    kind: 'ledger',
    meaning:
      "each obj_cgroup refcount equals its holders: the base ref until memcg_reparent_objcgs' percpu_ref_kill, its objects, the obj stocks caching it, and allocations between obj_cgroup_tryget and memcg_slab_post_alloc_hook (--objects; vacuous without)",
    symptom:
      'none yet: an objcg count off by one is a leaked objcg (and its pinned memcg) or a premature obj_cgroup_release',
  },
  {
    name: 'kmem_cache_refcount_ledger',
    kind: 'ledger',
    meaning:
      "each v5.8 per-memcg kmem_cache's memcg_params.refcnt equals its holders: the base ref until kmemcg_cache_deactivate_after_rcu's percpu_ref_kill, its slab pages, and allocations between memcg_kmem_get_cache and memcg_kmem_put_cache (--objects with design old; vacuous otherwise)",
    symptom:
      'none yet: a cache count off by one is a cache never shut down (and the memcg it pins) or one destroyed while its slab pages still point at it',
  },
  {
    name: 'id_ledger',
    kind: 'ledger',
    meaning:
      'memcg->id.ref is the online pin (1 until offline) plus one per swap record naming the memcg (I-OLD-ID, I-NEW-ID; root included with --swap)',
    symptom:
      'a memcg ID never removed pins its css (a dying memcg leaked), or one removed early: its css put while records still name it, a later mem_cgroup_from_id finds nothing and the swap charge is never uncharged',
  },
  {
    name: 'page_counter_hierarchy',
    kind: 'ledger',
    meaning:
      "each page counter equals the charges (pages, stocks, batches, in-flight charges) in its memcg's subtree; with --objects also the slab charges of its subtree (v5.9: objcg bytes; v5.8: slab pages at the memcg memcg_charge_slab charged) and the stale charges reparenting leaves in a dead child's counter; with --swap each swap (v2) or memsw minus memory (v1) counter equals the swap records naming a non-root memcg of its subtree",
    symptom: 'memory.current drifts from the real usage; limits and OOM decisions go wrong',
  },
  {
    name: 'swap_slot_accounted',
    kind: 'ledger',
    meaning:
      'with --swap, every swap slot in use is charged once: a slot swapped out has a swap_cgroup record; in the swap cache, with cgroup v2 it has one too (swap is counted apart from memory), with cgroup v1 none once its swap-in is done (the page’s memsw charge took the slot’s over)',
    symptom:
      'swap usage miscounted: v2 memory.swap.current below the swap space the cgroup occupies, so memory.swap.max is not enforced on it (cae3af62b33a); v1 memsw counting a swapped-in page twice',
  },
  {
    name: 'stock_consistent',
    kind: 'ledger',
    meaning:
      'a per-cpu stock with no cached memcg holds no pages, and a stock never caches root (I-NEW-STOCK)',
    symptom: 'pre-charged pages that no drain can return',
  },
  {
    name: 'flushing_has_drain_work',
    kind: 'operational',
    meaning: "a stock's FLUSHING_CACHED_CHARGE bit is set only while its drain work is queued or running",
    symptom:
      'a stuck FLUSHING bit: drain_all_stock never flushes that stock again, so its pages stay charged and its memcg pinned',
  },
  {
    name: 'no_leak_at_quiescence',
    kind: 'operational',
    meaning:
      'once nothing is in flight, no page is charged and the stocks are empty, every killed memcg has no reference left but its unfreed children, every reparented objcg is released and every kmem_cache of an offline memcg destroyed (--objects)',
    symptom: 'a dying memcg that is never freed (zombie memcgs pile up in /proc/cgroups)',
  },
];

/** Which claims a run checks: all (the default), only some, or all but some. */
export interface ClaimSelection {
  readonly only?: readonly string[];
  readonly skip?: readonly string[];
}

export class ClaimSelectionError extends Error {
  override name = 'ClaimSelectionError';
}

/** Checks the names (unknown ones are an error naming the known ones) and that something is left. */
export function validateSelection(
  sel: ClaimSelection,
  known: readonly string[] = CLAIMS.map((c) => c.name),
): void {
  for (const [what, names] of [
    ['--claims', sel.only],
    ['--skip-claims', sel.skip],
  ] as const) {
    for (const n of names ?? []) {
      if (!known.includes(n))
        throw new ClaimSelectionError(
          `${what}: unknown claim "${n}"; claims are: ${known.join(', ')} (memcg-check list claims)`,
        );
    }
  }
  const left = known.filter((n) => (!sel.only || sel.only.includes(n)) && !sel.skip?.includes(n));
  if (left.length === 0) throw new ClaimSelectionError('--claims and --skip-claims leave no claim to check');
}

export function selected(sel: ClaimSelection | undefined, name: string): boolean {
  if (!sel) return true;
  return (!sel.only || sel.only.includes(name)) && !sel.skip?.includes(name);
}

/** The witnesses (`sometimes`): each corner must be reached, else the claims may hold vacuously. */
export const WITNESSES: readonly { readonly name: string; readonly meaning: string }[] = [
  {
    name: 'thp_split_while_stock_caches_its_memcg',
    meaning: 'a THP is split while a per-cpu stock holds pages of the memcg the THP is charged to',
  },
  {
    name: 'offline_with_stock_pages_pending',
    meaning: "css offline of a memcg runs while a stock still holds that memcg's pages",
  },
  {
    name: 'memcg_freed_after_offline',
    meaning: 'a memcg goes all the way: killed, offline, released and freed',
  },
  {
    name: 'rcu_reader_delays_a_free',
    meaning: "a released memcg's free waits for an RCU reader that was inside when the free was queued",
  },
  {
    name: 'offline_memcg_named_by_an_empty_stock',
    meaning:
      'a stock with no pages still names an offline memcg (v5.9: the stock pins it; a zombie until drained)',
  },
  {
    name: 'drain_work_queued_on_a_remote_cpu',
    meaning: "drain_all_stock queued a stock's drain work on another CPU",
  },
  {
    name: 'refill_stock_drains_an_overflowing_stock',
    meaning: 'refill_stock took a stock past MEMCG_CHARGE_BATCH and drained it',
  },
  {
    name: 'page_charged_to_a_dying_memcg',
    meaning: 'a page is charged to a memcg that rmdir already killed',
  },
  {
    name: 'uncharge_batch_holds_the_last_reference',
    meaning: 'an uncharge batch holds the only references left on an offline memcg',
  },
  {
    name: 'lookup_tryget_fails_and_reads_again',
    meaning:
      "get_mem_cgroup_from_mm's css_tryget failed on a memcg whose count reached zero; the loop reads again",
  },
  {
    name: 'page_charged_to_an_offline_memcg',
    meaning:
      'a charge holds its lookup reference on an offline memcg (a stale read whose css_tryget succeeded after the offline)',
  },
  {
    name: 'kmem_page_charged_to_an_offline_memcg',
    meaning:
      'a kernel page (__memcg_kmem_charge_page) still names an offline memcg: its reference keeps the dying memcg (scopes with kernel pages)',
  },
  {
    name: 'kmem_page_is_the_last_holder_of_an_offline_memcg',
    meaning:
      'a kernel page holds the only references left on an offline memcg: its free releases the memcg (scopes with kernel pages)',
  },
  {
    name: 'kmem_page_split_and_one_piece_freed',
    meaning:
      'a kernel page cut by split_page has some pieces charged and others not (--split-page; in v5.8/v5.9 this holds right after the split, the tail never charged, where F2 fails; with a fix such as split_page_memcg, once one piece is freed)',
  },
  {
    name: 'drain_all_stock_skipped_on_a_contended_mutex',
    meaning:
      "a drain_all_stock is about to fail its mutex_trylock: another CPU's drain_all_stock holds percpu_charge_mutex",
  },
  {
    name: 'drain_all_stock_reads_a_stock_that_changed_under_it',
    meaning:
      'drain_all_stock read one memcg from stock->cached, and the stock now caches another memcg with pages (scopes with two memcgs)',
  },
  {
    name: 'drain_all_stock_reader_holds_back_the_free_of_a_switched_memcg',
    meaning:
      "F1's shape: the memcg drain_all_stock read was switched out of the stock and released, and only this reader holds its free back (scopes with two memcgs)",
  },
  {
    name: 'objcg_reparented_while_a_stock_caches_it',
    meaning: 'an obj stock still caches an objcg that memcg_reparent_objcgs moved to the parent (--objects)',
  },
  {
    name: 'object_outlives_its_objcg_reparenting',
    meaning: 'a slab object names a reparented objcg: its free uncharges the parent (--objects)',
  },
  {
    name: 'obj_cgroup_tryget_fails',
    meaning:
      "get_obj_cgroup_from_current's obj_cgroup_tryget failed on an objcg whose count reached zero (--objects)",
  },
  {
    name: 'drain_obj_stock_parks_a_remainder',
    meaning:
      'drain_obj_stock uncharged the whole pages and parked a sub-page remainder in nr_charged_bytes (--objects)',
  },
  {
    name: 'obj_cgroup_release_uncharges_parked_pages',
    meaning: 'obj_cgroup_release found whole pages in nr_charged_bytes and uncharged them (--objects)',
  },
  {
    name: 'objcg_freed',
    meaning:
      "an objcg goes all the way: reparented, released, and freed after kfree_rcu's grace period (--objects)",
  },
  {
    name: 'kmem_cache_created',
    meaning:
      'v5.8: memcg_kmem_cache_create_func makes a per-memcg kmem_cache after memcg_kmem_get_cache found none (--objects, design old)',
  },
  {
    name: 'kmem_cache_create_skipped',
    meaning:
      'v5.8: the create work runs after memcg_offline_kmem (or after another made the cache) and makes none, only putting its css reference',
  },
  {
    name: 'memcg_charge_slab_while_the_cache_memcg_is_dying',
    meaning:
      "v5.8: a new slab page is charged while the cache's memcg is killed and its cache not yet reparented (finding F7's window)",
  },
  {
    name: 'slab_page_outlives_its_cache_reparenting',
    meaning:
      'v5.8: a slab page is still allocated after memcg_deactivate_kmem_caches moved its cache to the parent',
  },
  {
    name: 'kmem_cache_destroyed',
    meaning:
      'v5.8: a per-memcg kmem_cache goes all the way: deactivated, killed after RCU, shut down, its css reference put',
  },
];
