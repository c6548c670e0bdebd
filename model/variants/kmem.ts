/**
 * Variants of the kernel-page paths (model/paths/kmem.ts, issue #14), written with the public
 * variant API (model/variant.ts) as a user would write them. Each cites the kernel commit it
 * comes from (docs/variants.md, docs/findings.md F2).
 */
import { defineVariant, kernel, op, type VariantDef } from '../variant.js';

/**
 * split_page_memcg, the fix of F2 (v5.12, e1baddf8475b "mm/memcg: set memcg when splitting page"
 * with be6c8982e4ab, which renamed mem_cgroup_split_huge_fixup to split_page_memcg): split_page
 * copies the head's memcg to every tail, and under the NEW scheme takes a reference per tail.
 * A positive control: with it, the kmem-split scope verifies. In v5.12 the kmem flag lives in
 * page->memcg_data, so copying it copies the flag; a v5.9/v5.10 backport must also
 * __SetPageKmemcg the tails (Hugh Dickins's follow-up for 5.10-stable, found in review; hash not
 * verified). The model does not keep PageKmemcg apart from page->mem_cgroup (docs/model.md
 * abstraction 13), so a backport that forgot it cannot be expressed here.
 */
export const splitPageMemcg = defineVariant({
  name: 'split-page-memcg',
  base: 'new',
  expect: 'verified',
  description:
    'the v5.12 fix of F2 on v5.9: split_page calls split_page_memcg: each tail gets head->mem_cgroup and a css_get (css_get_many(memcg, nr - 1))',
  edit: (d) =>
    d.insert(
      'split_page',
      { after: 'for (i = 1; i < (1 << order); i++) set_page_refcounted(page + i)' },
      op(
        'split_page_memcg(page, 1 << order): tails get head->mem_cgroup; css_get_many(memcg, nr - 1)',
        (x) => {
          const first = x.L.frameFirst[x.arg];
          const m = x.s.page[first] - 1;
          for (let k = 1; k < x.L.frameSize[x.arg]; k++) x.s.page[first + k] = m + 1;
          kernel.cssGet(x, m, x.L.frameSize[x.arg] - 1, { page: first });
        },
      ),
    ),
});

/**
 * The same fix written for v5.8's per-page references (not a kernel commit: v5.8 never got it):
 * the head already holds one reference per page, so the tails only get the pointer.
 */
export const splitPageMemcgOld = defineVariant({
  name: 'split-page-memcg-old',
  base: 'old',
  expect: 'verified',
  description:
    'the fix of F2 on v5.8: split_page gives each tail head->mem_cgroup; no css_get, the head holds one reference per page already',
  edit: (d) =>
    d.insert(
      'split_page',
      { after: 'for (i = 1; i < (1 << order); i++) set_page_refcounted(page + i)' },
      op('split_page_memcg(page, 1 << order): tails get head->mem_cgroup and PageKmemcg', (x) => {
        const first = x.L.frameFirst[x.arg];
        for (let k = 1; k < x.L.frameSize[x.arg]; k++) x.s.page[first + k] = x.s.page[first];
      }),
    ),
});

export const KMEM_VARIANTS: readonly VariantDef[] = [splitPageMemcg, splitPageMemcgOld];
