/**
 * The kernel paths both designs share, and the blocks that are identical in v5.8 and v5.9
 * (spec §2.2; §2.3 lists the differences, which live in old.ts and new.ts).
 *
 * Atomicity: one step is one kernel critical section (spec §2.4). Per-CPU stock operations run
 * with irqs off on their CPU; per-page operations hold the page exclusively; drain_all_stock reads
 * a remote stock racily, so its reads are separate steps; css offline runs under cgroup_mutex.
 */

import {
  chargeable,
  frameFree,
  hasLiveChildCgroups,
  hasOnlineChildren,
  indicesWhere,
  runningOn,
  splittable,
  unchargeable,
} from '../guards.js';
import {
  cssGet,
  cssPut,
  cssTryget,
  deref,
  idPut,
  isDescendant,
  memcgAt,
  nrPages,
  pageCounterCharge,
  pageCounterUncharge,
  pageOk,
  ROOT,
  rcuReadLock,
  rcuReadUnlock,
} from '../kernel.js';
import { frameName, memcgName, pageName } from '../names.js';
import { call, END, type Op, op, type Program, type Step } from '../ops.js';
import { Branch, type Layout, type State } from '../state.js';
import {
  batchFor,
  chargeChoiceName,
  chargeChoices,
  consumeRefuses,
  isHit,
  isReclaim,
  overLimit,
  stockCpu,
} from './try-charge.js';

/** Program indices (fixed order; part of the action encoding). */
export const PROG = {
  charge: 0,
  uncharge: 1,
  offline: 2,
  drainAll: 3,
  split: 4,
  killCss: 5,
  drainWork: 6,
  release: 7,
  free: 8,
} as const;

/**
 * Charge entry argument: page struct and memcg packed in one number, and a bit for a split THP
 * frame all of whose pages are free, handed out again whole, as a THP.
 */
export const chargeArg = (p: number, m: number, wholeThp = false) => p * 16 + m + (wholeThp ? 1 << 8 : 0);
const argPage = (arg: number) => (arg >> 4) & 15;
const argMemcg = (arg: number) => arg & 15;
const argWholeThp = (arg: number) => (arg >> 8) & 1;

const me = (x: { s: State; cpu: number }) => x.s.cpu[x.cpu];

// ---------------------------------------------------------------------------------------------
// Blocks shared by both designs.

export const commonBlocks: Record<string, readonly Op[]> = {
  // mem_cgroup_charge → get_mem_cgroup_from_mm: under rcu_read_lock, read mm->owner's memcg and
  // css_tryget it. One step, as in spec §5.3 step a: a task is attached only to a live cgroup, whose
  // count is above zero (its css_set holds a ref), so css_tryget succeeds; a lookup racing with the
  // task's migration and the cgroup's death retries and ends in a live memcg (not modelled: it
  // changes no count).
  get_mem_cgroup_from_mm: [
    op('page = the new page (a split THP frame all of whose pages were freed may come back whole)', (x) => {
      me(x).page = argPage(x.arg) + 1;
      if (argWholeThp(x.arg)) x.s.split[x.L.structFrame[argPage(x.arg)]] = 0;
    }),
    op('rcu_read_lock', rcuReadLock),
    op('memcg = mem_cgroup_from_task(rcu_dereference(mm->owner))', (x) => {
      me(x).memcg = argMemcg(x.arg) + 1;
    }),
    op('while (!css_tryget(&memcg->css)): read again', (x) => {
      if (cssTryget(x, me(x).memcg - 1)) me(x).tmp = 1;
      else {
        x.jump = 'get_mem_cgroup_from_mm: retry';
        x.stop = true;
      }
    }),
    op('rcu_read_unlock', rcuReadUnlock),
  ],
  // The loop's next turn, still under rcu_read_lock: the task has moved to a live memcg (or root).
  'get_mem_cgroup_from_mm: retry': [
    op('memcg = mem_cgroup_from_task(rcu_dereference(mm->owner)) (read again)', (x) => {
      me(x).memcg = x.arg + 1;
    }),
    op('while (!css_tryget(&memcg->css)): read again', (x) => {
      if (cssTryget(x, me(x).memcg - 1)) me(x).tmp = 1;
      else {
        x.jump = 'get_mem_cgroup_from_mm: retry';
        x.stop = true;
      }
    }),
    op('rcu_read_unlock', rcuReadUnlock),
    op('go on to try_charge', (x) => {
      x.jump = 'try_charge';
    }),
  ],
  // try_charge(memcg, nr_pages): root returns early; a stock hit; or a batch charge and a refill.
  try_charge: [
    op('try_charge(memcg, nr_pages)', (x) => {
      const c = me(x);
      call(x, 'try_charge()', { m: c.memcg - 1, n: nrPages(x, c.page - 1) });
    }),
  ],
  // try_charge after its drain_all_stock(mem_over_limit): `goto retry` with drained = true.
  'try_charge: retry': [
    op('goto retry (drained): consume_stock, or charge nr_pages', (x) => {
      const c = me(x);
      call(x, 'try_charge()', { m: c.memcg - 1, n: nrPages(x, c.page - 1) });
      x.jump = 'commit_charge';
    }),
  ],
  consume_stock: [
    op('if (nr_pages > MEMCG_CHARGE_BATCH) return false', (x) => {
      if (consumeRefuses(x.n, x.L.config.batch)) x.stop = true;
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
  ],
  // drain_local_stock(work): on the stock's own CPU, irqs off.
  drain_local_stock: [
    op('drain_stock(stock)', (x) => {
      call(x, 'drain_stock', { st: x.st });
    }),
    op('clear_bit(FLUSHING_CACHED_CHARGE, &stock->flags)', (x) => {
      x.s.stock[x.st].flushing = 0;
    }),
  ],
  // The queued stock->work item running on its CPU.
  'drain_local_stock (work)': [
    op('drain_local_stock(&stock->work)', (x) => {
      call(x, 'drain_local_stock', { st: x.arg });
    }),
    op('work item done', (x) => {
      x.s.stock[x.arg].work = 0;
    }),
  ],
  // css_put(memcg) at out_put of mem_cgroup_charge: drops the lookup reference.
  'css_put(memcg)': [
    op('css_put(memcg)', (x) => cssPut(x, me(x).memcg - 1)),
    op('memcg goes out of scope', (x) => {
      me(x).tmp = 0;
      x.jump = END;
    }),
  ],
  uncharge_batch: [
    op('if (ug->memcg) uncharge_batch(ug)', (x) => {
      if (me(x).ugMemcg) call(x, 'uncharge_batch()', {});
    }),
    op('free_unref_page_list(page_list)', (x) => {
      x.jump = END;
    }),
  ],
  // drain_all_stock(root_memcg), spec §2.2: the trylock, then per CPU three racy steps, then unlock.
  'drain_all_stock: mutex_trylock': [
    op('root_memcg = memcg', (x) => {
      me(x).root = x.arg + 1;
    }),
    op('if (!mutex_trylock(&percpu_charge_mutex)) return', (x) => {
      if (x.s.mutex !== 0) {
        x.jump = '+drain_all_stock: mutex_unlock';
        x.stop = true;
        return;
      }
      x.s.mutex = x.cpu + 1;
      me(x).i = 0;
    }),
  ],
  'drain_all_stock: get_cpu': [
    op('curcpu = get_cpu() (preemption off: an RCU reader until put_cpu)', (x) => {
      rcuReadLock(x);
      me(x).preempt = 1;
      me(x).i = 0;
    }),
  ],
  'drain_all_stock: read stock->cached': [
    op('rcu_read_lock', rcuReadLock),
    op('memcg = stock->cached', (x) => {
      me(x).seen = x.s.stock[me(x).i].cached;
    }),
  ],
  'drain_all_stock: read stock->nr_pages': [
    op('flush = memcg && stock->nr_pages && mem_cgroup_is_descendant(memcg, root_memcg)', (x) => {
      const c = me(x);
      c.flush = c.seen !== 0 && x.s.stock[c.i].nr !== 0 && isDescendant(x, c.seen - 1, c.root - 1) ? 1 : 0;
    }),
    op('rcu_read_unlock', rcuReadUnlock),

    op(
      'if (flush && !test_and_set_bit(FLUSHING)) { cpu == curcpu ? drain_local_stock : schedule_work_on }',
      (x) => {
        const c = me(x);
        const st = x.s.stock[c.i];
        if (c.flush && !st.flushing) {
          st.flushing = 1;
          if (c.i === x.cpu) call(x, 'drain_local_stock', { st: c.i });
          else st.work = 1;
        }
      },
    ),
    op('next cpu', (x) => {
      const c = me(x);
      c.seen = 0;
      c.flush = 0;
      c.i++;
      if (c.i < x.L.config.cpus) x.jump = 'drain_all_stock: read stock->cached';
    }),
  ],
  'drain_all_stock: put_cpu': [
    op('put_cpu()', (x) => {
      rcuReadUnlock(x);
      me(x).preempt = 0;
    }),
  ],
  'drain_all_stock: mutex_unlock': [
    op('mutex_unlock(&percpu_charge_mutex)', (x) => {
      x.s.mutex = 0;
      me(x).i = 0;
    }),
  ],
  // css_killed_work_fn: mutex_lock(&cgroup_mutex), then offline_css → mem_cgroup_css_offline.
  css_killed_work_fn: [
    op('mutex_lock(&cgroup_mutex)', (x) => {
      x.s.cgroupMutex = x.cpu + 1;
    }),
    op('css = the killed css; offline_css(css) → mem_cgroup_css_offline(css)', (x) => {
      me(x).memcg = x.arg + 1;
    }),
  ],
  // css_killed_work_fn → offline_css → mem_cgroup_css_offline (after drain_all_stock), then the extra put.
  offline_css: [
    op('mem_cgroup_id_put(memcg)', (x) => idPut(x, me(x).memcg - 1)),
    op('css->flags &= ~CSS_ONLINE', (x) => {
      const css = memcgAt(x, me(x).memcg - 1);
      if (css) css.offline = 1;
    }),
    op('css_put(css) (the extra ref of kill_css)', (x) => cssPut(x, me(x).memcg - 1)),
    op('mutex_unlock(&cgroup_mutex)', (x) => {
      x.s.cgroupMutex = 0;
    }),
  ],
  // cgroup_rmdir → kill_css.
  kill_css: [
    op('css->flags |= CSS_DYING', (x) => {
      x.s.memcg[x.arg].killed = 1;
    }),
    op('css_get(css) (extra ref until ->css_offline)', (x) => cssGet(x, x.arg)),
    op('percpu_ref_kill_and_confirm(&css->refcnt) (drops the base ref)', (x) => cssPut(x, x.arg)),
  ],
  css_release_work_fn: [
    op('css->flags |= CSS_RELEASED', (x) => {
      x.s.memcg[x.arg].released = 1;
    }),
    op('queue_rcu_work(css_free_rwork_fn) (waits for the readers now inside rcu_read_lock)', (x) => {
      let mask = 0;
      x.s.cpu.forEach((c, i) => {
        if (c.rcu) mask |= 1 << i;
      });
      x.s.memcg[x.arg].gp = mask;
    }),
  ],
  css_free_rwork_fn: [
    op('mem_cgroup_css_free: kfree(memcg)', (x) => {
      deref(x, x.arg);
      x.s.memcg[x.arg].freed = 1;
    }),
    op('css_put(css->parent)', (x) => cssPut(x, x.L.parent[x.arg])),
  ],
};

/** Shared pieces of blocks that differ only by an op or two between the designs. */
export const shared = {
  // The outcome (try-charge.ts) says which charge succeeded: the batch (then a refill), or nr_pages.
  batchCharge: op('batch = max(MEMCG_CHARGE_BATCH, nr_pages); page_counter_try_charge(memcg, batch)', (x) => {
    x.batch = batchFor(x.arg, x.n, x.L.config.batch);
    pageCounterCharge(x, x.m, x.batch);
  }),
  rootReturns: op('if (mem_cgroup_is_root(memcg)) return 0', (x) => {
    if (x.m === ROOT) x.stop = true;
  }),
  // The step's argument is try_charge's outcome (try-charge.ts): a hit names the CPU whose stock
  // consume_stock takes the pages from (the task may have migrated); irqs are off on that CPU.
  consumeOrReturn: op('if (consume_stock(memcg, nr_pages)) return 0', (x) => {
    if (!isHit(x.arg)) return;
    const self = x.cpu;
    x.cpu = stockCpu(x.arg, self);
    const hit = call(x, 'consume_stock', { m: x.m, n: x.n });
    x.cpu = self;
    if (hit) {
      me(x).nr = x.n;
      x.stop = true;
    }
  }),
  // Every charge failed (a limit): reclaim, then drain_all_stock(mem_over_limit) once, and retry.
  reclaimDrain: op(
    'if (!drained && every charge failed) { drain_all_stock(mem_over_limit); drained = true; goto retry }',
    (x) => {
      if (!isReclaim(x.arg)) return;
      const c = me(x);
      c.root = overLimit(x.arg) + 1;
      c.drained = 1;
      x.jump = 'drain_all_stock: mutex_trylock';
      x.stop = true;
    },
  ),
  // The task may have migrated since consume_stock: the outcome names the CPU whose stock
  // refill_stock uses. refill_stock itself runs with irqs off on that CPU.
  refillRest: op('if (batch > nr_pages) refill_stock(memcg, batch - nr_pages)', (x) => {
    const batch = x.batch;
    if (batch <= x.n) return;
    const self = x.cpu;
    x.cpu = stockCpu(x.arg, self);
    call(x, 'refill_stock', { m: x.m, n: batch - x.n });
    x.cpu = self;
  }),
  handToCaller: op('return 0 (nr_pages charged for the caller)', (x) => {
    me(x).nr = x.n;
  }),
  drainIfSwitching: op('if (stock->cached != memcg) drain_stock(stock)', (x) => {
    if (x.s.stock[x.cpu].cached !== x.m + 1) call(x, 'drain_stock', { st: x.cpu });
  }),
  setCached: op('stock->cached = memcg', (x) => {
    x.s.stock[x.cpu].cached = x.m + 1;
  }),
  addPages: op('stock->nr_pages += nr_pages', (x) => {
    x.s.stock[x.cpu].nr += x.n;
  }),
  drainIfOverBatch: op('if (stock->nr_pages > MEMCG_CHARGE_BATCH) drain_stock(stock)', (x) => {
    if (x.s.stock[x.cpu].nr > x.L.config.batch) {
      x.s.branch |= Branch.refillOverflow;
      call(x, 'drain_stock', { st: x.cpu });
    }
  }),
  unchargeStockPages: op('if (stock->nr_pages) page_counter_uncharge(old, stock->nr_pages)', (x) => {
    const st = x.s.stock[x.st];
    if (st.nr) pageCounterUncharge(x, x.old, st.nr);
  }),
  zeroStock: op('stock->nr_pages = 0', (x) => {
    x.s.stock[x.st].nr = 0;
  }),
  clearCached: op('stock->cached = NULL', (x) => {
    x.s.stock[x.st].cached = 0;
  }),
  // The page stays the charging task's own (cpu.page keeps it busy, see guards.ts busy) until
  // mem_cgroup_charge returns: it is not yet mapped or on an LRU, so no other path can reach it.
  commitPointer: op('commit_charge: page->mem_cgroup = memcg', (x) => {
    const c = me(x);
    if (pageOk(x, c.page - 1)) x.s.page[c.page - 1] = c.memcg;
    c.nr = 0;
  }),
  gatherSwitch: op(
    'if (ug->memcg != page->mem_cgroup) { if (ug->memcg) uncharge_batch(ug); ug->memcg = page->mem_cgroup }',
    (x) => {
      const c = me(x);
      const pm = x.s.page[x.arg];
      x.ret = false;
      if (c.ugMemcg !== pm) {
        if (c.ugMemcg) call(x, 'uncharge_batch()', {});
        c.ugMemcg = pm;
        x.ret = true;
      }
      x.m = pm - 1;
    },
  ),
  gatherPages: op('ug->nr_pages += compound_nr(page)', (x) => {
    me(x).ugNr += nrPages(x, x.arg);
  }),
  clearPagePointer: op('page->mem_cgroup = NULL', (x) => {
    x.s.page[x.arg] = 0;
    me(x).pages |= 1 << x.arg;
  }),
  batchUncharge: op('if (!mem_cgroup_is_root(ug->memcg)) page_counter_uncharge(ug->memcg, nr_pages)', (x) => {
    const c = me(x);
    if (c.ugMemcg - 1 !== ROOT) pageCounterUncharge(x, c.ugMemcg - 1, c.ugNr);
  }),
  checkEvents: op('memcg_check_events(ug->memcg)', (x) => deref(x, me(x).ugMemcg - 1)),
  gatherClear: op('uncharge_gather_clear(ug)', (x) => {
    const c = me(x);
    c.ugMemcg = 0;
    c.ugNr = 0;
  }),
  splitMemcg: op('memcg = head->mem_cgroup', (x) => {
    x.m = x.s.page[x.L.frameFirst[x.arg]] - 1;
  }),
  splitPointers: op('head[i].mem_cgroup = memcg for each tail', (x) => {
    const first = x.L.frameFirst[x.arg];
    for (let k = 1; k < x.L.frameSize[x.arg]; k++) x.s.page[first + k] = x.m + 1;
    x.s.split[x.arg] = 1;
  }),
};

// ---------------------------------------------------------------------------------------------
// Programs (the kernel paths) and their guards.

const memcgArg = (arg: number, L: Layout) => memcgName(L, arg);

/**
 * The lookup's first read: a page the allocator can hand out, and any memcg not yet freed. The
 * task's css_set is read under RCU, so it may still name a memcg that was killed, offlined or even
 * released after the read began (css_set's css refs drop before its RCU-delayed free,
 * put_css_set_locked): css_tryget then succeeds while the count is above zero, and fails at zero.
 * A split THP frame with every page free may also be handed out whole again, as a THP.
 */
function chargeEntryChoices(s: State, L: Layout): number[] {
  const out: number[] = [];
  for (let p = 0; p < L.structFrame.length; p++) {
    const f = L.structFrame[p];
    const whole = L.isThp[f] && s.split[f] === 1 && L.structIsHead[p] && frameFree(s, L, f);
    for (const asThp of whole ? [false, true] : [false]) {
      if (!asThp && !chargeable(s, L, p)) continue;
      for (let m = 0; m < L.config.memcgs.length; m++)
        if (!s.memcg[m].freed) out.push(chargeArg(p, m, asThp));
    }
  }
  return out;
}

const chargeEntry: Step = {
  name: 'get_mem_cgroup_from_mm',
  doc: 'mem_cgroup_charge → get_mem_cgroup_from_mm: under rcu_read_lock, read mm->owner’s memcg (any memcg not yet freed: the read may be stale) and css_tryget it (css_tryget, not css_tryget_online: a dying memcg is taken while its count is above zero): the temporary reference. On failure the loop reads again (the retry step), still under rcu_read_lock.',
  choices: chargeEntryChoices,
  argName: (arg, L) =>
    `${pageName(L, argPage(arg))}${argWholeThp(arg) ? ' as a whole THP again' : ''}, ${memcgName(L, argMemcg(arg))}`,
};

/**
 * drain_all_stock(root_memcg), spec §2.2: mutex_trylock, then get_cpu (two steps: the holder can be
 * preempted between them), per CPU two racy steps, then put_cpu and mutex_unlock (two steps).
 */
const dasSteps = (entryChoices: Step['choices']): Step[] => [
  {
    name: 'drain_all_stock: mutex_trylock',
    doc: 'drain_all_stock(root_memcg): mutex_trylock(&percpu_charge_mutex), else return at once.',
    choices: entryChoices,
    argName: memcgArg,
  },
  {
    name: 'drain_all_stock: get_cpu',
    doc: 'curcpu = get_cpu(): preemption off until put_cpu, so no other task runs on this CPU and its drain work waits; the preempt-disabled region is an RCU reader (v4.20+).',
  },
  {
    name: 'drain_all_stock: read stock->cached',
    doc: 'for_each_online_cpu: rcu_read_lock; memcg = stock->cached (a racy read of a remote stock).',
  },
  {
    name: 'drain_all_stock: read stock->nr_pages',
    doc: 'reads stock->nr_pages and evaluates mem_cgroup_is_descendant(memcg, root_memcg), which dereferences memcg under RCU; rcu_read_unlock; then test_and_set_bit(FLUSHING_CACHED_CHARGE) and drain_local_stock on this CPU or schedule_work_on the other. The bit test is folded into this step: only drain_local_stock clears the bit, and a work item running in that gap is the same as one running just before the read (see docs/model.md).',
  },
  { name: 'drain_all_stock: put_cpu', doc: 'put_cpu(): preemption on again; the RCU reader ends.' },
  { name: 'drain_all_stock: mutex_unlock', doc: 'mutex_unlock(&percpu_charge_mutex).' },
];

const programs: Program[] = [];
programs[PROG.charge] = {
  name: 'mem_cgroup_charge',
  slot: true,
  steps: [
    chargeEntry,
    {
      name: 'try_charge',
      doc: 'try_charge(memcg, nr_pages): one step; consume_stock and refill_stock run with irqs off, the page_counter ops are atomics. The argument is the outcome (model/design/try-charge.ts): a consume_stock hit, a batch charge and refill_stock, nr_pages charged without a refill, or every charge failed and reclaim calls drain_all_stock(mem_over_limit); a hit or a refill may use another CPU’s stock (the task migrated).',
      choices: chargeChoices,
      argName: chargeChoiceName,
    },
    {
      name: 'commit_charge',
      doc: 'mem_cgroup_charge: (v5.9: css_get(memcg)), then commit_charge: page->mem_cgroup = memcg; the page is locked.',
    },
    { name: 'css_put(memcg)', doc: 'mem_cgroup_charge, out_put: css_put(memcg) drops the lookup reference.' },
    {
      name: 'get_mem_cgroup_from_mm: retry',
      doc: 'get_mem_cgroup_from_mm after a failed css_tryget, still under rcu_read_lock: the task’s memcg read again is a live one (a task is moved out of a cgroup before its rmdir), so css_tryget succeeds; then try_charge.',
      choices: (s, L) => indicesWhere(L.config.memcgs.length, (m) => !s.memcg[m].killed),
      argName: memcgArg,
    },
    // try_charge's reclaim: drain_all_stock(mem_over_limit) on the charging CPU, then the retry.
    ...dasSteps((s, _L, cpu) => [s.cpu[cpu].root - 1]),
    {
      name: 'try_charge: retry',
      doc: 'try_charge after drain_all_stock(mem_over_limit) (`drained = true; goto retry`): consume_stock, or nr_pages charged (the batch fallback or force); no second drain. Then commit_charge.',
      choices: chargeChoices,
      argName: chargeChoiceName,
      onlyIf: (c) => c.reclaim !== false,
    },
  ],
};
programs[PROG.uncharge] = {
  name: 'mem_cgroup_uncharge_list',
  slot: true,
  steps: [
    {
      name: 'uncharge_page',
      doc: 'uncharge_list → uncharge_page(page, ug): the page has refcount 0 (exclusive); flushes the batch when the memcg changes.',
      choices: (s, L) => indicesWhere(L.structFrame.length, (p) => unchargeable(s, L, p)),
      argName: (arg, L) => pageName(L, arg),
    },
    {
      name: 'uncharge_batch',
      doc: 'uncharge_list → uncharge_batch(ug) for the last batch; the list is then freed. Until then more pages may join.',
      orElse: 'uncharge_page',
    },
  ],
};
programs[PROG.offline] = {
  name: 'css_killed_work_fn',
  slot: true,
  steps: [
    {
      name: 'css_killed_work_fn',
      doc: 'css_killed_work_fn: mutex_lock(&cgroup_mutex) (held until the offline is done, so rmdir, css_release_work_fn and another offline wait), then offline_css → mem_cgroup_css_offline, which drains the stocks. A parent is offlined once its children are.',
      choices: (s, L) =>
        s.cgroupMutex !== 0
          ? []
          : indicesWhere(
              L.config.memcgs.length,
              (m) =>
                m !== ROOT &&
                s.memcg[m].killed &&
                !s.memcg[m].offline &&
                !runningOn(s, PROG.offline, m) &&
                !hasOnlineChildren(s, L, m),
            ),
      argName: memcgArg,
    },
    ...dasSteps((s, _L, cpu) => [s.cpu[cpu].memcg - 1]),
    {
      name: 'offline_css',
      doc: 'mem_cgroup_css_offline after drain_all_stock: mem_cgroup_id_put (the online pin); offline_css clears CSS_ONLINE; css_killed_work_fn puts the extra ref and unlocks cgroup_mutex.',
    },
  ],
};
// drain_all_stock on its own: a write to memory.max or memory.high (no cgroup_mutex).
programs[PROG.drainAll] = {
  name: 'memory_max_write',
  slot: true,
  steps: dasSteps((s, L) =>
    L.config.drainAll ? indicesWhere(L.config.memcgs.length, (m) => m !== ROOT && !s.memcg[m].killed) : [],
  ),
};
programs[PROG.split] = {
  name: 'split_huge_page',
  slot: false,
  steps: [
    {
      name: 'mem_cgroup_split_huge_fixup',
      doc: 'mem_cgroup_split_huge_fixup(head): under pgdat->lru_lock with the THP frozen; one step.',
      choices: (s, L) => indicesWhere(L.config.frames.length, (f) => splittable(s, L, f)),
      argName: (arg, L) => frameName(L, arg),
    },
  ],
};
programs[PROG.killCss] = {
  name: 'cgroup_rmdir',
  slot: false,
  steps: [
    {
      name: 'kill_css',
      doc: 'cgroup_rmdir → cgroup_destroy_locked → kill_css, under cgroup_mutex (so not while an offline or a release holds it): CSS_DYING, css_clear_dir (kernfs_remove waits for writes in flight on the cgroup’s files: no memory.max write of this memcg is in progress), css_get (extra), percpu_ref_kill (drops the base ref). Only once every child cgroup has been removed (css_has_online_children on the cgroup’s self css).',
      choices: (s, L) =>
        s.cgroupMutex !== 0
          ? []
          : indicesWhere(
              L.config.memcgs.length,
              (m) =>
                m !== ROOT &&
                !s.memcg[m].killed &&
                !hasLiveChildCgroups(s, L, m) &&
                !s.cpu.some((c) => c.op === PROG.drainAll + 1 && c.root === m + 1),
            ),
      argName: memcgArg,
    },
  ],
};
programs[PROG.drainWork] = {
  name: 'process_one_work',
  slot: false,
  cpuFromArg: true,
  steps: [
    {
      name: 'drain_local_stock (work)',
      doc: 'the stock->work item on its CPU (irqs off); not while that CPU has preemption off (drain_all_stock between get_cpu and put_cpu).',
      choices: (s, L) => indicesWhere(L.config.cpus, (c) => s.stock[c].work && !s.cpu[c].preempt),
      argName: (arg) => `cpu${arg}`,
    },
  ],
};
programs[PROG.release] = {
  name: 'css_release',
  slot: false,
  steps: [
    {
      name: 'css_release_work_fn',
      doc: 'the refcount of a killed css reached 0: css_release_work_fn, under cgroup_mutex (so not while an offline holds it), sets CSS_RELEASED and queues the free behind an RCU grace period.',
      choices: (s, L) =>
        s.cgroupMutex !== 0
          ? []
          : indicesWhere(
              L.config.memcgs.length,
              (m) => m !== ROOT && s.memcg[m].killed && s.memcg[m].ref === 0 && !s.memcg[m].released,
            ),
      argName: memcgArg,
    },
  ],
};
programs[PROG.free] = {
  name: 'css_free',
  slot: false,
  steps: [
    {
      name: 'css_free_rwork_fn',
      doc: 'after the grace period (no RCU reader that was inside when the free was queued): kfree(memcg), then css_put(parent). No cgroup_mutex.',
      choices: (s, L) =>
        indicesWhere(
          L.config.memcgs.length,
          (m) => m !== ROOT && s.memcg[m].released && !s.memcg[m].freed && s.memcg[m].gp === 0,
        ),
      argName: memcgArg,
    },
  ],
};

export const commonPrograms: readonly Program[] = programs;

/** The index of a step in a program of the shared list (witnesses name steps, not numbers). */
export function stepIndex(prog: number, name: string): number {
  const i = programs[prog].steps.findIndex((st) => st.name === name);
  if (i < 0) throw new Error(`program ${programs[prog].name} has no step "${name}"`);
  return i;
}
