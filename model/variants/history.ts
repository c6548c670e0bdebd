/**
 * Bugs from the kernel's history of this code, as variants written with the public API (model/
 * variant.ts). Each names the commit that fixed it and the symptom it caused in the field.
 */
import { defineVariant, type VariantDef } from '../variant.js';

/**
 * f1796544a0ca "memcg: fix use-after-free in uncharge_batch" (Michal Hocko, v5.9-rc4; syzbot
 * "KASAN: use-after-free Write in page_counter_uncharge"): as 1a3e1f40962c was first merged
 * (v5.9-rc1), uncharge_page put each page's reference while ug->memcg held none, so the last
 * page's css_put could release and free the memcg before uncharge_batch used ug->memcg
 * (page_counter_uncharge's atomic sub on the freed counter, memcg_check_events). The fix takes css_get(&ug->memcg->css) when ug->memcg changes ("pairs with
 * css_put in uncharge_batch") and puts it at the end of uncharge_batch: the code of v5.9.
 */
export const unchargeBatchUaf = defineVariant({
  name: 'uncharge-batch-uaf',
  base: 'new',
  expect: { violated: 'refcount_ledger' },
  description:
    'v5.9-rc1 before f1796544a0ca: ug->memcg holds no reference (no css_get in uncharge_page, no css_put in uncharge_batch); the last page’s css_put may free the memcg uncharge_batch then uses',
  edit: (d) =>
    d
      .remove('uncharge_page', 'if (ug->memcg was just set) css_get(ug->memcg)')
      .remove('uncharge_batch()', 'css_put(ug->memcg) (drop reference from uncharge_page)'),
});

export const HISTORY_VARIANTS: readonly VariantDef[] = [unchargeBatchUaf];
