/**
 * Swap-in (spec §2.2/§2.3 the swap-in part of mem_cgroup_charge; docs/research/swap-id-v58-v59.md
 * §5): `do_swap_page`, and __read_swap_cache_async's readahead, charge a locked PageSwapCache page
 * through mem_cgroup_charge: the memcg of the slot's record by css_tryget_online, else the task's
 * (get_mem_cgroup_from_mm), then try_charge and commit_charge as mem_cgroup_charge, and then
 * mem_cgroup_uncharge_swap of the record, for cgroup v1 and v2 alike in v5.8 and v5.9
 * (2d1c498072de dropped the do_memsw_account() guard; cae3af62b33a, v5.12, restored it: finding F9
 * and the variant swap-in-memsw-guard). The rest of the swap paths: swap.ts.
 */

import { Branch2, markBranch2 } from '../branch2.js';
import { chargeable, indicesWhere } from '../guards.js';
import { cssGet, cssTrygetOnline, rcuReadLock, rcuReadUnlock } from '../kernel.js';
import { memcgName, pageName } from '../names.js';
import { type Ctx, call, me, op } from '../ops.js';
import type { Layout, ReadonlyState } from '../state.js';
import { memcgFromId } from '../swap.js';
import { SwapMap } from '../swap-state.js';
import { chargeSteps, commitPointer, tryget, unlock } from './charge.js';
import { onlyWhen, type Path } from './path.js';
import { swapOn, unchargeSwap } from './swap.js';
import { tryChargeFunctions } from './try-charge.js';

export const swapInArg = (p: number, slot: number) => p * 4 + slot;
const argPage = (arg: number) => arg >> 2;
const argSlot = (arg: number) => arg & 3;

/**
 * The swap-in's page and entry: a free order-0 page (swap-in reads one page at a time in v5.8 and
 * v5.9; a small page or a subpage of a split THP) and a slot with a record no CPU is swapping in.
 */
function swapInChoices(s: ReadonlyState, L: Layout): number[] {
  const out: number[] = [];
  // No swap slot at these bounds: nothing to swap in (the guard runs on every state).
  if (s.swapMap.length === 0) return out;
  for (let p = 0; p < L.structFrame.length; p++) {
    const f = L.structFrame[p];
    if (L.isKmem[f] || (L.isThp[f] && !s.split[f]) || !chargeable(s, L, p)) continue;
    for (let k = 0; k < s.swapMap.length; k++) if (s.swapMap[k] === SwapMap.out) out.push(swapInArg(p, k));
  }
  return out;
}

const swapCpu = (x: Ctx) => x.s.swapCpu[x.cpu];

export const doSwapPage: Path = {
  name: 'do_swap_page',
  slot: true,
  steps: onlyWhen(
    [
      ...chargeSteps(
        {
          name: 'do_swap_page: mem_cgroup_charge: mem_cgroup_from_id',
          doc: 'do_swap_page (or __read_swap_cache_async) → mem_cgroup_charge of a locked PageSwapCache page: id = lookup_swap_cgroup_id(ent), then under rcu_read_lock mem_cgroup_from_id(id) and css_tryget_online, one step (the record cannot change: the locked swap cache page keeps the entry, as on __read_swap_cache_async’s path; do_swap_page’s skip-swapcache path pins nothing, which the model leaves out: docs/model.md, Less; the memcg cannot be freed: the record holds its id, which pins its css). A memcg offline (or an id removed) leaves memcg NULL: the next step reads the task’s memcg.',
          choices: swapInChoices,
          argName: (arg, L) => `${pageName(L, argPage(arg))} for swap slot ${argSlot(arg)}`,
          ops: [
            op('page = the new page, added to the swap cache and locked; ent = its swap entry', (x) => {
              me(x).page = argPage(x.arg) + 1;
              swapCpu(x).slot = argSlot(x.arg) + 1;
              x.s.swapMap[argSlot(x.arg)] = SwapMap.cache;
            }),
            op('rcu_read_lock', rcuReadLock),
            op('memcg = mem_cgroup_from_id(lookup_swap_cgroup_id(ent))', (x) => {
              me(x).memcg = memcgFromId(x.s, x.s.swapRecord[argSlot(x.arg)]) + 1;
            }),
            op('if (memcg && !css_tryget_online(&memcg->css)) memcg = NULL', (x) => {
              const c = me(x);
              if (c.memcg === 0) return;
              if (cssTrygetOnline(x, c.memcg - 1)) c.tmp = 1;
              else {
                c.memcg = 0;
                markBranch2(x.s, Branch2.swapInFallback);
              }
            }),
            op('rcu_read_unlock', rcuReadUnlock),
            op('if (!memcg) memcg = get_mem_cgroup_from_mm(mm)', (x) => {
              if (me(x).memcg !== 0) return;
              x.jump = 'do_swap_page: get_mem_cgroup_from_mm';
              x.stop = true;
            }),
          ],
        },
        {
          name: 'do_swap_page: commit_charge',
          doc: 'mem_cgroup_charge of the swap cache page: (v5.9: css_get(memcg)), commit_charge, then, as the page is PageSwapCache, mem_cgroup_uncharge_swap(entry, nr_pages) ("drop the swap entry duplicate"), for cgroup v1 and v2 alike in v5.8 and v5.9 (no do_memsw_account() guard: 2d1c498072de to cae3af62b33a). One step: the page is locked and private to the charging task; the record it clears belongs to this locked entry.',
          ops: {
            old: [
              commitPointer,
              op('if (PageSwapCache(page)) mem_cgroup_uncharge_swap(entry, nr_pages)', (x) => {
                call(x, 'mem_cgroup_uncharge_swap()', { st: swapCpu(x).slot - 1 });
              }),
              op('entry goes out of scope', (x) => {
                swapCpu(x).slot = 0;
              }),
            ],
            new: [
              op('css_get(memcg)', (x) => cssGet(x, me(x).memcg - 1, 1, 'lookup')),
              commitPointer,
              op('if (PageSwapCache(page)) mem_cgroup_uncharge_swap(entry, nr_pages)', (x) => {
                call(x, 'mem_cgroup_uncharge_swap()', { st: swapCpu(x).slot - 1 });
              }),
              op('entry goes out of scope', (x) => {
                swapCpu(x).slot = 0;
              }),
            ],
          },
        },
      ),
      {
        name: 'do_swap_page: get_mem_cgroup_from_mm',
        doc: 'mem_cgroup_charge after the recorded memcg failed css_tryget_online: get_mem_cgroup_from_mm(mm), one step like mem_cgroup_charge’s own lookup (any memcg not yet freed: the task’s css_set may be stale; css_tryget, and on failure its loop reads again); then try_charge.',
        choices: (s, L) => indicesWhere(L.config.memcgs.length, (m) => !s.memcg[m].freed),
        argName: (arg, L) => memcgName(L, arg),
        ops: [
          op('rcu_read_lock', rcuReadLock),
          op('memcg = mem_cgroup_from_task(rcu_dereference(mm->owner))', (x) => {
            me(x).memcg = x.arg + 1;
          }),
          tryget,
          unlock,
          op('go on to try_charge', (x) => {
            x.jump = 'try_charge';
          }),
        ],
      },
    ],
    swapOn,
  ),
  functions: { ...tryChargeFunctions, 'mem_cgroup_uncharge_swap()': unchargeSwap },
};
