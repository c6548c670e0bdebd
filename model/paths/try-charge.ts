/**
 * try_charge's outcomes, as the argument of its step (spec §2.2 try_charge row; mm/memcontrol.c
 * try_charge in v5.8 and v5.9). The page counters have no limits in this model, so which outcome
 * happens is a choice the checker explores, each one the kernel can take:
 *
 *   retry:  if (consume_stock(memcg, nr_pages)) return 0;            → hit(t)
 *           page_counter_try_charge(memcg, batch) → done_restock:
 *                 if (batch > nr_pages) refill_stock(memcg, batch - nr_pages)  → refill(t)
 *           if (batch > nr_pages) { batch = nr_pages; goto retry; }  ┐
 *           ... force: page_counter_charge(memcg, nr_pages)          ┘ → exact
 *           if (!drained) { drain_all_stock(mem_over_limit); drained = true; goto retry; } → reclaim(m)
 *
 * The task may run on another CPU than the one its path started on (it migrated, or slept in
 * reclaim), so consume_stock and refill_stock may use any CPU's stock whose CPU is not inside a
 * preempt-disabled region (drain_all_stock's get_cpu ... put_cpu): `t` names that CPU. `force`
 * and the retry with `batch = nr_pages` have the same effect in both designs (nr_pages charged, no
 * refill; v5.8 takes css_get_many(nr_pages) in both, v5.9 none), so they are one outcome. The
 * -ENOMEM return is not modelled (docs/model.md: it only skips the commit; out_put's css_put is the
 * same). mem_over_limit is memcg or a non-root ancestor (root's counter has no limit).
 */
import { nrPagesOf } from '../geometry.js';
import { cssGet, pageCounterCharge, ROOT } from '../kernel.js';
import { memcgName } from '../names.js';
import { call, me, type Op, op } from '../ops.js';
import type { Layout, ReadonlyState } from '../state.js';
import type { Ops } from './path.js';

/** The outcome encodings (the step's argument). */
export const TC = {
  /** root: try_charge returns at once. */
  root: -1,
  /** consume_stock hits on this CPU's stock. */
  hitHere: 64,
  /** consume_stock hits on CPU t's stock (the task runs there now). */
  hit: (t: number) => t,
  /** the batch charge succeeds; refill_stock(memcg, batch - nr_pages) on this CPU. */
  refillHere: 65,
  /** ... on CPU t's stock. */
  refill: (t: number) => 8 + t,
  /** nr_pages charged, no refill: batch == nr_pages, or the retry with batch = nr_pages, or force. */
  exact: 16,
  /** every charge failed: reclaim, then drain_all_stock(mem_over_limit = m), then retry. */
  reclaim: (m: number) => 32 + m,
} as const;

export const isHit = (arg: number) => arg === TC.hitHere || (arg >= 0 && arg < 8);
export const isRefill = (arg: number) => arg === TC.refillHere || (arg >= 8 && arg < 16);
export const isReclaim = (arg: number) => arg >= 32 && arg < 64;
/** The CPU whose stock a hit or a refill uses. */
export const stockCpu = (arg: number, self: number) =>
  arg === TC.hitHere || arg === TC.refillHere ? self : arg < 8 ? arg : arg - 8;
export const overLimit = (arg: number) => arg - 32;

/**
 * consume_stock: `if (nr_pages > MEMCG_CHARGE_BATCH) return false`. In the kernel a THP
 * (HPAGE_PMD_NR 512) always exceeds MEMCG_CHARGE_BATCH (32); the scaled sizes keep that order
 * (config.ts refuses a THP smaller than the batch), and a THP of as many subpages as the batch is
 * refused here too, as the kernel's 512 is. A kernel page of order o is refused only when 2^o
 * exceeds the batch, the kernel's own test (orders 0 to 3 are below 32). try_charge's outcome
 * guard below uses this; consume_stock itself (stock.ts) does the kernel's literal test, which
 * agrees on every charge the guard lets through.
 */
export function consumeRefuses(nrPages: number, batch: number, thp: boolean): boolean {
  return nrPages > batch || thp;
}

/** batch = max(MEMCG_CHARGE_BATCH, nr_pages) for the refill outcome; nr_pages otherwise. */
export function batchFor(arg: number, nrPages: number, batch: number): number {
  return isRefill(arg) ? Math.max(batch, nrPages) : nrPages;
}

/** CPUs the charging task can be running on: its own, and any other not inside a get_cpu region. */
export function runnableCpus(s: ReadonlyState, cpu: number): number[] {
  const out = [cpu];
  for (let t = 0; t < s.cpu.length; t++) if (t !== cpu && !s.cpu[t].preempt) out.push(t);
  return out;
}

/** The enabled outcomes of try_charge for the charge in flight on `cpu` (its guard). */
export function chargeChoices(s: ReadonlyState, L: Layout, cpu: number): number[] {
  const c = s.cpu[cpu];
  const m = c.memcg - 1;
  if (m === ROOT) return [TC.root];
  // No page: obj_cgroup_charge of one object, one page (paths/slab.ts).
  const n = c.page === 0 ? 1 : nrPagesOf(s, L, c.page - 1);
  const thp = n > 1 && L.isThp[L.structFrame[c.page - 1]];
  const targets = runnableCpus(s, cpu);
  const out: number[] = [];
  let miss = false;
  for (const t of targets) {
    const st = s.stock[t];
    if (!consumeRefuses(n, L.config.batch, thp) && st.cached === c.memcg && st.nr >= n)
      out.push(t === cpu ? TC.hitHere : TC.hit(t));
    else miss = true;
  }
  // Every stock the task can be on holds enough of memcg's pages: consume_stock takes them.
  if (!miss) return out;
  // After the reclaim drain the retry charges with batch = nr_pages (set before reclaim): no refill.
  if (!c.drained && Math.max(L.config.batch, n) > n)
    for (const t of targets) out.push(t === cpu ? TC.refillHere : TC.refill(t));
  out.push(TC.exact);
  if (!c.drained && L.config.reclaim !== false)
    for (const a of L.ancestors[m]) if (a !== ROOT) out.push(TC.reclaim(a));
  return out;
}

/** How an outcome prints in a step's label (nothing for the common ones on the path's own CPU). */
export function chargeChoiceName(arg: number, L: Layout): string {
  if (arg === TC.root || arg === TC.hitHere || arg === TC.refillHere) return '';
  if (isHit(arg)) return `consume_stock on cpu${arg}`;
  if (isRefill(arg)) return `refill_stock on cpu${arg - 8}`;
  if (arg === TC.exact) return 'nr_pages charged, no refill';
  return `reclaim, drain_all_stock(${memcgName(L, overLimit(arg))})`;
}

// ---------------------------------------------------------------------------------------------
// try_charge() itself: the function the try_charge step and its retry call.

// The outcome says which charge succeeded: the batch (then a refill), or nr_pages.
const batchCharge = op(
  'batch = max(MEMCG_CHARGE_BATCH, nr_pages); page_counter_try_charge(memcg, batch)',
  (x) => {
    x.batch = batchFor(x.arg, x.n, x.L.config.batch);
    pageCounterCharge(x, x.m, x.batch);
  },
);
const rootReturns = op('if (mem_cgroup_is_root(memcg)) return 0', (x) => {
  if (x.m === ROOT) x.stop = true;
});
// A hit names the CPU whose stock consume_stock takes the pages from (the task may have
// migrated); irqs are off on that CPU.
const consumeOrReturn = op('if (consume_stock(memcg, nr_pages)) return 0', (x) => {
  if (!isHit(x.arg)) return;
  const self = x.cpu;
  x.cpu = stockCpu(x.arg, self);
  const hit = call(x, 'consume_stock', { m: x.m, n: x.n });
  x.cpu = self;
  if (hit) {
    me(x).nr = x.n;
    x.stop = true;
  }
});
// Every charge failed (a limit): reclaim, then drain_all_stock(mem_over_limit) once, and retry.
const reclaimDrain = op(
  'if (!drained && every charge failed) { drain_all_stock(mem_over_limit); drained = true; goto retry }',
  (x) => {
    if (!isReclaim(x.arg)) return;
    const c = me(x);
    c.root = overLimit(x.arg) + 1;
    c.drained = 1;
    x.jump = 'drain_all_stock: mutex_trylock';
    x.stop = true;
  },
);
// The task may have migrated since consume_stock: the outcome names the CPU whose stock
// refill_stock uses. refill_stock itself runs with irqs off on that CPU.
const refillRest = op('if (batch > nr_pages) refill_stock(memcg, batch - nr_pages)', (x) => {
  const batch = x.batch;
  if (batch <= x.n) return;
  const self = x.cpu;
  x.cpu = stockCpu(x.arg, self);
  call(x, 'refill_stock', { m: x.m, n: batch - x.n });
  x.cpu = self;
});
const handToCaller = op('return 0 (nr_pages charged for the caller)', (x) => {
  me(x).nr = x.n;
});

const tryChargeOld: readonly Op[] = [
  rootReturns,
  consumeOrReturn,
  reclaimDrain,
  batchCharge,
  // done_restock: css_get_many(&memcg->css, batch); force: css_get_many(&memcg->css, nr_pages),
  // the same as a batch of nr_pages (see TC.exact).
  op('css_get_many(memcg, batch)', (x) => cssGet(x, x.m, x.batch, 'lookup')),
  refillRest,
  handToCaller,
];

/** try_charge(memcg, nr_pages): v5.8 takes a css ref per page charged; v5.9 none (css_get_many left done_restock). */
export const tryChargeFunctions: Readonly<Record<string, Ops>> = {
  'try_charge()': {
    old: tryChargeOld,
    new: [rootReturns, consumeOrReturn, reclaimDrain, batchCharge, refillRest, handToCaller],
  },
};
