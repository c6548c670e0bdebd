/**
 * The state of v5.8's slab accounting (model/paths/slab-v58.ts; spec §2.2 the memcg_charge_slab row,
 * §3.1 the kmemcache(m) term; docs/research/kmem-v59-notes.md §4): one per-memcg kmem_cache per
 * memcg (the child of a single root cache that memcg_create_kmem_cache made for it), the locals of
 * the allocation on each CPU, and the slab pages (each holding one object: a slab page is charged
 * when it is allocated and uncharged when it is freed, so one object per page keeps every memcg
 * step and drops only the allocations that reuse a page, which touch no memcg state). Every group
 * is empty in the v5.9 design and without `--objects` (schema.ts domains).
 *
 * A kmem_cache pointer is stored as the index + 1 of the memcg it was made for (0 = none), with the
 * kind `memcg`, so the memcg symmetry renames it with its memcg.
 */

import type { Layout } from './layout.js';
import { memcgName, ptrName } from './names.js';
import { type Change, type Field, recordGroup, valueGroup } from './schema.js';

const cacheOf = (i: number, L: Parameters<typeof memcgName>[0]) => `kmem_cache(${memcgName(L, i)})`;
const hideRoot = (i: number) => i === 0;

/** The life of a per-memcg kmem_cache (mm/slab_common.c v5.8), in the order it goes through. */
export const CacheState = {
  /** Not created: arr->entries[kmemcg_id] is NULL. */
  none: 0,
  /** memcg_create_kmem_cache ran: in the memcg_caches array and on memcg->kmem_caches. */
  active: 1,
  /** memcg_deactivate_kmem_caches: the array entry cleared, kmemcg_cache_deactivate's call_rcu pending. */
  deactivated: 2,
  /** kmemcg_cache_deactivate_after_rcu: percpu_ref_kill(&s->memcg_params.refcnt) dropped the base ref. */
  killed: 3,
  /** The count reached zero: kmemcg_cache_shutdown queued kmemcg_cache_shutdown_fn. */
  shutdown: 4,
  /** shutdown_cache ran: unlinked, destroy_memcg_params put the css, the struct freed. */
  destroyed: 5,
} as const;

export const CACHE_STATE_NAMES = ['none', 'active', 'deactivated', 'killed', 'shutdown queued', 'destroyed'];

type WithCaches = { readonly kmemCache: readonly { readonly state: number }[] };

function stateChange(L: Layout, a: WithCaches, b: WithCaches, i: number): Change | undefined {
  if (i === 0 || a.kmemCache[i].state === b.kmemCache[i].state) return undefined;
  return {
    what: cacheOf(i, L),
    from: CACHE_STATE_NAMES[a.kmemCache[i].state],
    to: CACHE_STATE_NAMES[b.kmemCache[i].state],
  };
}

/** struct kmem_cache's memcg_params (root's entry is never used: root allocates from the root cache). */
export const KMEM_CACHE = {
  state: {
    kind: 'code',
    kernel: 'the cache’s life: none, active, deactivated, killed, shutdown queued, destroyed (CacheState)',
    show: { change: stateChange },
  },
  memcg: {
    kind: 'memcg',
    kernel:
      's->memcg_params.memcg: the memcg it was made for (memcg_link_cache); WRITE_ONCE’d to the parent by memcg_deactivate_kmem_caches',
    show: { label: (i, L) => `${cacheOf(i, L)}->memcg_params.memcg`, format: 'ptr', hide: hideRoot },
    blame: (i, L) => `${cacheOf(i, L)}->memcg_params.memcg`,
  },
  refcnt: {
    kind: 'count',
    kernel:
      's->memcg_params.refcnt (a percpu_ref): the base ref until percpu_ref_kill, one per slab page, one per allocation between memcg_kmem_get_cache and memcg_kmem_put_cache',
    show: { label: (i, L) => `${cacheOf(i, L)}.refcnt`, format: 'number', hide: hideRoot },
  },
  gp: {
    kind: 'cpuMask',
    kernel:
      'RCU readers (a bit per CPU) kmemcg_cache_deactivate’s call_rcu waits for before kmemcg_cache_deactivate_after_rcu',
    show: { label: (i, L) => `rcu-waits(${cacheOf(i, L)})`, format: 'cpuMask', hide: hideRoot },
  },
  queued: {
    kind: 'flag',
    kernel:
      'memcg_schedule_kmem_cache_create queued a memcg_kmem_cache_create_func work for memcg i; it holds the css_tryget_online reference (one at a time: docs/model.md)',
    show: { label: (i, L) => `create work(${memcgName(L, i)})`, format: 'yesno', hide: hideRoot },
  },
  kmemOffline: {
    kind: 'flag',
    kernel:
      'memcg_offline_kmem ran: memcg->kmem_state = KMEM_ALLOCATED, memcg->kmemcg_id is the parent’s (so lookups use the parent’s cache)',
    show: { label: (i, L) => `kmem offline(${memcgName(L, i)})`, format: 'yesno', hide: hideRoot },
  },
  stale: {
    kind: 'count',
    kernel:
      'ghost: the pages memcg i’s own page counter still holds for slab pages charged through it and uncharged at an ancestor after their cache was reparented (the kernel never reads a dead memcg’s counter again)',
    show: { label: (i, L) => `ghost: stale pages(${memcgName(L, i)})`, format: 'number' },
  },
} as const satisfies Record<string, Field>;

/** The locals of one allocation through a per-memcg cache on one CPU (zeroed by its last op). */
export const KMEM_CACHE_CPU = {
  cache: {
    kind: 'memcg',
    kernel: 'slab_pre_alloc_hook: the per-memcg kmem_cache memcg_kmem_get_cache returned (a cache pointer)',
    show: { label: (c) => `cpu${c} kmem_cache`, format: 'ptr' },
  },
  held: {
    kind: 'flag',
    kernel: 'the cache local holds the reference memcg_kmem_get_cache’s percpu_ref_tryget took',
    show: { label: (c) => `cpu${c} kmem_cache ref`, format: 'yesno' },
  },
  slot: { kind: 'code', kernel: 'the slab page being allocated (index + 1)' },
} as const satisfies Record<string, Field>;

/** A kmem_cache record (spelled out: its `state` field's diff reads the State this type is part of). */
export interface KmemCache {
  state: number;
  memcg: number;
  refcnt: number;
  gp: number;
  queued: number;
  kmemOffline: number;
  stale: number;
}
export type KmemCacheCpu = { -readonly [K in keyof typeof KMEM_CACHE_CPU]: number };

/** The v5.8 slab groups, appended after v5.9's (empty in the v5.9 design and without --objects). */
export const KMEM_CACHE_GROUPS = [
  recordGroup('kmemCache', 'kmemCache', KMEM_CACHE),
  recordGroup('kmemCacheCpu', 'kmemCacheCpu', KMEM_CACHE_CPU),
  valueGroup('slabPage', 'slabPage', {
    kind: 'memcg',
    kernel: 'page->slab_cache of a slab page: the per-memcg kmem_cache it belongs to (0 = slot free)',
    show: { label: (k) => `slab page${k}->slab_cache`, format: 'ptr' },
  }),
  valueGroup('slabCharged', 'slabPage', {
    kind: 'memcg',
    kernel:
      'ghost: the memcg memcg_charge_slab charged for the slab page (0: none, the walk reached root), for page_counter_hierarchy',
    show: { label: (k) => `ghost: slab page${k} charged at`, format: 'ptr' },
  }),
];

/** A kmem_cache pointer in kernel words: `kmem_cache(A)`, or NULL. */
export function kmemCacheName(L: Parameters<typeof memcgName>[0], ptr: number): string {
  return ptr === 0 ? 'NULL' : `kmem_cache(${ptrName(L, ptr)})`;
}
