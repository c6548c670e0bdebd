/**
 * The witnesses of the swap paths (--swap; model/paths/swap.ts): each corner the issue names is
 * reached, so the claims are not vacuous there. The claims themselves extend the core ones
 * (properties/claims.ts): id_ledger counts the records, page_counter_hierarchy the swap counters,
 * no_dangling_pointer the records, no_id_get_on_zero the id gets.
 */
import { always, type Invariant, sometimes, type Witness } from '../checker/index.js';
import { Branch2 } from '../model/branch2.js';
import { memcgName } from '../model/names.js';
import { swappingIn } from '../model/paths/swap.js';
import type { Layout, State } from '../model/state.js';
import { SwapMap } from '../model/swap-state.js';
import { holders } from './holders.js';

/**
 * The first slot in use charged other than once: swapped out (on disk only) with no record; with
 * cgroup v2, in the swap cache with none (v2's swap counter pays for every slot in use: a swap cache
 * page is charged its memory and its slot); with cgroup v1, in the swap cache with a record once no
 * swap-in is charging its page (v1's memsw counts the page, whose charge took the slot's over at
 * swap-in: a record left would count it twice).
 */
function unaccountedSlot(s: State, v2: boolean): number {
  for (let k = 0; k < s.swapMap.length; k++) {
    const rec = s.swapRecord[k] !== 0;
    if (s.swapMap[k] === SwapMap.out && !rec) return k;
    if (s.swapMap[k] !== SwapMap.cache) continue;
    if (v2 ? !rec : rec && !swappingIn(s, k)) return k;
  }
  return -1;
}

export function swapSlotClaim(L: Layout): Invariant<State> {
  const v2 = L.config.swap === 'v2';
  return always<State>(
    'swap_slot_accounted',
    (s) => unaccountedSlot(s, v2) < 0,
    (s) => {
      const k = unaccountedSlot(s, v2);
      const where = s.swapMap[k] === SwapMap.out ? 'swapped out' : 'in the swap cache';
      if (s.swapRecord[k] !== 0)
        return `swap slot ${k} is in the swap cache with a swap_cgroup record (${memcgName(L, s.swapRecord[k] - 1)}) after its swap-in: cgroup v1's memsw counts it twice, for the page charged at swap-in and for the record`;
      return `swap slot ${k} is ${where} with no swap_cgroup record: no memcg is charged for it (the record names the memcg whose ${v2 ? 'swap counter' : 'memsw counter'} pays for the slot; root has none, so for a slot of root only the record and its id reference are lost${v2 ? '; cgroup v2 counts every slot in use, the swap cache’s too' : ''})`;
    },
  );
}

const branch = (s: State, bit: number) => s.branch2.length > 0 && (s.branch2[0] & bit) !== 0;

export function swapWitnesses(L: Layout, scheme: 'old' | 'new'): Witness<State>[] {
  // With a grandchild: the id holder found by mem_cgroup_id_get_online may be a non-root parent.
  const nested = L.parent.some((p) => p > 0);
  const nonRootHolder = (s: State) =>
    s.swapRecord.some(
      (r) => r > 1 && L.children[r - 1].some((c) => s.memcg[c].offline === 1 && s.memcg[c].id === 0),
    );
  return [
    ...(nested
      ? [
          sometimes<State>(
            'swap_out_records_a_non_root_ancestor_id',
            (s) => branch(s, Branch2.idOfAncestor) && nonRootHolder(s),
          ),
        ]
      : []),
    // mem_cgroup_id_get_online climbed: the page's memcg is offline with no record left (id.ref 0).
    sometimes('swap_out_records_an_ancestor_id', (s) => branch(s, Branch2.idOfAncestor)),
    sometimes('swap_slot_freed_while_its_memcg_is_offline', (s) => branch(s, Branch2.unchargeOffline)),
    sometimes('last_swap_record_removes_the_id_and_puts_the_css', (s) => branch(s, Branch2.idRemoved)),
    sometimes('swap_in_of_an_offline_memcg_charges_the_task_memcg', (s) => branch(s, Branch2.swapInFallback)),
    // A dying memcg pinned by swap records alone (through its id): the "zombie" of swap.
    sometimes('swap_records_are_the_last_holder_of_an_offline_memcg', (s) =>
      s.memcg.some((m, i) => {
        if (i === 0 || m.offline !== 1 || m.freed || !s.swapRecord.includes(i + 1)) return false;
        const hs = holders(s, L, i, scheme);
        return hs.length === 1 && hs[0].kind === 'id';
      }),
    ),
  ];
}
