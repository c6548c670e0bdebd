/**
 * Page migration (issue #15 part 2; spec §2.0 and the migrate rows of §2.2/§2.3; the kernel text in
 * docs/research/swap-id-v58-v59.md §6): mem_cgroup_migrate on hand-built states, both designs, the
 * expected changes written out by hand; its guard; root's counter left out (docs/model.md); the
 * variants with the other design's get.
 *
 * Bounds: the migrate scope (2 CPUs, root/A, two 2-subpage THPs, batch 2): page structs 0-1 are the
 * first THP (H0, H1), 2-3 the second (J0, J1); frames 0 and 1.
 */
import { describe, expect, it } from 'vitest';
import { Branch2 } from '../../model/branch2.js';
import { scopeByName } from '../../model/config.js';
import { buildVariant } from '../../model/variant.js';
import { migrateGetMany, migrateGetOne } from '../../model/variants/swap.js';
import { A, argsOf, copy, expectDisabled, fire, ptr, ROOT, thpCharged, world } from './helpers.js';

const M = scopeByName('migrate')!.config;
const [H0, H1, J0, J1] = [0, 1, 2, 3];
const MIGRATE = 'migrate_page_states → mem_cgroup_migrate';
const arg = (from: number, to: number) => from * 16 + to;

describe('mem_cgroup_migrate', () => {
  it('is offered from a charged page to a free page of the same size, and only with --migrate on', () => {
    const { machine, s } = world('new', M);
    expect(argsOf(machine, s, MIGRATE)).toEqual([]);
    thpCharged(s, 'new', A);
    // A THP to the other THP's head only (J1 is a tail; H1 is the old page's own tail).
    expect(argsOf(machine, s, MIGRATE)).toEqual([arg(H0, J0)]);
    // Both frames split: each charged order-0 page to any free order-0 page.
    s.split = [1, 1];
    s.page[H1] = ptr(A);
    expect(argsOf(machine, s, MIGRATE)).toEqual([arg(H0, J0), arg(H0, J1), arg(H1, J0), arg(H1, J1)]);
    const off = world('new', { ...M, migrate: false });
    thpCharged(off.s, 'new', A);
    expectDisabled(off.machine, off.s, { kind: MIGRATE, arg: arg(H0, J0) });
  });

  it('v5.9: the new page force-charged, one css_get, committed; the old page keeps its charge', () => {
    const { machine, s } = world('new', M);
    thpCharged(s, 'new', A);
    const want = copy(s);
    want.memcg[A].usage = 4;
    want.memcg[ROOT].usage = 4;
    want.memcg[A].ref = 4;
    want.page[J0] = ptr(A);
    expect(fire(machine, s, { kind: MIGRATE, arg: arg(H0, J0) })).toEqual(want);
  });

  it('v5.8: css_get_many(nr_pages), the new THP’s per-page references', () => {
    const { machine, s } = world('old', M);
    thpCharged(s, 'old', A);
    const want = copy(s);
    want.memcg[A].usage = 4;
    want.memcg[ROOT].usage = 4;
    want.memcg[A].ref = 6;
    want.page[J0] = ptr(A);
    expect(fire(machine, s, { kind: MIGRATE, arg: arg(H0, J0) })).toEqual(want);
  });

  it('a root page: no css reference (CSS_NO_REF) and root’s counter left out of the force charge', () => {
    const { machine, s } = world('new', M);
    thpCharged(s, 'new', ROOT);
    const want = copy(s);
    want.page[J0] = ptr(ROOT);
    expect(fire(machine, s, { kind: MIGRATE, arg: arg(H0, J0) })).toEqual(want);
  });

  it('a page of an offline memcg: the reference taken all the same, backed by the old page’s (the witness bit)', () => {
    const { machine, s } = world('new', M);
    thpCharged(s, 'new', A);
    s.memcg[A] = { ...s.memcg[A], killed: 1, offline: 1, id: 0, ref: 1 };
    const after = fire(machine, s, { kind: MIGRATE, arg: arg(H0, J0) });
    expect([after.memcg[A].ref, after.page[J0], after.branch, after.branch2[0]]).toEqual([
      2,
      ptr(A),
      0,
      Branch2.migrateOffline,
    ]);
  });

  it('the other design’s get: v5.8’s under v5.9 takes one too many, v5.9’s under v5.8 one too few', () => {
    const many = world(buildVariant(migrateGetMany), M);
    thpCharged(many.s, 'new', A);
    expect(fire(many.machine, many.s, { kind: MIGRATE, arg: arg(H0, J0) }).memcg[A].ref).toBe(5);
    const one = world(buildVariant(migrateGetOne), M);
    thpCharged(one.s, 'old', A);
    expect(fire(one.machine, one.s, { kind: MIGRATE, arg: arg(H0, J0) }).memcg[A].ref).toBe(5);
  });
});
