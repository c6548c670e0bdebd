/**
 * mem_cgroup_charge around try_charge (spec §2.2 rows mem_cgroup_charge and commit_charge; §2.3
 * rows mem_cgroup_charge and commit_charge): the lookup and its css_tryget, commit_charge, and the
 * final css_put. try_charge itself is in try-charge.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { chargeArg } from '../../model/design/common.js';
import {
  A,
  at,
  B,
  BOTH,
  copy,
  expectDisabled,
  expectEnabled,
  fire,
  H0,
  H1,
  IDLE,
  P0,
  P1,
  PROG,
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
    want.cpu[0] = { ...IDLE, op: PROG.charge + 1, pc: 1, memcg: ptr(A), page: P0 + 1, tmp: 1 };
    expect(after).toEqual(want);
  });

  it('root: css_tryget succeeds without touching the count (CSS_NO_REF)', () => {
    const { machine, s } = world(d);
    const after = fire(machine, s, lookup(P1, ROOT, 1));
    const want = copy(s);
    want.cpu[1] = { ...IDLE, op: PROG.charge + 1, pc: 1, memcg: ptr(ROOT), page: P1 + 1, tmp: 1 };
    expect(after).toEqual(want);
  });

  it('a THP is charged at its head only', () => {
    const { machine, s } = world(d);
    expectEnabled(machine, s, lookup(H0, A));
    expectDisabled(machine, s, lookup(H1, A));
  });

  it('disabled: killed memcg, charged page, busy CPU, page being charged by another CPU', () => {
    const { machine, s } = world(d);
    s.memcg[B].killed = 1;
    s.page[P1] = ptr(A);
    at(s, 1, PROG.charge, 1, { memcg: ptr(A), page: P0 + 1, tmp: 1 });
    for (const m of [ROOT, A, B]) {
      expectDisabled(machine, s, lookup(P1, m)); // already charged
      expectDisabled(machine, s, lookup(P0, m)); // cpu1 is charging it
    }
    expectDisabled(machine, s, { kind: 'get_mem_cgroup_from_mm', cpu: 1 }); // cpu1 is busy
    expectDisabled(machine, s, lookup(H0, B)); // B killed
    expectEnabled(machine, s, lookup(H0, A));
  });
});

describe('commit_charge', () => {
  it.each([
    ['old', 3],
    ['new', 4],
  ] as const)('%s: page->mem_cgroup = memcg (NEW: css_get first)', (d, ref) => {
    const { machine, s } = world(d);
    at(s, 0, PROG.charge, 2, { memcg: ptr(A), page: P0 + 1, tmp: 1, nr: 1 });
    s.memcg[A].ref = 3;
    s.memcg[A].usage = s.memcg[ROOT].usage = 1;
    const after = fire(machine, s, COMMIT);
    const want = copy(s);
    want.page[P0] = ptr(A);
    want.memcg[A].ref = ref;
    // The page stays the charging path's (busy) until mem_cgroup_charge returns (issue #10 item 4).
    want.cpu[0] = { ...IDLE, op: PROG.charge + 1, pc: 3, memcg: ptr(A), page: P0 + 1, tmp: 1 };
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: THP: the head gets the pointer, the tail stays NULL', (d) => {
    const { machine, s } = world(d);
    at(s, 0, PROG.charge, 2, { memcg: ptr(A), page: H0 + 1, tmp: 1, nr: 2 });
    s.memcg[A].ref = d === 'old' ? 5 : 3;
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    const after = fire(machine, s, COMMIT);
    const want = copy(s);
    want.page[H0] = ptr(A);
    want.memcg[A].ref = d === 'old' ? 5 : 4;
    want.cpu[0] = { ...IDLE, op: PROG.charge + 1, pc: 3, memcg: ptr(A), page: H0 + 1, tmp: 1 };
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: root: the pointer only (css_get on root is a no-op)', (d) => {
    const { machine, s } = world(d);
    at(s, 1, PROG.charge, 2, { memcg: ptr(ROOT), page: P1 + 1, tmp: 1 });
    const after = fire(machine, s, { ...COMMIT, cpu: 1 });
    const want = copy(s);
    want.page[P1] = ptr(ROOT);
    want.cpu[1] = { ...IDLE, op: PROG.charge + 1, pc: 3, memcg: ptr(ROOT), page: P1 + 1, tmp: 1 };
    expect(after).toEqual(want);
  });

  it('guard: only at step 2', () => {
    const { machine, s } = world('new');
    at(s, 0, PROG.charge, 2, { memcg: ptr(A), page: P0 + 1, tmp: 1, nr: 1 });
    expectEnabled(machine, s, COMMIT);
    s.cpu[0].pc = 1;
    expectDisabled(machine, s, COMMIT);
    s.cpu[0].pc = 3;
    expectDisabled(machine, s, COMMIT);
  });
});

describe.each(BOTH)('css_put(memcg) (%s: same in both designs)', (d) => {
  it('drops the lookup ref and the path returns: the CPU is idle', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.charge, 3, { memcg: ptr(A), tmp: 1 });
    s.page[P0] = ptr(A);
    s.memcg[A].ref = 4; // base, id, lookup, and the page (one 4k page: 1 ref in both designs)
    const after = fire(machine, s, PUT);
    const want = copy(s);
    want.memcg[A].ref = 3;
    want.cpu[0] = { ...IDLE };
    expect(after).toEqual(want);
  });

  it('root: no count change', () => {
    const { machine, s } = world(d);
    at(s, 1, PROG.charge, 3, { memcg: ptr(ROOT), tmp: 1 });
    const after = fire(machine, s, { ...PUT, cpu: 1 });
    const want = copy(s);
    want.cpu[1] = { ...IDLE };
    expect(after).toEqual(want);
  });

  it('guard: only at step 3', () => {
    const { machine, s } = world(d);
    at(s, 0, PROG.charge, 3, { memcg: ptr(A), tmp: 1 });
    expectEnabled(machine, s, PUT);
    s.cpu[0].pc = 2;
    expectDisabled(machine, s, PUT);
  });
});
