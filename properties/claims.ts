/**
 * The claims of spec §3 as named invariants, and witnesses (`sometimes`) proving the interesting
 * corners are reached. Root is excluded from refcount claims (CSS_NO_REF: gets and puts are no-ops).
 * Order matters only for reporting: when one state breaks several claims, the first listed is named.
 *
 * Long because the claims and the witnesses read best as two lists, each in the order it is reported.
 */

import { always, type Invariant, sometimes, type Witness } from '../checker/index.js';
import { Branch2 } from '../model/branch2.js';
import { swapOf } from '../model/config.js';
import { newDesign } from '../model/design/new.js';
import { memcgName, ptrName } from '../model/names.js';
import type { Program } from '../model/ops.js';
import { Branch, type Layout, OOPS_NAMES, Oops, type State } from '../model/state.js';
import {
  danglingPointers,
  hasDanglingPointer,
  holderRefs,
  holders,
  localCharges,
  sumRefs,
} from './holders.js';
import {
  cacheCounterPages,
  cacheLedgerBreak,
  cacheLedgerText,
  danglingCaches,
  hasDanglingCache,
  kmemCacheQuiescent,
  kmemCacheWitnesses,
  leakedCache,
  leakedCacheText,
} from './kmem-cache-claims.js';
import {
  danglingObjcgs,
  hasDanglingObjcg,
  leakedObjcg,
  leakedObjcgText,
  objcgCounterBytes,
  objcgLedgerBreak,
  objcgLedgerText,
  objStockBroken,
  PAGE_UNITS,
  slabQuiescent,
  slabWitnesses,
} from './objcg-claims.js';
import { swapSlotClaim, swapWitnesses } from './swap-claims.js';

export type Scheme = 'old' | 'new';

const nonRoot = (L: Layout) => L.config.memcgs.map((_, i) => i).filter((i) => i !== 0);

/**
 * An oops claim over a memcg code and, with --objects, its obj_cgroup twin (v5.9) and its
 * kmem_cache twin (v5.8); oopsMemcg names the objcg's or the cache's memcg.
 */
function oopsClaim(
  name: string,
  code: number,
  L: Layout,
  objcgCode?: number,
  cacheCode?: number,
): Invariant<State> {
  return always<State>(
    name,
    (s) => s.oops !== code && s.oops !== objcgCode && s.oops !== cacheCode,
    (s) =>
      s.oops === objcgCode
        ? `${OOPS_NAMES[s.oops]} on objcg(${ptrName(L, s.oopsMemcg)}) (objcg refcount now ${s.objcg[s.oopsMemcg - 1]?.ref})`
        : s.oops === cacheCode
          ? `${OOPS_NAMES[s.oops]} on kmem_cache(${ptrName(L, s.oopsMemcg)}) (refcnt now ${s.kmemCache[s.oopsMemcg - 1]?.refcnt})`
          : code === Oops.counterUnderflow
            ? `${OOPS_NAMES[code]} on ${ptrName(L, s.oopsMemcg)} (page_counter now ${s.memcg[s.oopsMemcg - 1]?.usage})`
            : code === Oops.idGetOnZero || code === Oops.idPutBelowZero
              ? `${OOPS_NAMES[code]} on ${ptrName(L, s.oopsMemcg)} (id.ref now ${s.memcg[s.oopsMemcg - 1]?.id})`
              : `${OOPS_NAMES[code]} on ${ptrName(L, s.oopsMemcg)} (refcount now ${s.memcg[s.oopsMemcg - 1]?.ref})`,
  );
}

/** Quiescence (I-NOLEAK): nothing in flight, no work queued, stocks empty, no page charged, every killed memcg offline. */
export function quiescent(s: State): boolean {
  return (
    s.cpu.every((c) => c.op === 0) &&
    s.stock.every((st) => st.cached === 0 && st.work === 0) &&
    s.page.every((pm) => pm === 0) &&
    s.swapRecord.every((r) => r === 0) &&
    s.memcg.every((m) => !m.killed || m.offline) &&
    slabQuiescent(s) &&
    kmemCacheQuiescent(s)
  );
}

/** An oops through a NULL pointer (memcg or page): "BUG: kernel NULL pointer dereference". */
function nullClaim(): Invariant<State> {
  return always<State>(
    'no_null_deref',
    (s) => s.oops !== Oops.nullMemcg && s.oops !== Oops.nullPage && s.oops !== Oops.nullObjcg,
    (s) =>
      `${OOPS_NAMES[s.oops]}: the last step used a NULL ${s.oops === Oops.nullPage ? 'struct page' : s.oops === Oops.nullObjcg ? 'struct obj_cgroup' : 'struct mem_cgroup'} pointer (a css get or put, a page_counter op or a field access); in the kernel, an oops`,
  );
}

export function invariants(L: Layout, scheme: Scheme): Invariant<State>[] {
  const ms = nonRoot(L);
  // page_counter_hierarchy on every state: each memcg's own charges once, then each subtree's sum
  // (the same figures as subtreeCharges, which the message uses).
  const n = L.config.memcgs.length;
  const subtree = L.config.memcgs.map((_, m) => ms.filter((d) => L.ancestors[d].includes(m)));
  const local = new Int32Array(n);
  const slab = (L.config.objects ?? 0) > 0;
  const countersMatch = (s: State) => {
    for (let d = 1; d < n; d++) local[d] = localCharges(s, L, d);
    for (let m = 0; m < n; m++) {
      const ds = subtree[m];
      let sum = 0;
      for (let k = 0; k < ds.length; k++) sum += local[ds[k]];
      if (
        slab
          ? s.memcg[m].usage * PAGE_UNITS !== sum * PAGE_UNITS + slabCounterBytes(s, L, m)
          : s.memcg[m].usage !== sum
      )
        return false;
    }
    return true;
  };
  const expectedText = (s: State, m: number) =>
    slab
      ? scheme === 'new'
        ? `${subtreeCharges(s, L, m)} pages of pages, stocks and charges, plus ${objcgCounterBytes(s, L, m)} slab bytes (2 per page: objcgs in its subtree and bytes left by reparented ones)`
        : `${subtreeCharges(s, L, m)} pages of pages, stocks and charges, plus ${cacheCounterPages(s, L, m)} slab pages (charged in its subtree, or left by reparented kmem_caches)`
      : `${subtreeCharges(s, L, m)}`;
  // The id ledger (I-OLD-ID, I-NEW-ID): the online pin plus the swap records naming the memcg; root's
  // id is real with swap (records on root take id references), its css is not.
  const swap = swapOf(L.config) !== undefined;
  const idMemcgs = swap ? L.config.memcgs.map((_, i) => i) : ms;
  const idRecords = (s: State, m: number) => {
    let n = 0;
    for (let k = 0; k < s.swapRecord.length; k++) if (s.swapRecord[k] === m + 1) n++;
    return n;
  };
  // Charge moving's mc term (I-OLD-ID, I-NEW-ID): a moved swap entry's id stays on mc.from until
  // __mem_cgroup_clear_mc's mem_cgroup_id_put_many(mc.from, mc.moved_swap).
  const idMoved = (s: State, m: number) =>
    s.mc.length > 0 && s.mc[0].from === m + 1 ? s.mc[0].movedSwap : 0;
  const idExpected = (s: State, m: number) => (s.memcg[m].offline ? 0 : 1) + idRecords(s, m) + idMoved(s, m);
  const idBreak = (s: State) => {
    for (const m of idMemcgs) if (!s.memcg[m].freed && s.memcg[m].id !== idExpected(s, m)) return m;
    return -1;
  };
  // The swap (v2) or memsw − memory (v1) counter of m: the records naming a non-root memcg of its
  // subtree; during a charge move, a moved entry's memsw is still on mc.from's (until clear_mc) and
  // its precharge unit's memory and memsw on mc.to's, so it counts at from's, not to's.
  const inSubtree = (ptr: number, m: number) => ptr > 1 && L.ancestors[ptr - 1].includes(m);
  const subtreeRecords = (s: State, m: number) => {
    let n = 0;
    for (let k = 0; k < s.swapRecord.length; k++) if (inSubtree(s.swapRecord[k], m)) n++;
    const mc = s.mc[0];
    if (mc && mc.movedSwap > 0) {
      if (inSubtree(mc.from, m)) n += mc.movedSwap;
      if (inSubtree(mc.to, m)) n -= mc.movedSwap;
    }
    return n;
  };
  const swapBreak = (s: State) => {
    for (let m = 0; m < s.swapCounter.length; m++) if (s.swapCounter[m] !== subtreeRecords(s, m)) return m;
    return -1;
  };
  const swapCounterText = L.config.swap === 'v1' ? 'memsw − memory' : 'swap counter';
  const countersOk = (s: State, m: number) =>
    slab
      ? s.memcg[m].usage * PAGE_UNITS === subtreeCharges(s, L, m) * PAGE_UNITS + slabCounterBytes(s, L, m)
      : s.memcg[m].usage === subtreeCharges(s, L, m);
  return [
    oopsClaim('no_use_after_free', Oops.useAfterFree, L, Oops.objcgUseAfterFree, Oops.cacheUseAfterFree),
    nullClaim(),
    oopsClaim('no_put_below_zero', Oops.putBelowZero, L, Oops.objcgPutBelowZero, Oops.cachePutBelowZero),
    oopsClaim('no_get_on_zero', Oops.getOnZero, L, Oops.objcgGetOnZero, Oops.cacheGetOnZero),
    always<State>(
      'get_with_reference',
      (s) => (s.branch & Branch.getWithoutRef) === 0,
      () =>
        'the last step took a reference (css_get, obj_cgroup_get or a kmem_cache percpu_ref_get) without holding one on that object and not by a tryget: only rcu_read_lock, or nothing, kept it alive, so the same get can take a count that reached zero back up (no_get_on_zero shows it when it does)',
    ),
    oopsClaim('no_id_put_below_zero', Oops.idPutBelowZero, L),
    oopsClaim('no_id_get_on_zero', Oops.idGetOnZero, L),
    oopsClaim('page_counter_nonneg', Oops.counterUnderflow, L),
    always<State>(
      'no_dangling_pointer',
      (s) => !hasDanglingPointer(s, L, scheme) && !hasDanglingObjcg(s) && !hasDanglingCache(s),
      (s) =>
        `pointers to a freed memcg, obj_cgroup or kmem_cache: ${[...danglingPointers(s, L, scheme), ...danglingObjcgs(s, L), ...danglingCaches(s, L)].join('; ')}`,
    ),
    always<State>(
      'refcount_ledger',
      (s) => ms.every((m) => s.memcg[m].freed || s.memcg[m].ref === holderRefs(s, L, m, scheme)),
      (s) => {
        const m = ms.find((i) => !s.memcg[i].freed && s.memcg[i].ref !== sumRefs(holders(s, L, i, scheme)))!;
        const hs = holders(s, L, m, scheme);
        return `${memcgName(L, m)}: refcount ${s.memcg[m].ref}, holders ${sumRefs(hs)} (${scheme === 'new' ? 'I-NEW-REF' : 'I-OLD-REF'}): ${hs.map((h) => `${h.who}${h.refs > 1 ? ` ×${h.refs}` : ''}`).join(', ') || 'none'}`;
      },
    ),
    always<State>(
      'objcg_refcount_ledger',
      (s) => objcgLedgerBreak(s) < 0,
      (s) => objcgLedgerText(s, L, objcgLedgerBreak(s)),
    ),
    always<State>(
      'kmem_cache_refcount_ledger',
      (s) => cacheLedgerBreak(s) < 0,
      (s) => cacheLedgerText(s, L, cacheLedgerBreak(s)),
    ),
    always<State>(
      'id_ledger',
      (s) => idBreak(s) < 0,
      (s) => {
        const m = idBreak(s);
        const recs = idRecords(s, m);
        return `${memcgName(L, m)}: id.ref ${s.memcg[m].id}, expected ${idExpected(s, m)} (${s.memcg[m].offline ? 'offline: no online pin' : 'the online pin'}${swap ? `, ${recs} swap record${recs === 1 ? '' : 's'}` : '; no swap at these bounds'})`;
      },
    ),
    always<State>(
      'page_counter_hierarchy',
      (s) => countersMatch(s) && swapBreak(s) < 0,
      (s) => {
        const m = L.config.memcgs.findIndex((_, i) => !countersOk(s, i));
        if (m < 0) {
          const w = swapBreak(s);
          return `${memcgName(L, w)}: ${swapCounterText} ${s.swapCounter[w]}, swap records naming a non-root memcg of its subtree ${subtreeRecords(s, w)}`;
        }
        return `${memcgName(L, m)}: page_counter ${s.memcg[m].usage}, charges in its subtree ${expectedText(s, m)}`;
      },
    ),
    swapSlotClaim(L),
    always<State>(
      'stock_consistent',
      (s) =>
        s.stock.every((st) => (st.cached !== 0 || st.nr === 0) && st.cached !== 1) && objStockBroken(s) < 0,
      (s) => {
        const c = s.stock.findIndex((st) => (st.cached === 0 && st.nr !== 0) || st.cached === 1);
        if (c < 0)
          return `obj stock of cpu${objStockBroken(s)}: no cached_objcg, yet ${s.objStock[objStockBroken(s)].bytes} bytes`;
        return `stock[cpu${c}]: cached ${ptrName(L, s.stock[c].cached)}, nr_pages ${s.stock[c].nr} (I-NEW-STOCK: NULL ⇒ 0 pages, never root)`;
      },
    ),
    always<State>(
      'flushing_has_drain_work',
      (s) => s.stock.every((st) => !st.flushing || st.work),
      (s) => {
        const c = s.stock.findIndex((st) => st.flushing && !st.work);
        return `stock[cpu${c}]: FLUSHING_CACHED_CHARGE set with no drain work queued or running: drain_all_stock skips this stock from now on (test_and_set_bit fails) and only drain_local_stock clears the bit`;
      },
    ),
    always<State>(
      'no_leak_at_quiescence',
      (s) =>
        !quiescent(s) ||
        (ms.every(
          (m) =>
            !s.memcg[m].killed || s.memcg[m].ref === L.children[m].filter((c) => !s.memcg[c].freed).length,
        ) &&
          leakedObjcg(s) < 0 &&
          leakedCache(s) < 0),
      (s) => {
        if (leakedObjcg(s) >= 0) return leakedObjcgText(s, L, leakedObjcg(s));
        if (leakedCache(s) >= 0) return leakedCacheText(s, L, leakedCache(s));
        const m = ms.find(
          (i) =>
            s.memcg[i].killed && s.memcg[i].ref !== L.children[i].filter((c) => !s.memcg[c].freed).length,
        )!;
        return `quiescent, yet killed ${memcgName(L, m)} has refcount ${s.memcg[m].ref} with no holder but its unfreed children: it is never freed (leak)`;
      },
    ),
  ];
}

/** Bytes (PAGE_UNITS per page) m's counter owes to slab accounting: v5.9's objcgs, v5.8's slab pages (each empty in the other design). */
function slabCounterBytes(s: State, L: Layout, m: number): number {
  return objcgCounterBytes(s, L, m) + cacheCounterPages(s, L, m) * PAGE_UNITS;
}

/** PC(m) = Σ charges of non-root memcgs in m's subtree (root's own pages are never charged). */
export function subtreeCharges(s: State, L: Layout, m: number): number {
  let n = 0;
  for (let d = 1; d < L.config.memcgs.length; d++) if (L.ancestors[d].includes(m)) n += localCharges(s, L, d);
  return n;
}

/** Is CPU c at the step named `name` of its program (witnesses name steps, never numbers)? */
function atStep(programs: readonly Program[], c: State['cpu'][number], name: string): boolean {
  return c.op !== 0 && programs[c.op - 1]?.steps[c.pc]?.name === name;
}

/** True if the only references left on m are those of an open uncharge batch. */
function onlyTheBatch(s: State, L: Layout, m: number, scheme: Scheme): boolean {
  const hs = holders(s, L, m, scheme);
  return hs.length > 0 && hs.every((h) => h.kind === 'ug');
}

/**
 * The witnesses (`sometimes`). Some corners exist only at some bounds, and a scope without them
 * does not have those witnesses: a stock switching from one memcg to another needs two non-root
 * memcgs (not at tiny); a contended percpu_charge_mutex, and a drain_all_stock reader that holds
 * back a free, need a drain_all_stock besides css offline (memory.max or try_charge's reclaim),
 * since cgroup_mutex keeps offlines and releases apart.
 */
export function witnesses(
  L: Layout,
  scheme: Scheme = 'new',
  programs: readonly Program[] = newDesign.programs,
): Witness<State>[] {
  // The design's own programs: a variant that splits a step shifts the step numbers after it.
  const at = (c: State['cpu'][number], name: string) => atStep(programs, c, name);
  const inPath = (c: State['cpu'][number], name: string) => c.op !== 0 && programs[c.op - 1]?.name === name;
  const thpFrames = L.config.frames.map((_, f) => f).filter((f) => L.isThp[f]);
  const kmemStructs = L.structFrame.map((_, p) => p).filter((p) => L.isKmem[L.structFrame[p]]);
  const kmemSplitFrames = L.config.frames.map((_, f) => f).filter((f) => L.isKmem[f] && L.frameSize[f] > 1);
  const twoMemcgs = L.config.memcgs.length >= 3;
  // One CPU has no remote stock, no second drainer and no other CPU to change a stock mid-read.
  const twoCpus = L.config.cpus >= 2;
  const secondDrain = twoCpus && (L.config.drainAll || L.config.reclaim !== false);
  const readNr = 'drain_all_stock: read stock->nr_pages';
  const all: Witness<State>[] = [
    sometimes('offline_with_stock_pages_pending', (s) =>
      s.cpu.some(
        (c) => inPath(c, 'css_killed_work_fn') && s.stock.some((st) => st.cached === c.memcg && st.nr > 0),
      ),
    ),
    sometimes('memcg_freed_after_offline', (s) => s.memcg.some((m) => m.freed && m.offline)),
    // An RCU reader across steps at a release: v5.9's slab lookup has one (get_obj_cgroup_from_current
    // holds rcu_read_lock from its read to its tryget); v5.8's slab path reads under RCU within single
    // steps, so without a user page only drain_all_stock would, and none can run on A then (docs/model.md).
    ...(L.config.frames.length > 0 || scheme === 'new'
      ? [
          sometimes<State>('rcu_reader_delays_a_free', (s) =>
            s.memcg.some((m) => m.released && !m.freed && m.gp !== 0),
          ),
        ]
      : []),
    sometimes('offline_memcg_named_by_an_empty_stock', (s) =>
      s.stock.some((st) => st.cached > 1 && st.nr === 0 && s.memcg[st.cached - 1].offline === 1),
    ),
    // A remote drain work, and a stock refilled past the batch by a task that migrated to it: two CPUs.
    ...(twoCpus
      ? [
          sometimes<State>('drain_work_queued_on_a_remote_cpu', (s) => s.stock.some((st) => st.work === 1)),
          sometimes<State>(
            'refill_stock_drains_an_overflowing_stock',
            (s) => (s.branch & Branch.refillOverflow) !== 0,
          ),
        ]
      : []),
  ];
  // The corners of the page paths: at bounds with pages (a slab scope may have none).
  if (L.config.frames.length > 0)
    all.push(
      sometimes('page_charged_to_a_dying_memcg', (s) =>
        s.page.some((pm) => pm > 1 && s.memcg[pm - 1].killed === 1),
      ),
      sometimes('uncharge_batch_holds_the_last_reference', (s) =>
        s.cpu.some(
          (c) =>
            c.ugMemcg > 1 &&
            s.memcg[c.ugMemcg - 1].offline === 1 &&
            onlyTheBatch(s, L, c.ugMemcg - 1, scheme),
        ),
      ),
      sometimes('lookup_tryget_fails_and_reads_again', (s) =>
        s.cpu.some((c) => at(c, 'get_mem_cgroup_from_mm: retry')),
      ),
      // A charge in flight that took its lookup reference on an offline memcg (a stale read).
      sometimes('page_charged_to_an_offline_memcg', (s) =>
        s.cpu.some(
          (c) => inPath(c, 'mem_cgroup_charge') && c.tmp && c.memcg > 1 && s.memcg[c.memcg - 1].offline === 1,
        ),
      ),
    );
  if (thpFrames.length > 0)
    all.unshift(
      sometimes('thp_split_while_stock_caches_its_memcg', (s) =>
        thpFrames.some((f) => {
          const pm = s.page[L.frameFirst[f]];
          return s.split[f] && pm > 1 && s.stock.some((st) => st.cached === pm && st.nr > 0);
        }),
      ),
    );
  if (kmemStructs.length > 0)
    all.push(
      // "Kernel pages hold a reference for their page->mem_cgroup": a dying memcg pinned by one.
      sometimes('kmem_page_charged_to_an_offline_memcg', (s) =>
        kmemStructs.some((p) => s.page[p] > 1 && s.memcg[s.page[p] - 1].offline === 1),
      ),
      sometimes('kmem_page_is_the_last_holder_of_an_offline_memcg', (s) =>
        kmemStructs.some((p) => {
          const pm = s.page[p];
          if (pm <= 1 || s.memcg[pm - 1].offline !== 1) return false;
          const hs = holders(s, L, pm - 1, scheme);
          return hs.length === 1 && hs[0].kind === 'page';
        }),
      ),
    );
  if (L.config.splitPage)
    all.push(
      // split_page_memcg's shape (v5.12): the pieces of a split kernel page charged one by one.
      sometimes('kmem_page_split_and_one_piece_freed', (s) =>
        kmemSplitFrames.some((f) => {
          let charged = 0;
          for (let k = 0; k < L.frameSize[f]; k++) if (s.page[L.frameFirst[f] + k] !== 0) charged++;
          return s.split[f] === 1 && charged > 0 && charged < L.frameSize[f];
        }),
      ),
    );
  if (secondDrain)
    all.push(
      sometimes('drain_all_stock_skipped_on_a_contended_mutex', (s) =>
        s.cpu.some((c, i) => at(c, 'drain_all_stock: mutex_trylock') && s.mutex !== 0 && s.mutex !== i + 1),
      ),
    );
  if (twoMemcgs && twoCpus) {
    all.push(
      // The stale read F1 needs: the stock named one memcg, and now caches another one with pages.
      sometimes('drain_all_stock_reads_a_stock_that_changed_under_it', (s) =>
        s.cpu.some((c) => {
          const st = s.stock[c.i];
          return at(c, readNr) && c.seen !== 0 && st.cached !== 0 && st.cached !== c.seen && st.nr > 0;
        }),
      ),
    );
  }
  if (twoMemcgs && secondDrain) {
    all.push(
      // F1's shape: the memcg read is released meanwhile, and only this reader holds its free back.
      sometimes('drain_all_stock_reader_holds_back_the_free_of_a_switched_memcg', (s) =>
        s.cpu.some((c, i) => {
          if (!at(c, readNr) || c.seen === 0) return false;
          const st = s.stock[c.i];
          const m = s.memcg[c.seen - 1];
          return st.cached !== c.seen && st.nr > 0 && m.released === 1 && !m.freed && m.gp === 1 << i;
        }),
      ),
    );
  }
  if ((L.config.objects ?? 0) > 0) all.push(...(scheme === 'new' ? slabWitnesses(L) : kmemCacheWitnesses()));
  if (swapOf(L.config)) all.push(...swapWitnesses(L, scheme));
  if (L.config.move)
    all.push(
      sometimes<State>('charge_move_moves_a_page', (s) => s.mc.length > 0 && s.mc[0].moved > 0),
      ...(swapOf(L.config)
        ? [
            sometimes<State>(
              'charge_move_moves_a_swap_entry',
              (s) => s.mc.length > 0 && s.mc[0].movedSwap > 0,
            ),
            // 8d22a9351035's race: a moved entry freed before __mem_cgroup_clear_mc.
            sometimes<State>(
              'swap_entry_freed_during_its_charge_move',
              (s) => s.branch2.length > 0 && (s.branch2[0] & Branch2.moveRacesSwapFree) !== 0,
            ),
          ]
        : []),
    );
  if (L.config.migrate)
    all.push(
      // v5.9's css_get for the new page is backed by the old page's reference, the memcg offline.
      sometimes<State>(
        'migration_of_a_page_of_an_offline_memcg',
        (s) => s.branch2.length > 0 && (s.branch2[0] & Branch2.migrateOffline) !== 0,
      ),
    );
  return all;
}
