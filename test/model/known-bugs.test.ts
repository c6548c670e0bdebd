/**
 * The known-bug variants of spec §4 change exactly the op they name: every other block keeps the
 * very same ops as its base design, the edited block has the ops listed here by hand, and on a
 * hand-built state the edited step differs from the base design in exactly the count it names.
 */
import { describe, expect, it } from 'vitest';
import type { Design } from '../../model/design/types.js';
import { TC } from '../../model/paths/try-charge.js';
import { buildVariant, DESIGNS, type VariantDef } from '../../model/variant.js';
import { K2, K3, K4, K5, K7, K8, K9 } from '../../model/variants/known-bugs.js';
import { A, at, copy, FRAME_THP, fire, H0, H1, IDLE, P0, PROG, pc, ptr, ROOT, world } from './helpers.js';

/** Op names of the blocks the variants edit, written out from the base designs. */
const NAMES = {
  split: ['memcg = head->mem_cgroup', 'head[i].mem_cgroup = memcg for each tail'],
  drainStockNew: [
    'old = stock->cached; if (!old) return',
    'if (stock->nr_pages) page_counter_uncharge(old, stock->nr_pages)',
    'css_put(old)',
    'stock->nr_pages = 0',
    'stock->cached = NULL',
  ],
  batchCharge: 'batch = max(MEMCG_CHARGE_BATCH, nr_pages); page_counter_try_charge(memcg, batch)',
  reclaimDrain:
    'if (!drained && every charge failed) { drain_all_stock(mem_over_limit); drained = true; goto retry }',
};

const EDITS: readonly [VariantDef, string, readonly string[]][] = [
  [K2, 'mem_cgroup_split_huge_fixup', NAMES.split],
  [
    K3,
    'drain_stock',
    NAMES.drainStockNew.map((n) => (n === 'css_put(old)' ? 'if (stock->nr_pages) css_put(old)' : n)),
  ],
  [
    K4,
    'drain_stock',
    NAMES.drainStockNew.map((n) => (n === 'css_put(old)' ? 'css_put_many(old, stock->nr_pages)' : n)),
  ],
  [K5, 'commit_charge', ['commit_charge: page->mem_cgroup = memcg']],
  [
    K7,
    'uncharge_batch()',
    [
      'if (!mem_cgroup_is_root(ug->memcg)) page_counter_uncharge(ug->memcg, nr_pages)',
      'memcg_check_events(ug->memcg)',
      'uncharge_gather_clear(ug)',
    ],
  ],
  [K8, 'mem_cgroup_split_huge_fixup', [NAMES.split[0], 'css_get(memcg) for each tail', NAMES.split[1]]],
  [
    K9,
    'try_charge()',
    [
      'if (mem_cgroup_is_root(memcg)) return 0',
      'if (consume_stock(memcg, nr_pages)) return 0',
      NAMES.reclaimDrain,
      NAMES.batchCharge,
      'css_get_many(memcg, batch)',
      'if (batch > nr_pages) refill_stock(memcg, batch - nr_pages)',
      'return 0 (nr_pages charged for the caller)',
    ],
  ],
];

const CASES = EDITS.map(([v, block, names]) => [v.name, v, block, names] as const);

describe.each(CASES)('%s edits one block only', (_, v, block, names) => {
  it(`${block} has exactly the listed ops; every other block is the base design’s`, () => {
    const base: Design = DESIGNS[v.base];
    const d = buildVariant(v);
    expect(d.scheme).toBe(v.base);
    expect(Object.keys(d.blocks).sort()).toEqual(Object.keys(base.blocks).sort());
    expect(d.blocks[block].map((o) => o.name)).toEqual(names);
    for (const [name, ops] of Object.entries(base.blocks)) {
      if (name === block) {
        // The ops kept from the base are the same ops, not copies.
        for (const o of d.blocks[name]) {
          const same = ops.find((b) => b.name === o.name);
          if (same) expect(o).toBe(same);
        }
        continue;
      }
      expect(d.blocks[name]).toHaveLength(ops.length);
      d.blocks[name].forEach((o, i) => {
        expect(o).toBe(ops[i]);
      });
    }
    expect(d.programs.map((p) => p.steps.map((s) => s.name))).toEqual(
      base.programs.map((p) => p.steps.map((s) => s.name)),
    );
  });
});

describe('the edited op on a hand-built state', () => {
  it('K2 (NEW): split sets the tail’s pointer but leaves the css ref unchanged', () => {
    const { machine, s } = world(buildVariant(K2));
    s.page[H0] = ptr(A);
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    s.memcg[A].ref = 3;
    const after = fire(machine, s, { kind: 'mem_cgroup_split_huge_fixup', arg: FRAME_THP });
    const want = copy(s);
    want.page[H1] = ptr(A);
    want.split[FRAME_THP] = 1;
    expect(after).toEqual(want); // NEW takes 4 (see uncharge.test.ts)
  });

  it('K8 (OLD): split takes a css_get per tail', () => {
    const { machine, s } = world(buildVariant(K8));
    s.page[H0] = ptr(A);
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    s.memcg[A].ref = 4;
    const after = fire(machine, s, { kind: 'mem_cgroup_split_huge_fixup', arg: FRAME_THP });
    const want = copy(s);
    want.page[H1] = ptr(A);
    want.split[FRAME_THP] = 1;
    want.memcg[A].ref = 5; // OLD stays at 4
    expect(after).toEqual(want);
  });

  it.each([
    [0, 3, 0],
    [1, 2, 1],
  ])('K3 (NEW): drain of a stock with %i pages: css ref %i (NEW: always 2)', (nr, ref, usage) => {
    const { machine, s } = world(buildVariant(K3));
    s.stock[1] = { cached: ptr(A), nr, flushing: 1, work: 1 };
    s.memcg[A].usage = s.memcg[ROOT].usage = usage;
    s.memcg[A].ref = 3;
    const after = fire(machine, s, { kind: 'drain_local_stock (work)', arg: 1 });
    const want = copy(s);
    want.stock[1] = { cached: 0, nr: 0, flushing: 0, work: 0 };
    want.memcg[A].usage = want.memcg[ROOT].usage = 0;
    want.memcg[A].ref = ref;
    expect(after).toEqual(want);
  });

  it.each([
    [2, 1],
    [0, 3],
  ])('K4 (NEW): drain of a stock with %i pages puts that many refs: css ref %i (NEW: 2)', (nr, ref) => {
    const { machine, s } = world(buildVariant(K4));
    s.stock[1] = { cached: ptr(A), nr, flushing: 1, work: 1 };
    s.memcg[A].usage = s.memcg[ROOT].usage = nr;
    s.memcg[A].ref = 3;
    const after = fire(machine, s, { kind: 'drain_local_stock (work)', arg: 1 });
    const want = copy(s);
    want.stock[1] = { cached: 0, nr: 0, flushing: 0, work: 0 };
    want.memcg[A].usage = want.memcg[ROOT].usage = 0;
    want.memcg[A].ref = ref;
    expect(after).toEqual(want);
  });

  it('K5 (NEW): commit_charge sets the pointer without a css_get', () => {
    const { machine, s } = world(buildVariant(K5));
    at(s, 0, PROG.charge, 'commit_charge', { memcg: ptr(A), page: P0 + 1, tmp: 1, nr: 1 });
    s.memcg[A].ref = 3;
    s.memcg[A].usage = s.memcg[ROOT].usage = 1;
    const after = fire(machine, s, { kind: 'commit_charge', cpu: 0 });
    const want = copy(s);
    want.page[P0] = ptr(A);
    want.cpu[0] = {
      ...IDLE,
      op: PROG.charge + 1,
      pc: pc(PROG.charge, 'css_put(memcg)'),
      memcg: ptr(A),
      page: P0 + 1,
      tmp: 1,
    };
    expect(after).toEqual(want); // NEW: ref 4
  });

  it('K7 (OLD): uncharge_batch uncharges the counters but keeps the refs', () => {
    const { machine, s } = world(buildVariant(K7));
    at(s, 0, PROG.uncharge, 'uncharge_batch', { ugMemcg: ptr(A), ugNr: 2, pages: 1 << H0 });
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    s.memcg[A].ref = 4;
    const after = fire(machine, s, { kind: 'uncharge_batch', cpu: 0 });
    const want = copy(s);
    want.memcg[A].usage = want.memcg[ROOT].usage = 0;
    want.cpu[0] = { ...IDLE };
    expect(after).toEqual(want); // OLD: ref 2
  });

  it('K9 (NEW): try_charge takes css_get_many(batch) on top of refill_stock’s css_get', () => {
    const { machine, s } = world(buildVariant(K9));
    at(s, 0, PROG.charge, 'try_charge', { memcg: ptr(A), page: P0 + 1, tmp: 1 });
    s.memcg[A].ref = 3;
    const after = fire(machine, s, { kind: 'try_charge', cpu: 0, arg: TC.refillHere });
    const want = copy(s);
    want.memcg[A].usage = want.memcg[ROOT].usage = 2;
    want.memcg[A].ref = 6; // NEW: 4
    want.stock[0] = { cached: ptr(A), nr: 1, flushing: 0, work: 0 };
    want.cpu[0].nr = 1;
    want.cpu[0].pc = pc(PROG.charge, 'commit_charge');
    expect(after).toEqual(want);
  });

  it('K9 (NEW): nr_pages charged with no refill: css_get_many(batch = nr_pages = 1)', () => {
    const { machine, s } = world(buildVariant(K9));
    at(s, 0, PROG.charge, 'try_charge', { memcg: ptr(A), page: P0 + 1, tmp: 1 });
    s.memcg[A].ref = 3;
    const after = fire(machine, s, { kind: 'try_charge', cpu: 0, arg: TC.exact });
    const want = copy(s);
    want.memcg[A].usage = want.memcg[ROOT].usage = 1;
    want.memcg[A].ref = 4; // NEW: 3 (no refill, so no refill_stock css_get either)
    want.cpu[0].nr = 1;
    want.cpu[0].pc = pc(PROG.charge, 'commit_charge');
    expect(after).toEqual(want);
  });
});
