/**
 * v5.9's obj stock (struct memcg_stock_pcp's cached_objcg and nr_bytes; kernel code in
 * docs/research/kmem-v59-notes.md §3): refill_obj_stock and drain_obj_stock, run with irqs off on
 * the stock's CPU (`x.st`), called by the slab paths (paths/slab.ts) and by drain_local_stock
 * (paths/stock.ts). Bytes are scaled: PAGE_SIZE = 2 units, an object 1.
 */
import { pageCounterUncharge } from '../kernel.js';
import { objcgAt, objcgGet, objcgPut } from '../objcg.js';
import { call, type Op, op } from '../ops.js';
import { Branch, type ReadonlyState } from '../state.js';

/** PAGE_SIZE in the scaled bytes (an object is 1). */
export const PAGE_UNITS = 2;

/**
 * The bytes objcg `ptr` accounts for: its objects, the obj stocks caching it, and its
 * nr_charged_bytes (whole pages charged at objcg->memcg, claims and ghost alike; 0 once released).
 */
export function objcgUnits(s: ReadonlyState, ptr: number): number {
  const o = s.objcg[ptr - 1];
  if (!o || o.released) return 0;
  let n = o.bytes;
  for (let k = 0; k < s.objects.length; k++) if (s.objects[k] === ptr) n++;
  for (let t = 0; t < s.objStock.length; t++) if (s.objStock[t].cached === ptr) n += s.objStock[t].bytes;
  return n;
}

export const refillObjStock: readonly Op[] = [
  op(
    'if (stock->cached_objcg != objcg) { drain_obj_stock(stock); obj_cgroup_get(objcg); stock->cached_objcg = objcg; stock->nr_bytes = atomic_xchg(&objcg->nr_charged_bytes, 0) }',
    (x) => {
      const st = x.s.objStock[x.st];
      if (st.cached === x.m + 1) return;
      call(x, 'drain_obj_stock', { st: x.st });
      // An allocation's refill is backed by its lookup's tryget reference (x.task's slab locals); a
      // free's by the freed object's, held in a local the state does not show: not checked.
      objcgGet(x, x.m + 1, x.task >= 0 ? 'held' : undefined);
      st.cached = x.m + 1;
      const o = objcgAt(x, x.m + 1);
      if (o) {
        st.bytes = o.bytes;
        o.bytes = 0;
      }
    },
  ),
  op('stock->nr_bytes += nr_bytes', (x) => {
    x.s.objStock[x.st].bytes += x.n;
  }),
  op('if (stock->nr_bytes > PAGE_SIZE) drain_obj_stock(stock)', (x) => {
    if (x.s.objStock[x.st].bytes > PAGE_UNITS) call(x, 'drain_obj_stock', { st: x.st });
  }),
];

export const drainObjStock: readonly Op[] = [
  op('old = stock->cached_objcg; if (!old) return', (x) => {
    x.old = x.s.objStock[x.st].cached - 1;
    if (x.old < 0) x.stop = true;
  }),
  op(
    'if (stock->nr_bytes) { __memcg_kmem_uncharge(obj_cgroup_memcg(old), nr_bytes >> PAGE_SHIFT) under rcu_read_lock; atomic_add(nr_bytes & (PAGE_SIZE - 1), &old->nr_charged_bytes); stock->nr_bytes = 0 }',
    (x) => {
      const st = x.s.objStock[x.st];
      if (!st.bytes) return;
      const o = objcgAt(x, x.old + 1);
      if (!o) return;
      const pages = Math.floor(st.bytes / PAGE_UNITS);
      const rest = st.bytes % PAGE_UNITS;
      // __memcg_kmem_uncharge has no root check in v5.9 (nor does page_counter_uncharge).
      if (pages) pageCounterUncharge(x, o.memcg - 1, pages);
      if (rest) x.s.branch |= Branch.objStockParkedBytes;
      o.bytes += rest;
      st.bytes = 0;
    },
  ),
  op('obj_cgroup_put(old)', (x) => objcgPut(x, x.old + 1)),
  op('stock->cached_objcg = NULL', (x) => {
    x.s.objStock[x.st].cached = 0;
  }),
];
