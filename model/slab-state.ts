/**
 * The state of v5.9's slab accounting (model/paths/slab.ts; spec §2.3 the obj stock and objcg
 * rows, §3 the objcg terms): one struct obj_cgroup per memcg (the one memcg_online_kmem made for
 * it), the per-CPU obj stock of struct memcg_stock_pcp, the slab path's locals, and the object
 * slots (page_obj_cgroups(page)[off]). Every group is empty without `--objects` (schema.ts
 * domains), so the other scopes keep their encodings byte for byte.
 *
 * An obj_cgroup pointer is stored as the index + 1 of the memcg it was made for (0 = NULL), with
 * the kind `memcg`, so the memcg symmetry renames it with its memcg.
 */
import { memcgName, ptrName } from './names.js';
import { type Field, recordGroup, valueGroup } from './schema.js';

const objcgOf = (i: number, L: Parameters<typeof memcgName>[0]) => `objcg(${memcgName(L, i)})`;
const hideRoot = (i: number) => i === 0;

/** struct obj_cgroup (root's is never used: get_obj_cgroup_from_current stops at root). */
export const OBJCG = {
  ref: {
    kind: 'count',
    kernel:
      'objcg->refcnt (a percpu_ref): the base ref until percpu_ref_kill, one per object, per obj stock caching it, per lookup in flight',
    init: () => 1,
    show: { label: (i, L) => `${objcgOf(i, L)}.refcnt`, format: 'number', hide: hideRoot },
  },
  memcg: {
    kind: 'memcg',
    kernel: 'objcg->memcg: the memcg it was made for; xchg()ed to the parent by memcg_reparent_objcgs',
    init: (i) => i + 1,
    show: { label: (i, L) => `${objcgOf(i, L)}->memcg`, format: 'ptr', hide: hideRoot },
    blame: (i, L) => `${objcgOf(i, L)}->memcg`,
  },
  bytes: {
    kind: 'count',
    kernel: 'objcg->nr_charged_bytes: sub-page remainders parked by drain_obj_stock (scaled: PAGE_SIZE = 2)',
    show: { label: (i, L) => `${objcgOf(i, L)}.nr_charged_bytes`, format: 'number', hide: hideRoot },
  },
  killed: {
    kind: 'flag',
    kernel:
      'memcg_reparent_objcgs done: memcg->objcg = NULL, objcg on the parent’s objcg_list, percpu_ref_kill',
    show: { label: (i, L) => `${objcgOf(i, L)} reparented`, format: 'yesno', hide: hideRoot },
  },
  released: {
    kind: 'flag',
    kernel: 'obj_cgroup_release ran (the count reached zero after the kill): kfree_rcu queued',
    show: { label: (i, L) => `${objcgOf(i, L)} released`, format: 'yesno', hide: hideRoot },
  },
  gp: {
    kind: 'cpuMask',
    kernel:
      'RCU readers (a bit per CPU) kfree_rcu waits for; the objcg is freed once released and none is left',
    show: { label: (i, L) => `rcu-waits(${objcgOf(i, L)})`, format: 'cpuMask', hide: hideRoot },
  },
  stale: {
    kind: 'count',
    kernel:
      'ghost: the bytes (2 per page) memcg i’s own page counter still holds for objcgs reparented away from it (the kernel uncharges them at the parent and never reads a dead memcg’s counter again)',
  },
} as const satisfies Record<string, Field>;

/** The obj stock half of struct memcg_stock_pcp. */
export const OBJ_STOCK = {
  cached: {
    kind: 'memcg',
    kernel: 'stock->cached_objcg (an obj_cgroup pointer: the memcg it was made for)',
    show: { label: (c) => `stock[cpu${c}].cached_objcg`, format: 'ptr' },
  },
  bytes: {
    kind: 'count',
    kernel: 'stock->nr_bytes: pre-charged bytes of cached_objcg (scaled: PAGE_SIZE = 2, an object 1)',
    show: { label: (c) => `stock[cpu${c}].nr_bytes`, format: 'number' },
  },
} as const satisfies Record<string, Field>;

/** The locals of kmem_cache_alloc's memcg hooks on one CPU (zeroed by the path's last op). */
export const SLAB_CPU = {
  objcg: {
    kind: 'memcg',
    kernel:
      'memcg_slab_pre_alloc_hook: the objcg get_obj_cgroup_from_current returned (an obj_cgroup pointer)',
    show: { label: (c) => `cpu${c} slab objcg`, format: 'ptr' },
  },
  held: {
    kind: 'flag',
    kernel: 'the objcg local holds the reference obj_cgroup_tryget took',
    show: { label: (c) => `cpu${c} slab objcg ref`, format: 'yesno' },
  },
  slot: { kind: 'code', kernel: 'the object slot being allocated (index + 1)' },
} as const satisfies Record<string, Field>;

export type Objcg = { -readonly [K in keyof typeof OBJCG]: number };
export type ObjStock = { -readonly [K in keyof typeof OBJ_STOCK]: number };
export type SlabCpu = { -readonly [K in keyof typeof SLAB_CPU]: number };

/** The slab groups, appended after the others (empty without --objects). */
export const SLAB_GROUPS = [
  recordGroup('objcg', 'objcg', OBJCG),
  recordGroup('objStock', 'objcgCpu', OBJ_STOCK),
  recordGroup('slabCpu', 'objcgCpu', SLAB_CPU),
  valueGroup('objects', 'object', {
    kind: 'memcg',
    kernel: 'page_obj_cgroups(page)[off]: the objcg of an allocated object (0 = free slot)',
    show: { label: (k) => `object${k}->objcg`, format: 'ptr' },
  }),
];

/** An obj_cgroup pointer in kernel words: `objcg(A)`, or NULL. */
export function objcgName(L: Parameters<typeof memcgName>[0], ptr: number): string {
  return ptr === 0 ? 'NULL' : `objcg(${ptrName(L, ptr)})`;
}
