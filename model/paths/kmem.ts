/**
 * Kernel pages (spec §2.2/§2.3 rows __memcg_kmem_charge_page and __memcg_kmem_uncharge_page; §3.1
 * a kmem page of order o weighs 2^o; §3.2 each page struct holds one reference): pages allocated
 * with __GFP_ACCOUNT, charged by __alloc_pages_nodemask → __memcg_kmem_charge_page and uncharged
 * by __free_pages → free_pages_prepare → __memcg_kmem_uncharge_page, and split_page of a
 * high-order one (mm/page_alloc.c). Kernel source read: v5.8 and v5.9 mm/memcontrol.c,
 * mm/page_alloc.c (docs/research/kmem-v59-notes.md).
 *
 *   __memcg_kmem_charge_page(page, gfp, order):
 *       memcg = get_mem_cgroup_from_current();      the lookup, with its css_tryget (a temporary ref)
 *       if (!mem_cgroup_is_root(memcg)) {
 *           ret = __memcg_kmem_charge(memcg, gfp, 1 << order);    → try_charge (v1's kmem counter: not modelled, v2)
 *           if (!ret) { page->mem_cgroup = memcg; __SetPageKmemcg(page);
 *                       return 0; }                 v5.9 only: the lookup ref is the page's one ref
 *       }
 *       css_put(&memcg->css);                       v5.8 always (the page holds the 2^o refs of try_charge)
 *
 *   __memcg_kmem_uncharge_page(page, order): memcg = page->mem_cgroup; if (!memcg) return;
 *       __memcg_kmem_uncharge(memcg, 1 << order); page->mem_cgroup = NULL;
 *       v5.8: css_put_many(&memcg->css, 1 << order); v5.9: css_put(&memcg->css); __ClearPageKmemcg
 *
 *   split_page(page, order): set_page_refcounted(page + i) for the tails, split_page_owner; nothing
 *       for the memcg: the tails get no mem_cgroup and no PageKmemcg, and each piece is then freed
 *       as an order-0 page (finding F2, docs/findings.md; fixed in v5.12).
 *
 * An order-0 kernel page, or a piece of a split one, may also be freed by its last put_page
 * (pipe buffers, release_pages): mem_cgroup_uncharge_list's uncharge_page uncharges it through its
 * PageKmemcg branch (paths/uncharge.ts, model/guards.ts unchargeable), and the later
 * free_pages_prepare finds PageKmemcg clear.
 *
 * The page belongs to the allocating task until __memcg_kmem_charge_page returns (cpu.page keeps
 * it busy, as for mem_cgroup_charge), and to its owner when it frees it: each step is atomic with
 * respect to the page. The lookup, try_charge, its reclaim drain and the final css_put are the
 * steps of mem_cgroup_charge (paths/charge.ts): get_mem_cgroup_from_current is
 * get_mem_cgroup_from_mm(current->mm) when no remote memcg is active (active_memcg: not modelled).
 */
import { indicesWhere, kmemAllocatable, kmemFreeable, kmemSplittable } from '../guards.js';
import { cssPut, nrPages, pageCounterUncharge, pageOk, ROOT, rcuReadLock } from '../kernel.js';
import { frameName, memcgName, pageName } from '../names.js';
import { END, me, op } from '../ops.js';
import type { Layout, ReadonlyState } from '../state.js';
import { chargeSteps, tryget, unlock } from './charge.js';
import { onlyWhen, type Path } from './path.js';
import { tryChargeFunctions } from './try-charge.js';

/** The lookup's argument: the frame and the memcg read, packed in one number. */
export const kmemChargeArg = (f: number, m: number) => f * 16 + m;
const argFrame = (arg: number) => arg >> 4;
const argMemcg = (arg: number) => arg & 15;

/** A free kernel page frame, and any memcg not yet freed (the read of current's memcg may be stale). */
function kmemLookupChoices(s: ReadonlyState, L: Layout): number[] {
  const out: number[] = [];
  for (let f = 0; f < L.config.frames.length; f++) {
    if (!kmemAllocatable(s, L, f)) continue;
    for (let m = 0; m < L.config.memcgs.length; m++) if (!s.memcg[m].freed) out.push(kmemChargeArg(f, m));
  }
  return out;
}

const kmemCommitPointer = op('page->mem_cgroup = memcg; __SetPageKmemcg(page)', (x) => {
  const c = me(x);
  if (pageOk(x, c.page - 1)) x.s.page[c.page - 1] = c.memcg;
  c.nr = 0;
});
const rootSkips = op('if (mem_cgroup_is_root(memcg)) goto out (no charge)', (x) => {
  if (me(x).memcg - 1 === ROOT) x.stop = true;
});

const hasKmem = (c: Layout['config']) => c.frames.some((f) => f.kind === 'kmem');

export const memcgKmemChargePage: Path = {
  name: '__memcg_kmem_charge_page',
  slot: true,
  steps: onlyWhen(
    chargeSteps(
      {
        name: 'get_mem_cgroup_from_current',
        doc: '__alloc_pages_nodemask(__GFP_ACCOUNT) → __memcg_kmem_charge_page → get_mem_cgroup_from_current → get_mem_cgroup_from_mm(current->mm): under rcu_read_lock read current’s memcg (any memcg not yet freed: the read may be stale) and css_tryget it: the temporary reference; on failure the loop reads again (the retry step). The page is the new allocation of 2^order pages, private to this task.',
        choices: kmemLookupChoices,
        onlyIf: hasKmem,
        argName: (arg, L) => `${frameName(L, argFrame(arg))}, ${memcgName(L, argMemcg(arg))}`,
        ops: [
          op('page = alloc_pages(gfp | __GFP_ACCOUNT, order) (a free kernel page frame)', (x) => {
            const f = argFrame(x.arg);
            me(x).page = x.L.frameFirst[f] + 1;
            x.s.split[f] = 0;
          }),
          op('rcu_read_lock', rcuReadLock),
          op('memcg = mem_cgroup_from_task(rcu_dereference(current->mm->owner))', (x) => {
            me(x).memcg = argMemcg(x.arg) + 1;
          }),
          tryget,
          unlock,
        ],
      },
      {
        name: '__memcg_kmem_charge_page: commit',
        doc: '__memcg_kmem_charge_page after __memcg_kmem_charge (try_charge) succeeded: page->mem_cgroup = memcg and __SetPageKmemcg (root: nothing); v5.9 then returns 0, the lookup reference kept as the page’s one reference; v5.8 goes on to the css_put.',
        onlyIf: hasKmem,
        ops: {
          // The page holds the 2^order refs try_charge took; the lookup ref is put next.
          old: [rootSkips, kmemCommitPointer],
          new: [
            rootSkips,
            kmemCommitPointer,
            op('return 0 (the lookup reference is the page’s)', (x) => {
              me(x).tmp = 0;
              x.jump = END;
            }),
          ],
        },
      },
    ),
    hasKmem,
  ),
  functions: tryChargeFunctions,
};

/** __memcg_kmem_uncharge_page up to its put, the same in v5.8 and v5.9. */
const uncharge = [
  op('memcg = page->mem_cgroup; nr_pages = 1 << order', (x) => {
    x.m = x.s.page[x.arg] - 1;
    x.n = nrPages(x, x.arg);
  }),
  op('__memcg_kmem_uncharge(memcg, nr_pages)', (x) => pageCounterUncharge(x, x.m, x.n)),
  op('page->mem_cgroup = NULL; __ClearPageKmemcg(page)', (x) => {
    x.s.page[x.arg] = 0;
  }),
];

export const freePages: Path = {
  name: '__free_pages',
  slot: false,
  steps: [
    {
      name: '__memcg_kmem_uncharge_page',
      doc: '__free_pages(page, order) → free_pages_prepare: if (PageKmemcg(page)) __memcg_kmem_uncharge_page(page, order), one step: the freeing task owns the page; the page_counter and css atomics as in uncharge_batch. The whole allocation (1 << order) at its first page struct, or after split_page one order-0 piece.',
      choices: (s, L) => indicesWhere(L.structFrame.length, (p) => kmemFreeable(s, L, p)),
      onlyIf: hasKmem,
      argName: (arg, L) => pageName(L, arg),
      ops: {
        old: [...uncharge, op('css_put_many(&memcg->css, nr_pages)', (x) => cssPut(x, x.m, x.n))],
        new: [...uncharge, op('css_put(&memcg->css)', (x) => cssPut(x, x.m))],
      },
    },
  ],
};

export const splitPage: Path = {
  name: 'split_page',
  slot: false,
  steps: [
    {
      name: 'split_page',
      doc: 'split_page(page, order) on a charged high-order kernel page (e.g. alloc_pages_exact → make_alloc_exact): one step by the page’s owner; in v5.8 and v5.9 it only makes the tails refcounted pages: it copies no mem_cgroup and no PageKmemcg to them (fixed in v5.12 by split_page_memcg).',
      choices: (s, L) =>
        L.config.splitPage === true
          ? indicesWhere(L.config.frames.length, (f) => kmemSplittable(s, L, f))
          : [],
      onlyIf: (c) => c.splitPage === true,
      argName: (arg, L) => frameName(L, arg),
      ops: [
        op('for (i = 1; i < (1 << order); i++) set_page_refcounted(page + i)', (x) => {
          x.s.split[x.arg] = 1;
        }),
      ],
    },
  ],
};
