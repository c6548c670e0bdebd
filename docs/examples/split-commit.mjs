/**
 * A split step, in plain JavaScript: mem_cgroup_charge's css_get and the pointer store of
 * commit_charge no longer in one atomic step.
 *
 * The `commit_charge` step of design `new` runs two ops atomically (the page is locked):
 *
 *     css_get(&memcg->css);
 *     commit_charge(page, memcg);        // page->mem_cgroup = memcg
 *
 * `split` cuts the step after css_get: the pointer store becomes a step of its own, named
 * `commit_charge: store pointer`, and any other CPU may run in between.
 *
 * Check it with:  memcg-check check --variant docs/examples/split-commit.mjs --scope tiny
 *
 * It gives: VIOLATED, refcount_ledger, in 3 steps, right after the first half: the reference taken
 * for the page is held by no pointer yet, and the ledger has no holder for it. That is a limit of
 * the ledger, not a kernel bug (docs/variants.md §10).
 */
export default ({ defineVariant }) =>
  defineVariant({
    name: 'split-commit',
    base: 'new',
    description: 'mem_cgroup_charge: css_get(memcg) and page->mem_cgroup = memcg in two atomic steps',
    edit: (d) => d.split('commit_charge', 'css_get(memcg)', 'commit_charge: store pointer'),
  });
