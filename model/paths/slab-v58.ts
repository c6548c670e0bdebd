/**
 * v5.8 slab accounting through per-memcg kmem_caches (mm/slab.h, mm/slab_common.c, mm/memcontrol.c
 * v5.8; spec §2.2 the memcg_charge_slab row; docs/research/kmem-v59-notes.md §4): the allocation
 * from a per-memcg cache (memcg_kmem_get_cache, memcg_charge_slab of a new slab page with its
 * try_charge, the transfer of the page's references to the cache, memcg_kmem_put_cache) and the
 * free of a slab page (memcg_uncharge_slab). The cache's life (its create work, its deactivation
 * after RCU, its shutdown) is in kmem-cache-life.ts; memcg_offline_kmem's deactivate and reparent is
 * folded into the offline step (paths/lifecycle.ts). Each slab page holds one object
 * (model/kmem-cache-state.ts says why).
 *
 * The programs exist in both designs; their groups are empty in v5.9, so they never fire there.
 */
import { indicesWhere } from '../guards.js';
import {
  cssPut,
  cssTrygetOnline,
  deref,
  pageCounterUncharge,
  ROOT,
  rcuReadLock,
  rcuReadUnlock,
} from '../kernel.js';
import { cacheAt, cacheGet, cachePut, cacheTryget } from '../kmem-cache.js';
import { CacheState } from '../kmem-cache-state.js';
import { memcgName } from '../names.js';
import { type Ctx, call, END, me, type Op, op } from '../ops.js';
import { Branch, type Layout, type ReadonlyState } from '../state.js';
import { reclaimSteps, tryChargeRetry, tryChargeStep } from './charge.js';
import { kmemCacheSlab, type Ops, onlyWhen, type Path } from './path.js';
import { tryChargeFunctions } from './try-charge.js';

const allocArg = (slot: number, m: number) => slot * 16 + m;
const argSlot = (arg: number) => arg >> 4;
const argMemcg = (arg: number) => arg & 15;

const kc = (x: Ctx) => x.s.kmemCacheCpu[x.cpu];

/**
 * memcg_kmem_enabled() in v5.8: the static key memcg_online_kmem increments and memcg_free_kmem (at
 * css_free) decrements, so it is on while some non-root memcg is not yet freed (every non-root
 * memcg of the model exists from the start). No state of its own: it is read off the memcgs.
 */
export function memcgKmemEnabled(s: ReadonlyState): boolean {
  for (let m = 1; m < s.memcg.length; m++) if (!s.memcg[m].freed) return true;
  return false;
}

/** A slab page slot an allocation in flight is filling (its object is not yet returned). */
const filling = (s: ReadonlyState, k: number) => s.kmemCacheCpu.some((c) => c.slot === k + 1);

/** A free slab page slot, and any non-root memcg not yet freed as current's (a stale read, or current->active_memcg). */
function allocChoices(s: ReadonlyState, L: Layout): number[] {
  const out: number[] = [];
  for (let k = 0; k < s.slabPage.length; k++) {
    if (s.slabPage[k] !== 0 || filling(s, k)) continue;
    for (let m = 1; m < L.config.memcgs.length; m++) if (!s.memcg[m].freed) out.push(allocArg(k, m));
  }
  return out;
}

const outOfScope: readonly Op[] = [
  op('cachep and the slab page go out of scope', (x) => {
    const c = kc(x);
    c.cache = 0;
    c.held = 0;
    c.slot = 0;
    x.jump = END;
  }),
];

/** Ghost for page_counter_hierarchy: the page charged at `charged` (index + 1, 0 none) is uncharged at `at`. */
function unchargeGhost(x: Ctx, charged: number, at: number): void {
  const chargedSet = charged <= 1 ? [] : x.L.ancestors[charged - 1];
  const unchargedSet = at === ROOT ? [] : x.L.ancestors[at];
  // The cache was reparented after the charge: the pages stay in the counters below its memcg.
  if (!unchargedSet.every((d) => chargedSet.includes(d))) return;
  for (const d of chargedSet) if (!unchargedSet.includes(d)) x.s.kmemCache[d].stale += 1;
}

export const memcgKmemGetCache: Path = {
  name: 'memcg_kmem_get_cache',
  slot: true,
  steps: [
    {
      name: 'memcg_kmem_get_cache',
      doc: 'kmem_cache_alloc(s, __GFP_ACCOUNT) → slab_pre_alloc_hook → memcg_kmem_get_cache, under rcu_read_lock: current’s memcg (any non-root memcg not yet freed: a stale read, or current->active_memcg), its kmemcg_id (the parent’s once memcg_offline_kmem ran; root’s is -1: the root cache, not accounted), arr->entries[kmemcg_id]; NULL: memcg_schedule_kmem_cache_create and the root cache; else percpu_ref_tryget of the cache. One step: the only change that could come between the entry’s read and the tryget, percpu_ref_kill, waits for an RCU grace period after memcg_deactivate_kmem_caches clears the entry (docs/model.md). The argument names the slab page the allocation will need.',
      choices: allocChoices,
      onlyIf: kmemCacheSlab,
      argName: (arg, L) => `slab page${argSlot(arg)}, ${memcgName(L, argMemcg(arg))}`,
      ops: [
        op('rcu_read_lock; memcg = current->active_memcg ?: mem_cgroup_from_task(current)', (x) => {
          rcuReadLock(x);
          kc(x).slot = argSlot(x.arg) + 1;
          // current's memcg, a local of this step only (no reference is held on it).
          x.n = argMemcg(x.arg);
        }),
        op('kmemcg_id = READ_ONCE(memcg->kmemcg_id); if (kmemcg_id < 0) goto out_unlock', (x) => {
          const m = x.n;
          deref(x, m);
          let e = m;
          while (e !== ROOT && x.s.kmemCache[e].kmemOffline) e = x.L.parent[e];
          x.m = e;
          if (e === ROOT) {
            rcuReadUnlock(x);
            call(x, 'slab v5.8: locals out of scope', {});
            x.stop = true;
          }
        }),
        op(
          'memcg_cachep = READ_ONCE(arr->entries[kmemcg_id]); if (!memcg_cachep) memcg_schedule_kmem_cache_create(memcg, cachep)',
          (x) => {
            if (x.s.kmemCache[x.m].state === CacheState.active) return;
            const m = x.n;
            // css_tryget_online(&memcg->css), then queue_work; one create work per memcg at a time.
            const cache = x.s.kmemCache[m];
            if (!cache.queued && cssTrygetOnline(x, m)) cache.queued = 1;
            rcuReadUnlock(x);
            call(x, 'slab v5.8: locals out of scope', {});
            x.stop = true;
          },
        ),
        op(
          'else if (percpu_ref_tryget(&memcg_cachep->memcg_params.refcnt)) cachep = memcg_cachep; rcu_read_unlock',
          (x) => {
            if (cacheTryget(x, x.m + 1)) {
              kc(x).cache = x.m + 1;
              kc(x).held = 1;
            }
            rcuReadUnlock(x);
            if (!kc(x).held) {
              call(x, 'slab v5.8: locals out of scope', {});
              x.stop = true;
            }
          },
        ),
      ],
    },
    {
      name: 'memcg_charge_slab: css_tryget_online',
      doc: 'A new slab page (new_slab → allocate_slab → charge_slab_page → memcg_charge_slab): rcu_read_lock, memcg = READ_ONCE(s->memcg_params.memcg), then `while (memcg && !css_tryget_online(&memcg->css)) memcg = parent_mem_cgroup(memcg)`: an ancestor once the cache’s memcg is killed (kill_css) and before memcg_deactivate_kmem_caches reparents the cache. Root: percpu_ref_get_many(&s->memcg_params.refcnt) and return (nothing charged). The read joins the trygets in one step: a reparent in between leaves a killed memcg, whose tryget fails, as the walk from the parent does.',
      onlyIf: kmemCacheSlab,
      ops: [
        op('rcu_read_lock; memcg = READ_ONCE(s->memcg_params.memcg)', (x) => {
          const c = cacheAt(x, kc(x).cache);
          x.m = c ? c.memcg - 1 : ROOT;
        }),
        op(
          'while (memcg && !css_tryget_online(&memcg->css)) memcg = parent_mem_cgroup(memcg); rcu_read_unlock',
          (x) => {
            if (x.s.memcg[x.m]?.killed) x.s.branch |= Branch.chargeSlabDying;
            let m = x.m;
            while (!cssTrygetOnline(x, m)) m = x.L.parent[m];
            me(x).memcg = m + 1;
            if (m !== ROOT) me(x).tmp = 1;
          },
        ),
        op(
          'if (!memcg || mem_cgroup_is_root(memcg)) { percpu_ref_get_many(&s->memcg_params.refcnt, 1 << order); return 0; }',
          (x) => {
            if (me(x).memcg - 1 !== ROOT) return;
            const c = kc(x);
            cacheGet(x, c.cache, 1, 'held');
            x.s.slabPage[c.slot - 1] = c.cache;
            x.s.slabCharged[c.slot - 1] = 0;
            x.jump = 'memcg_kmem_put_cache';
            x.stop = true;
          },
        ),
      ],
    },
    { ...tryChargeStep, onlyIf: kmemCacheSlab },
    {
      name: 'memcg_charge_slab: move the page references to the kmem_cache',
      doc: 'memcg_charge_slab after memcg_kmem_charge → try_charge(memcg, 1 << order): "transer try_charge() page references to kmem_cache": percpu_ref_get_many(&s->memcg_params.refcnt, 1 << order) and css_put_many(&memcg->css, 1 << order), then out: css_put(&memcg->css) (the tryget’s). One step: the memcg’s count stays above zero until the last put, and nothing reads the slab page before the allocation returns.',
      onlyIf: kmemCacheSlab,
      ops: [
        op('percpu_ref_get_many(&s->memcg_params.refcnt, 1 << order)', (x) => {
          const c = kc(x);
          cacheGet(x, c.cache, 1, 'held');
          x.s.slabPage[c.slot - 1] = c.cache;
          x.s.slabCharged[c.slot - 1] = me(x).memcg;
        }),
        op('css_put_many(&memcg->css, 1 << order)', (x) => {
          const c = me(x);
          cssPut(x, c.memcg - 1, c.nr);
          c.nr = 0;
        }),
        op('out: css_put(&memcg->css)', (x) => {
          cssPut(x, me(x).memcg - 1);
          me(x).tmp = 0;
        }),
      ],
    },
    {
      name: 'memcg_kmem_put_cache',
      doc: 'slab_post_alloc_hook: `if (memcg_kmem_enabled()) memcg_kmem_put_cache(s)`: percpu_ref_put(&s->memcg_params.refcnt) (memcg_kmem_get_cache’s reference); the object is returned. In v5.8 the static key turns off once the last non-root memcg is freed, and the put is then skipped although the lookup took the reference (F8, made one-way by d648bcc7fe65).',
      onlyIf: kmemCacheSlab,
      ops: [
        // v5.8's static key goes back to false once no non-root memcg is left (memcg_free_kmem's
        // static_branch_dec; made one-way by d648bcc7fe65 in v5.9): then the put is skipped (F8).
        op(
          'if (memcg_kmem_enabled()) memcg_kmem_put_cache(s): percpu_ref_put(&s->memcg_params.refcnt)',
          (x) => {
            if (memcgKmemEnabled(x.s)) cachePut(x, kc(x).cache);
          },
        ),
        op('return the object', (x) => {
          call(x, 'slab v5.8: locals out of scope', {});
        }),
      ],
    },
    // The reclaim drain's steps keep their own conditions (the obj stock reads are v5.9's).
    ...onlyWhen(reclaimSteps, (c, L) => kmemCacheSlab(c, L) && c.reclaim !== false),
    { ...tryChargeRetry, onlyIf: (c, L) => kmemCacheSlab(c, L) && c.reclaim !== false },
  ],
  functions: { ...tryChargeFunctions, 'slab v5.8: locals out of scope': outOfScope } satisfies Record<
    string,
    Ops
  >,
};

export const memcgUnchargeSlab: Path = {
  name: 'memcg_uncharge_slab',
  slot: false,
  steps: [
    {
      name: 'memcg_uncharge_slab',
      doc: 'kmem_cache_free of the page’s last object, the empty slab page freed (discard_slab → __free_slab → uncharge_slab_page → memcg_uncharge_slab(page, order, s)): under rcu_read_lock, memcg = READ_ONCE(s->memcg_params.memcg) (the parent’s once reparented); not root: memcg_kmem_uncharge(memcg, 1 << order) (page counters only); rcu_read_unlock; percpu_ref_put_many(&s->memcg_params.refcnt, 1 << order). One step: its two halves touch the counters and the cache’s count, and the page’s reference keeps the cache and its memcg alive in between.',
      choices: (s) => indicesWhere(s.slabPage.length, (k) => s.slabPage[k] !== 0 && !filling(s, k)),
      onlyIf: kmemCacheSlab,
      argName: (arg) => `slab page${arg}`,
      ops: [
        op('s = page->slab_cache', (x) => {
          x.m = x.s.slabPage[x.arg];
          x.n = x.s.slabCharged[x.arg];
          x.s.slabPage[x.arg] = 0;
          x.s.slabCharged[x.arg] = 0;
        }),
        op(
          'memcg = READ_ONCE(s->memcg_params.memcg); if (!mem_cgroup_is_root(memcg)) memcg_kmem_uncharge(memcg, 1 << order)',
          (x) => {
            const c = cacheAt(x, x.m);
            if (!c) return;
            const at = c.memcg - 1;
            unchargeGhost(x, x.n, at);
            if (at !== ROOT) pageCounterUncharge(x, at, 1);
          },
        ),
        op('percpu_ref_put_many(&s->memcg_params.refcnt, 1 << order)', (x) => cachePut(x, x.m)),
      ],
    },
  ],
};
