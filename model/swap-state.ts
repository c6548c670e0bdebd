/**
 * The swap state (issue #15, docs/design-swap.md), declared like the rest of the schema
 * (model/schema.ts) in groups of their own, empty without `--swap`, so that the other scopes keep
 * their encodings byte for byte:
 *
 * - `swapCounter`, per memcg: the swap page_counter of cgroup v2 (`memcg->swap`), or, for cgroup
 *   v1, memsw minus memory (`memcg->memsw` less `memcg->memory`). Every other path charges and
 *   uncharges memory and memsw together (try_charge, cancel_charge, uncharge_batch do both when
 *   do_memsw_account()), so memsw = memory (`memcg.usage`) + this field, and only the swap paths
 *   move it: mem_cgroup_swapout's memory-only uncharge and memsw move, mem_cgroup_uncharge_swap.
 *   Hierarchical like `usage`: a charge counts at the memcg and every ancestor.
 * - `swapRecord`, per swap slot: the swap_cgroup record (the memcg whose mem_cgroup_id() the slot
 *   records, index + 1; 0 = no record, the slot free). A `memcg` field: renamed with its memcg.
 * - `swapMap`, per swap slot: whether it is in use, and whether a page in the swap cache holds it.
 * - `swapCpu`, per CPU: the swap-in path's local, the slot whose page it charges.
 * The swap witnesses read the transient ghost `branch2` (model/branch2.ts).
 */

import { memcgName } from './names.js';
import type { Field } from './schema.js';
import { recordGroup, valueGroup } from './schema.js';

const SWAP_CPU = {
  slot: {
    kind: 'code',
    kernel:
      'do_swap_page → mem_cgroup_charge of a PageSwapCache page: the swap entry (slot index + 1) it charges for',
  },
} as const satisfies Record<string, Field>;

export type SwapCpu = { -readonly [K in keyof typeof SWAP_CPU]: number };

/** The values of a slot's `swapMap`. */
export const SwapMap = { free: 0, out: 1, cache: 2 } as const;
const SLOT_NAMES = ['free', 'swapped out', 'in swap cache'];

/** The swap groups, appended after the others (empty without --swap). */
export const SWAP_GROUPS = [
  valueGroup('swapCounter', 'swapMemcg', {
    kind: 'count',
    kernel:
      'cgroup v2: page_counter `swap` (hierarchical); cgroup v1: `memsw` minus `memory` (memsw = memory + this)',
    show: {
      label: (m, L) =>
        L.config.swap === 'v1' ? `memsw-memory(${memcgName(L, m)})` : `swap_counter(${memcgName(L, m)})`,
      format: 'number',
    },
  }),
  valueGroup('swapRecord', 'swapSlot', {
    kind: 'memcg',
    kernel:
      'swap_cgroup record of a swap slot: the memcg whose id it holds (swap_cgroup_record), 0 = no record (slot free)',
    show: { label: (k) => `swap_slot${k} record`, format: 'ptr' },
    blame: (k) => `swap slot ${k}'s swap_cgroup record`,
  }),
  valueGroup('swapMap', 'swapSlot', {
    kind: 'code',
    kernel:
      'the slot in use (swap_map): 0 free, 1 swapped out (on disk only: a swap pte refers to it), 2 in the swap cache (a page holds it)',
    show: {
      change: (_L, a, b, k) =>
        a.swapMap[k] === b.swapMap[k]
          ? undefined
          : { what: `swap_slot${k}`, from: SLOT_NAMES[a.swapMap[k]], to: SLOT_NAMES[b.swapMap[k]] },
    },
  }),
  recordGroup('swapCpu', 'swapCpu', SWAP_CPU),
];
