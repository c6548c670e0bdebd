/**
 * v5.8 per-memcg kmem_cache refcounting (mm/slab_common.c, mm/slab.h, mm/memcontrol.c v5.8;
 * docs/research/kmem-v59-notes.md §4): percpu_ref get/put/tryget on s->memcg_params.refcnt and any
 * access to the struct. As in kernel.ts, each records the first bug it hits in the ghost `oops`
 * field (oopsMemcg names the memcg the cache was made for). The percpu_ref's release,
 * kmemcg_cache_shutdown, runs in the put that reaches zero after the kill: it only queues
 * kmemcg_cache_shutdown_fn (an event, paths/slab-v58.ts).
 */
import { oops } from './kernel.js';
import { CacheState, type KmemCache } from './kmem-cache-state.js';
import { Branch, Oops } from './oops.js';
import type { Ctx } from './ops.js';
import type { ReadonlyState } from './state.js';

/** The cache behind pointer `ptr` (index + 1) is freed (shutdown_cache has run). */
export function cacheFreed(s: ReadonlyState, ptr: number): boolean {
  return s.kmemCache[ptr - 1]?.state === CacheState.destroyed;
}

/** An access to the cache behind `ptr`: a freed one is a use after free; undefined for NULL. */
export function cacheAt(x: Ctx, ptr: number): KmemCache | undefined {
  const c = x.s.kmemCache[ptr - 1];
  if (c === undefined) return undefined;
  if (c.state === CacheState.destroyed) oops(x, Oops.cacheUseAfterFree, ptr - 1);
  return c;
}

/**
 * percpu_ref_get_many: a get on a zero count is a resurrection. With `held`, the get is made on the
 * strength of this CPU's memcg_kmem_get_cache reference; without it, it is marked
 * (Branch.getWithoutRef, claim get_with_reference).
 */
export function cacheGet(x: Ctx, ptr: number, n = 1, backing?: 'held'): void {
  const c = cacheAt(x, ptr);
  if (!c) return;
  if (c.refcnt <= 0) oops(x, Oops.cacheGetOnZero, ptr - 1);
  if (backing === 'held') {
    const l = x.s.kmemCacheCpu[x.task];
    if (l?.held !== 1 || l.cache !== ptr) x.s.branch |= Branch.getWithoutRef;
  }
  c.refcnt += n;
}

/**
 * percpu_ref_put_many: below zero is a bug; reaching zero after percpu_ref_kill calls the release,
 * kmemcg_cache_shutdown, which queues kmemcg_cache_shutdown_fn (the root cache is never dying here).
 */
export function cachePut(x: Ctx, ptr: number, n = 1): void {
  const c = cacheAt(x, ptr);
  if (!c) return;
  c.refcnt -= n;
  if (c.refcnt < 0) oops(x, Oops.cachePutBelowZero, ptr - 1);
  if (c.refcnt === 0 && c.state === CacheState.killed) c.state = CacheState.shutdown;
}

/** percpu_ref_tryget: succeeds iff the count is above zero (even after the kill). */
export function cacheTryget(x: Ctx, ptr: number): boolean {
  const c = cacheAt(x, ptr);
  if (!c || c.refcnt <= 0) return false;
  c.refcnt++;
  return true;
}

/** On memcg->kmem_caches: made by memcg_link_cache and not yet unlinked by shutdown_cache. */
export function cacheLinked(c: { readonly state: number }): boolean {
  return c.state !== CacheState.none && c.state !== CacheState.destroyed;
}
