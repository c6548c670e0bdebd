/**
 * The known bugs of spec §4 as variants (negative controls), written with the same public API a
 * user has (model/variant.ts), each found at scope tiny. K6 needs swap: model/variants/swap.ts; K1
 * needs v1 charge moving.
 */
import { defineVariant, kernel, op, type VariantDef } from '../variant.js';

export const K2 = defineVariant({
  name: 'K2',
  base: 'new',
  expect: { violated: 'refcount_ledger' },
  description:
    'mem_cgroup_split_huge_fixup sets the tails’ mem_cgroup without a css_get per tail (the OLD fixup under NEW)',
  edit: (d) => d.remove('mem_cgroup_split_huge_fixup', 'css_get(memcg) for each tail'),
});

export const K3 = defineVariant({
  name: 'K3',
  base: 'new',
  expect: { violated: 'refcount_ledger' },
  description:
    'drain_stock with its css_put moved inside if (stock->nr_pages): an emptied stock leaks its pointer’s ref',
  edit: (d) => d.when('drain_stock', 'css_put(old)', 'stock->nr_pages', (x) => x.s.stock[x.st].nr > 0),
});

export const K4 = defineVariant({
  name: 'K4',
  base: 'new',
  expect: { violated: 'refcount_ledger' },
  description: 'drain_stock doing css_put_many(old, nr_pages) (the OLD drain under NEW)',
  edit: (d) =>
    d.replace(
      'drain_stock',
      'css_put(old)',
      op('css_put_many(old, stock->nr_pages)', (x) => kernel.cssPut(x, x.old, x.s.stock[x.st].nr)),
    ),
});

export const K5 = defineVariant({
  name: 'K5',
  base: 'new',
  expect: { violated: 'refcount_ledger' },
  description:
    'mem_cgroup_charge without the css_get before commit_charge: the page holds a pointer without a ref',
  edit: (d) => d.remove('commit_charge', 'css_get(memcg)'),
});

export const K7 = defineVariant({
  name: 'K7',
  base: 'old',
  expect: { violated: 'refcount_ledger' },
  description: 'uncharge_batch skipping css_put_many: every uncharged page leaks its ref',
  edit: (d) =>
    d.remove('uncharge_batch()', 'if (!mem_cgroup_is_root(ug->memcg)) css_put_many(ug->memcg, nr_pages)'),
});

export const K8 = defineVariant({
  name: 'K8',
  base: 'old',
  expect: { violated: 'refcount_ledger' },
  description:
    'mem_cgroup_split_huge_fixup taking a css_get per tail although the head holds one ref per subpage',
  edit: (d) =>
    d.insert(
      'mem_cgroup_split_huge_fixup',
      { after: 'memcg = head->mem_cgroup' },
      op('css_get(memcg) for each tail', (x) => {
        for (let k = 1; k < x.L.frameSize[x.arg]; k++)
          kernel.cssGet(x, x.m, 1, { page: x.L.frameFirst[x.arg] });
      }),
    ),
});

export const K9 = defineVariant({
  name: 'K9',
  base: 'new',
  expect: { violated: 'refcount_ledger' },
  description: 'try_charge still doing css_get_many(batch) although nothing puts those refs any more',
  edit: (d) =>
    d.insert(
      'try_charge()',
      { after: 'batch = max(MEMCG_CHARGE_BATCH, nr_pages); page_counter_try_charge(memcg, batch)' },
      op('css_get_many(memcg, batch)', (x) => kernel.cssGet(x, x.m, x.batch, 'lookup')),
    ),
});

export const KNOWN_BUGS: readonly VariantDef[] = [K2, K3, K4, K5, K7, K8, K9];
