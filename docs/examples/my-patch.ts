/**
 * My patch, as a memcg-check variant: uncharge_page drops the page's reference first, then takes
 * the uncharge batch's reference.
 *
 * v5.9 uncharge_page() (mm/memcontrol.c) does, for the first page of a new memcg:
 *
 *     ug->memcg = page->mem_cgroup;
 *     css_get(&ug->memcg->css);          // pairs with css_put in uncharge_batch
 *     ...
 *     page->mem_cgroup = NULL;
 *     css_put(&ug->memcg->css);          // the page's reference
 *
 * The patch moves the page's css_put up, right after ug->memcg is set, so that the page's
 * reference is gone before the batch takes its own.
 *
 * Check it with:  memcg-check check --variant docs/examples/my-patch.ts --scope tiny
 *
 * It gives: VIOLATED, no_get_on_zero, in 9 steps: when the page holds the last reference of a
 * dying memcg, the page's put takes the count to 0 and the batch's get resurrects it
 * (docs/variants.md §9).
 *
 * The file imports nothing from memcg-check: its default export is a function that receives the
 * variant API and returns the variant.
 */
export default ({ defineVariant }) =>
  defineVariant({
    name: 'my-patch',
    base: 'new',
    description: "uncharge_page: css_put the page's reference before css_get for ug->memcg",
    edit: (d) =>
      d.move('uncharge_page', "css_put(ug->memcg) (the page's reference)", 'uncharge_page', {
        before: 'if (ug->memcg was just set) css_get(ug->memcg)',
      }),
  });
