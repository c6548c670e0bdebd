/**
 * Issue #10 item 4: a page is private to its charging task until mem_cgroup_charge returns (it is
 * not yet mapped or on an LRU). After commit_charge, until the lookup reference is put, no other
 * CPU may uncharge the page, and the THP cannot be split; after the put, both may.
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
  it('small page: committed, lookup ref still held: cpu1 cannot uncharge it; after css_put it can', () => {
    const { machine, s } = world(design);
    // cpu0 committed P0 to A and is at out_put: css_put(memcg) with its lookup reference.
    at(s, 0, PROG.charge, 3, { memcg: ptr(A), page: P0 + 1, tmp: 1 });
    s.page[P0] = ptr(A);
    s.memcg[A].ref += design === 'new' ? 2 : 2; // the lookup ref, and the page's (new) or its charge's (old)
    s.memcg[A].usage = 1;
    s.memcg[0].usage = 1;
    expectDisabled(machine, s, { kind: 'uncharge_page', cpu: 1, arg: P0 });
    const after = fire(machine, s, { kind: 'css_put(memcg)', cpu: 0 });
    expectEnabled(machine, after, { kind: 'uncharge_page', cpu: 1, arg: P0 });
  });

  it('THP: committed, not yet returned: no split and no uncharge; after css_put both', () => {
    const { machine, s } = world(design);
    at(s, 0, PROG.charge, 3, { memcg: ptr(A), page: H0 + 1, tmp: 1 });
    s.page[H0] = ptr(A);
    s.memcg[A].ref += design === 'new' ? 2 : 3;
    s.memcg[A].usage = 2;
    s.memcg[0].usage = 2;
    expectDisabled(machine, s, { kind: 'mem_cgroup_split_huge_fixup', arg: FRAME_THP });
    expectDisabled(machine, s, { kind: 'uncharge_page', cpu: 1, arg: H0 });
    const after = fire(machine, s, { kind: 'css_put(memcg)', cpu: 0 });
    expectEnabled(machine, after, { kind: 'mem_cgroup_split_huge_fixup', arg: FRAME_THP });
    expectEnabled(machine, after, { kind: 'uncharge_page', cpu: 1, arg: H0 });
  });
});
