/**
 * mem_cgroup_uncharge_list (uncharge_page, uncharge_batch) and mem_cgroup_split_huge_fixup
 * (spec §2.2 rows mem_cgroup_uncharge and mem_cgroup_split_huge_fixup; §2.3 rows uncharge_page,
 * uncharge_batch and mem_cgroup_split_huge_fixup).
 */
import { describe, expect, it } from 'vitest';
import {
  A,
  A1,
  at,
  B,
  BOTH,
  copy,
  expectDisabled,
  expectEnabled,
  FRAME_P0,
  FRAME_THP,
  fire,
  H0,
  H1,
  IDLE,
  P0,
  P1,
  PROG,
  pc,
  ptr,
  ROOT,
  scope,
  world,
} from './helpers.js';

const UNCHARGE = (page: number, cpu = 0) => ({ kind: 'uncharge_page', cpu, arg: page });
const BATCH = { kind: 'uncharge_batch', cpu: 0 };
const SPLIT = (frame: number) => ({ kind: 'mem_cgroup_split_huge_fixup', arg: frame });

describe('uncharge_page', () => {
  it.each(BOTH)('%s: first page: ug->memcg set, page->mem_cgroup cleared, counters untouched', (d) => {
    const { machine, s } = world(d);
    s.page[P0] = ptr(A);
    s.memcg[A].usage = s.memcg[ROOT].usage = 1;
    s.memcg[A].ref = 3;
    const after = fire(machine, s, UNCHARGE(P0));
    const want = copy(s);
    want.page[P0] = 0;
    // OLD: the page's ref is parked in the batch. NEW: css_get for ug->memcg, css_put for the page.
    want.memcg[A].ref = 3;
    want.cpu[0] = {
      ...IDLE,
      op: PROG.uncharge + 1,
      pc: pc(PROG.uncharge, 'uncharge_batch'),
      ugMemcg: ptr(A),
      ugNr: 1,
      pages: 1 << P0,
    };
    expect(after).toEqual(want);
  });

  it.each([
    ['old', 4, 4],
    ['new', 3, 3],
  ] as const)('%s: an unsplit THP head counts all its subpages', (d, ref, refAfter) => {
    const { machine, s } = world(d);
    s.page[H0] = ptr(A);
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    s.memcg[A].ref = ref;
    const after = fire(machine, s, UNCHARGE(H0, 1));
    const want = copy(s);
    want.page[H0] = 0;
    want.memcg[A].ref = refAfter;
    want.cpu[1] = {
      ...IDLE,
      op: PROG.uncharge + 1,
      pc: pc(PROG.uncharge, 'uncharge_batch'),
      ugMemcg: ptr(A),
      ugNr: 2,
      pages: 1 << H0,
    };
    expect(after).toEqual(want);
  });

  it.each([
    ['old', 4],
    ['new', 3],
  ] as const)('%s: same memcg: joins the batch', (d, refAfter) => {
    const { machine, s } = world(d);
    at(s, 0, PROG.uncharge, 'uncharge_batch', { ugMemcg: ptr(A), ugNr: 1, pages: 1 << P0 });
    s.page[P1] = ptr(A);
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    s.memcg[A].ref = 4; // OLD: 1 parked + 1 page; NEW: ug + page
    const after = fire(machine, s, UNCHARGE(P1));
    const want = copy(s);
    want.page[P1] = 0;
    want.memcg[A].ref = refAfter; // NEW: the page's css_put, no get
    want.cpu[0].ugNr = 2;
    want.cpu[0].pages = (1 << P0) | (1 << P1);
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: a different memcg flushes the batch of the previous one', (d) => {
    const { machine, s } = world(d);
    at(s, 0, PROG.uncharge, 'uncharge_batch', { ugMemcg: ptr(A), ugNr: 1, pages: 1 << P0 });
    s.page[P1] = ptr(B);
    s.memcg[A].usage = 1;
    s.memcg[B].usage = 1;
    s.memcg[ROOT].usage = 2;
    s.memcg[A].ref = 3; // OLD: 1 parked page; NEW: ug->memcg
    s.memcg[B].ref = 3; // the page P1
    const after = fire(machine, s, UNCHARGE(P1));
    const want = copy(s);
    want.memcg[A].usage = 0;
    want.memcg[ROOT].usage = 1;
    want.memcg[A].ref = 2; // OLD: css_put_many(1); NEW: css_put of ug->memcg
    want.memcg[B].ref = 3; // OLD: parked; NEW: +1 ug, -1 page
    want.page[P1] = 0;
    want.cpu[0].ugMemcg = ptr(B);
    want.cpu[0].ugNr = 1;
    want.cpu[0].pages = (1 << P0) | (1 << P1);
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: root page: no count, no counter', (d) => {
    const { machine, s } = world(d);
    s.page[P0] = ptr(ROOT);
    const after = fire(machine, s, UNCHARGE(P0));
    const want = copy(s);
    want.page[P0] = 0;
    want.cpu[0] = {
      ...IDLE,
      op: PROG.uncharge + 1,
      pc: pc(PROG.uncharge, 'uncharge_batch'),
      ugMemcg: ptr(ROOT),
      ugNr: 1,
      pages: 1 << P0,
    };
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: guard: charged pages only; an unsplit THP at its head, a split one per subpage', (d) => {
    const { machine, s } = world(d);
    s.page[P1] = ptr(A);
    s.page[H0] = ptr(B);
    expectDisabled(machine, s, UNCHARGE(P0)); // not charged
    expectEnabled(machine, s, UNCHARGE(P1));
    expectEnabled(machine, s, UNCHARGE(H0));
    expectDisabled(machine, s, UNCHARGE(H1)); // tail of an unsplit THP
    s.page[H1] = ptr(B);
    s.split[FRAME_THP] = 1;
    expectEnabled(machine, s, UNCHARGE(H1));
    // A CPU in an uncharge list may take another page, or end the list.
    at(s, 0, PROG.uncharge, 'uncharge_batch', { ugMemcg: ptr(B), ugNr: 1, pages: 1 << H0 });
    s.page[H0] = 0;
    expectEnabled(machine, s, UNCHARGE(P1));
    expectEnabled(machine, s, UNCHARGE(H1));
    expectDisabled(machine, s, UNCHARGE(H0));
    expectEnabled(machine, s, BATCH);
    // A CPU busy in another path does not start one.
    at(s, 1, PROG.charge, 'try_charge', { memcg: ptr(A), page: P0 + 1, tmp: 1 });
    expectDisabled(machine, s, { kind: 'uncharge_page', cpu: 1 });
  });
});

describe('uncharge_batch', () => {
  it.each([
    ['old', 4],
    ['new', 3],
  ] as const)('%s: PC -= nr_pages, the batch refs dropped, the path returns', (d, ref) => {
    const { machine, s } = world(d);
    at(s, 0, PROG.uncharge, 'uncharge_batch', { ugMemcg: ptr(A), ugNr: 2, pages: (1 << P0) | (1 << P1) });
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    s.memcg[A].ref = ref; // OLD: 2 parked; NEW: ug->memcg
    const after = fire(machine, s, BATCH);
    const want = copy(s);
    want.memcg[A].usage = want.memcg[ROOT].usage = 0;
    want.memcg[A].ref = 2; // OLD: css_put_many(2); NEW: css_put(1)
    want.cpu[0] = { ...IDLE };
    expect(after).toEqual(want);
  });

  it.each([
    ['old', 4],
    ['new', 3],
  ] as const)('%s: hierarchy: A1, A and root uncharged', (d, ref) => {
    const { machine, s } = world(d, scope('large'));
    at(s, 0, PROG.uncharge, 'uncharge_batch', { ugMemcg: ptr(A1), ugNr: 2, pages: 1 << H0 });
    s.memcg[A1].usage = s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    s.memcg[A1].ref = ref; // OLD: 2 parked; NEW: ug->memcg
    s.memcg[A].ref = 3; // base, id, child A1
    const after = fire(machine, s, BATCH);
    const want = copy(s);
    want.memcg[A1].usage = want.memcg[A].usage = want.memcg[ROOT].usage = 0;
    want.memcg[A1].ref = 2;
    want.cpu[0] = { ...IDLE };
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: root batch: no counter, no count', (d) => {
    const { machine, s } = world(d);
    at(s, 0, PROG.uncharge, 'uncharge_batch', { ugMemcg: ptr(ROOT), ugNr: 1, pages: 1 << P0 });
    const after = fire(machine, s, BATCH);
    const want = copy(s);
    want.cpu[0] = { ...IDLE };
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: guard: only inside an uncharge list', (d) => {
    const { machine, s } = world(d);
    s.page[P0] = ptr(A);
    expectDisabled(machine, s, BATCH);
    at(s, 0, PROG.charge, 'try_charge', { memcg: ptr(A), page: P1 + 1, tmp: 1 });
    expectDisabled(machine, s, BATCH);
  });
});

describe('mem_cgroup_split_huge_fixup', () => {
  it.each([
    ['old', 4, 4],
    ['new', 3, 4],
  ] as const)('%s: tails get the head’s memcg (NEW: a css_get per tail)', (d, ref, refAfter) => {
    const { machine, s } = world(d);
    s.page[H0] = ptr(A);
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    s.memcg[A].ref = ref;
    const after = fire(machine, s, SPLIT(FRAME_THP));
    const want = copy(s);
    want.page[H1] = ptr(A);
    want.split[FRAME_THP] = 1;
    want.memcg[A].ref = refAfter;
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: root THP: pointers only', (d) => {
    const { machine, s } = world(d);
    s.page[H0] = ptr(ROOT);
    const after = fire(machine, s, SPLIT(FRAME_THP));
    const want = copy(s);
    want.page[H1] = ptr(ROOT);
    want.split[FRAME_THP] = 1;
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: guard: a charged, unsplit THP only', (d) => {
    const { machine, s } = world(d);
    expectDisabled(machine, s, SPLIT(FRAME_THP)); // not charged
    s.page[P0] = ptr(A);
    expectDisabled(machine, s, SPLIT(FRAME_P0)); // a small page
    s.page[H0] = ptr(A);
    expectEnabled(machine, s, SPLIT(FRAME_THP));
    s.page[H1] = ptr(A);
    s.split[FRAME_THP] = 1;
    expectDisabled(machine, s, SPLIT(FRAME_THP)); // already split
  });
});
