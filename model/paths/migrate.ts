/**
 * Page migration (spec §2.0 and §2.2/§2.3 migrate rows; the v5.8 and v5.9 text in
 * docs/research/swap-id-v58-v59.md §6): `mem_cgroup_migrate(oldpage, newpage)`, called at the end
 * of migrate_page_states (and by replace_page_cache_page, shmem_replace_page) with both pages
 * locked, the old one isolated from the LRU and the new one not yet visible to anyone: one step.
 * It force-charges the new page to the old page's memcg and commits it; the old page keeps its
 * mem_cgroup and its charge, and is uncharged when it is freed ("@oldpage will be uncharged upon
 * free"), through the existing uncharge path. v5.8 takes css_get_many(nr_pages) for the new page's
 * per-page references, v5.9 one css_get (1a3e1f40962c). Only with `--migrate on`.
 *
 * The root counter (spec §2.0's quirk): v5.8 and v5.9 force-charge `memcg->memory` with no root
 * check, while every uncharge skips root, so root's counter drifts up by nr_pages at each migration
 * of a root page (fixed by Muchun Song's "mm: memcontrol: fix page charging in page replacement",
 * 8dc87c7d1fec, v5.13: "there shouldn't be any actual problem"). The model leaves root's counter
 * out of this charge, and docs/model.md says so: the drift has no bound, so modelling it makes the
 * state space infinite, and root's counter is never read for a limit nor uncharged by root's own
 * pages (so it cannot underflow through this).
 */
import { Branch2, markBranch2 } from '../branch2.js';
import { chargeable, unchargeable } from '../guards.js';
import { cssGet, nrPages, pageCounterCharge, ROOT } from '../kernel.js';
import { pageName } from '../names.js';
import { op } from '../ops.js';
import type { Layout, ReadonlyState } from '../state.js';
import type { Path } from './path.js';

export const migrateArg = (oldPage: number, newPage: number) => oldPage * 16 + newPage;
const argOld = (arg: number) => arg >> 4;
const argNew = (arg: number) => arg & 15;

/** Order 0: a small page, or a subpage of a split THP. */
function order0(s: ReadonlyState, L: Layout, p: number): boolean {
  const f = L.structFrame[p];
  return L.frameSize[f] === 1 || s.split[f] === 1;
}

/**
 * An old page and a new one of the same size (the VM_BUG_ONs on PageTransHuge): a charged user page
 * no CPU works on (a THP at its head), and a free page the allocator hands out for it, a THP's
 * head for a THP (its frame free and whole) or an order-0 page for an order-0 page.
 */
function migrateChoices(s: ReadonlyState, L: Layout): number[] {
  const out: number[] = [];
  if (!L.config.migrate) return out;
  for (let p = 0; p < L.structFrame.length; p++) {
    if (L.isKmem[L.structFrame[p]] || !unchargeable(s, L, p)) continue;
    const small = order0(s, L, p);
    for (let q = 0; q < L.structFrame.length; q++) {
      const fq = L.structFrame[q];
      if (q === p || L.isKmem[fq] || !chargeable(s, L, q)) continue;
      if (
        small
          ? order0(s, L, q)
          : L.isThp[fq] && !s.split[fq] && L.frameSize[fq] === L.frameSize[L.structFrame[p]]
      )
        out.push(migrateArg(p, q));
    }
  }
  return out;
}

/** The force charge and commit_charge, the same in v5.8 and v5.9 but for the reference taken. */
const memcgOfOld = op(
  'if (newpage->mem_cgroup) return; memcg = oldpage->mem_cgroup; nr_pages = hpage_nr_pages(newpage)',
  (x) => {
    x.m = x.s.page[argOld(x.arg)] - 1;
    x.n = nrPages(x, argNew(x.arg));
    if (x.s.memcg[x.m].offline) markBranch2(x.s, Branch2.migrateOffline);
  },
);
const forceCharge = op(
  'page_counter_charge(&memcg->memory, nr_pages); if (do_memsw_account()) page_counter_charge(&memcg->memsw, nr_pages) (root left out: docs/model.md)',
  (x) => {
    if (x.m !== ROOT) pageCounterCharge(x, x.m, x.n);
  },
);
const commit = op('commit_charge(newpage, memcg)', (x) => {
  x.s.page[argNew(x.arg)] = x.m + 1;
});

export const memCgroupMigrate: Path = {
  name: 'mem_cgroup_migrate',
  slot: false,
  steps: [
    {
      name: 'migrate_page_states → mem_cgroup_migrate',
      doc: 'mem_cgroup_migrate(oldpage, newpage), one step: both pages locked, the old page isolated from the LRU, the new one not yet mapped or on an LRU (nothing else reaches either, and a page’s mem_cgroup does not change under its lock in v5.8 or v5.9). The new page force-charged to the old page’s memcg, its reference(s) taken, committed; the old page stays charged until it is freed.',
      choices: migrateChoices,
      argName: (arg, L) => `${pageName(L, argOld(arg))} to ${pageName(L, argNew(arg))}`,
      onlyIf: (c) => c.migrate === true,
      ops: {
        // v5.8: the new page holds one reference per page charged, like any page.
        old: [
          memcgOfOld,
          forceCharge,
          op('css_get_many(&memcg->css, nr_pages)', (x) => cssGet(x, x.m, x.n, { page: argOld(x.arg) })),
          commit,
        ],
        // v5.9: one reference for newpage->mem_cgroup; the old page's own backs the get.
        new: [
          memcgOfOld,
          forceCharge,
          op('css_get(&memcg->css)', (x) => cssGet(x, x.m, 1, { page: argOld(x.arg) })),
          commit,
        ],
      },
    },
  ],
};
