/**
 * The life of a v5.8 per-memcg kmem_cache (mm/slab_common.c, mm/memcontrol.c v5.8;
 * docs/research/kmem-cache-v58.md): memcg_kmem_cache_create_func (the work
 * memcg_kmem_get_cache's memcg_schedule_kmem_cache_create queues), kmemcg_cache_deactivate_after_rcu
 * (after memcg_offline_kmem's deactivate and reparent, which paths/lifecycle.ts folds into the
 * offline step) and kmemcg_cache_shutdown_fn. Each is a work item, an event of one step under
 * slab_mutex. They exist in both designs; their groups are empty in v5.9, so they never fire there.
 */
import { indicesWhere } from '../guards.js';
import { cssGet, cssPut } from '../kernel.js';
import { cachePut } from '../kmem-cache.js';
import { CacheState, kmemCacheName } from '../kmem-cache-state.js';
import { memcgName } from '../names.js';
import { op } from '../ops.js';
import { Branch, type ReadonlyState } from '../state.js';
import { kmemCacheSlab, type Path } from './path.js';

const queuedCreates = (s: ReadonlyState) =>
  indicesWhere(s.kmemCache.length, (m) => s.kmemCache[m].queued === 1);

export const memcgKmemCacheCreateFunc: Path = {
  name: 'memcg_kmem_cache_create_func',
  slot: false,
  steps: [
    {
      name: 'memcg_kmem_cache_create_func',
      doc: 'The work memcg_schedule_kmem_cache_create queued: memcg_create_kmem_cache(memcg, cachep) under slab_mutex (so apart from memcg_deactivate_kmem_caches): nothing if memcg->kmem_state != KMEM_ONLINE or arr->entries[idx] is set; else create_cache → init_memcg_params (percpu_ref_init, the base ref), memcg_link_cache (css_get(&memcg->css), s->memcg_params.memcg = memcg, onto memcg->kmem_caches), arr->entries[idx] = s. Then css_put(&memcg->css) (the work’s tryget) and kfree(cw).',
      choices: queuedCreates,
      onlyIf: kmemCacheSlab,
      argName: (arg, L) => memcgName(L, arg),
      ops: [
        op('memcg_create_kmem_cache(memcg, cachep)', (x) => {
          const cache = x.s.kmemCache[x.arg];
          if (cache.kmemOffline || cache.state !== CacheState.none) {
            x.s.branch |= Branch.cacheCreateSkipped;
            return;
          }
          cache.refcnt = 1;
          cssGet(x, x.arg, 1, 'create');
          cache.memcg = x.arg + 1;
          cache.state = CacheState.active;
        }),
        op('css_put(&memcg->css); kfree(cw)', (x) => {
          x.s.kmemCache[x.arg].queued = 0;
          cssPut(x, x.arg);
        }),
      ],
    },
  ],
};

export const kmemcgCacheDeactivateAfterRcu: Path = {
  name: 'kmemcg_cache_deactivate_after_rcu',
  slot: false,
  steps: [
    {
      name: 'kmemcg_cache_deactivate_after_rcu',
      doc: 'After the grace period of kmemcg_cache_deactivate’s call_rcu: kmemcg_rcufn queues kmemcg_workfn, which under slab_mutex runs kmemcg_cache_deactivate_after_rcu → percpu_ref_kill(&s->memcg_params.refcnt): the base ref dropped; at zero the release, kmemcg_cache_shutdown, queues kmemcg_cache_shutdown_fn.',
      choices: (s) =>
        indicesWhere(
          s.kmemCache.length,
          (i) => s.kmemCache[i].state === CacheState.deactivated && s.kmemCache[i].gp === 0,
        ),
      onlyIf: kmemCacheSlab,
      argName: (arg, L) => kmemCacheName(L, arg + 1),
      ops: [
        op('percpu_ref_kill(&s->memcg_params.refcnt)', (x) => {
          x.s.kmemCache[x.arg].state = CacheState.killed;
          cachePut(x, x.arg + 1);
        }),
      ],
    },
  ],
};

export const kmemcgCacheShutdownFn: Path = {
  name: 'kmemcg_cache_shutdown_fn',
  slot: false,
  steps: [
    {
      name: 'kmemcg_cache_shutdown_fn',
      doc: 'The work kmemcg_cache_shutdown queued when the killed cache’s count reached zero: kmemcg_workfn under slab_mutex → shutdown_cache: memcg_unlink_cache (off memcg->kmem_caches), slab_kmem_cache_release → destroy_memcg_params: mem_cgroup_put(s->memcg_params.memcg) (the css reference of whatever memcg the cache points at now), percpu_ref_exit; the cache is freed.',
      choices: (s) => indicesWhere(s.kmemCache.length, (i) => s.kmemCache[i].state === CacheState.shutdown),
      onlyIf: kmemCacheSlab,
      argName: (arg, L) => kmemCacheName(L, arg + 1),
      ops: [
        op(
          'shutdown_cache(s) → destroy_memcg_params: mem_cgroup_put(s->memcg_params.memcg); kmem_cache_free',
          (x) => {
            const cache = x.s.kmemCache[x.arg];
            cssPut(x, cache.memcg - 1);
            cache.state = CacheState.destroyed;
          },
        ),
      ],
    },
  ],
};
