/**
 * Issue #10 item 4: a page is private to its charging task until mem_cgroup_charge returns (it is
 * not yet mapped or on an LRU). After commit_charge, until the lookup reference is put, no other
 * CPU may uncharge the page, and the THP cannot be split; after the put, both may. Each case fires
 * commit_charge itself (before the fix, commit_charge released the page at once).
 */
import { describe, it } from 'vitest';
import {
  A,
  at,
  BOTH,
  expectDisabled,
  expectEnabled,
  FRAME_THP,
  fire,
  H0,
  P0,
  PROG,
  ptr,
  world,
} from './helpers.js';

describe.each(BOTH)('%s: mem_cgroup_charge keeps its page until it returns', (design) => {
  it('small page: after commit_charge cpu1 cannot uncharge it; after css_put(memcg) it can', () => {
    const { machine, s } = world(design);
    // cpu0 holds its lookup reference on A and has charged P0 (try_charge done, not committed).
    at(s, 0, PROG.charge, 2, { memcg: ptr(A), page: P0 + 1, tmp: 1, nr: 1 });
    s.memcg[A].ref = design === 'new' ? 3 : 4; // base, id, lookup (+ the charge's ref in old)
    s.memcg[A].usage = 1;
    s.memcg[0].usage = 1;
    const committed = fire(machine, s, { kind: 'commit_charge', cpu: 0 });
    expectDisabled(machine, committed, { kind: 'uncharge_page', cpu: 1, arg: P0 });
    const returned = fire(machine, committed, { kind: 'css_put(memcg)', cpu: 0 });
    expectEnabled(machine, returned, { kind: 'uncharge_page', cpu: 1, arg: P0 });
  });

  it('THP: after commit_charge no split and no uncharge; after css_put(memcg) both', () => {
    const { machine, s } = world(design);
    at(s, 0, PROG.charge, 2, { memcg: ptr(A), page: H0 + 1, tmp: 1, nr: 2 });
    s.memcg[A].ref = design === 'new' ? 3 : 5;
    s.memcg[A].usage = 2;
    s.memcg[0].usage = 2;
    const committed = fire(machine, s, { kind: 'commit_charge', cpu: 0 });
    expectDisabled(machine, committed, { kind: 'mem_cgroup_split_huge_fixup', arg: FRAME_THP });
    expectDisabled(machine, committed, { kind: 'uncharge_page', cpu: 1, arg: H0 });
    const returned = fire(machine, committed, { kind: 'css_put(memcg)', cpu: 0 });
    expectEnabled(machine, returned, { kind: 'mem_cgroup_split_huge_fixup', arg: FRAME_THP });
    expectEnabled(machine, returned, { kind: 'uncharge_page', cpu: 1, arg: H0 });
  });
});
