/**
 * Kernel pages (issue #14; spec §2.2 rows __memcg_kmem_charge_page and __memcg_kmem_uncharge_page,
 * §2.3 the same rows; v5.8/v5.9 mm/page_alloc.c split_page): the lookup of
 * get_mem_cgroup_from_current, try_charge on 2^order pages, the commit (v5.9 keeps the lookup
 * reference as the page's), the final css_put, __free_pages' uncharge of a whole allocation and of
 * an order-0 piece, and split_page. Every expected state is written out by hand.
 *
 * Bounds: the kmem scope's (root/A; frames 1,kmem:1,kmem:2): page structs P0 (small), kmem0
 * (order 0), kmem1.0 and kmem1.1 (order 1); frames 0, 1 and 2.
 *
 * Long because each step is checked in both designs with its expected state written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { type Config, scopeByName } from '../../model/config.js';
import { chargeArg } from '../../model/paths/charge.js';
import { kmemChargeArg } from '../../model/paths/kmem.js';
import { TC } from '../../model/paths/try-charge.js';
import {
  A,
  argsOf,
  at,
  BOTH,
  copy,
  expectDisabled,
  fire,
  IDLE,
  PROG,
  pc,
  ptr,
  ROOT,
  world,
} from './helpers.js';

const P0 = 0;
const K0 = 1;
const K1_HEAD = 2;
const K1_TAIL = 3;
const FRAME_K0 = 1;
const FRAME_K1 = 2;

function kmemScope(name = 'kmem'): Config {
  const info = scopeByName(name);
  if (!info) throw new Error(`no scope ${name}`);
  return info.config;
}
const withSplit: Config = { ...kmemScope(), splitPage: true };

const LOOKUP = (f: number, m: number, cpu = 0) => ({
  kind: 'get_mem_cgroup_from_current',
  cpu,
  arg: kmemChargeArg(f, m),
});
const TRY = (arg: number, cpu = 0) => ({ kind: 'try_charge', cpu, arg, prog: PROG.kmemCharge });
const COMMIT = { kind: '__memcg_kmem_charge_page: commit', cpu: 0 };
const PUT = { kind: 'css_put(memcg)', cpu: 0, prog: PROG.kmemCharge };
const FREE = (p: number) => ({ kind: '__memcg_kmem_uncharge_page', arg: p });
const SPLIT = (f: number) => ({ kind: 'split_page', arg: f });

/** CPU 0 inside __memcg_kmem_charge_page at `step`, charging frame `f`'s first page struct for memcg m. */
const charging = (step: string, first: number, m: number, locals = {}) => ({
  ...IDLE,
  op: PROG.kmemCharge + 1,
  pc: pc(PROG.kmemCharge, step),
  memcg: ptr(m),
  page: first + 1,
  ...locals,
});

describe.each(BOTH)('get_mem_cgroup_from_current (%s: same in both designs)', (d) => {
  it('is offered for each free kernel page frame and each memcg not freed; never for the user page', () => {
    const { machine, s } = world(d, kmemScope());
    expect(argsOf(machine, s, 'get_mem_cgroup_from_current', 0)).toEqual([
      kmemChargeArg(FRAME_K0, ROOT),
      kmemChargeArg(FRAME_K0, A),
      kmemChargeArg(FRAME_K1, ROOT),
      kmemChargeArg(FRAME_K1, A),
    ]);
    // mem_cgroup_charge's lookup offers the small page only: kernel pages are charged by the kmem path.
    expect(argsOf(machine, s, 'get_mem_cgroup_from_mm', 0)).toEqual([chargeArg(P0, ROOT), chargeArg(P0, A)]);
  });

  it('takes the lookup reference with css_tryget and closes its RCU section', () => {
    const { machine, s } = world(d, kmemScope());
    const after = fire(machine, s, LOOKUP(FRAME_K1, A));
    const want = copy(s);
    want.memcg[A].ref = 3; // base + id + lookup
    want.cpu[0] = charging('try_charge', K1_HEAD, A, { tmp: 1 });
    expect(after).toEqual(want);
  });

  it('a re-allocated frame that split_page had cut starts whole again', () => {
    const { machine, s } = world(d, withSplit);
    s.split[FRAME_K1] = 1;
    const after = fire(machine, s, LOOKUP(FRAME_K1, A));
    expect(after.split[FRAME_K1]).toBe(0);
  });

  it('a frame being charged is not offered again, nor freed or split', () => {
    const { machine, s } = world(d, withSplit);
    at(s, 1, PROG.kmemCharge, 'css_put(memcg)', { memcg: ptr(A), page: K1_HEAD + 1, tmp: 1 });
    s.page[K1_HEAD] = ptr(A);
    expect(argsOf(machine, s, 'get_mem_cgroup_from_current', 0)).toEqual([
      kmemChargeArg(FRAME_K0, ROOT),
      kmemChargeArg(FRAME_K0, A),
    ]);
    expectDisabled(machine, s, FREE(K1_HEAD));
    expectDisabled(machine, s, SPLIT(FRAME_K1));
  });
});

describe('try_charge for a kernel page', () => {
  it.each(BOTH)(
    '%s: an order-1 page may take 2 pages from the stock (2 <= MEMCG_CHARGE_BATCH, as in the kernel)',
    (d) => {
      const { machine, s } = world(d, kmemScope());
      s.cpu[0] = charging('try_charge', K1_HEAD, A, { tmp: 1 });
      s.memcg[A].ref = d === 'old' ? 5 : 4;
      s.stock[0] = { ...s.stock[0], cached: ptr(A), nr: 2 };
      s.memcg[A].usage = s.memcg[ROOT].usage = 2;
      const after = fire(machine, s, TRY(TC.hitHere));
      const want = copy(s);
      want.stock[0].nr = 0;
      want.cpu[0] = charging('__memcg_kmem_charge_page: commit', K1_HEAD, A, { tmp: 1, nr: 2 });
      expect(after).toEqual(want);
    },
  );

  it.each([
    ['old', 5],
    ['new', 3],
  ] as const)('%s: nr_pages = 1 << order charged without a refill (v5.8: css_get_many(2))', (d, ref) => {
    const { machine, s } = world(d, kmemScope());
    s.cpu[0] = charging('try_charge', K1_HEAD, A, { tmp: 1 });
    s.memcg[A].ref = 3;
    const after = fire(machine, s, TRY(TC.exact));
    const want = copy(s);
    want.memcg[A].usage = want.memcg[ROOT].usage = 2;
    want.memcg[A].ref = ref;
    want.cpu[0] = charging('__memcg_kmem_charge_page: commit', K1_HEAD, A, { tmp: 1, nr: 2 });
    expect(after).toEqual(want);
  });
});

describe('the kernel-page path’s jumps into the shared charge steps', () => {
  it.each(BOTH)(
    '%s: a failed css_tryget reads again (get_mem_cgroup_from_mm: retry), then try_charge of this path',
    (d) => {
      const { machine, s } = world(d, kmemScope());
      s.memcg[A].ref = 0; // a stale read of a memcg whose count reached zero
      s.memcg[A].killed = s.memcg[A].offline = 1;
      const after = fire(machine, s, LOOKUP(FRAME_K0, A));
      expect(after.cpu[0]).toEqual(charging('get_mem_cgroup_from_mm: retry', K0, A, { rcu: 1 }));
      const again = fire(machine, after, { kind: 'get_mem_cgroup_from_mm: retry', cpu: 0, arg: ROOT });
      expect(again.cpu[0]).toEqual(charging('try_charge', K0, ROOT, { tmp: 1 }));
    },
  );

  it.each(BOTH)('%s: try_charge: retry goes on at this path’s commit', (d) => {
    const { machine, s } = world(d, kmemScope());
    s.cpu[0] = charging('try_charge: retry', K0, A, { tmp: 1, drained: 1 });
    s.memcg[A].ref = 3;
    const after = fire(machine, s, {
      kind: 'try_charge: retry',
      cpu: 0,
      arg: TC.exact,
      prog: PROG.kmemCharge,
    });
    expect(after.cpu[0]).toEqual(
      charging('__memcg_kmem_charge_page: commit', K0, A, { tmp: 1, drained: 1, nr: 1 }),
    );
  });
});

describe('__memcg_kmem_charge_page: commit', () => {
  it('new: page->mem_cgroup = memcg and return 0: the lookup reference is the page’s; the path ends', () => {
    const { machine, s } = world('new', kmemScope());
    s.cpu[0] = charging('__memcg_kmem_charge_page: commit', K1_HEAD, A, { tmp: 1, nr: 2 });
    s.memcg[A].ref = 3;
    const after = fire(machine, s, COMMIT);
    const want = copy(s);
    want.page[K1_HEAD] = ptr(A);
    want.cpu[0] = { ...IDLE };
    expect(after).toEqual(want);
  });

  it('old: page->mem_cgroup = memcg (it holds the 2 refs of try_charge); the css_put comes next', () => {
    const { machine, s } = world('old', kmemScope());
    s.cpu[0] = charging('__memcg_kmem_charge_page: commit', K1_HEAD, A, { tmp: 1, nr: 2 });
    s.memcg[A].ref = 5;
    const after = fire(machine, s, COMMIT);
    const want = copy(s);
    want.page[K1_HEAD] = ptr(A);
    want.cpu[0] = charging('css_put(memcg)', K1_HEAD, A, { tmp: 1 });
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: root: no pointer, on to css_put (a no-op on root)', (d) => {
    const { machine, s } = world(d, kmemScope());
    s.cpu[0] = charging('__memcg_kmem_charge_page: commit', K0, ROOT, { tmp: 1 });
    const after = fire(machine, s, COMMIT);
    const want = copy(s);
    want.cpu[0] = charging('css_put(memcg)', K0, ROOT, { tmp: 1 });
    expect(after).toEqual(want);
    const done = fire(machine, after, PUT);
    expect(done).toEqual({ ...want, cpu: [{ ...IDLE }, want.cpu[1]] });
  });

  it('old: the final css_put drops the lookup reference', () => {
    const { machine, s } = world('old', kmemScope());
    s.cpu[0] = charging('css_put(memcg)', K1_HEAD, A, { tmp: 1 });
    s.page[K1_HEAD] = ptr(A);
    s.memcg[A].ref = 5;
    const after = fire(machine, s, PUT);
    const want = copy(s);
    want.memcg[A].ref = 4;
    want.cpu[0] = { ...IDLE };
    expect(after).toEqual(want);
  });
});

describe('__free_pages → __memcg_kmem_uncharge_page', () => {
  it.each([
    ['old', 4, 2],
    ['new', 3, 2],
  ] as const)('%s: the whole order-1 allocation: 2 pages uncharged, pointer cleared', (d, ref, refAfter) => {
    const { machine, s } = world(d, kmemScope());
    s.page[K1_HEAD] = ptr(A);
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    s.memcg[A].ref = ref;
    const after = fire(machine, s, FREE(K1_HEAD));
    const want = copy(s);
    want.page[K1_HEAD] = 0;
    want.memcg[A].usage = want.memcg[ROOT].usage = 0;
    want.memcg[A].ref = refAfter;
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: an order-0 page: 1 page, 1 reference', (d) => {
    const { machine, s } = world(d, kmemScope());
    s.page[K0] = ptr(A);
    s.memcg[A].usage = s.memcg[ROOT].usage = 1;
    s.memcg[A].ref = 3;
    const after = fire(machine, s, FREE(K0));
    const want = copy(s);
    want.page[K0] = 0;
    want.memcg[A].usage = want.memcg[ROOT].usage = 0;
    want.memcg[A].ref = 2;
    expect(after).toEqual(want);
  });

  it.each(BOTH)(
    '%s: after split_page the first piece is freed as an order-0 page (the tail has no memcg)',
    (d) => {
      const { machine, s } = world(d, withSplit);
      s.page[K1_HEAD] = ptr(A);
      s.split[FRAME_K1] = 1;
      s.memcg[A].usage = s.memcg[ROOT].usage = 2;
      s.memcg[A].ref = d === 'old' ? 4 : 3;
      expectDisabled(machine, s, FREE(K1_TAIL));
      const after = fire(machine, s, FREE(K1_HEAD));
      const want = copy(s);
      want.page[K1_HEAD] = 0;
      // One page of the two stays charged and (v5.8) one reference stays taken: finding F2.
      want.memcg[A].usage = want.memcg[ROOT].usage = 1;
      want.memcg[A].ref = d === 'old' ? 3 : 2;
      expect(after).toEqual(want);
    },
  );

  it.each(BOTH)('%s: a tail of an unsplit allocation is never freed on its own', (d) => {
    const { machine, s } = world(d, kmemScope());
    s.page[K1_HEAD] = ptr(A);
    expect(argsOf(machine, s, '__memcg_kmem_uncharge_page')).toEqual([K1_HEAD]);
    // put_page frees a non-compound page as order 0: the whole order-1 page goes through __free_pages only.
    expect(argsOf(machine, s, 'uncharge_page', 0)).toEqual([]);
  });

  it.each([
    ['old', 3],
    ['new', 3],
  ] as const)(
    '%s: put_page of an order-0 kernel page: uncharge_page’s PageKmemcg branch batches it like a user page',
    (d, ref) => {
      const { machine, s } = world(d, withSplit);
      s.page[K0] = ptr(A);
      s.page[K1_HEAD] = ptr(A);
      s.split[FRAME_K1] = 1;
      s.memcg[A].usage = s.memcg[ROOT].usage = 2;
      s.memcg[A].ref = 4;
      // The order-0 page and the split piece are offered; the tail (no memcg) is not.
      expect(argsOf(machine, s, 'uncharge_page', 0)).toEqual([K0, K1_HEAD]);
      const after = fire(machine, s, { kind: 'uncharge_page', cpu: 0, arg: K0 });
      const want = copy(s);
      want.page[K0] = 0;
      // OLD: the page's ref is parked in the batch; NEW: css_get for ug->memcg, css_put for the page.
      want.memcg[A].ref = ref + 1;
      want.cpu[0] = {
        ...IDLE,
        op: PROG.uncharge + 1,
        pc: pc(PROG.uncharge, 'uncharge_batch'),
        ugMemcg: ptr(A),
        ugNr: 1,
        pages: 1 << K0,
      };
      expect(after).toEqual(want);
    },
  );
});

describe('split_page', () => {
  it.each(BOTH)('%s: only marks the frame split: no mem_cgroup for the tail, no reference', (d) => {
    const { machine, s } = world(d, withSplit);
    s.page[K1_HEAD] = ptr(A);
    s.memcg[A].usage = s.memcg[ROOT].usage = 2;
    s.memcg[A].ref = d === 'old' ? 4 : 3;
    expect(argsOf(machine, s, 'split_page')).toEqual([FRAME_K1]);
    const after = fire(machine, s, SPLIT(FRAME_K1));
    const want = copy(s);
    want.split[FRAME_K1] = 1;
    expect(after).toEqual(want);
  });

  it.each(BOTH)('%s: not offered without --split-page, for an uncharged page or an order-0 page', (d) => {
    const off = world(d, kmemScope());
    off.s.page[K1_HEAD] = ptr(A);
    expectDisabled(off.machine, off.s, SPLIT(FRAME_K1));
    const on = world(d, withSplit);
    on.s.page[K0] = ptr(A);
    expect(argsOf(on.machine, on.s, 'split_page')).toEqual([]);
  });
});
