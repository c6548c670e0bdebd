/**
 * Variants of v1 charge moving (model/paths/move-charge.ts), written with the public API: spec §4's
 * K1, two bugs of this code's history (8d22a9351035 and 615d66c37c75, each the code before its fix),
 * and v5.9's mem_cgroup_move_account without its reference pair. Gated at the move scope.
 */
import { defineVariant, kernel, op, swap, type VariantDef } from '../variant.js';

const CLEAR_END =
  'mc.moved_swap = 0; mem_cgroup_clear_mc: mc.from = mc.to = NULL; mutex_unlock(&cgroup_mutex)';
const ID_GET_TO = 'MC_TARGET_SWAP: mem_cgroup_id_get_many(mc.to, 1)';
const ID_PUT_FROM =
  'if (mc.moved_swap) { if (!mem_cgroup_is_root(mc.from)) page_counter_uncharge(&mc.from->memsw, mc.moved_swap); mem_cgroup_id_put_many(mc.from, mc.moved_swap) }';

/**
 * K1 (spec §4): v5.9's __mem_cgroup_clear_mc keeping v5.8's `css_put_many(&mc.to->css,
 * mc.moved_swap)`. Under v5.9 a precharge holds no css reference, so every moved swap entry over-puts
 * `to` by one. Hugh Dickins's fix, folded into 1a3e1f40962c before it was merged ("spinlock found
 * corrupted when lock_page_memcg() is called. It's as if the mem cgroup structures have been freed
 * too early").
 */
export const K1 = defineVariant({
  name: 'K1',
  base: 'new',
  expect: { violated: 'refcount_ledger' },
  description:
    '__mem_cgroup_clear_mc still doing css_put_many(mc.to, mc.moved_swap) (the v5.8 put under v5.9): each moved swap entry puts a reference of mc.to nobody took (--move on)',
  edit: (d) =>
    d.insert(
      'mem_cgroup_clear_mc',
      { before: CLEAR_END },
      op('if (mc.moved_swap) css_put_many(&mc.to->css, mc.moved_swap)', (x) => {
        const m = x.s.mc[0];
        if (m.movedSwap > 0) kernel.cssPut(x, m.to - 1, m.movedSwap);
      }),
    ),
});

/**
 * Before 8d22a9351035 "mm/memcg: fix refcount error while moving and swapping" (Hugh Dickins,
 * v5.8-rc7, stable 4.9+): the id of `to` was taken for the moved swap entries only at clear_mc
 * (`mem_cgroup_id_get_many(mc.to, mc.moved_swap)`), so a moved entry freed before it
 * (mem_cgroup_uncharge_swap of a record that names `to`) puts an id reference `to` never got: "the
 * refcount is discovered to be 0 ... forced to REFCOUNT_SATURATED ... thousands of warnings". In
 * both designs (the code is older than 1a3e1f40962c); base v5.9.
 */
export const moveIdGetLate = defineVariant({
  name: 'move-id-get-late',
  base: 'new',
  expect: { violated: 'id_ledger' },
  description:
    'before 8d22a9351035: the moved swap entries’ ids taken on mc.to only at __mem_cgroup_clear_mc, so a moved entry freed before it puts an id of mc.to it never took (--move on)',
  edit: (d) =>
    d.remove('mem_cgroup_move_charge_pte_range', ID_GET_TO).insert(
      'mem_cgroup_clear_mc',
      { before: ID_PUT_FROM },
      op('if (mc.moved_swap) mem_cgroup_id_get_many(mc.to, mc.moved_swap)', (x) => {
        const m = x.s.mc[0];
        if (m.movedSwap > 0) swap.idGetMany(x, m.to - 1, m.movedSwap);
      }),
    ),
});

/**
 * Before 615d66c37c75 "mm: memcontrol: fix memcg id ref counter on swap charge move" (Vladimir
 * Davydov, v4.8): a moved swap entry's id reference stayed on `from` and `to` got none, so `from`'s
 * id never drops to zero (its css is pinned forever) and `to`'s drops early when the entry is freed.
 */
export const moveNoIdTransfer = defineVariant({
  name: 'move-no-id-transfer',
  base: 'new',
  expect: { violated: 'id_ledger' },
  description:
    'before 615d66c37c75: a moved swap entry’s id reference neither taken on mc.to nor put on mc.from (--move on)',
  edit: (d) =>
    d.remove('mem_cgroup_move_charge_pte_range', ID_GET_TO).replace(
      'mem_cgroup_clear_mc',
      ID_PUT_FROM,
      op(
        'if (mc.moved_swap && !mem_cgroup_is_root(mc.from)) page_counter_uncharge(&mc.from->memsw, mc.moved_swap)',
        (x) => {
          const m = x.s.mc[0];
          if (m.movedSwap > 0 && m.from - 1 !== 0) swap.swapCounterUncharge(x, m.from - 1, m.movedSwap);
        },
      ),
    ),
});

/** v5.9's mem_cgroup_move_account without css_get(to)/css_put(from): the moved page's reference stays on from. */
export const moveAccountNoRef = defineVariant({
  name: 'move-account-no-ref',
  base: 'new',
  expect: { violated: 'refcount_ledger' },
  description:
    'v5.9 mem_cgroup_move_account switching page->mem_cgroup without css_get(to)/css_put(from) (the v5.8 body under v5.9): from keeps a reference it no longer has a holder for (--move on)',
  edit: (d) =>
    d.remove('mem_cgroup_move_charge_pte_range', 'MC_TARGET_PAGE: css_get(&to->css); css_put(&from->css)'),
});

export const MOVE_VARIANTS: readonly VariantDef[] = [K1, moveIdGetLate, moveNoIdTransfer, moveAccountNoRef];
