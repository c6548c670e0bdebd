/**
 * Variants of v5.8's slab accounting (model/paths/slab-v58.ts, issue #14), written with the public
 * variant API (model/variant.ts). v5.8 shows finding F7 (docs/findings.md): memcg_charge_slab
 * charges an ancestor while the cache's memcg is killed but not yet offline, and
 * memcg_uncharge_slab uncharges the cache's memcg. No upstream commit fixed it: v5.9's slab
 * controller (the obj_cgroup series) removed the code. `slab-v58-charge-cache-memcg` is the fix
 * this project proposes, as a positive control for the rest of the v5.8 slab model.
 */
import * as kernel from '../kernel.js';
import { Branch } from '../oops.js';
import { defineVariant, op, type VariantDef } from '../variant.js';

export const slabV58ChargeCacheMemcg = defineVariant({
  name: 'slab-v58-charge-cache-memcg',
  base: 'old',
  expect: 'verified',
  description:
    'v5.8 memcg_charge_slab charging the cache’s own memcg (css_tryget, which the cache’s css reference makes succeed) instead of the first online ancestor, so that memcg_uncharge_slab uncharges the memcg it charged or, after the reparent, an ancestor of it (a proposed fix for F7; upstream removed the code in v5.9)',
  edit: (d) =>
    d.replace(
      'memcg_charge_slab: css_tryget_online',
      'while (memcg && !css_tryget_online(&memcg->css)) memcg = parent_mem_cgroup(memcg); rcu_read_unlock',
      op('css_tryget(&memcg->css) (the kmem_cache holds a reference on it); rcu_read_unlock', (x) => {
        const c = x.s.cpu[x.cpu];
        if (x.s.memcg[x.m]?.killed) x.s.branch |= Branch.chargeSlabDying;
        c.memcg = x.m + 1;
        // Root is CSS_NO_REF: nothing to hold. A failed tryget would leave tmp clear, and the
        // ledger would report the css_put that follows.
        if (kernel.cssTryget(x, x.m) && x.m !== 0) c.tmp = 1;
      }),
    ),
});

export const SLAB_V58_VARIANTS: readonly VariantDef[] = [slabV58ChargeCacheMemcg];
