/**
 * The per-CPU charge stock (struct memcg_stock_pcp; spec §2.0, §5.3 item 4): consume_stock,
 * refill_stock, drain_stock and drain_local_stock, each atomic on its CPU (irqs off), and the
 * stock->work item (process_one_work → drain_local_stock) as an event on the stock's CPU.
 *
 * v5.8 moves one css reference per page with the pages (refill_stock takes none for the pointer);
 * v5.9 holds one reference for stock->cached itself (spec §2.3).
 */
import { indicesWhere } from '../guards.js';
import { cssGet, cssPut, pageCounterUncharge } from '../kernel.js';
import { call, type Op, op } from '../ops.js';
import { Branch } from '../state.js';
import type { Ops, Path } from './path.js';

const drainIfSwitching = op('if (stock->cached != memcg) drain_stock(stock)', (x) => {
  if (x.s.stock[x.cpu].cached !== x.m + 1) call(x, 'drain_stock', { st: x.cpu });
});
const setCached = op('stock->cached = memcg', (x) => {
  x.s.stock[x.cpu].cached = x.m + 1;
});
const addPages = op('stock->nr_pages += nr_pages', (x) => {
  x.s.stock[x.cpu].nr += x.n;
});
const drainIfOverBatch = op('if (stock->nr_pages > MEMCG_CHARGE_BATCH) drain_stock(stock)', (x) => {
  if (x.s.stock[x.cpu].nr > x.L.config.batch) {
    x.s.branch |= Branch.refillOverflow;
    call(x, 'drain_stock', { st: x.cpu });
  }
});
const unchargeStockPages = op('if (stock->nr_pages) page_counter_uncharge(old, stock->nr_pages)', (x) => {
  const st = x.s.stock[x.st];
  if (st.nr) pageCounterUncharge(x, x.old, st.nr);
});
const zeroStock = op('stock->nr_pages = 0', (x) => {
  x.s.stock[x.st].nr = 0;
});
const clearCached = op('stock->cached = NULL', (x) => {
  x.s.stock[x.st].cached = 0;
});

const drainStockOp = op('drain_stock(stock)', (x) => {
  call(x, 'drain_stock', { st: x.st });
});
const clearFlushing = op('clear_bit(FLUSHING_CACHED_CHARGE, &stock->flags)', (x) => {
  x.s.stock[x.st].flushing = 0;
});

const consumeStock: readonly Op[] = [
  op('if (nr_pages > MEMCG_CHARGE_BATCH) return false', (x) => {
    // The kernel's test; a (scaled) THP never gets here: try_charge offers no hit for it (consumeRefuses).
    if (x.n > x.L.config.batch) x.stop = true;
  }),
  op(
    'if (stock->cached == memcg && stock->nr_pages >= nr_pages) { stock->nr_pages -= nr_pages; return true }',
    (x) => {
      const st = x.s.stock[x.cpu];
      if (st.cached === x.m + 1 && st.nr >= x.n) {
        st.nr -= x.n;
        x.ret = true;
      }
    },
  ),
];

export const stockFunctions: Readonly<Record<string, Ops>> = {
  consume_stock: consumeStock,
  refill_stock: {
    // v5.8: no ref for the pointer; the n refs move with the n pages into the stock.
    old: [drainIfSwitching, setCached, addPages, drainIfOverBatch],
    new: [
      drainIfSwitching,
      op('if (stock->cached != memcg) css_get(memcg)', (x) => {
        if (x.s.stock[x.cpu].cached !== x.m + 1) cssGet(x, x.m, 1, 'lookup');
      }),
      setCached,
      addPages,
      drainIfOverBatch,
    ],
  },
  drain_stock: {
    old: [
      op('old = stock->cached', (x) => {
        x.old = x.s.stock[x.st].cached - 1;
      }),
      unchargeStockPages,
      op('if (stock->nr_pages) css_put_many(old, stock->nr_pages)', (x) => {
        const st = x.s.stock[x.st];
        if (st.nr) cssPut(x, x.old, st.nr);
      }),
      zeroStock,
      clearCached,
    ],
    new: [
      op('old = stock->cached; if (!old) return', (x) => {
        x.old = x.s.stock[x.st].cached - 1;
        if (x.old < 0) x.stop = true;
      }),
      unchargeStockPages,
      op('css_put(old)', (x) => cssPut(x, x.old)),
      zeroStock,
      clearCached,
    ],
  },
  // drain_local_stock(work): on the stock's own CPU, irqs off.
  // v5.9 drains the obj stock first (paths/slab.ts; only with --objects); v5.8 has none.
  drain_local_stock: {
    old: [drainStockOp, clearFlushing],
    new: [
      op('drain_obj_stock(stock)', (x) => {
        if (x.L.config.objects) call(x, 'drain_obj_stock', { st: x.st });
      }),
      drainStockOp,
      clearFlushing,
    ],
  },
};

/** The queued stock->work item running on its CPU. */
export const processOneWork: Path = {
  name: 'process_one_work',
  slot: false,
  cpuFromArg: true,
  steps: [
    {
      name: 'drain_local_stock (work)',
      doc: 'the stock->work item on its CPU (irqs off); not while that CPU has preemption off (drain_all_stock between get_cpu and put_cpu).',
      choices: (s, L) => indicesWhere(L.config.cpus, (c) => s.stock[c].work && !s.cpu[c].preempt),
      // drain_all_stock drains its own CPU's stock in place: a work item needs a second CPU.
      onlyIf: (c) => c.cpus >= 2,
      argName: (arg) => `cpu${arg}`,
      ops: [
        op('drain_local_stock(&stock->work)', (x) => {
          call(x, 'drain_local_stock', { st: x.arg });
        }),
        op('work item done', (x) => {
          x.s.stock[x.arg].work = 0;
        }),
      ],
    },
  ],
  functions: stockFunctions,
};
