/**
 * The per-action tests cover every step kind of both designs: a step added to the model fails
 * here until it has tests of its own. And the two designs differ exactly in the blocks spec §2.3
 * lists, so a step whose blocks are shared is the same code in both (each is still tested in both).
 */
import { describe, expect, it } from 'vitest';
import { BOTH, world } from './helpers.js';

/** Every step kind, with the test file that covers it. */
const TESTED: Record<string, string> = {
  get_mem_cgroup_from_mm: 'charge.test.ts',
  try_charge: 'try-charge.test.ts',
  commit_charge: 'charge.test.ts',
  'css_put(memcg)': 'charge.test.ts',
  uncharge_page: 'uncharge.test.ts',
  uncharge_batch: 'uncharge.test.ts',
  mem_cgroup_split_huge_fixup: 'uncharge.test.ts',
  'drain_all_stock: mutex_trylock': 'drain-all-stock.test.ts',
  'drain_all_stock: read stock->cached': 'drain-all-stock.test.ts',
  'drain_all_stock: read stock->nr_pages': 'drain-all-stock.test.ts',
  'drain_all_stock: mutex_unlock': 'drain-all-stock.test.ts',
  'drain_local_stock (work)': 'drain-local-stock.test.ts',
  kill_css: 'lifecycle.test.ts',
  offline_css: 'lifecycle.test.ts',
  css_release_work_fn: 'lifecycle.test.ts',
  css_free_rwork_fn: 'lifecycle.test.ts',
};

/** Blocks whose ops differ between v5.8 and v5.9 (spec §2.3), written out. */
const DIFFERING = [
  'commit_charge',
  'drain_stock',
  'mem_cgroup_split_huge_fixup',
  'refill_stock',
  'try_charge()',
  'uncharge_batch()',
  'uncharge_page',
];

describe.each(BOTH)('%s design', (d) => {
  it('every step kind has per-action tests', () => {
    const { machine } = world(d);
    expect(machine.actionKinds().sort()).toEqual(Object.keys(TESTED).sort());
  });
});

it('old and new share every block but the ones spec §2.3 lists', () => {
  const oldBlocks = world('old').machine.design.blocks;
  const newBlocks = world('new').machine.design.blocks;
  expect(Object.keys(oldBlocks).sort()).toEqual(Object.keys(newBlocks).sort());
  const differ = Object.keys(oldBlocks).filter(
    (k) => oldBlocks[k].length !== newBlocks[k].length || oldBlocks[k].some((o, i) => o !== newBlocks[k][i]),
  );
  expect(differ.sort()).toEqual(DIFFERING);
});
