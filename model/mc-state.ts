/**
 * v1 charge moving's global `struct move_charge_struct mc` (mm/memcontrol.c), declared like the rest
 * of the schema (model/schema.ts) in a group of its own, one entry with `--move on` and none
 * otherwise (so the other scopes keep their bytes): `mc.from`, `mc.to`, `mc.precharge`,
 * `mc.moved_charge`, `mc.moved_swap`. Its reference holders (spec §3.1/§3.2, the `mc` terms):
 *
 * - v5.8: `mc.to` holds one css reference per precharged page (try_charge's css_get_many) and per
 *   moved swap entry (the precharge unit's, put by __mem_cgroup_clear_mc's css_put_many(to,
 *   moved_swap)); `mc.from` one per moved page (the page's old reference, put by
 *   cancel_charge(from, moved_charge)). v5.9: none (mem_cgroup_move_account moves the page's one
 *   reference with css_get(to)/css_put(from)).
 * - Both: `mc.to`'s memory counter owes the precharged pages and the moved swap entries (their
 *   precharge units, uncharged at clear_mc); `mc.from`'s owes the moved pages until
 *   cancel_charge(from, moved_charge).
 */
import { ptrName } from './names.js';
import type { Field, PointerHolder } from './schema.js';
import { recordGroup } from './schema.js';

const MC = {
  from: {
    kind: 'memcg',
    kernel: 'mc.from: the memcg the task’s charges move from (set by mem_cgroup_can_attach)',
    show: { label: () => 'mc.from', format: 'ptr' },
    blame: () => 'mc.from',
  },
  to: {
    kind: 'memcg',
    kernel: 'mc.to: the memcg they move to',
    show: { label: () => 'mc.to', format: 'ptr' },
    blame: () => 'mc.to',
  },
  precharge: {
    kind: 'count',
    kernel: 'mc.precharge: pages charged to mc.to ahead of the move (mem_cgroup_do_precharge) not yet used',
    show: { label: () => 'mc.precharge', format: 'number' },
  },
  moved: {
    kind: 'count',
    kernel: 'mc.moved_charge: pages moved whose charge is still on mc.from (until cancel_charge)',
    show: { label: () => 'mc.moved_charge', format: 'number' },
  },
  movedSwap: {
    kind: 'count',
    kernel: 'mc.moved_swap: swap entries moved whose memsw charge and id are still on mc.from',
    show: { label: () => 'mc.moved_swap', format: 'number' },
  },
} as const satisfies Record<string, Field>;

export type Mc = { -readonly [K in keyof typeof MC]: number };

export const MC_GROUPS = [recordGroup('mc', 'mc', MC)];

const pagesText = (n: number) => (n === 1 ? '1 page' : `${n} pages`);

/** The `mc` holders: the precharge and moved swap on mc.to, the moved charge on mc.from. */
export const MC_HOLDERS: readonly PointerHolder[] = [
  {
    kind: 'mc_to',
    field: 'mc.to',
    pages: (s, _L, i) => s.mc[i].precharge + s.mc[i].movedSwap,
    refs: { old: 'pages', new: 'none' },
    who: (s, _L, i) =>
      `charge moving's mc.precharge ${s.mc[i].precharge} and mc.moved_swap ${s.mc[i].movedSwap} (${pagesText(s.mc[i].precharge + s.mc[i].movedSwap)})`,
    dangling: 'holding',
    danglingText: (s, L, i) => `mc.to = ${ptrName(L, s.mc[i].to)} (freed)`,
  },
  {
    kind: 'mc_from',
    field: 'mc.from',
    pages: (s, _L, i) => s.mc[i].moved,
    refs: { old: 'pages', new: 'none' },
    who: (s, _L, i) => `charge moving's mc.moved_charge (${pagesText(s.mc[i].moved)})`,
    dangling: 'holding',
    danglingText: (s, L, i) => `mc.from = ${ptrName(L, s.mc[i].from)} (freed)`,
  },
];
