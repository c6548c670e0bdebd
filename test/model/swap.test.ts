/**
 * Swap records and memcg ids (issue #15 part 1; spec §2.2/§2.3 swap and id rows; the kernel text
 * in docs/research/swap-id-v58-v59.md §1-§5): each step of model/paths/swap.ts on hand-built
 * states, both designs, with every expected change written out by hand: v1 mem_cgroup_swapout, v2
 * mem_cgroup_try_charge_swap and __remove_mapping, the slot free (mem_cgroup_uncharge_swap), and
 * the swap-in charge (mem_cgroup_from_id + css_tryget_online, the fallback, commit_charge with
 * the record's uncharge). K6, its inverse and the cae3af62b33a guard on the same states.
 *
 * Bounds: the swap scopes (2 CPUs, root/A, one 2-subpage THP, two slots, batch 2): page struct 0
 * is the THP head H0 (struct 1 its tail), frame 0 the THP.
 *
 * Long because each step is checked with its expected state written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { Branch2 } from '../../model/branch2.js';
import { scopeByName } from '../../model/config.js';
import { Oops } from '../../model/oops.js';
import type { State } from '../../model/state.js';
import { SwapMap } from '../../model/swap-state.js';
import { buildVariant } from '../../model/variant.js';
import { K6, swapInMemswGuard, swapoutPutOne } from '../../model/variants/swap.js';
import {
  A,
  argsOf,
  at,
  copy,
  expectDisabled,
  fire,
  PROG,
  pc,
  ptr,
  ROOT,
  thpCharged,
  world,
} from './helpers.js';

const v1 = scopeByName('swap-v1')!.config;
const v2 = scopeByName('swap')!.config;
const H0 = 0;
const FRAME = 0;
const SWAPOUT = (p: number) => ({ kind: 'mem_cgroup_swapout', arg: p });
const TRY_SWAP = (p: number) => ({ kind: 'mem_cgroup_try_charge_swap', arg: p });
const REMOVE = (k: number) => ({
  kind: '__remove_mapping: mem_cgroup_swapout (cgroup v2: returns at once)',
  arg: k,
});
const FREE = (k: number) => ({ kind: 'swap_entry_free', arg: k });
const LOOKUP = 'do_swap_page: mem_cgroup_charge: mem_cgroup_from_id';
const COMMIT = 'do_swap_page: commit_charge';
const FALLBACK = 'do_swap_page: get_mem_cgroup_from_mm';
const swapInArg = (p: number, k: number) => p * 4 + k;

/**
 * kill_css and the offline done: no base ref, no extra ref, the online id pin dropped (and with it
 * the css reference the id holds, when no record keeps the id above 0).
 */
function offlined(s: State, m = A): void {
  const id = s.memcg[m].id - 1;
  s.memcg[m] = { ...s.memcg[m], killed: 1, offline: 1, ref: s.memcg[m].ref - 1 - (id === 0 ? 1 : 0), id };
}

describe('the swap state', () => {
  it('is empty without --swap, and sized by the bounds with it', () => {
    const tiny = world('new', scopeByName('tiny')!.config).s;
    expect([tiny.swapCounter, tiny.swapRecord, tiny.swapMap, tiny.swapCpu, tiny.branch2]).toEqual([
      [],
      [],
      [],
      [],
      [],
    ]);
    const { s } = world('old', v2);
    expect(s.swapCounter).toEqual([0, 0]);
    expect(s.swapRecord).toEqual([0, 0]);
    expect(s.swapMap).toEqual([0, 0]);
    expect(s.swapCpu).toEqual([{ slot: 0 }, { slot: 0 }]);
    expect(s.branch2).toEqual([0]);
    // Root's id is real: 1, the online pin.
    expect(s.memcg.map((m) => m.id)).toEqual([1, 1]);
  });
});

describe('mem_cgroup_swapout (cgroup v1)', () => {
  it('is offered for a charged whole page with a free slot per subpage, and only with --swap v1', () => {
    const { machine, s } = world('new', v1);
    thpCharged(s, 'new', A);
    expect(argsOf(machine, s, 'mem_cgroup_swapout')).toEqual([H0]);
    s.swapMap[1] = SwapMap.out;
    expect(argsOf(machine, s, 'mem_cgroup_swapout')).toEqual([]);
    const w2 = world('new', v2);
    thpCharged(w2.s, 'new', A);
    expectDisabled(w2.machine, w2.s, SWAPOUT(H0));
  });

  it('v5.9: the id and a record per subpage, the page uncharged (memsw kept), one css_put', () => {
    const { machine, s } = world('new', v1);
    thpCharged(s, 'new', A);
    const want = copy(s);
    want.memcg[A].id = 3;
    want.swapRecord = [ptr(A), ptr(A)];
    want.swapMap = [SwapMap.out, SwapMap.out];
    want.page[H0] = 0;
    want.memcg[A].usage = 0;
    want.memcg[ROOT].usage = 0;
    // memsw stays at 2 while memory drops to 0.
    want.swapCounter = [2, 2];
    want.memcg[A].ref = 2;
    expect(fire(machine, s, SWAPOUT(H0))).toEqual(want);
  });

  it('v5.8: the same with css_put_many(nr_entries): the THP’s two references', () => {
    const { machine, s } = world('old', v1);
    thpCharged(s, 'old', A);
    expect(s.memcg[A].ref).toBe(4);
    const after = fire(machine, s, SWAPOUT(H0));
    expect(after.memcg[A].ref).toBe(2);
    expect(after.memcg[A].id).toBe(3);
    expect(after.swapCounter).toEqual([2, 2]);
  });

  it('an offline memcg with no record: the id of its parent (root), and memsw moved off it', () => {
    const { machine, s } = world('new', v1);
    thpCharged(s, 'new', A);
    offlined(s);
    expect([s.memcg[A].ref, s.memcg[A].id]).toEqual([1, 0]);
    const want = copy(s);
    want.memcg[ROOT].id = 3;
    want.swapRecord = [ptr(ROOT), ptr(ROOT)];
    want.swapMap = [SwapMap.out, SwapMap.out];
    want.page[H0] = 0;
    want.memcg[A].usage = 0;
    want.memcg[ROOT].usage = 0;
    // memory −2 at A and root, memsw −2 at A and root (root's memsw not charged): swap part 0.
    want.swapCounter = [0, 0];
    want.memcg[A].ref = 0;
    want.branch2 = [Branch2.idOfAncestor];
    expect(fire(machine, s, SWAPOUT(H0))).toEqual(want);
  });

  it('K6 puts two references for the THP under v5.9; its inverse leaks one under v5.8', () => {
    const k6 = world(buildVariant(K6), v1);
    thpCharged(k6.s, 'new', A);
    expect(fire(k6.machine, k6.s, SWAPOUT(H0)).memcg[A].ref).toBe(1);
    const inv = world(buildVariant(swapoutPutOne), v1);
    thpCharged(inv.s, 'old', A);
    expect(fire(inv.machine, inv.s, SWAPOUT(H0)).memcg[A].ref).toBe(3);
  });
});

describe('mem_cgroup_try_charge_swap (cgroup v2)', () => {
  it('the id, the swap counter and the records; the page keeps its memcg and charge', () => {
    for (const d of ['old', 'new'] as const) {
      const { machine, s } = world(d, v2);
      thpCharged(s, d, A);
      const want = copy(s);
      want.memcg[A].id = 3;
      want.swapCounter = [2, 2];
      want.swapRecord = [ptr(A), ptr(A)];
      want.swapMap = [SwapMap.cache, SwapMap.cache];
      expect(fire(machine, s, TRY_SWAP(H0))).toEqual(want);
    }
  });

  it('an offline memcg’s page goes to root’s id, and root’s swap counter is not charged', () => {
    const { machine, s } = world('new', v2);
    thpCharged(s, 'new', A);
    offlined(s);
    const want = copy(s);
    want.memcg[ROOT].id = 3;
    want.swapRecord = [ptr(ROOT), ptr(ROOT)];
    want.swapMap = [SwapMap.cache, SwapMap.cache];
    want.branch2 = [Branch2.idOfAncestor];
    expect(fire(machine, s, TRY_SWAP(H0))).toEqual(want);
  });

  it('__remove_mapping takes a swap cache slot to disk only, with no memcg effect; v2 only', () => {
    const { machine, s } = world('new', v2);
    s.swapMap[1] = SwapMap.cache;
    s.swapRecord[1] = ptr(A);
    const want = copy(s);
    want.swapMap[1] = SwapMap.out;
    expect(fire(machine, s, REMOVE(1))).toEqual(want);
    const w1 = world('new', v1);
    w1.s.swapMap[1] = SwapMap.cache;
    expectDisabled(w1.machine, w1.s, REMOVE(1));
  });
});

describe('swap_entry_free → mem_cgroup_uncharge_swap', () => {
  it('clears the record, uncharges the counter and puts the id', () => {
    const { machine, s } = world('new', v2);
    s.swapRecord = [ptr(A), ptr(A)];
    s.swapMap = [SwapMap.out, SwapMap.out];
    s.memcg[A].id = 3;
    s.swapCounter = [2, 2];
    const want = copy(s);
    want.swapRecord = [0, ptr(A)];
    want.swapMap = [SwapMap.free, SwapMap.out];
    want.swapCounter = [1, 1];
    want.memcg[A].id = 2;
    expect(fire(machine, s, FREE(0))).toEqual(want);
  });

  it('the last record of an offline memcg: the id removed and its css put', () => {
    const { machine, s } = world('old', v1);
    s.swapRecord = [ptr(A), 0];
    s.swapMap = [SwapMap.out, SwapMap.free];
    s.swapCounter = [1, 1];
    s.memcg[A].id = 2;
    offlined(s);
    expect([s.memcg[A].ref, s.memcg[A].id]).toEqual([1, 1]);
    const want = copy(s);
    want.swapRecord = [0, 0];
    want.swapMap = [SwapMap.free, SwapMap.free];
    want.swapCounter = [0, 0];
    want.memcg[A].id = 0;
    want.memcg[A].ref = 0;
    want.branch2 = [Branch2.unchargeOffline | Branch2.idRemoved];
    expect(fire(machine, s, FREE(0))).toEqual(want);
  });

  it('a slot with no record (a v1 page swapped in) is only freed; so is one whose id was removed', () => {
    const { machine, s } = world('new', v1);
    s.swapMap = [SwapMap.cache, SwapMap.out];
    s.swapRecord = [0, ptr(A)];
    s.memcg[A].id = 0;
    const want = copy(s);
    want.swapMap = [SwapMap.free, SwapMap.out];
    expect(fire(machine, s, FREE(0))).toEqual(want);
    // mem_cgroup_from_id finds nothing for a removed id: no counter, no id put.
    const want1 = copy(s);
    want1.swapMap = [SwapMap.cache, SwapMap.free];
    want1.swapRecord = [0, 0];
    expect(fire(machine, s, FREE(1))).toEqual(want1);
  });
});

describe('do_swap_page → mem_cgroup_charge of a swap cache page', () => {
  /** The THP frame split and free: its two order-0 pages can be swapped into. */
  function swappedOut(s: State, m = A): void {
    s.split[FRAME] = 1;
    s.swapRecord = [ptr(m), 0];
    s.swapMap = [SwapMap.out, SwapMap.free];
    s.memcg[m].id += 1;
    s.swapCounter = [1, m === ROOT ? 0 : 1];
    if (m === ROOT) s.swapCounter = [0, 0];
  }

  it('is offered for a free order-0 page and a slot on disk (a whole THP frame is not order 0)', () => {
    const { machine, s } = world('new', v2);
    s.swapRecord = [ptr(A), 0];
    s.swapMap = [SwapMap.out, SwapMap.free];
    expect(argsOf(machine, s, LOOKUP, 0)).toEqual([]);
    s.split[FRAME] = 1;
    expect(argsOf(machine, s, LOOKUP, 0)).toEqual([swapInArg(0, 0), swapInArg(1, 0)]);
  });

  it('the recorded memcg online: css_tryget_online takes the lookup reference; the slot is in the swap cache', () => {
    for (const d of ['old', 'new'] as const) {
      const { machine, s } = world(d, v2);
      swappedOut(s);
      const want = copy(s);
      want.cpu[0] = {
        ...want.cpu[0],
        op: PROG.swapIn + 1,
        pc: pc(PROG.swapIn, 'try_charge'),
        page: 1,
        memcg: ptr(A),
        tmp: 1,
      };
      want.memcg[A].ref += 1;
      want.swapCpu[0].slot = 1;
      want.swapMap[0] = SwapMap.cache;
      expect(fire(machine, s, { kind: LOOKUP, cpu: 0, arg: swapInArg(0, 0) })).toEqual(want);
    }
  });

  it('the recorded memcg killed: memcg NULL, on to get_mem_cgroup_from_mm', () => {
    const { machine, s } = world('new', v2);
    swappedOut(s);
    s.memcg[A].killed = 1;
    s.memcg[A].ref -= 1;
    const want = copy(s);
    want.cpu[0] = { ...want.cpu[0], op: PROG.swapIn + 1, pc: pc(PROG.swapIn, FALLBACK), page: 1 };
    want.swapCpu[0].slot = 1;
    want.swapMap[0] = SwapMap.cache;
    want.branch2 = [Branch2.swapInFallback];
    const after = fire(machine, s, { kind: LOOKUP, cpu: 0, arg: swapInArg(0, 0) });
    expect(after).toEqual(want);
    // The fallback: a memcg not freed, css_tryget, then try_charge.
    expect(argsOf(machine, after, FALLBACK, 0)).toEqual([ROOT, A]);
    const next = fire(machine, after, { kind: FALLBACK, cpu: 0, arg: ROOT });
    expect([next.cpu[0].memcg, next.cpu[0].tmp, next.cpu[0].pc]).toEqual([
      ptr(ROOT),
      1,
      pc(PROG.swapIn, 'try_charge'),
    ]);
  });

  /** CPU 0 after try_charge of one page to A for slot 0 (old: the page's reference taken by try_charge). */
  function charged(s: State, d: 'old' | 'new'): void {
    swappedOut(s);
    s.swapMap[0] = SwapMap.cache;
    s.swapCpu[0].slot = 1;
    at(s, 0, PROG.swapIn, COMMIT, { page: 1, memcg: ptr(A), tmp: 1, nr: 1 });
    s.memcg[A].ref += d === 'old' ? 2 : 1;
    s.memcg[A].usage += 1;
    s.memcg[ROOT].usage += 1;
  }

  it('commit_charge (v5.9: after css_get), then mem_cgroup_uncharge_swap of the record, for v2 too', () => {
    for (const d of ['old', 'new'] as const) {
      const { machine, s } = world(d, v2);
      charged(s, d);
      const want = copy(s);
      if (d === 'new') want.memcg[A].ref += 1;
      want.page[0] = ptr(A);
      want.cpu[0].nr = 0;
      want.cpu[0].pc = pc(PROG.swapIn, 'css_put(memcg)');
      want.swapRecord[0] = 0;
      want.swapCounter = [0, 0];
      want.memcg[A].id -= 1;
      want.swapCpu[0].slot = 0;
      expect(fire(machine, s, { kind: COMMIT, cpu: 0 })).toEqual(want);
    }
  });

  it('with cae3af62b33a the record stays on cgroup v2 (the slot in the swap cache stays charged)', () => {
    const { machine, s } = world(buildVariant(swapInMemswGuard), v2);
    charged(s, 'new');
    const after = fire(machine, s, { kind: COMMIT, cpu: 0 });
    expect([after.swapRecord[0], after.swapCounter[A], after.memcg[A].id]).toEqual([
      ptr(A),
      1,
      s.memcg[A].id,
    ]);
  });
});

describe('mem_cgroup_id_get on a zero count', () => {
  it('is the oops of no_id_get_on_zero', async () => {
    const { idGetMany } = await import('../../model/swap.js');
    const { stepCtx } = await import('./helpers.js');
    const { s } = world('new', v2);
    s.memcg[A].id = 0;
    const x = stepCtx(s, 'new', v2);
    idGetMany(x, A, 1);
    expect([s.oops, s.oopsMemcg, s.memcg[A].id]).toEqual([Oops.idGetOnZero, ptr(A), 1]);
  });
});
