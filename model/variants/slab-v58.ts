/**
 * Variants of v5.8's slab accounting (model/paths/slab-v58.ts, issue #14), written with the public
 * variant API (model/variant.ts). v5.8 shows findings F7 and F8 (docs/findings.md). F7 (the charge
 * at an ancestor, the uncharge at the cache's memcg) had no upstream fix: v5.9's slab controller
 * removed the code; `fixChargeCacheMemcg` is the fix this project proposes. F8 (the put skipped when
 * the static key turned off) was fixed by d648bcc7fe65. `slab-v58-fixed` applies both (a positive
 * control), and each `slab-v58-<bug>` variant all fixes but one, so that it shows that bug alone.
 */
import * as kernel from '../kernel.js';
import { cacheAt, cachePut } from '../kmem-cache.js';
import { Branch } from '../oops.js';
import type { Ctx } from '../ops.js';
import { type DesignEditor, defineVariant, op, type VariantDef } from '../variant.js';

const local = (x: Ctx) => x.s.kmemCacheCpu[x.cpu];
const CHARGE = 'memcg_charge_slab: css_tryget_online';
const READ = 'rcu_read_lock; memcg = READ_ONCE(s->memcg_params.memcg)';

/**
 * F7's fix (proposed here, not a kernel commit): memcg_charge_slab charges the cache's own memcg,
 * killed or not, as v5.9's obj_cgroup_charge charges objcg->memcg:
 * `do { memcg = READ_ONCE(s->memcg_params.memcg); } while (!css_tryget(&memcg->css));`. The read and
 * the tryget are two steps (only RCU joins them): memcg_deactivate_kmem_caches may move the cache
 * and its reference to the parent in between and the memcg's count reach zero; then the tryget
 * fails and the loop reads the parent. The uncharge is then at the charged memcg or, after the
 * reparent, at an ancestor of it.
 */
export function fixChargeCacheMemcg(d: DesignEditor): DesignEditor {
  return d
    .replace(
      CHARGE,
      READ,
      op(`${READ} (the cache's memcg, retried)`, (x) => {
        kernel.rcuReadLock(x);
        const c = cacheAt(x, local(x).cache);
        x.s.cpu[x.cpu].memcg = c ? c.memcg : 1;
      }),
    )
    .replace(
      CHARGE,
      'while (memcg && !css_tryget_online(&memcg->css)) memcg = parent_mem_cgroup(memcg); rcu_read_unlock',
      op('if (!css_tryget(&memcg->css)) goto retry; rcu_read_unlock', (x) => {
        const c = x.s.cpu[x.cpu];
        const m = c.memcg - 1;
        if (!kernel.cssTryget(x, m)) {
          kernel.rcuReadUnlock(x);
          x.jump = CHARGE;
          x.stop = true;
          return;
        }
        if (x.s.memcg[m]?.killed) x.s.branch |= Branch.chargeSlabDying;
        if (m !== 0) c.tmp = 1;
        kernel.rcuReadUnlock(x);
      }),
    )
    .split(CHARGE, `${READ} (the cache's memcg, retried)`, 'memcg_charge_slab: css_tryget');
}

/**
 * d648bcc7fe65 "mm: kmem: make memcg_kmem_enabled() irreversible" (Roman Gushchin, v5.9-rc1): the
 * static key is never decremented again, so slab_post_alloc_hook's memcg_kmem_put_cache always runs
 * after a memcg_kmem_get_cache that took a reference.
 */
export function fixKmemKey(d: DesignEditor): DesignEditor {
  return d.replace(
    'memcg_kmem_put_cache',
    'if (memcg_kmem_enabled()) memcg_kmem_put_cache(s): percpu_ref_put(&s->memcg_params.refcnt)',
    op(
      'memcg_kmem_put_cache(s): percpu_ref_put(&s->memcg_params.refcnt) (the key stays on: d648bcc7fe65)',
      (x) => cachePut(x, local(x).cache),
    ),
  );
}

const FIXES = { chargeCacheMemcg: fixChargeCacheMemcg, kmemKey: fixKmemKey } as const;
type Fix = keyof typeof FIXES;
const allBut = (d: DesignEditor, but?: Fix) => {
  for (const [k, f] of Object.entries(FIXES)) if (k !== but) f(d);
};

export const slabV58Fixed = defineVariant({
  name: 'slab-v58-fixed',
  base: 'old',
  expect: 'verified',
  description:
    'v5.8 slab accounting with F7 and F8 fixed: memcg_charge_slab charges the cache’s own memcg with a css_tryget retry loop (proposed here; upstream removed the code in v5.9), and the static key stays on (d648bcc7fe65)',
  edit: (d) => allBut(d),
});

export const slabV58ChargeAncestor = defineVariant({
  name: 'slab-v58-charge-ancestor',
  base: 'old',
  expect: { violated: 'page_counter_nonneg' },
  description:
    'v5.8 memcg_charge_slab alone (F8 fixed): the charge goes to the first online ancestor while the cache’s memcg is dying, the uncharge to the cache’s memcg (F7)',
  edit: (d) => allBut(d, 'chargeCacheMemcg'),
});

export const slabV58KmemKey = defineVariant({
  name: 'slab-v58-kmem-key',
  base: 'old',
  expect: { violated: 'kmem_cache_refcount_ledger' },
  description:
    'v5.8 slab_post_alloc_hook alone (F7 fixed): memcg_kmem_put_cache skipped when memcg_kmem_enabled() turned false after the last non-root memcg was freed, so the cache’s reference leaks (F8, fixed by d648bcc7fe65)',
  edit: (d) => allBut(d, 'kmemKey'),
});

export const SLAB_V58_VARIANTS: readonly VariantDef[] = [slabV58Fixed, slabV58ChargeAncestor, slabV58KmemKey];
