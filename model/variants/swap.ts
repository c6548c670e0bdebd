/**
 * Variants of the swap paths (model/paths/swap.ts), written with the public API (model/variant.ts):
 * spec §4's K6, its inverse for v5.8, the swap-in guard of cae3af62b33a (finding F9's fix), the
 * swap-out before 1f47b61fb407, and mem_cgroup_migrate's get with the other design's count.
 * Each is checked at the swap scopes in proofs.json, the bugs with their shortest counterexample in
 * a golden test (test/reports/golden.test.ts).
 */
import { nrPagesOf } from '../geometry.js';
import type { Ctx } from '../ops.js';
import { defineVariant, kernel, op, swap, type VariantDef } from '../variant.js';

/**
 * K6 (spec §4): v5.9's mem_cgroup_swapout keeping v5.8's `css_put_many(&memcg->css, nr_entries)`.
 * Under NEW a page holds one reference whatever its size, so swapping out a THP of k subpages
 * over-puts k - 1 (1a3e1f40962c changed the put to css_put for this reason). cgroup v1 only:
 * v2's mem_cgroup_swapout returns at once.
 */
export const K6 = defineVariant({
  name: 'K6',
  base: 'new',
  expect: { violated: 'refcount_ledger' },
  description:
    'mem_cgroup_swapout doing css_put_many(memcg, nr_entries) (the v5.8 put under v5.9): swapping out a THP puts one reference per subpage although the page held one (cgroup v1, --swap v1)',
  edit: (d) =>
    d.replace(
      'mem_cgroup_swapout',
      'css_put(&memcg->css)',
      op('if (!mem_cgroup_is_root(memcg)) css_put_many(&memcg->css, nr_entries)', (x) => {
        if (x.m !== 0) kernel.cssPut(x, x.m, x.n);
      }),
    ),
});

/** K6's inverse: v5.8's mem_cgroup_swapout with v5.9's single css_put leaks nr_entries - 1 references. */
export const swapoutPutOne = defineVariant({
  name: 'swapout-put-one',
  base: 'old',
  expect: { violated: 'refcount_ledger' },
  description:
    'v5.8 mem_cgroup_swapout doing css_put(memcg) (the v5.9 put under v5.8): a THP held one reference per subpage, so k - 1 of them leak (cgroup v1, --swap v1)',
  edit: (d) =>
    d.replace(
      'mem_cgroup_swapout',
      'if (!mem_cgroup_is_root(memcg)) css_put_many(&memcg->css, nr_entries)',
      op('css_put(&memcg->css)', (x) => kernel.cssPut(x, x.m)),
    ),
});

/**
 * cae3af62b33a "mm: memcontrol: fix swap undercounting in cgroup2" (Muchun Song, v5.12-rc1, Cc
 * stable 5.8+): mem_cgroup_charge uncharges the swap record of a swapped-in page only when
 * do_memsw_account() (cgroup v1, where the page's memsw charge takes the slot's over). v5.8 and v5.9
 * do it on cgroup v2 too, so a slot in the swap cache is charged to nobody (finding F9).
 */
function swapInGuard(name: string, base: 'old' | 'new'): VariantDef {
  return defineVariant({
    name,
    base,
    expect: 'verified',
    description: `${base === 'new' ? 'v5.9' : 'v5.8'} with cae3af62b33a: the swap-in uncharges the slot's swap record only when do_memsw_account() (cgroup v1), so a cgroup v2 slot in the swap cache stays charged (finding F9 fixed)`,
    edit: (d) =>
      d.when(
        'do_swap_page: commit_charge',
        'if (PageSwapCache(page)) mem_cgroup_uncharge_swap(entry, nr_pages)',
        'do_memsw_account()',
        (x) => x.L.config.swap === 'v1',
      ),
  });
}

export const swapInMemswGuard = swapInGuard('swap-in-memsw-guard', 'new');
export const swapInMemswGuardOld = swapInGuard('swap-in-memsw-guard-old', 'old');

/**
 * Before 1f47b61fb407 "mm: memcontrol: fix swap counter leak on swapout from offline cgroup"
 * (Vladimir Davydov, v4.8-rc): the swap-out took the id of the page's own memcg,
 * `mem_cgroup_id_get(memcg)` (then an atomic_t: no warning at zero; the refcount sanity check came
 * with 58fa2a5512d9), offline or not, and recorded `mem_cgroup_id(memcg)`, which is 0 once the
 * offline's mem_cgroup_id_put removed the id: "such a cgroup will have no id and so an attempt to
 * swapout its anon/shmem will not store memory cgroup info in the swap cgroup map. As a result,
 * memcg->swap or memcg->memsw will never get uncharged". v4.8 on walks to the closest memcg whose
 * id is live (mem_cgroup_id_get_online). Here on v5.9, both swap-outs: a removed id (id.ref 0) is
 * taken without an oops and its records are 0 (a resurrected id stays unfindable in the kernel: its
 * idr entry is gone); THP swap-out did not exist in v4.8, the scopes' THP only swaps more entries.
 * The first claim it breaks is refcount_ledger: the id is above 0 again but pins no css reference
 * (the put at zero already dropped it); with the ledgers skipped, the leak of the title:
 * page_counter_hierarchy (the swap or memsw charge no record names).
 */
function idOfOwnMemcg(x: Ctx): void {
  const m = x.s.page[x.arg] - 1;
  const removed = x.s.memcg[m].id === 0;
  x.s.memcg[m].id += 1;
  x.n = nrPagesOf(x.s, x.L, x.arg);
  x.st = m;
  // swap_cgroup_record(entry, mem_cgroup_id(memcg)): id 0 for a removed id, i.e. no record.
  x.old = removed ? 1 : 0;
}

/** The records the pre-fix swap-out writes: `mem_cgroup_id(memcg)`, 0 (none) for a removed id. */
function recordOwnId(x: Ctx, map: number): void {
  const slots = swap.freeSlots(x.s, x.n);
  for (const k of slots) {
    x.s.swapRecord[k] = x.old ? 0 : x.st + 1;
    x.s.swapMap[k] = map;
  }
}

export const swapIdOfOffline = defineVariant({
  name: 'swap-id-of-offline',
  base: 'new',
  expect: { violated: 'refcount_ledger' },
  description:
    'before 1f47b61fb407: mem_cgroup_swapout and mem_cgroup_try_charge_swap take the id of the page’s own memcg even when it is offline and record its mem_cgroup_id(), 0 once removed: the swap (v2) or memsw (v1) charge is never uncharged',
  edit: (d) =>
    d
      .replace(
        'mem_cgroup_swapout',
        'memcg = page->mem_cgroup; swap_memcg = mem_cgroup_id_get_online(memcg)',
        op('memcg = page->mem_cgroup; mem_cgroup_id_get(memcg) (atomic_inc); swap_memcg = memcg', (x) => {
          idOfOwnMemcg(x);
          x.m = x.st;
        }),
      )
      .replace(
        'mem_cgroup_swapout',
        'swap_cgroup_record(entry, mem_cgroup_id(swap_memcg), nr_entries)',
        op('swap_cgroup_record(entry, mem_cgroup_id(memcg), nr_entries)', (x) => recordOwnId(x, 1)),
      )
      .replace(
        'mem_cgroup_try_charge_swap',
        'memcg = page->mem_cgroup; memcg = mem_cgroup_id_get_online(memcg)',
        op('memcg = page->mem_cgroup; mem_cgroup_id_get(memcg) (atomic_inc)', (x) => idOfOwnMemcg(x)),
      )
      .replace(
        'mem_cgroup_try_charge_swap',
        'swap_cgroup_record(entry, mem_cgroup_id(memcg), nr_pages)',
        op('swap_cgroup_record(entry, mem_cgroup_id(memcg), nr_pages)', (x) => recordOwnId(x, 2)),
      ),
});

/**
 * mem_cgroup_migrate's reference with the other design's count (1a3e1f40962c changed
 * css_get_many(nr_pages) to css_get): under v5.9 the v5.8 get takes nr_pages - 1 references no
 * holder accounts for (a leak); under v5.8 the v5.9 get leaves a migrated THP short of nr_pages - 1
 * (an over-put when it is uncharged). Design swaps like K6, checked at the migrate scope.
 */
export const migrateGetMany = defineVariant({
  name: 'migrate-get-many',
  base: 'new',
  expect: { violated: 'refcount_ledger' },
  description:
    'v5.9 mem_cgroup_migrate taking css_get_many(memcg, nr_pages) (the v5.8 get): a migrated THP takes references nobody puts (--migrate on)',
  edit: (d) =>
    d.replace(
      'migrate_page_states → mem_cgroup_migrate',
      'css_get(&memcg->css)',
      op('css_get_many(&memcg->css, nr_pages)', (x) => kernel.cssGet(x, x.m, x.n, { page: x.arg >> 4 })),
    ),
});

export const migrateGetOne = defineVariant({
  name: 'migrate-get-one',
  base: 'old',
  expect: { violated: 'refcount_ledger' },
  description:
    'v5.8 mem_cgroup_migrate taking one css_get (the v5.9 get): a migrated THP holds one reference for its nr_pages charged pages (--migrate on)',
  edit: (d) =>
    d.replace(
      'migrate_page_states → mem_cgroup_migrate',
      'css_get_many(&memcg->css, nr_pages)',
      op('css_get(&memcg->css)', (x) => kernel.cssGet(x, x.m, 1, { page: x.arg >> 4 })),
    ),
});

export const SWAP_VARIANTS: readonly VariantDef[] = [
  K6,
  swapoutPutOne,
  swapInMemswGuard,
  swapInMemswGuardOld,
  swapIdOfOffline,
  migrateGetMany,
  migrateGetOne,
];
