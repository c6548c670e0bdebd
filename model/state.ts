/**
 * The state of the model, declared field by field (the schema, model/schema.ts): plain objects and
 * arrays of small integers (no Map or Set), so that it encodes canonically and works as an immer
 * draft. Pointers to memcgs are stored as index + 1 with 0 for NULL; pointers to page structs
 * likewise. The codec, the symmetry, the reset of a path's locals, the reference holders, the
 * dangling-pointer claim and the per-step diff all read these declarations.
 */
import type { Config } from './config.js';
import { nrPagesOf } from './geometry.js';
import { type Layout, layoutFor } from './layout.js';
import { memcgName, pageName, ptrName } from './names.js';
import {
  type Change,
  type Field,
  initialValues,
  type OwnHolder,
  type PointerHolder,
  recordGroup,
  type Schema,
  valueGroup,
} from './schema.js';

export type { Layout } from './layout.js';

const yesNo = (label: string): Field['show'] => ({
  label: (i, L) => `${label}(${memcgName(L, i)})`,
  format: 'yesno',
  hide: (i) => i === 0,
});

/** One memory cgroup (struct mem_cgroup and its css). */
const MEMCG = {
  ref: {
    kind: 'count',
    kernel: 'css->refcnt (a percpu_ref); meaningless for root (CSS_NO_REF: gets and puts are no-ops)',
    // A non-root css has its base ref, the ref the memcg ID pins (mem_cgroup_css_online: "memcg ID
    // pins CSS"), and one ref per child (init_and_link_css: css_get(parent)).
    init: (i, L) => (i === 0 ? 0 : 2 + L.children[i].length),
    show: { label: (i, L) => `css(${memcgName(L, i)})`, format: 'number', hide: (i) => i === 0 },
  },
  id: {
    kind: 'count',
    kernel: 'memcg->id.ref (refcount_t): the online pin plus swap records (none modelled)',
    init: () => 1,
    show: { label: (i, L) => `id.ref(${memcgName(L, i)})`, format: 'number', hide: (i) => i === 0 },
  },
  killed: {
    kind: 'flag',
    kernel: 'kill_css done: CSS_DYING set, base ref dropped, css_tryget_online fails from now on',
    show: yesNo('killed'),
  },
  offline: {
    kind: 'flag',
    kernel: 'css_killed_work_fn done: mem_cgroup_css_offline ran, CSS_ONLINE cleared, extra ref dropped',
    show: yesNo('offline'),
  },
  released: {
    kind: 'flag',
    kernel: 'css_release_work_fn ran: CSS_RELEASED, css_free queued behind an RCU grace period',
    show: yesNo('released'),
  },
  freed: {
    kind: 'flag',
    kernel: 'css_free_rwork_fn ran: mem_cgroup_css_free → kfree(memcg); then css_put(parent)',
    show: yesNo('freed'),
  },
  gp: {
    kind: 'cpuMask',
    kernel: 'RCU readers (a bit per CPU) that were inside a read-side section when the free was queued',
    show: { label: (i, L) => `rcu-waits(${memcgName(L, i)})`, format: 'cpuMask', hide: (i) => i === 0 },
  },
  usage: {
    kind: 'count',
    kernel: 'page_counter `memory`, hierarchical: includes every descendant’s charges',
    show: { label: (i, L) => `page_counter(${memcgName(L, i)})`, format: 'number' },
  },
} as const satisfies Record<string, Field>;

/** struct memcg_stock_pcp of one CPU. */
const STOCK = {
  cached: {
    kind: 'memcg',
    kernel: 'stock->cached',
    show: { label: (c) => `stock[cpu${c}].cached`, format: 'ptr' },
    blame: (c) => `stock[cpu${c}].cached`,
  },
  nr: {
    kind: 'count',
    kernel: 'stock->nr_pages: pre-charged pages',
    show: { label: (c) => `stock[cpu${c}].nr_pages`, format: 'number' },
  },
  flushing: {
    kind: 'flag',
    kernel: 'FLUSHING_CACHED_CHARGE bit of stock->flags',
    show: { label: (c) => `stock[cpu${c}].FLUSHING`, format: 'setclear' },
  },
  work: {
    kind: 'flag',
    kernel: 'stock->work (drain_local_stock) queued by schedule_work_on and not yet run',
    show: { label: (c) => `stock[cpu${c}].work`, format: 'queued' },
  },
} as const satisfies Record<string, Field>;

/** The operation in flight on one CPU: a program counter and the locals of the kernel path. */
const CPU = {
  op: {
    kind: 'code',
    kernel: 'program running (index + 1 into the design’s programs), 0 = idle',
    local: true,
  },
  pc: { kind: 'code', kernel: 'index of the next step of the program', local: true },
  memcg: {
    kind: 'memcg',
    kernel: 'the memcg the path works on (charge: the looked-up memcg; offline: the css offlined)',
    local: true,
  },
  page: {
    kind: 'page',
    kernel:
      'the page struct being charged, until mem_cgroup_charge returns: it keeps the page private (guards.ts busy)',
    local: true,
  },
  nr: { kind: 'count', kernel: 'pages charged by try_charge and not yet committed to the page', local: true },
  tmp: {
    kind: 'flag',
    kernel: 'the local memcg pointer holds a temporary reference (css_tryget succeeded)',
    local: true,
    show: { change: (L, a, b, i) => lookupRefChange(L, a, b, i) },
  },
  ugMemcg: {
    kind: 'memcg',
    kernel: 'struct uncharge_gather: ug->memcg',
    local: true,
    show: { label: (i) => `cpu${i} ug->memcg`, format: 'ptr' },
    blame: (i) => `cpu${i}'s ug->memcg`,
  },
  ugNr: {
    kind: 'count',
    kernel: 'struct uncharge_gather: ug->nr_pages',
    local: true,
    show: { label: (i) => `cpu${i} ug->nr_pages`, format: 'number' },
  },
  pages: {
    kind: 'pageMask',
    kernel: 'page structs already passed to uncharge_page in this uncharge_list',
    local: true,
  },
  i: { kind: 'code', kernel: 'drain_all_stock: the CPU whose stock the loop is at', local: true },
  seen: {
    kind: 'memcg',
    kernel: 'drain_all_stock: the value read from stock->cached',
    local: true,
    show: { change: (L, a, b, i) => drainMemcgChange(L, a, b, i) },
    blame: (i) => `cpu${i}'s drain_all_stock local memcg`,
  },
  flush: { kind: 'flag', kernel: 'drain_all_stock: the flush decision for CPU `i`', local: true },
  rcu: {
    kind: 'count',
    kernel: 'RCU read-side nesting depth: rcu_read_lock sections and get_cpu() (preemption off) regions',
    // Unwound by rcu_read_unlock when the path returns (machine.ts), then zero like the others.
    local: true,
    show: { label: (i) => `cpu${i} rcu depth`, format: 'number' },
  },
  preempt: {
    kind: 'flag',
    kernel: 'preemption off (between drain_all_stock’s get_cpu and put_cpu): no other task runs on this CPU',
    local: true,
    show: { label: (i) => `cpu${i} preemption`, format: 'offon' },
  },
  root: {
    kind: 'memcg',
    kernel:
      'drain_all_stock’s root_memcg: the css offlined, memory.max’s memcg, or try_charge’s mem_over_limit',
    local: true,
  },
  drained: {
    kind: 'flag',
    kernel: 'try_charge’s `drained`: it already ran drain_all_stock(mem_over_limit) once in this charge',
    local: true,
  },
} as const satisfies Record<string, Field>;

export type Memcg = { -readonly [K in keyof typeof MEMCG]: number };
export type Stock = { -readonly [K in keyof typeof STOCK]: number };
export type Cpu = { -readonly [K in keyof typeof CPU]: number };

export interface State {
  memcg: Memcg[];
  /** page->mem_cgroup of each page struct (memcg index + 1, 0 = NULL). */
  page: number[];
  /** Per frame: a THP that mem_cgroup_split_huge_fixup has split (0 for small pages). */
  split: number[];
  stock: Stock[];
  cpu: Cpu[];
  /** percpu_charge_mutex: holder CPU + 1, 0 = unlocked. */
  mutex: number;
  /** cgroup_mutex: held (CPU + 1) by css_killed_work_fn across the offline; rmdir and css_release_work_fn take it in their step. */
  cgroupMutex: number;
  /**
   * Ghost, transient: rare branches the last step took (Branch bits), for witnesses that a branch
   * is reached; every step starts from 0, so it distinguishes only the states right after one.
   */
  branch: number;
  /** Ghost: the first bug the kernel would hit (see Oops), and the memcg it hit. 0 = none. */
  oops: number;
  oopsMemcg: number;
}

/** The lookup's reference as one diff line: `cpu0 lookup ref none->A`. */
function lookupRefChange(L: Layout, a: State, b: State, i: number): Change | undefined {
  const c = a.cpu[i];
  const d = b.cpu[i];
  if (c.tmp === d.tmp && (!d.tmp || c.memcg === d.memcg)) return undefined;
  const from = c.tmp ? ptrName(L, c.memcg) : 'none';
  const to = d.tmp ? ptrName(L, d.memcg) : 'none';
  return from === to ? undefined : { what: `cpu${i} lookup ref`, from, to };
}

/** drain_all_stock's read of stock->cached, with the stock it read. */
function drainMemcgChange(L: Layout, a: State, b: State, i: number): Change | undefined {
  const c = a.cpu[i];
  const d = b.cpu[i];
  if (c.seen === d.seen) return undefined;
  const from = d.seen !== 0 ? ` (read from stock[cpu${d.i}].cached)` : '';
  return {
    what: `cpu${i} drain_all_stock memcg`,
    from: ptrName(L, c.seen),
    to: `${ptrName(L, d.seen)}${from}`,
  };
}

type DeepReadonly<T> = T extends number
  ? T
  : T extends readonly (infer E)[]
    ? readonly DeepReadonly<E>[]
    : { readonly [K in keyof T]: DeepReadonly<T[K]> };

/** The state as guards see it: they only read (effects write, in ops). */
export type ReadonlyState = DeepReadonly<State>;

const pages = (n: number) => (n === 1 ? '1 page' : `${n} pages`);

/** The references a memcg holds by its own lifecycle (spec §3.1 I-OLD-REF, §3.2 I-NEW-REF). */
const OWN_HOLDERS: readonly OwnHolder[] = [
  {
    kind: 'base',
    list: (s, _L, m) => (s.memcg[m].killed ? [] : [{ who: 'base ref (css not killed)', refs: 1 }]),
    refs: (s, _L, m) => (s.memcg[m].killed ? 0 : 1),
  },
  {
    kind: 'extra',
    list: (s, _L, m) =>
      s.memcg[m].killed && !s.memcg[m].offline
        ? [{ who: 'kill_css extra ref (until offline)', refs: 1 }]
        : [],
    refs: (s, _L, m) => (s.memcg[m].killed && !s.memcg[m].offline ? 1 : 0),
  },
  {
    kind: 'id',
    list: (s, _L, m) => (s.memcg[m].id > 0 ? [{ who: `memcg ID (id.ref ${s.memcg[m].id})`, refs: 1 }] : []),
    refs: (s, _L, m) => (s.memcg[m].id > 0 ? 1 : 0),
  },
  {
    kind: 'child',
    list: (s, L, m) =>
      L.children[m]
        .filter((ch) => !s.memcg[ch].freed)
        .map((ch) => ({ who: `child ${memcgName(L, ch)}`, refs: 1 })),
    refs: (s, L, m) => {
      const kids = L.children[m];
      let n = 0;
      for (let i = 0; i < kids.length; i++) if (!s.memcg[kids[i]].freed) n++;
      return n;
    },
  },
];

/**
 * The memcg pointers that hold references (NEW: one each; OLD: one per charged page) and owe the
 * page counter their pages. Listed per group in the order the ledger prints them.
 */
const POINTER_HOLDERS: readonly PointerHolder[] = [
  {
    kind: 'page',
    field: 'page',
    pages: nrPagesOf,
    refs: { new: 'one', old: 'pages' },
    who: (_s, L, p) => `page ${pageName(L, p)}`,
    dangling: 'set',
    danglingText: (s, L, p) => `page ${pageName(L, p)}->mem_cgroup = ${ptrName(L, s.page[p])} (freed)`,
  },
  {
    kind: 'stock',
    field: 'stock.cached',
    pages: (s, _L, c) => s.stock[c].nr,
    refs: { new: 'one', old: 'pages' },
    who: (s, _L, c) => `stock of cpu${c} (${pages(s.stock[c].nr)})`,
    // OLD: stock->cached with nr_pages == 0 holds nothing and may dangle; refill_stock only compares it.
    dangling: 'holding',
    danglingText: (s, L, c) =>
      `stock[cpu${c}].cached = ${ptrName(L, s.stock[c].cached)} (freed, ${s.stock[c].nr} pages)`,
  },
  {
    kind: 'ug',
    field: 'cpu.ugMemcg',
    pages: (s, _L, i) => s.cpu[i].ugNr,
    refs: { new: 'one', old: 'pages' },
    who: (s, _L, i) => `uncharge batch of cpu${i} (${pages(s.cpu[i].ugNr)})`,
    dangling: 'set',
    danglingText: (s, L, i) => `cpu${i} ug->memcg = ${ptrName(L, s.cpu[i].ugMemcg)} (freed)`,
  },
  {
    kind: 'lookup',
    field: 'cpu.memcg',
    when: (s, i) => s.cpu[i].tmp !== 0,
    refs: { new: 'one', old: 'one' },
    who: (_s, _L, i) => `lookup ref of cpu${i}’s mem_cgroup_charge`,
    dangling: 'holding',
    danglingText: (s, L, i) => `cpu${i} mem_cgroup_charge memcg = ${ptrName(L, s.cpu[i].memcg)} (freed)`,
  },
  {
    kind: 'charge',
    field: 'cpu.memcg',
    pages: (s, _L, i) => s.cpu[i].nr,
    refs: { new: 'none', old: 'pages' },
    who: (s, _L, i) => `cpu${i}’s charge not yet committed (${pages(s.cpu[i].nr)})`,
  },
];

const MEMCG_FIELD_LIST: Readonly<Record<string, Field>> = MEMCG;

/** The state's schema: the groups in encoding order, and the reference holders. */
export const memcgSchema: Schema = {
  groups: [
    recordGroup('memcg', 'memcg', MEMCG_FIELD_LIST),
    valueGroup('page', 'page', {
      kind: 'memcg',
      kernel: 'page->mem_cgroup',
      show: { label: (p, L) => `${pageName(L, p)}->mem_cgroup`, format: 'ptr' },
      blame: (p, L) => `page ${pageName(L, p)}->mem_cgroup`,
    }),
    valueGroup('split', 'frame', {
      kind: 'flag',
      kernel: 'a THP that mem_cgroup_split_huge_fixup has split (0 for small pages)',
      show: {
        label: (f, L) => `THP ${pageName(L, L.frameFirst[f])} split`,
        format: 'yesno',
        hide: (f, L) => !L.isThp[f],
      },
    }),
    recordGroup('stock', 'cpu', STOCK),
    recordGroup('cpu', 'cpu', CPU),
    valueGroup('mutex', 'global', {
      kind: 'cpu',
      kernel: 'percpu_charge_mutex: holder CPU + 1, 0 = unlocked',
      show: { label: () => 'percpu_charge_mutex', format: 'holder' },
    }),
    valueGroup('cgroupMutex', 'global', {
      kind: 'cpu',
      kernel:
        'cgroup_mutex: held by css_killed_work_fn across the offline; rmdir and css_release_work_fn take it',
      show: { label: () => 'cgroup_mutex', format: 'holder' },
    }),
    valueGroup('branch', 'global', {
      kind: 'code',
      kernel: 'ghost: rare branches the last step took (Branch bits)',
    }),
    valueGroup('oops', 'global', {
      kind: 'code',
      kernel: 'ghost: the first bug the kernel would hit (Oops)',
      show: {
        change: (L, a, b) =>
          a.oops === b.oops
            ? undefined
            : {
                what: 'BUG',
                from: '',
                to: `${OOPS_NAMES[b.oops]}${b.oopsMemcg === 0 ? '' : ` on ${ptrName(L, b.oopsMemcg)}`}`,
              },
      },
    }),
    valueGroup('oopsMemcg', 'global', { kind: 'memcg', kernel: 'ghost: the memcg the first bug hit' }),
  ],
  ownHolders: OWN_HOLDERS,
  pointerHolders: POINTER_HOLDERS,
};

/** Bugs detected at the moment they happen (a WARN, a KASAN report, a resurrected ref). */
export const Oops = {
  none: 0,
  /** css_put below zero ("percpu ref <= 0 after switching to atomic"). */
  putBelowZero: 1,
  /** css_get on a zero count (resurrection). */
  getOnZero: 2,
  /** A dereference of a freed memcg outside any RCU protection (KASAN use-after-free). */
  useAfterFree: 3,
  /** page_counter_cancel: new < 0 ("page_counter underflow"). */
  counterUnderflow: 4,
  /** mem_cgroup_id_put below zero (refcount_t saturation warning). */
  idPutBelowZero: 5,
  /** A css get/put or any access through a NULL memcg pointer (an oops: "BUG: kernel NULL pointer dereference"). */
  nullMemcg: 6,
  /** compound_nr or any access through a NULL page pointer (an oops as well). */
  nullPage: 7,
} as const;

export const OOPS_NAMES: Record<number, string> = {
  1: 'css_put below zero',
  2: 'css_get on a zero refcount',
  3: 'use after free',
  4: 'page_counter underflow',
  5: 'mem_cgroup_id_put below zero',
  6: 'NULL pointer dereference of a memcg',
  7: 'NULL pointer dereference of a page',
};

/** Bits of `State.branch`: a rare branch of a kernel function, taken by the step just run. */
export const Branch = {
  /** refill_stock: stock->nr_pages > MEMCG_CHARGE_BATCH after the refill, so it drains the stock. */
  refillOverflow: 1,
} as const;

export function layoutOf(config: Config, schema: Schema = memcgSchema): Layout {
  return layoutFor(config, schema);
}

/** A CPU with no path in flight (every field of the cpu group zero). */
export function idleCpu(): Cpu {
  return Object.fromEntries(Object.keys(CPU).map((k) => [k, 0])) as Cpu;
}

/**
 * Init: every memcg created and online (css_create, online_css), with the initial values the
 * schema declares: base ref, ID pin and children's refs; id.ref = 1 (the online pin). No page
 * charged, stocks empty, every CPU idle.
 */
export function initialState(layout: Layout): State {
  return initialValues(layout.schema, layout);
}
