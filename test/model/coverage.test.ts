/**
 * The per-action tests cover every step kind of both designs: a step added to the model fails
 * here until it has tests of its own. And the two designs differ exactly in the blocks spec §2.3
 * lists, so a step whose blocks are shared is the same code in both (each is still tested in both).
 */
import { describe, expect, it } from 'vitest';
import { scopeByName } from '../../model/config.js';
import { BOTH, PROG, world } from './helpers.js';

/** Every step kind, with the test file that covers it. */
const TESTED: Record<string, string> = {
  get_mem_cgroup_from_mm: 'charge.test.ts',
  'get_mem_cgroup_from_mm: retry': 'charge.test.ts',
  try_charge: 'try-charge.test.ts',
  'try_charge: retry': 'try-charge.test.ts',
  commit_charge: 'charge.test.ts',
  'css_put(memcg)': 'charge.test.ts',
  uncharge_page: 'uncharge.test.ts',
  uncharge_batch: 'uncharge.test.ts',
  mem_cgroup_split_huge_fixup: 'uncharge.test.ts',
  'drain_all_stock: mutex_trylock': 'drain-all-stock.test.ts',
  'drain_all_stock: get_cpu': 'drain-all-stock.test.ts',
  'drain_all_stock: read stock->cached': 'drain-all-stock.test.ts',
  'drain_all_stock: read stock->nr_pages': 'drain-all-stock.test.ts',
  'drain_all_stock: put_cpu': 'drain-all-stock.test.ts',
  'drain_all_stock: mutex_unlock': 'drain-all-stock.test.ts',
  'drain_local_stock (work)': 'drain-local-stock.test.ts',
  kill_css: 'lifecycle.test.ts',
  css_killed_work_fn: 'lifecycle.test.ts',
  offline_css: 'lifecycle.test.ts',
  css_release_work_fn: 'lifecycle.test.ts',
  css_free_rwork_fn: 'lifecycle.test.ts',
  get_mem_cgroup_from_current: 'kmem.test.ts',
  '__memcg_kmem_charge_page: commit': 'kmem.test.ts',
  __memcg_kmem_uncharge_page: 'kmem.test.ts',
  split_page: 'kmem.test.ts',
};

/** The step kinds of each design's slab paths (--objects): v5.9's through obj_cgroup, v5.8's through kmem_caches. */
const TESTED_SLAB: Record<'old' | 'new', Record<string, string>> = {
  new: {
    get_obj_cgroup_from_current: 'slab.test.ts',
    obj_cgroup_tryget: 'slab.test.ts',
    'obj_cgroup_charge: consume_obj_stock': 'slab.test.ts',
    'obj_cgroup_charge: css_get': 'slab.test.ts',
    'obj_cgroup_charge: refill_obj_stock': 'slab.test.ts',
    memcg_slab_free_hook: 'slab.test.ts',
    obj_cgroup_release: 'slab.test.ts',
    'drain_all_stock: obj_stock_flush_required: read stock->cached_objcg': 'slab.test.ts',
    'drain_all_stock: obj_stock_flush_required: obj_cgroup_memcg(stock->cached_objcg)': 'slab.test.ts',
  },
  old: {
    memcg_kmem_get_cache: 'slab-v58.test.ts',
    'memcg_charge_slab: css_tryget_online': 'slab-v58.test.ts',
    'memcg_charge_slab: move the page references to the kmem_cache': 'slab-v58.test.ts',
    memcg_kmem_put_cache: 'slab-v58.test.ts',
    memcg_uncharge_slab: 'slab-v58.test.ts',
    memcg_kmem_cache_create_func: 'slab-v58.test.ts',
    kmemcg_cache_deactivate_after_rcu: 'slab-v58.test.ts',
    kmemcg_cache_shutdown_fn: 'slab-v58.test.ts',
  },
};

/** The step kinds of the swap paths (--swap v1 and v2: model/paths/swap.ts), the same in both designs. */
const TESTED_SWAP: Record<string, string> = {
  mem_cgroup_swapout: 'swap.test.ts',
  mem_cgroup_try_charge_swap: 'swap.test.ts',
  '__remove_mapping: mem_cgroup_swapout (cgroup v2: returns at once)': 'swap.test.ts',
  swap_entry_free: 'swap.test.ts',
  'do_swap_page: mem_cgroup_charge: mem_cgroup_from_id': 'swap.test.ts',
  'do_swap_page: commit_charge': 'swap.test.ts',
  'do_swap_page: get_mem_cgroup_from_mm': 'swap.test.ts',
  'migrate_page_states → mem_cgroup_migrate': 'migrate.test.ts',
  mem_cgroup_can_attach: 'move-charge.test.ts',
  mem_cgroup_move_charge_pte_range: 'move-charge.test.ts',
  mem_cgroup_clear_mc: 'move-charge.test.ts',
};

/** Blocks whose ops differ between v5.8 and v5.9 (spec §2.3), written out. */
const DIFFERING = [
  '__memcg_kmem_charge_page: commit',
  '__memcg_kmem_uncharge_page',
  'commit_charge',
  // v5.9 only: memcg_offline_kmem's reparenting, drain_obj_stock, obj_stock_flush_required (--objects).
  'css_killed_work_fn',
  // The swap-in's commit_charge (v5.9's css_get) and mem_cgroup_swapout's put (K6's line).
  'do_swap_page: commit_charge',
  'drain_all_stock: read stock->nr_pages',
  'drain_local_stock',
  'drain_stock',
  // Charge moving: v5.8's precharge css_get_many, v5.9's move_account css_get/css_put, v5.8's clear_mc puts.
  'mem_cgroup_can_attach',
  'mem_cgroup_clear_mc',
  'mem_cgroup_move_charge_pte_range',
  'mem_cgroup_split_huge_fixup',
  'mem_cgroup_swapout',
  // v5.8 css_get_many(nr_pages), v5.9 css_get.
  'migrate_page_states → mem_cgroup_migrate',
  'refill_stock',
  'try_charge()',
  'uncharge_batch()',
  'uncharge_page',
];

const DAS = [
  'drain_all_stock: mutex_trylock',
  'drain_all_stock: get_cpu',
  'drain_all_stock: read stock->cached',
  'drain_all_stock: read stock->nr_pages',
  'drain_all_stock: obj_stock_flush_required: read stock->cached_objcg',
  'drain_all_stock: obj_stock_flush_required: obj_cgroup_memcg(stock->cached_objcg)',
  'drain_all_stock: put_cpu',
  'drain_all_stock: mutex_unlock',
];

/**
 * The step layout of every program, in PROG order, written out (issue #11): the step index is part
 * of the action encoding, and the other tests find steps by name (helpers.ts `pc`).
 */
const LAYOUT: readonly [string, readonly string[]][] = [
  [
    'mem_cgroup_charge',
    [
      'get_mem_cgroup_from_mm',
      'try_charge',
      'commit_charge',
      'css_put(memcg)',
      'get_mem_cgroup_from_mm: retry',
      ...DAS,
      'try_charge: retry',
    ],
  ],
  ['mem_cgroup_uncharge_list', ['uncharge_page', 'uncharge_batch']],
  ['css_killed_work_fn', ['css_killed_work_fn', ...DAS, 'offline_css']],
  ['memory_max_write', DAS],
  ['split_huge_page', ['mem_cgroup_split_huge_fixup']],
  ['cgroup_rmdir', ['kill_css']],
  ['process_one_work', ['drain_local_stock (work)']],
  ['css_release', ['css_release_work_fn']],
  ['css_free', ['css_free_rwork_fn']],
  [
    '__memcg_kmem_charge_page',
    [
      'get_mem_cgroup_from_current',
      'try_charge',
      '__memcg_kmem_charge_page: commit',
      'css_put(memcg)',
      'get_mem_cgroup_from_mm: retry',
      ...DAS,
      'try_charge: retry',
    ],
  ],
  ['__free_pages', ['__memcg_kmem_uncharge_page']],
  ['split_page', ['split_page']],
  [
    'kmem_cache_alloc',
    [
      'get_obj_cgroup_from_current',
      'obj_cgroup_tryget',
      'obj_cgroup_charge: consume_obj_stock',
      'obj_cgroup_charge: css_get',
      'try_charge',
      'obj_cgroup_charge: refill_obj_stock',
      ...DAS,
      'try_charge: retry',
    ],
  ],
  ['kmem_cache_free', ['memcg_slab_free_hook']],
  ['obj_cgroup_release', ['obj_cgroup_release']],
  [
    'memcg_kmem_get_cache',
    [
      'memcg_kmem_get_cache',
      'memcg_charge_slab: css_tryget_online',
      'try_charge',
      'memcg_charge_slab: move the page references to the kmem_cache',
      'memcg_kmem_put_cache',
      ...DAS,
      'try_charge: retry',
    ],
  ],
  ['memcg_uncharge_slab', ['memcg_uncharge_slab']],
  ['memcg_kmem_cache_create_func', ['memcg_kmem_cache_create_func']],
  ['kmemcg_cache_deactivate_after_rcu', ['kmemcg_cache_deactivate_after_rcu']],
  ['kmemcg_cache_shutdown_fn', ['kmemcg_cache_shutdown_fn']],
  ['mem_cgroup_swapout', ['mem_cgroup_swapout']],
  ['mem_cgroup_try_charge_swap', ['mem_cgroup_try_charge_swap']],
  ['mem_cgroup_uncharge_swap', ['swap_entry_free']],
  [
    'do_swap_page',
    [
      'do_swap_page: mem_cgroup_charge: mem_cgroup_from_id',
      'try_charge',
      'do_swap_page: commit_charge',
      'css_put(memcg)',
      'get_mem_cgroup_from_mm: retry',
      ...DAS,
      'try_charge: retry',
      'do_swap_page: get_mem_cgroup_from_mm',
    ],
  ],
  ['__remove_mapping', ['__remove_mapping: mem_cgroup_swapout (cgroup v2: returns at once)']],
  ['mem_cgroup_migrate', ['migrate_page_states → mem_cgroup_migrate']],
  [
    'cgroup1_procs_write',
    ['mem_cgroup_can_attach', 'mem_cgroup_move_charge_pte_range', 'mem_cgroup_clear_mc'],
  ],
];

describe.each(BOTH)('%s design', (d) => {
  it('every step kind has per-action tests', () => {
    // The kernel-page steps exist at bounds with kernel pages (and split_page with --split-page).
    const kinds = new Set([
      ...world(d).machine.actionKinds(),
      ...world(d, { ...scopeByName('kmem-split')!.config }).machine.actionKinds(),
      ...world(d, { ...scopeByName('slab')!.config }).machine.actionKinds(),
      ...world(d, { ...scopeByName('swap')!.config }).machine.actionKinds(),
      ...world(d, { ...scopeByName('swap-v1')!.config }).machine.actionKinds(),
      ...world(d, { ...scopeByName('migrate')!.config }).machine.actionKinds(),
      ...world(d, { ...scopeByName('move')!.config }).machine.actionKinds(),
    ]);
    expect([...kinds].sort()).toEqual(
      [...Object.keys(TESTED), ...Object.keys(TESTED_SLAB[d]), ...Object.keys(TESTED_SWAP)].sort(),
    );
  });

  it('the programs have the step layout written out here', () => {
    const { machine } = world(d);
    expect(machine.design.programs.map((p) => [p.name, p.steps.map((st) => st.name)])).toEqual(LAYOUT);
    expect(LAYOUT.map(([name]) => name)).toEqual([
      'mem_cgroup_charge', // PROG.charge 0
      'mem_cgroup_uncharge_list', // PROG.uncharge 1
      'css_killed_work_fn', // PROG.offline 2
      'memory_max_write', // PROG.drainAll 3
      'split_huge_page', // PROG.split 4
      'cgroup_rmdir', // PROG.killCss 5
      'process_one_work', // PROG.drainWork 6
      'css_release', // PROG.release 7
      'css_free', // PROG.free 8
      '__memcg_kmem_charge_page', // PROG.kmemCharge 9
      '__free_pages', // PROG.kmemFree 10
      'split_page', // PROG.splitPage 11
      'kmem_cache_alloc', // PROG.slabAlloc 12
      'kmem_cache_free', // PROG.slabFree 13
      'obj_cgroup_release', // PROG.objcgRelease 14
      'memcg_kmem_get_cache', // PROG.slabAllocV58 15
      'memcg_uncharge_slab', // PROG.slabFreeV58 16
      'memcg_kmem_cache_create_func', // PROG.cacheCreate 17
      'kmemcg_cache_deactivate_after_rcu', // PROG.cacheDeactivate 18
      'kmemcg_cache_shutdown_fn', // PROG.cacheShutdown 19
      'mem_cgroup_swapout', // PROG.swapOut 20
      'mem_cgroup_try_charge_swap', // PROG.trySwap 21
      'mem_cgroup_uncharge_swap', // PROG.swapFree 22
      'do_swap_page', // PROG.swapIn 23
      '__remove_mapping', // PROG.swapDrop 24
      'mem_cgroup_migrate', // PROG.migrate 25
      'cgroup1_procs_write', // PROG.move 26
    ]);
    expect(PROG).toEqual({
      charge: 0,
      uncharge: 1,
      offline: 2,
      drainAll: 3,
      split: 4,
      killCss: 5,
      drainWork: 6,
      release: 7,
      free: 8,
      kmemCharge: 9,
      kmemFree: 10,
      splitPage: 11,
      slabAlloc: 12,
      slabFree: 13,
      objcgRelease: 14,
      slabAllocV58: 15,
      slabFreeV58: 16,
      cacheCreate: 17,
      cacheDeactivate: 18,
      cacheShutdown: 19,
      swapOut: 20,
      trySwap: 21,
      swapFree: 22,
      swapIn: 23,
      swapDrop: 24,
      migrate: 25,
      move: 26,
    });
  });
});

it('old and new share every block but the ones spec §2.3 lists', () => {
  const oldBlocks = world('old').machine.design.blocks;
  const newBlocks = world('new').machine.design.blocks;
  expect(Object.keys(oldBlocks).sort()).toEqual(Object.keys(newBlocks).sort());
  const differ = Object.keys(oldBlocks).filter(
    (k) => oldBlocks[k].length !== newBlocks[k].length || oldBlocks[k].some((o, i) => o !== newBlocks[k][i]),
  );
  expect(differ.sort()).toEqual(DIFFERING);
});
