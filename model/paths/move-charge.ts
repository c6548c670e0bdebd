/**
 * cgroup v1 charge moving (spec §2.2/§2.3 precharge, move_account, move_charge_pte_range, clear_mc
 * rows; the v5.8 and v5.9 text in docs/research/swap-id-v58-v59.md §7), with `--move on`: a write
 * to a v1 `cgroup.procs` (cgroup1_procs_write) moving the task of memcg `from` to memcg `to`, with
 * memory.move_charge_at_immigrate set for pages and swap entries. The whole of it runs under
 * cgroup_mutex (cgroup_kn_lock_live ... cgroup_procs_write_finish, whose ->post_attach is
 * mem_cgroup_move_task, ... cgroup_kn_unlock), so no rmdir, offline or release runs meanwhile; page
 * frees, swap frees, charges and the other CPU's stock do. Steps:
 *
 * 1. `mem_cgroup_can_attach`: mc.from, mc.to, then mem_cgroup_precharge_mc: the targets counted
 *    (mem_cgroup_count_precharge: the pages charged to from and the swap entries recorded for it)
 *    and charged to `to` (mem_cgroup_do_precharge → try_charge; v5.8's css_get_many with it).
 * 2. `mem_cgroup_move_charge_pte_range`, one target per step under its pte lock (a loop): a page
 *    (mem_cgroup_move_account: the page locked and isolated, page->mem_cgroup rechecked; v5.9's
 *    css_get(to)/css_put(from); mc.precharge -= nr, mc.moved_charge += nr) or a swap entry
 *    (mem_cgroup_move_swap_account's swap_cgroup_cmpxchg from → to; mc.precharge--;
 *    mem_cgroup_id_get_many(mc.to, 1), at once since 8d22a9351035, v5.8-rc7; mc.moved_swap++).
 * 3. `mem_cgroup_clear_mc` (→ __mem_cgroup_clear_mc): the unused precharge cancelled, the moved
 *    charge uncharged from `from`, the moved swap's memsw and ids dropped from `from` and its
 *    precharge units' memory from `to` (v5.8 also css_put_many(to, moved_swap): K1 is that line left
 *    in v5.9); mc cleared; cgroup_mutex unlocked.
 *
 * Abstractions (docs/model.md, abstraction 18): the task's mm holds every page charged to `from`
 * and every swap entry recorded for it; the precharge is a plain charge of `to`'s counter (no
 * stock, no reclaim, never fails); the walk visits the targets in any order, a target once it is
 * `from`'s; no retry precharge (mem_cgroup_do_precharge(1) when the count falls short) and no
 * mmap_read_trylock retry (an earlier __mem_cgroup_clear_mc).
 */
import { nrPagesOf } from '../geometry.js';
import { busy, indicesWhere } from '../guards.js';
import { cssGet, cssPut, idPut, pageCounterCharge, pageCounterUncharge, ROOT } from '../kernel.js';
import { memcgName, pageName } from '../names.js';
import { type Ctx, END, op } from '../ops.js';
import type { Layout, ReadonlyState } from '../state.js';
import { idGetMany, memoryOnlyUncharge, swapCounterUncharge } from '../swap.js';
import { SwapMap } from '../swap-state.js';
import type { Path } from './path.js';

export const moveArg = (from: number, to: number) => from * 16 + to;
/** A walk target: a page struct (0..15), or a swap slot (16 + slot). */
export const SLOT_TARGET = 16;

const mc = (x: { readonly s: ReadonlyState | import('../state.js').State }) =>
  (x.s as import('../state.js').State).mc[0];

/** A page the walk can move now: charged to `from`, whole (a THP head, a small page, a split subpage), not busy. */
function pageTarget(s: ReadonlyState, L: Layout, p: number, from: number): boolean {
  const f = L.structFrame[p];
  if (L.isKmem[f] || s.page[p] !== from + 1 || busy(s, p)) return false;
  return nrPagesOf(s, L, p) > 0;
}

/** A swap entry the walk can move: a slot swapped out whose record is `from`'s id (get_mctgt_type's MC_TARGET_SWAP). */
function swapTarget(s: ReadonlyState, k: number, from: number): boolean {
  return s.swapMap[k] === SwapMap.out && s.swapRecord[k] === from + 1;
}

/** mem_cgroup_count_precharge: the pages (by their size) and the swap entries of the task's mm charged to `from`. */
function countPrecharge(s: ReadonlyState, L: Layout, from: number): number {
  let n = 0;
  for (let p = 0; p < L.structFrame.length; p++) if (pageTarget(s, L, p, from)) n += nrPagesOf(s, L, p);
  for (let k = 0; k < s.swapMap.length; k++) if (swapTarget(s, k, from)) n++;
  return n;
}

function walkChoices(s: ReadonlyState, L: Layout): number[] {
  const m = s.mc[0];
  if (!m || m.precharge === 0) return [];
  const from = m.from - 1;
  const out = indicesWhere(
    L.structFrame.length,
    // A THP needs HPAGE_PMD_NR precharged pages (`if (mc.precharge < HPAGE_PMD_NR) return 0`).
    (p) => pageTarget(s, L, p, from) && nrPagesOf(s, L, p) <= m.precharge,
  );
  for (let k = 0; k < s.swapMap.length; k++) if (swapTarget(s, k, from)) out.push(SLOT_TARGET + k);
  return out;
}

/** cancel_charge(memcg, nr_pages): v5.8 also css_put_many (the precharge's or the moved pages' references). */
function cancelCharge(scheme: 'old' | 'new') {
  return (x: Ctx, m: number, n: number) => {
    if (n === 0 || m === ROOT) return;
    pageCounterUncharge(x, m, n);
    if (scheme === 'old') cssPut(x, m, n);
  };
}

const clearMc = (scheme: 'old' | 'new') => [
  op('if (mc.precharge) { cancel_charge(mc.to, mc.precharge); mc.precharge = 0; }', (x) => {
    cancelCharge(scheme)(x, mc(x).to - 1, mc(x).precharge);
    mc(x).precharge = 0;
  }),
  op('if (mc.moved_charge) { cancel_charge(mc.from, mc.moved_charge); mc.moved_charge = 0; }', (x) => {
    cancelCharge(scheme)(x, mc(x).from - 1, mc(x).moved);
    mc(x).moved = 0;
  }),
  op(
    'if (mc.moved_swap) { if (!mem_cgroup_is_root(mc.from)) page_counter_uncharge(&mc.from->memsw, mc.moved_swap); mem_cgroup_id_put_many(mc.from, mc.moved_swap) }',
    (x) => {
      const n = mc(x).movedSwap;
      if (n === 0) return;
      const from = mc(x).from - 1;
      if (from !== ROOT) swapCounterUncharge(x, from, n);
      idPut(x, from, n);
    },
  ),
  op(
    'if (mc.moved_swap && !mem_cgroup_is_root(mc.to)) page_counter_uncharge(&mc.to->memory, mc.moved_swap) ("we charged both to->memory and to->memsw")',
    (x) => {
      const n = mc(x).movedSwap;
      if (n > 0 && mc(x).to - 1 !== ROOT) memoryOnlyUncharge(x, mc(x).to - 1, n);
    },
  ),
  ...(scheme === 'old'
    ? [
        op('if (mc.moved_swap) css_put_many(&mc.to->css, mc.moved_swap)', (x) => {
          if (mc(x).movedSwap > 0) cssPut(x, mc(x).to - 1, mc(x).movedSwap);
        }),
      ]
    : []),
  op('mc.moved_swap = 0; mem_cgroup_clear_mc: mc.from = mc.to = NULL; mutex_unlock(&cgroup_mutex)', (x) => {
    const m = mc(x);
    m.movedSwap = 0;
    m.from = 0;
    m.to = 0;
    x.s.cgroupMutex = 0;
    x.jump = END;
  }),
];

const isSwap = (x: Ctx) => x.arg >= SLOT_TARGET;

/** The walk's ops: each acts on a swap target or on a page target (x.arg says which). */
const swapOps = [
  op(
    'MC_TARGET_SWAP: mem_cgroup_move_swap_account(ent, mc.from, mc.to): swap_cgroup_cmpxchg(ent, id(from), id(to))',
    (x) => {
      if (isSwap(x)) x.s.swapRecord[x.arg - SLOT_TARGET] = mc(x).to;
    },
  ),
  op('MC_TARGET_SWAP: mc.precharge--; mc.moved_swap++', (x) => {
    if (!isSwap(x)) return;
    mc(x).precharge--;
    mc(x).movedSwap++;
  }),
  // At once since 8d22a9351035 (v5.8-rc7), in both designs; before it, at clear_mc.
  op('MC_TARGET_SWAP: mem_cgroup_id_get_many(mc.to, 1)', (x) => {
    if (isSwap(x)) idGetMany(x, mc(x).to - 1, 1);
  }),
];
const pageGuard = op(
  'MC_TARGET_PAGE: isolate_lru_page; mem_cgroup_move_account(page, compound, mc.from, mc.to): trylock_page, page->mem_cgroup == from',
  (x) => {
    x.m = mc(x).from - 1;
    x.st = mc(x).to - 1;
    x.n = isSwap(x) ? 0 : nrPagesOf(x.s, x.L, x.arg);
  },
);
const pageCommit = [
  op('MC_TARGET_PAGE: page->mem_cgroup = to', (x) => {
    if (!isSwap(x)) x.s.page[x.arg] = x.st + 1;
  }),
  op('MC_TARGET_PAGE: mc.precharge -= nr; mc.moved_charge += nr', (x) => {
    if (isSwap(x)) return;
    mc(x).precharge -= x.n;
    mc(x).moved += x.n;
  }),
  // The walk goes on at the next pte (or ends: mem_cgroup_clear_mc is offered beside it).
  op('next pte', (x) => {
    x.jump = 'mem_cgroup_move_charge_pte_range';
  }),
];

/** mem_cgroup_can_attach's block: the same in both designs but for v5.8's css_get_many with the precharge. */
const setMc = op(
  'mutex_lock(&cgroup_mutex); mc.from = from; mc.to = to; mc.precharge = mem_cgroup_count_precharge(mm)',
  (x) => {
    x.s.cgroupMutex = x.cpu + 1;
    const m = mc(x);
    m.from = (x.arg >> 4) + 1;
    m.to = (x.arg & 15) + 1;
    x.n = countPrecharge(x.s, x.L, m.from - 1);
  },
);
const canAttach = (scheme: 'old' | 'new') => [
  setMc,
  op(
    scheme === 'old'
      ? 'mem_cgroup_do_precharge(count): try_charge(mc.to, count) with css_get_many(mc.to, count)'
      : 'mem_cgroup_do_precharge(count): try_charge(mc.to, count)',
    (x) => {
      const to = mc(x).to - 1;
      if (to !== ROOT && x.n > 0) {
        pageCounterCharge(x, to, x.n);
        if (scheme === 'old') cssGet(x, to, x.n, 'base');
      }
      mc(x).precharge = x.n;
    },
  ),
];

export const cgroup1ProcsWrite: Path = {
  name: 'cgroup1_procs_write',
  slot: true,
  steps: [
    {
      name: 'mem_cgroup_can_attach',
      doc: 'cgroup1_procs_write → cgroup_kn_lock_live (cgroup_mutex, held to the end) → cgroup_attach_task → mem_cgroup_can_attach, one step under mc.lock: mc.from = the task’s memcg, mc.to = the destination (online: the cgroup is live, and no rmdir runs under cgroup_mutex), then mem_cgroup_precharge_mc: count the targets and mem_cgroup_do_precharge(count) → try_charge(mc.to, count) (v5.8 with css_get_many).',
      choices: (s, L) => {
        if (!L.config.move || s.cgroupMutex !== 0) return [];
        const out: number[] = [];
        const n = L.config.memcgs.length;
        for (let f = 0; f < n; f++)
          for (let t = 0; t < n; t++)
            if (f !== t && !s.memcg[f].killed && !s.memcg[t].killed) out.push(moveArg(f, t));
        return out;
      },
      argName: (arg, L) => `${memcgName(L, arg >> 4)} to ${memcgName(L, arg & 15)}`,
      onlyIf: (c) => c.move === true,
      ops: { old: canAttach('old'), new: canAttach('new') },
    },
    {
      name: 'mem_cgroup_move_charge_pte_range',
      doc: 'mem_cgroup_move_charge → walk_page_range → mem_cgroup_move_charge_pte_range, one target per step (under its pte lock, the page isolated and locked): a page charged to mc.from (mem_cgroup_move_account; a THP only with HPAGE_PMD_NR precharged) or a swap entry recorded for it (mem_cgroup_move_swap_account). The walk may end at any point (mem_cgroup_clear_mc), and does once mc.precharge is 0.',
      choices: walkChoices,
      argName: (arg, L) => (arg >= SLOT_TARGET ? `swap slot ${arg - SLOT_TARGET}` : pageName(L, arg)),
      orElse: 'mem_cgroup_clear_mc',
      onlyIf: (c) => c.move === true,
      ops: {
        // v5.8: "caller should have done css_get": the page now uses a precharge reference.
        old: [...swapOps, pageGuard, ...pageCommit],
        // v5.9 (1a3e1f40962c): the page's one reference moves with its pointer.
        new: [
          ...swapOps,
          pageGuard,
          op('MC_TARGET_PAGE: css_get(&to->css); css_put(&from->css)', (x) => {
            if (isSwap(x)) return;
            cssGet(x, x.st, 1, 'base');
            cssPut(x, x.m);
          }),
          ...pageCommit,
        ],
      },
    },
    {
      name: 'mem_cgroup_clear_mc',
      doc: 'mem_cgroup_move_task, after the walk: mem_cgroup_clear_mc → __mem_cgroup_clear_mc (cancel the unused precharge, uncharge the moved charge from mc.from, drop the moved swap’s memsw and ids from mc.from and its precharge units’ memory from mc.to; v5.8 also css_put_many(mc.to, mc.moved_swap)), then mc.from = mc.to = NULL; cgroup_procs_write_finish and cgroup_kn_unlock drop cgroup_mutex. One step: everything it touches is mc’s, under cgroup_mutex.',
      onlyIf: (c) => c.move === true,
      ops: { old: clearMc('old'), new: clearMc('new') },
    },
  ],
};
