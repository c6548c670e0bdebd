/**
 * The kernel paths in program order. A CPU's `op` is a path's index + 1 and actions carry the
 * index, so the order is part of the state and action encoding: a new path goes at the end.
 * designs.ts builds each design's path list in this order (and refuses a path missing here); guards
 * and tests name a path by its key here (`PROG.offline`), never by a number.
 */
const ORDER = [
  ['charge', 'mem_cgroup_charge'],
  ['uncharge', 'mem_cgroup_uncharge_list'],
  ['offline', 'css_killed_work_fn'],
  ['drainAll', 'memory_max_write'],
  ['split', 'split_huge_page'],
  ['killCss', 'cgroup_rmdir'],
  ['drainWork', 'process_one_work'],
  ['release', 'css_release'],
  ['free', 'css_free'],
  ['kmemCharge', '__memcg_kmem_charge_page'],
  ['kmemFree', '__free_pages'],
  ['splitPage', 'split_page'],
  ['slabAlloc', 'kmem_cache_alloc'],
  ['slabFree', 'kmem_cache_free'],
  ['objcgRelease', 'obj_cgroup_release'],
  ['slabAllocV58', 'memcg_kmem_get_cache'],
  ['slabFreeV58', 'memcg_uncharge_slab'],
  ['cacheCreate', 'memcg_kmem_cache_create_func'],
  ['cacheDeactivate', 'kmemcg_cache_deactivate_after_rcu'],
  ['cacheShutdown', 'kmemcg_cache_shutdown_fn'],
  ['swapOut', 'mem_cgroup_swapout'],
  ['trySwap', 'mem_cgroup_try_charge_swap'],
  ['swapFree', 'mem_cgroup_uncharge_swap'],
  ['swapIn', 'do_swap_page'],
  ['swapDrop', '__remove_mapping'],
  ['migrate', 'mem_cgroup_migrate'],
  ['move', 'cgroup1_procs_write'],
] as const;

export type PathKey = (typeof ORDER)[number][0];

/** Program index of each path, by key. */
export const PROG = Object.fromEntries(ORDER.map(([key], i) => [key, i])) as {
  readonly [K in PathKey]: number;
};

/** The kernel names in program order. */
export const PATH_NAMES: readonly string[] = ORDER.map(([, name]) => name);
