/**
 * Swap records and memcg ids (spec §2.2/§2.3 swap and id rows; the v5.8 and v5.9 text is quoted in
 * docs/research/swap-id-v58-v59.md; the plan in docs/design-swap.md). Only with `--swap v1|v2`:
 *
 * - cgroup v2, `mem_cgroup_try_charge_swap` (add_to_swap → get_swap_page): the id of the closest
 *   memcg with a live id, one record per subpage, the swap counter; the page keeps its charge and
 *   is freed later through the existing uncharge path.
 * - cgroup v1, `mem_cgroup_swapout` (__remove_mapping): the records, page->mem_cgroup = NULL,
 *   memory uncharged, memsw moved to the id holder, the css put: v5.8 css_put_many(nr_entries)
 *   unless root, v5.9 css_put (the page's one reference; K6 keeps v5.8's put under v5.9).
 * - `mem_cgroup_uncharge_swap` when a swap slot is freed (swap_entry_free): the record cleared,
 *   the counter uncharged, the id put (at zero: mem_cgroup_id_remove and css_put, "memcg ID pins CSS").
 * - cgroup v2, `__remove_mapping` of a swap cache page: the slot stays in use, on disk only.
 * - swap-in (`do_swap_page`): swap-in.ts, which calls this file's mem_cgroup_uncharge_swap.
 *
 * Abstractions (docs/model.md lists each): a slot is in use (`swapMap`) on disk only or in the
 * swap cache, but which page holds it is not recorded, so a page and its slot move on their own
 * (the page's free is the uncharge path, the slot's free this file's event; a v2 page may be
 * swapped out again while its first slot is in use); records go to the lowest free slots (slots are
 * interchangeable); v1's add_to_swap and __remove_mapping are one step (in between the page is only
 * a charged page in the swap cache: v1's mem_cgroup_try_charge_swap returns at once); a v1 page
 * swapped in is swapped out again into a free slot (the kernel reuses its entry); a slot is freed
 * one entry at a time (a THP cluster's free is mem_cgroup_uncharge_swap(entry, SWAPFILE_CLUSTER):
 * the same puts in one step).
 */

import { Branch2, markBranch2 } from '../branch2.js';
import { swapOf } from '../config.js';
import { nrPagesOf } from '../geometry.js';
import { indicesWhere, unchargeable } from '../guards.js';
import { cssPut, idPut, ROOT } from '../kernel.js';
import { pageName } from '../names.js';
import { type Ctx, call, op } from '../ops.js';
import type { Layout, ReadonlyState } from '../state.js';
import {
  freeSlots,
  idGetMany,
  idGetOnline,
  memcgFromId,
  memoryOnlyUncharge,
  swapCounterCharge,
  swapCounterUncharge,
} from '../swap.js';
import { SwapMap } from '../swap-state.js';
import type { Path } from './path.js';

/** The swap paths are at these bounds: --swap v1 or v2 (and only that version's swap-out). */
export const swapOn = (c: Layout['config']) => swapOf(c) !== undefined;

/**
 * A page the swap-out can take: a charged user page no CPU works on, whole (a THP not split, at its
 * head; a split subpage or a small page), with a free slot for each of its hpage_nr_pages.
 */
function swapOutChoices(s: ReadonlyState, L: Layout): number[] {
  return indicesWhere(L.structFrame.length, (p) => {
    if (L.isKmem[L.structFrame[p]] || !unchargeable(s, L, p)) return false;
    return freeSlots(s, nrPagesOf(s, L, p)).length === nrPagesOf(s, L, p);
  });
}

/**
 * The records for `nr` subpages of memcg `holder` (swap_cgroup_record), in the lowest free slots,
 * which are now in use: `map` SwapMap.cache (v2: add_to_swap put the page in the swap cache) or
 * SwapMap.out (v1: __remove_mapping took the page out of it).
 */
function record(x: Ctx, holder: number, nr: number, map: number): void {
  for (const k of freeSlots(x.s, nr)) {
    x.s.swapRecord[k] = holder + 1;
    x.s.swapMap[k] = map;
  }
}

const swapMemcg = (x: Ctx) => x.st;

/** mem_cgroup_swapout up to its last line, the same in v5.8 and v5.9. */
const swapoutBody = [
  op('memcg = page->mem_cgroup; swap_memcg = mem_cgroup_id_get_online(memcg)', (x) => {
    x.m = x.s.page[x.arg] - 1;
    x.n = nrPagesOf(x.s, x.L, x.arg);
    x.st = idGetOnline(x, x.m);
  }),
  op('if (nr_entries > 1) mem_cgroup_id_get_many(swap_memcg, nr_entries - 1)', (x) => {
    if (x.n > 1) idGetMany(x, swapMemcg(x), x.n - 1);
  }),
  op('swap_cgroup_record(entry, mem_cgroup_id(swap_memcg), nr_entries)', (x) =>
    record(x, swapMemcg(x), x.n, SwapMap.out),
  ),
  op('page->mem_cgroup = NULL', (x) => {
    x.s.page[x.arg] = 0;
  }),
  op('if (!mem_cgroup_is_root(memcg)) page_counter_uncharge(&memcg->memory, nr_entries)', (x) => {
    if (x.m !== ROOT) memoryOnlyUncharge(x, x.m, x.n);
  }),
  op(
    'if (memcg != swap_memcg) { if (!mem_cgroup_is_root(swap_memcg)) page_counter_charge(&swap_memcg->memsw, nr_entries); page_counter_uncharge(&memcg->memsw, nr_entries) }',
    (x) => {
      if (x.m === swapMemcg(x)) return;
      if (swapMemcg(x) !== ROOT) swapCounterCharge(x, swapMemcg(x), x.n);
      swapCounterUncharge(x, x.m, x.n);
    },
  ),
];

export const memCgroupSwapout: Path = {
  name: 'mem_cgroup_swapout',
  slot: false,
  steps: [
    {
      name: 'mem_cgroup_swapout',
      doc: 'cgroup v1: shrink_page_list → add_to_swap, then __remove_mapping → mem_cgroup_swapout(page, entry), one step: under the i_pages lock with irqs off and the page frozen (refcount 0, off the LRU), so nothing else reaches the page or the entry. The id of the closest memcg whose id.ref is not 0, one record per subpage, page->mem_cgroup = NULL, memory uncharged (memsw stays), memsw moved to the id holder when it differs, the css put; then the page is freed (its frame free again).',
      choices: (s, L) => (L.config.swap === 'v1' ? swapOutChoices(s, L) : []),
      argName: (arg, L) => pageName(L, arg),
      onlyIf: (c) => c.swap === 'v1',
      ops: {
        // v5.8: the page held nr_entries references (one per page charged).
        old: [
          ...swapoutBody,
          op('if (!mem_cgroup_is_root(memcg)) css_put_many(&memcg->css, nr_entries)', (x) => {
            if (x.m !== ROOT) cssPut(x, x.m, x.n);
          }),
        ],
        // v5.9 (1a3e1f40962c): the page's one reference (a no-op on root).
        new: [...swapoutBody, op('css_put(&memcg->css)', (x) => cssPut(x, x.m))],
      },
    },
  ],
};

export const memCgroupTryChargeSwap: Path = {
  name: 'mem_cgroup_try_charge_swap',
  slot: false,
  steps: [
    {
      name: 'mem_cgroup_try_charge_swap',
      doc: 'cgroup v2: add_to_swap → get_swap_page → mem_cgroup_try_charge_swap(page, entry), one step under the page lock: the id of the closest memcg whose id.ref is not 0 (mem_cgroup_id_get_online), the swap counter charged unless root (no swap limit is modelled: page_counter_try_charge succeeds), the ids of the tail pages, the records. No css reference; the page keeps its mem_cgroup and its charge until it is freed (the uncharge path).',
      choices: (s, L) => (L.config.swap === 'v2' ? swapOutChoices(s, L) : []),
      argName: (arg, L) => pageName(L, arg),
      onlyIf: (c) => c.swap === 'v2',
      ops: [
        op('memcg = page->mem_cgroup; memcg = mem_cgroup_id_get_online(memcg)', (x) => {
          x.n = nrPagesOf(x.s, x.L, x.arg);
          x.st = idGetOnline(x, x.s.page[x.arg] - 1);
        }),
        op('if (!mem_cgroup_is_root(memcg)) page_counter_try_charge(&memcg->swap, nr_pages)', (x) => {
          if (swapMemcg(x) !== ROOT) swapCounterCharge(x, swapMemcg(x), x.n);
        }),
        op('if (nr_pages > 1) mem_cgroup_id_get_many(memcg, nr_pages - 1)', (x) => {
          if (x.n > 1) idGetMany(x, swapMemcg(x), x.n - 1);
        }),
        op('swap_cgroup_record(entry, mem_cgroup_id(memcg), nr_pages)', (x) =>
          record(x, swapMemcg(x), x.n, SwapMap.cache),
        ),
      ],
    },
  ],
};

/**
 * mem_cgroup_uncharge_swap(entry, 1) of slot `x.st`, a function: the slot's free and the swap-in
 * call it. Under rcu_read_lock in the kernel; here within one step (a put to zero queues the
 * release, and css_free waits for a grace period, so nothing in the step can see a freed memcg).
 */
export const unchargeSwap = [
  op('id = swap_cgroup_record(entry, 0, nr_pages); memcg = mem_cgroup_from_id(id)', (x) => {
    const rec = x.s.swapRecord[x.st];
    x.s.swapRecord[x.st] = 0;
    x.m = memcgFromId(x.s, rec);
  }),
  op(
    'if (memcg && !mem_cgroup_is_root(memcg)) page_counter_uncharge(cgroup_subsys_on_dfl ? &memcg->swap : &memcg->memsw, nr_pages)',
    (x) => {
      if (x.m >= 0 && x.m !== ROOT) swapCounterUncharge(x, x.m, 1);
    },
  ),
  op('if (memcg) mem_cgroup_id_put_many(memcg, nr_pages)', (x) => {
    if (x.m < 0) return;
    if (x.s.memcg[x.m].offline) markBranch2(x.s, Branch2.unchargeOffline);
    const mc = x.s.mc[0];
    if (mc && mc.movedSwap > 0 && mc.to === x.m + 1) markBranch2(x.s, Branch2.moveRacesSwapFree);
    idPut(x, x.m, 1);
    if (x.s.memcg[x.m].id === 0) markBranch2(x.s, Branch2.idRemoved);
  }),
];

export const memCgroupUnchargeSwap: Path = {
  name: 'mem_cgroup_uncharge_swap',
  slot: false,
  steps: [
    {
      name: 'swap_entry_free',
      doc: 'a swap slot’s count reaches 0 (swapcache_free_entries → swap_entry_free; the page was freed or its last swap pte zapped): mem_cgroup_uncharge_swap(entry, 1), one step: the record cleared, the swap (v2) or memsw (v1) counter uncharged unless root, mem_cgroup_id_put (at 0: mem_cgroup_id_remove, css_put).',
      choices: (s) =>
        indicesWhere(s.swapMap.length, (k) => s.swapMap[k] !== SwapMap.free && !swappingIn(s, k)),
      argName: (arg) => `swap slot ${arg}`,
      onlyIf: swapOn,
      ops: [
        op('mem_cgroup_uncharge_swap(entry, 1)', (x) => {
          call(x, 'mem_cgroup_uncharge_swap()', { st: x.arg });
        }),
        op('the slot is free (swap_range_free)', (x) => {
          x.s.swapMap[x.arg] = SwapMap.free;
        }),
      ],
    },
  ],
  functions: { 'mem_cgroup_uncharge_swap()': unchargeSwap },
};

export const removeMapping: Path = {
  name: '__remove_mapping',
  slot: false,
  steps: [
    {
      name: '__remove_mapping: mem_cgroup_swapout (cgroup v2: returns at once)',
      doc: 'cgroup v2: a swap cache page written out is reclaimed: __remove_mapping calls mem_cgroup_swapout, which returns at once on the default hierarchy, and __delete_from_swap_cache drops the page from the swap cache; the slot stays in use, on disk only. The page itself is freed by the uncharge path (mem_cgroup_uncharge_list), which the model runs on its own (docs/model.md: the page and its slot are not linked).',
      choices: (s, L) =>
        L.config.swap !== 'v2'
          ? []
          : indicesWhere(s.swapMap.length, (k) => s.swapMap[k] === SwapMap.cache && !swappingIn(s, k)),
      argName: (arg) => `swap slot ${arg}`,
      onlyIf: (c) => c.swap === 'v2',
      ops: [
        op('__delete_from_swap_cache(page, swap)', (x) => {
          x.s.swapMap[x.arg] = SwapMap.out;
        }),
      ],
    },
  ],
};

/** Some CPU is charging a page for swap slot k: the swap cache page is locked (its entry cannot be freed). */
export function swappingIn(s: ReadonlyState, k: number): boolean {
  return s.swapCpu.some((c) => c.slot === k + 1);
}
