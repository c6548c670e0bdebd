/**
 * drain_all_stock(root_memcg) (spec §2.2, §5.3 item 5): mutex_trylock, then get_cpu (two steps: the
 * holder can be preempted between them), per CPU two racy reads of a remote stock, then put_cpu and
 * mutex_unlock (two steps). Three kernel paths run it: css offline (lifecycle.ts), try_charge's
 * reclaim (charge.ts) and a write to memory.max (this file's path); they share these steps.
 */
import { indicesWhere } from '../guards.js';
import { isDescendant, ROOT, rcuReadLock, rcuReadUnlock } from '../kernel.js';
import { memcgName } from '../names.js';
import { objcgAt } from '../objcg.js';
import { call, me, type Op, op, type Step } from '../ops.js';
import type { Layout } from '../state.js';
import { type Ops, objcgSlab, type Path, type PathStep } from './path.js';

const memcgArg = (arg: number, L: Layout) => memcgName(L, arg);

const trylock: readonly Op[] = [
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
];

const getCpu: readonly Op[] = [
  op('curcpu = get_cpu() (preemption off: an RCU reader until put_cpu)', (x) => {
    rcuReadLock(x);
    me(x).preempt = 1;
    me(x).i = 0;
  }),
];

const readCached: readonly Op[] = [
  op('rcu_read_lock', rcuReadLock),
  op('memcg = stock->cached', (x) => {
    me(x).seen = x.s.stock[me(x).i].cached;
  }),
];

const OBJ_READ_1 = 'drain_all_stock: obj_stock_flush_required: read stock->cached_objcg';
const OBJ_READ_2 = 'drain_all_stock: obj_stock_flush_required: obj_cgroup_memcg(stock->cached_objcg)';

const flushForPages = op(
  'flush = memcg && stock->nr_pages && mem_cgroup_is_descendant(memcg, root_memcg)',
  (x) => {
    const c = me(x);
    c.flush = c.seen !== 0 && x.s.stock[c.i].nr !== 0 && isDescendant(x, c.seen - 1, c.root - 1) ? 1 : 0;
  },
);

/** The end of one CPU's turn: rcu_read_unlock, the flush, the next CPU (or put_cpu after the last). */
const finishCpu: readonly Op[] = [
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
    x.jump = c.i < x.L.config.cpus ? 'drain_all_stock: read stock->cached' : 'drain_all_stock: put_cpu';
  }),
];

const readNrPages: Ops = {
  old: [flushForPages, ...finishCpu],
  // v5.9: then obj_stock_flush_required(stock, root_memcg), still under rcu_read_lock (--objects only).
  new: [
    flushForPages,
    op('if (obj_stock_flush_required(stock, root_memcg)) flush = true', (x) => {
      if (!x.L.config.objects) return;
      x.jump = OBJ_READ_1;
      x.stop = true;
    }),
    ...finishCpu,
  ],
};

const objRead1: readonly Op[] = [
  op('if (stock->cached_objcg)', (x) => {
    if (x.s.objStock[me(x).i].cached === 0) return;
    x.jump = OBJ_READ_2;
    x.stop = true;
  }),
  ...finishCpu,
];

const objRead2: readonly Op[] = [
  op(
    'memcg = obj_cgroup_memcg(stock->cached_objcg); if (memcg && mem_cgroup_is_descendant(memcg, root_memcg)) flush = true',
    (x) => {
      const c = me(x);
      // The pointer is read again: the owning CPU's drain_obj_stock may have cleared it (3b8abb323953).
      const o = objcgAt(x, x.s.objStock[c.i].cached);
      if (o && o.memcg !== 0 && isDescendant(x, o.memcg - 1, c.root - 1)) c.flush = 1;
    },
  ),
  ...finishCpu,
];

const putCpu: readonly Op[] = [
  op('put_cpu()', (x) => {
    rcuReadUnlock(x);
    me(x).preempt = 0;
  }),
];

const unlock: readonly Op[] = [
  op('mutex_unlock(&percpu_charge_mutex)', (x) => {
    x.s.mutex = 0;
    me(x).i = 0;
  }),
];

/** The steps of drain_all_stock, entered with the root_memcg `entryChoices` gives. */
export function drainAllStockSteps(entryChoices: Step['choices']): PathStep[] {
  return [
    {
      name: 'drain_all_stock: mutex_trylock',
      doc: 'drain_all_stock(root_memcg): mutex_trylock(&percpu_charge_mutex), else return at once.',
      choices: entryChoices,
      argName: memcgArg,
      ops: trylock,
    },
    {
      name: 'drain_all_stock: get_cpu',
      doc: 'curcpu = get_cpu(): preemption off until put_cpu, so no other task runs on this CPU and its drain work waits; the preempt-disabled region is an RCU reader (v4.20+).',
      ops: getCpu,
    },
    {
      name: 'drain_all_stock: read stock->cached',
      doc: 'for_each_online_cpu: rcu_read_lock; memcg = stock->cached (a racy read of a remote stock).',
      ops: readCached,
    },
    {
      name: 'drain_all_stock: read stock->nr_pages',
      doc: 'reads stock->nr_pages and evaluates mem_cgroup_is_descendant(memcg, root_memcg), which dereferences memcg under RCU; rcu_read_unlock; then test_and_set_bit(FLUSHING_CACHED_CHARGE) and drain_local_stock on this CPU or schedule_work_on the other. The bit test is folded into this step: only drain_local_stock clears the bit, and a work item running in that gap is the same as one running just before the read (see docs/model.md).',
      ops: readNrPages,
    },
    {
      name: OBJ_READ_1,
      doc: 'v5.9 obj_stock_flush_required(stock, root_memcg), first read: `if (stock->cached_objcg)`, a plain load of a remote CPU’s stock (no READ_ONCE), still under rcu_read_lock. NULL: no obj flush. Only with --objects.',
      onlyIf: objcgSlab,
      ops: objRead1,
    },
    {
      name: OBJ_READ_2,
      doc: 'obj_stock_flush_required, second read: `memcg = obj_cgroup_memcg(stock->cached_objcg)` loads the pointer again and dereferences it, a step of its own: the stock’s CPU can run drain_obj_stock in between and clear it, and the load then dereferences NULL (fixed by 3b8abb323953 with one READ_ONCE, CVE-2023-53401). Then mem_cgroup_is_descendant(memcg, root_memcg); rcu_read_unlock and the flush as for the page stock.',
      onlyIf: objcgSlab,
      ops: objRead2,
    },
    {
      name: 'drain_all_stock: put_cpu',
      doc: 'put_cpu(): preemption on again; the RCU reader ends.',
      ops: putCpu,
    },
    { name: 'drain_all_stock: mutex_unlock', doc: 'mutex_unlock(&percpu_charge_mutex).', ops: unlock },
  ];
}

/** drain_all_stock on its own: a write to memory.max or memory.high (no cgroup_mutex). */
export const memoryMaxWrite: Path = {
  name: 'memory_max_write',
  slot: true,
  steps: drainAllStockSteps((s, L) =>
    L.config.drainAll ? indicesWhere(L.config.memcgs.length, (m) => m !== ROOT && !s.memcg[m].killed) : [],
  ),
};
