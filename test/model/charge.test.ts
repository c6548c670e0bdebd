/**
 * mem_cgroup_charge around try_charge (spec §2.2 rows mem_cgroup_charge and commit_charge; §2.3
 * rows mem_cgroup_charge and commit_charge): the lookup and its css_tryget (and, issue #11, the
 * lookup's retry after a css_tryget that failed on a stale read), commit_charge, and the final
 * css_put. try_charge itself, its retry and its reclaim are in try-charge.test.ts; the reclaim's
 * drain_all_stock steps in drain-all-stock.test.ts.
 *
 * Long because each step of the charge is checked in both designs with its expected state written
 * out by hand, not computed.
 */
import { describe, expect, it } from 'vitest';
import { chargeArg } from '../../model/paths/charge.js';
import {
  A,
  argsOf,
  at,
  B,
  BOTH,
  copy,
  expectDisabled,
  expectEnabled,
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
  world,
} from './helpers.js';

const lookup = (p: number, m: number, cpu = 0) => ({
  kind: 'get_mem_cgroup_from_mm',
  cpu,
  arg: chargeArg(p, m),
});
const COMMIT = { kind: 'commit_charge', cpu: 0 };
const PUT = { kind: 'css_put(memcg)', cpu: 0 };

describe.each(BOTH)('get_mem_cgroup_from_mm (%s: same in both designs)', (d) => {
  it('enabled for a free page and a live memcg: css_tryget takes the lookup ref; the RCU section closes', () => {
    const { machine, s } = world(d);
    const after = fire(machine, s, lookup(P0, A));
    const want = copy(s);
    want.memcg[A].ref = 3; // base + id + lookup
    want.cpu[0] = {
      ...IDLE,
      op: PROG.charge + 1,
      pc: pc(PROG.charge, 'try_charge'),
      memcg: ptr(A),
      page: P0 + 1,
      tmp: 1,
    };
    expect(after).toEqual(want);
  });

  it('root: css_tryget succeeds without touching the count (CSS_NO_REF)', () => {
    const { machine, s } = world(d);
    const after = fire(machine, s, lookup(P1, ROOT, 1));
    const want = copy(s);
    want.cpu[1] = {
      ...IDLE,
      op: PROG.charge + 1,
      pc: pc(PROG.charge, 'try_charge'),
      memcg: ptr(ROOT),
      page: P1 + 1,
      tmp: 1,
    };
    expect(after).toEqual(want);
  });

  it('a THP is charged at its head only', () => {
    const { machine, s } = world(d);
    expectEnabled(machine, s, lookup(H0, A));
    expectDisabled(machine, s, lookup(H1, A));
  });

  // Issue #11: the lookup reads mm->owner's memcg under RCU, and that read may be stale, so any memcg
  // not yet freed can be chosen (a killed one too); only a freed memcg is out of reach.
  it('disabled: freed memcg, charged page, busy CPU, page being charged by another CPU', () => {
    const { machine, s } = world(d);
    Object.assign(s.memcg[B], { killed: 1, offline: 1, released: 1, freed: 1, ref: 0, id: 0 });
    s.page[P1] = ptr(A);
    at(s, 1, PROG.charge, 'try_charge', { memcg: ptr(A), page: P0 + 1, tmp: 1 });
    for (const m of [ROOT, A, B]) {
      expectDisabled(machine, s, lookup(P1, m)); // already charged
      expectDisabled(machine, s, lookup(P0, m)); // cpu1 is charging it
    }
    expectDisabled(machine, s, { kind: 'get_mem_cgroup_from_mm', cpu: 1 }); // cpu1 is busy
    expectDisabled(machine, s, lookup(H0, B)); // B freed
    expectEnabled(machine, s, lookup(H0, A));
    expectEnabled(machine, s, lookup(H0, ROOT));
  });

  it('a stale read of a killed memcg whose count is above zero: css_tryget succeeds', () => {
    const { machine, s } = world(d);
    s.memcg[B].killed = 1; // kill_css: extra ref in, base ref out: ref 2 (extra + id)
    const after = fire(machine, s, lookup(P0, B));
    const want = copy(s);
    want.memcg[B].ref = 3; // + the lookup ref
    want.cpu[0] = {
      ...IDLE,
      op: PROG.charge + 1,
      pc: pc(PROG.charge, 'try_charge'),
      memcg: ptr(B),
      page: P0 + 1,
      tmp: 1,
    };
    expect(after).toEqual(want);
  });

  it.each([
    ['offline, count 0, not yet released', { killed: 1, offline: 1, id: 0, ref: 0 }],
    ['released, its free waiting for cpu1', { killed: 1, offline: 1, id: 0, ref: 0, released: 1, gp: 0b10 }],
  ])('%s: css_tryget fails; the retry follows, still inside rcu_read_lock', (_, b) => {
    const { machine, s } = world(d);
    Object.assign(s.memcg[B], b);
    const after = fire(machine, s, lookup(P0, B));
    const want = copy(s);
    // No count moves; memcg still names the memcg read, without a reference; rcu depth stays 1.
    want.cpu[0] = {
      ...IDLE,
      op: PROG.charge + 1,
      pc: pc(PROG.charge, 'get_mem_cgroup_from_mm: retry'),
      memcg: ptr(B),
      page: P0 + 1,
      rcu: 1,
    };
    expect(after).toEqual(want);
  });

  it('a split THP frame, all pages free: handed out as small pages, or whole again (its head)', () => {
    const { machine, s } = world(d);
    s.split[FRAME_THP] = 1;
    expectEnabled(machine, s, lookup(H0, A)); // the head as an order-0 page
    expectEnabled(machine, s, lookup(H1, A)); // a tail as an order-0 page
    expectEnabled(machine, s, { ...lookup(H0, A), arg: chargeArg(H0, A, true) });
    expectDisabled(machine, s, { ...lookup(H1, A), arg: chargeArg(H1, A, true) }); // whole at the head only
    const after = fire(machine, s, { ...lookup(H0, A), arg: chargeArg(H0, A, true) });
    const want = copy(s);
    want.split[FRAME_THP] = 0; // a THP again: compound_nr 2
    want.memcg[A].ref = 3;
    want.cpu[0] = {
      ...IDLE,
      op: PROG.charge + 1,
      pc: pc(PROG.charge, 'try_charge'),
      memcg: ptr(A),
      page: H0 + 1,
      tmp: 1,
    };
    expect(after).toEqual(want);
  });

  it('a split THP frame comes back whole only when every page is free and no CPU holds one', () => {
    const { machine, s } = world(d);
    const whole = { ...lookup(H0, A), arg: chargeArg(H0, A, true) };
    expectDisabled(machine, s, whole); // not split: an ordinary THP charge, no whole bit
    s.split[FRAME_THP] = 1;
    s.page[H1] = ptr(B);
    expectDisabled(machine, s, whole); // the tail is charged
    expectEnabled(machine, s, lookup(H0, A)); // the head alone still can be
    s.page[H1] = 0;
    at(s, 1, PROG.charge, 'try_charge', { memcg: ptr(B), page: H1 + 1, tmp: 1 });
    expectDisabled(machine, s, whole); // cpu1 is charging the tail
  });
});

describe.each(BOTH)('get_mem_cgroup_from_mm: retry (%s: same in both designs)', (d) => {
  const RETRY = (m: number) => ({ kind: 'get_mem_cgroup_from_mm: retry', cpu: 0, arg: m });

  /** cpu0 after a failed css_tryget of the released B, inside rcu_read_lock (B's free waits for it). */
  function afterFailedTryget() {
    const w = world(d);
    Object.assign(w.s.memcg[B], { killed: 1, offline: 1, id: 0, ref: 0, released: 1, gp: 0b01 });
    at(w.s, 0, PROG.charge, 'get_mem_cgroup_from_mm: retry', { memcg: ptr(B), page: P0 + 1, rcu: 1 });
    return w;
  }

  it('reads a live memcg, css_tryget takes the ref, rcu_read_unlock ends the reader; on to try_charge', () => {
    const { machine, s } = afterFailedTryget();
    const after = fire(machine, s, RETRY(A));
    const want = copy(s);
    want.memcg[A].ref = 3; // base + id + lookup
    want.memcg[B].gp = 0; // cpu0 left its read-side section: B's grace period may end
    want.cpu[0] = {
      ...IDLE,
      op: PROG.charge + 1,
      pc: pc(PROG.charge, 'try_charge'),
      memcg: ptr(A),
      page: P0 + 1,
      tmp: 1,
    };
    expect(after).toEqual(want);
  });

  it('root: css_tryget succeeds without a count', () => {
    const { machine, s } = afterFailedTryget();
    const after = fire(machine, s, RETRY(ROOT));
    const want = copy(s);
    want.memcg[B].gp = 0;
    want.cpu[0] = {
      ...IDLE,
      op: PROG.charge + 1,
      pc: pc(PROG.charge, 'try_charge'),
      memcg: ptr(ROOT),
      page: P0 + 1,
      tmp: 1,
    };
    expect(after).toEqual(want);
  });

  it('guard: a memcg not killed, only at the retry step', () => {
    const { machine, s } = afterFailedTryget();
    s.memcg[A].killed = 1;
    expect(argsOf(machine, s, 'get_mem_cgroup_from_mm: retry', 0)).toEqual([ROOT]); // A and B killed
    s.memcg[A].killed = 0;
    expect(argsOf(machine, s, 'get_mem_cgroup_from_mm: retry', 0)).toEqual([ROOT, A]);
    s.cpu[0].pc = pc(PROG.charge, 'try_charge');
    expectDisabled(machine, s, { kind: 'get_mem_cgroup_from_mm: retry' });
  });
});

describe('commit_charge', () => {
  it.each([
    ['old', 3],
    ['new', 4],
  ] as const)('%s: page->mem_cgroup = memcg (NEW: css_get first)', (d, ref) => {
    const { machine, s } = world(d);
    at(s, 0, PROG.charge, 'commit_charge', { memcg: ptr(A), page: P0 + 1, tmp: 1, nr: 1 });
    s.memcg[A].ref = 3;
    s.memcg[A].usage = s.memcg[ROOT].usage = 1;
    const after = fire(machine, s, COMMIT);
    const want = copy(s);
    want.page[P0] = ptr(A);
    want.memcg[A].ref = ref;
    // The page stays the charging path's (busy) until mem_cgroup_charge returns (issue #10 item 4).
    want.cpu[0] = {
      ...IDLE,
      op: PROG.charge + 1,
      pc: pc(PROG.charge, 'css_put(memcg)'),
      memcg: ptr(A),
      page: P0 + 1,
      tmp: 1,
    };
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: THP: the head gets the pointer, the tail stays NULL', (d) => {
    const { machine, s } = world(d);
    at(s, 0, PROG.charge, 'commit_charge', { memcg: ptr(A), page: H0 + 1, tmp: 1, nr: 2 });
    s.memcg[A].ref = d === 'old' ? 5 : 3;
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    const after = fire(machine, s, COMMIT);
    const want = copy(s);
    want.page[H0] = ptr(A);
    want.memcg[A].ref = d === 'old' ? 5 : 4;
    want.cpu[0] = {
      ...IDLE,
      op: PROG.charge + 1,
      pc: pc(PROG.charge, 'css_put(memcg)'),
      memcg: ptr(A),
      page: H0 + 1,
      tmp: 1,
    };
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: root: the pointer only (css_get on root is a no-op)', (d) => {
    const { machine, s } = world(d);
    at(s, 1, PROG.charge, 'commit_charge', { memcg: ptr(ROOT), page: P1 + 1, tmp: 1 });
    const after = fire(machine, s, { ...COMMIT, cpu: 1 });
    const want = copy(s);
    want.page[P1] = ptr(ROOT);
    want.cpu[1] = {
      ...IDLE,
      op: PROG.charge + 1,
      pc: pc(PROG.charge, 'css_put(memcg)'),
      memcg: ptr(ROOT),
      page: P1 + 1,
      tmp: 1,
    };
    expect(after).toEqual(want);
  });

  it('guard: only at the commit_charge step', () => {
    const { machine, s } = world('new');
    at(s, 0, PROG.charge, 'commit_charge', { memcg: ptr(A), page: P0 + 1, tmp: 1, nr: 1 });
    expectEnabled(machine, s, COMMIT);
    s.cpu[0].pc = pc(PROG.charge, 'try_charge');
    expectDisabled(machine, s, COMMIT);
    s.cpu[0].pc = pc(PROG.charge, 'css_put(memcg)');
    expectDisabled(machine, s, COMMIT);
  });
});

describe.each(BOTH)('css_put(memcg) (%s: same in both designs)', (d) => {
  it('drops the lookup ref and the path returns: the CPU is idle', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.charge, 'css_put(memcg)', { memcg: ptr(A), tmp: 1 });
    s.page[P0] = ptr(A);
    s.memcg[A].ref = 4; // base, id, lookup, and the page (one 4k page: 1 ref in both designs)
    const after = fire(machine, s, PUT);
    const want = copy(s);
    want.memcg[A].ref = 3;
    want.cpu[0] = { ...IDLE };
    expect(after).toEqual(want);
  });

  it('after a reclaim drain: root_memcg and drained go out of scope with the rest', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.charge, 'css_put(memcg)', {
      memcg: ptr(A),
      page: P0 + 1,
      tmp: 1,
      root: ptr(A),
      drained: 1,
    });
    s.page[P0] = ptr(A);
    s.memcg[A].ref = 4;
    const after = fire(machine, s, PUT);
    const want = copy(s);
    want.memcg[A].ref = 3;
    want.cpu[0] = { ...IDLE };
    expect(after).toEqual(want);
  });

  it('root: no count change', () => {
    const { machine, s } = world(d);
    at(s, 1, PROG.charge, 'css_put(memcg)', { memcg: ptr(ROOT), tmp: 1 });
    const after = fire(machine, s, { ...PUT, cpu: 1 });
    const want = copy(s);
    want.cpu[1] = { ...IDLE };
    expect(after).toEqual(want);
  });

  it('guard: only at the css_put(memcg) step', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.charge, 'css_put(memcg)', { memcg: ptr(A), tmp: 1 });
    expectEnabled(machine, s, PUT);
    s.cpu[0].pc = pc(PROG.charge, 'commit_charge');
    expectDisabled(machine, s, PUT);
  });
});
