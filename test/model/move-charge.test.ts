/**
 * cgroup v1 charge moving (issue #15 part 3; spec §2.2/§2.3 precharge, move_account,
 * move_charge_pte_range and clear_mc rows; the kernel text in docs/research/swap-id-v58-v59.md §7):
 * mem_cgroup_can_attach's precharge, the walk's page and swap-entry moves and
 * __mem_cgroup_clear_mc on hand-built states, both designs, every expected change written out by
 * hand; K1 and the history variants on the same states.
 *
 * Bounds: the move scope (2 CPUs, root/A, one 2-subpage THP: page structs 0 and 1, cgroup v1 swap
 * with two slots).
 */
import { describe, expect, it } from 'vitest';
import { scopeByName } from '../../model/config.js';
import type { State } from '../../model/state.js';
import { SwapMap } from '../../model/swap-state.js';
import { buildVariant } from '../../model/variant.js';
import { K1, moveAccountNoRef, moveIdGetLate } from '../../model/variants/move.js';
import {
  A,
  argsOf,
  at,
  copy,
  expectDisabled,
  fire,
  IDLE,
  PROG,
  pc,
  ptr,
  ROOT,
  thpCharged,
  world,
} from './helpers.js';

const MOVE = scopeByName('move')!.config;
const H0 = 0;
const CAN_ATTACH = 'mem_cgroup_can_attach';
const WALK = 'mem_cgroup_move_charge_pte_range';
const CLEAR = 'mem_cgroup_clear_mc';
const moveArg = (from: number, to: number) => from * 16 + to;
const SLOT = (k: number) => 16 + k;

/** CPU 0 in the walk of a move from → to with `precharge` pages charged to `to` (v5.8: with their references). */
function walking(s: State, design: 'old' | 'new', from: number, to: number, precharge: number): void {
  at(s, 0, PROG.move, WALK);
  s.cgroupMutex = 1;
  s.mc[0] = { from: ptr(from), to: ptr(to), precharge, moved: 0, movedSwap: 0 };
  if (to !== ROOT) {
    s.memcg[to].usage += precharge;
    s.memcg[ROOT].usage += precharge;
    if (design === 'old') s.memcg[to].ref += precharge;
  }
}

describe('mem_cgroup_can_attach', () => {
  it('is offered for two live memcgs while cgroup_mutex is free', () => {
    const { machine, s } = world('new', MOVE);
    expect(argsOf(machine, s, CAN_ATTACH, 0)).toEqual([moveArg(ROOT, A), moveArg(A, ROOT)]);
    s.cgroupMutex = 2;
    expect(argsOf(machine, s, CAN_ATTACH, 0)).toEqual([]);
    s.cgroupMutex = 0;
    s.memcg[A].killed = 1;
    expect(argsOf(machine, s, CAN_ATTACH, 0)).toEqual([]);
    const off = world('new', { ...MOVE, move: false });
    expectDisabled(off.machine, off.s, { kind: CAN_ATTACH, cpu: 0 });
  });

  it('takes cgroup_mutex and precharges mc.to for the targets counted (v5.8: with css_get_many)', () => {
    for (const d of ['old', 'new'] as const) {
      const { machine, s } = world(d, MOVE);
      thpCharged(s, d, ROOT);
      s.swapRecord[1] = ptr(ROOT);
      s.swapMap[1] = SwapMap.out;
      s.memcg[ROOT].id = 2;
      const want = copy(s);
      want.cgroupMutex = 1;
      want.cpu[0] = { ...IDLE, op: PROG.move + 1, pc: pc(PROG.move, WALK) };
      want.mc[0] = { from: ptr(ROOT), to: ptr(A), precharge: 3, moved: 0, movedSwap: 0 };
      want.memcg[A].usage = 3;
      want.memcg[ROOT].usage = 3;
      if (d === 'old') want.memcg[A].ref += 3;
      expect(fire(machine, s, { kind: CAN_ATTACH, cpu: 0, arg: moveArg(ROOT, A) })).toEqual(want);
    }
  });
});

describe('mem_cgroup_move_charge_pte_range', () => {
  it('offers the pages of mc.from that the precharge covers, and its swap entries', () => {
    const { machine, s } = world('new', MOVE);
    thpCharged(s, 'new', ROOT);
    s.swapRecord[0] = ptr(ROOT);
    s.swapMap[0] = SwapMap.out;
    walking(s, 'new', ROOT, A, 1);
    // The THP needs HPAGE_PMD_NR (2) precharged pages.
    expect(argsOf(machine, s, WALK, 0)).toEqual([SLOT(0)]);
    s.mc[0].precharge = 2;
    expect(argsOf(machine, s, WALK, 0)).toEqual([H0, SLOT(0)]);
  });

  it('a page: mem_cgroup_move_account (v5.9: css_get(to), css_put(from)); precharge used, moved_charge counted', () => {
    for (const d of ['old', 'new'] as const) {
      const { machine, s } = world(d, MOVE);
      thpCharged(s, d, A);
      walking(s, d, A, ROOT, 2);
      const want = copy(s);
      want.page[H0] = ptr(ROOT);
      // v5.9 puts A's page reference; root's get is a no-op. v5.8 leaves A's two for cancel_charge.
      if (d === 'new') want.memcg[A].ref -= 1;
      want.mc[0] = { ...want.mc[0], precharge: 0, moved: 2 };
      expect(fire(machine, s, { kind: WALK, cpu: 0, arg: H0 })).toEqual(want);
    }
  });

  it('a swap entry: the record moved to mc.to and its id taken at once (8d22a9351035)', () => {
    const { machine, s } = world('new', MOVE);
    s.swapRecord[0] = ptr(ROOT);
    s.swapMap[0] = SwapMap.out;
    s.memcg[ROOT].id = 2;
    walking(s, 'new', ROOT, A, 1);
    const want = copy(s);
    want.swapRecord[0] = ptr(A);
    want.memcg[A].id = 2;
    want.mc[0] = { ...want.mc[0], precharge: 0, movedSwap: 1 };
    expect(fire(machine, s, { kind: WALK, cpu: 0, arg: SLOT(0) })).toEqual(want);
    // Before the fix, the id of `to` waits for clear_mc.
    const late = world(buildVariant(moveIdGetLate), MOVE);
    late.s.swapRecord[0] = ptr(ROOT);
    late.s.swapMap[0] = SwapMap.out;
    late.s.memcg[ROOT].id = 2;
    walking(late.s, 'new', ROOT, A, 1);
    expect(fire(late.machine, late.s, { kind: WALK, cpu: 0, arg: SLOT(0) }).memcg[A].id).toBe(1);
  });

  it('move-account-no-ref leaves the page’s reference on mc.from', () => {
    const { machine, s } = world(buildVariant(moveAccountNoRef), MOVE);
    thpCharged(s, 'new', A);
    walking(s, 'new', A, ROOT, 2);
    expect(fire(machine, s, { kind: WALK, cpu: 0, arg: H0 }).memcg[A].ref).toBe(s.memcg[A].ref);
  });
});

describe('mem_cgroup_clear_mc', () => {
  /** After moving root's THP and one swap entry of root to A, one precharged page left. */
  function moved(s: State, d: 'old' | 'new'): void {
    walking(s, d, ROOT, A, 4);
    s.page[H0] = ptr(A);
    if (d === 'new') s.memcg[A].ref += 1;
    s.swapRecord[0] = ptr(A);
    s.swapMap[0] = SwapMap.out;
    s.memcg[A].id = 2;
    s.memcg[ROOT].id = 2;
    s.mc[0] = { ...s.mc[0], precharge: 1, moved: 2, movedSwap: 1 };
  }

  it('cancels the precharge left, the moved charge on from, the moved swap’s memsw and ids; frees cgroup_mutex', () => {
    for (const d of ['old', 'new'] as const) {
      const { machine, s } = world(d, MOVE);
      moved(s, d);
      const want = copy(s);
      // cancel_charge(A, 1); cancel_charge(root, 2) does nothing; root's memsw is not charged.
      want.memcg[A].usage = 4 - 1 - 1;
      want.memcg[ROOT].usage = 4 - 1 - 1;
      // The moved entry's memsw: its precharge unit's memory uncharged at A, memsw kept.
      want.swapCounter = [1, 1];
      want.memcg[ROOT].id = 1;
      // v5.8: the cancelled precharge's reference and the moved swap's precharge unit's.
      if (d === 'old') want.memcg[A].ref -= 2;
      want.mc[0] = { from: 0, to: 0, precharge: 0, moved: 0, movedSwap: 0 };
      want.cgroupMutex = 0;
      want.cpu[0] = { ...IDLE };
      expect(fire(machine, s, { kind: CLEAR, cpu: 0 })).toEqual(want);
    }
  });

  it('K1 keeps v5.8’s css_put_many(mc.to, mc.moved_swap) under v5.9: one reference of A too many', () => {
    const { machine, s } = world(buildVariant(K1), MOVE);
    moved(s, 'new');
    expect(fire(machine, s, { kind: CLEAR, cpu: 0 }).memcg[A].ref).toBe(s.memcg[A].ref - 1);
  });
});
