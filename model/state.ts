/**
 * The state of the model, declared field by field (the schema, model/schema.ts): plain objects and
 * arrays of small integers (no Map or Set), so that it encodes canonically and works as an immer
 * draft. Pointers to memcgs are stored as index + 1 with 0 for NULL; pointers to page structs
 * likewise. The codec, the symmetry, the reset of a path's locals, the reference holders, the
 * dangling-pointer claim and the per-step diff all read these declarations.
 *
 * Long because the fields are declared one by one, each with its kernel name and its diff label.
 */

import { BRANCH2_GROUP } from './branch2.js';
import { type Config, swapOf } from './config.js';
import { KMEM_CACHE_GROUPS, type KmemCache, type KmemCacheCpu } from './kmem-cache-state.js';
import { type Layout, layoutFor } from './layout.js';
import { MC_GROUPS, type Mc } from './mc-state.js';
import { frameName, memcgName, pageName, ptrName } from './names.js';
import { OOPS_NAMES } from './oops.js';
import { OWN_HOLDERS, POINTER_HOLDERS } from './references.js';
import { type Field, initialValues, recordGroup, type Schema, valueGroup } from './schema.js';
import { type Objcg, type ObjStock, SLAB_GROUPS, type SlabCpu } from './slab-state.js';
import { drainMemcgChange, lookupRefChange } from './state-changes.js';
import { SWAP_GROUPS, type SwapCpu } from './swap-state.js';

export type { Layout } from './layout.js';
export { Branch, OOPS_NAMES, Oops } from './oops.js';

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
    kernel: 'memcg->id.ref (refcount_t): the online pin plus one per swap record naming the memcg (--swap)',
    init: () => 1,
    // Root's id is real with swap (records on root take id references), so it is shown then.
    show: {
      label: (i, L) => `id.ref(${memcgName(L, i)})`,
      format: 'number',
      hide: (i, L) => i === 0 && !swapOf(L.config),
    },
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
  /** Per frame: a THP that mem_cgroup_split_huge_fixup has split, or a kernel page split_page cut (0 for small pages). */
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
  /** v5.9 slab accounting (model/slab-state.ts; empty arrays without --objects). */
  objcg: Objcg[];
  objStock: ObjStock[];
  slabCpu: SlabCpu[];
  /** page_obj_cgroups(page)[off] of each object slot: an obj_cgroup pointer, 0 = free. */
  objects: number[];
  /** v5.8 slab accounting (model/kmem-cache-state.ts; empty arrays in v5.9 and without --objects). */
  kmemCache: KmemCache[];
  kmemCacheCpu: KmemCacheCpu[];
  /** page->slab_cache of each slab page slot: a per-memcg kmem_cache pointer, 0 = free. */
  slabPage: number[];
  /** Ghost: the memcg memcg_charge_slab charged for each slab page (0 = none). */
  slabCharged: number[];
  /** Swap (model/swap-state.ts; empty arrays without --swap): per memcg, v2 swap or v1 memsw − memory. */
  swapCounter: number[];
  /** The swap_cgroup record of each swap slot (memcg index + 1, 0 = none). */
  swapRecord: number[];
  /** Each swap slot: SwapMap.free, .out (on disk only) or .cache (a swap cache page holds it). */
  swapMap: number[];
  swapCpu: SwapCpu[];
  /** Ghost, transient: SwapBranch bits of the last step (one entry with --swap, else none). */
  branch2: number[];
  /** v1 charge moving's `mc` (model/mc-state.ts; one entry with --move, else none). */
  mc: Mc[];
}

type DeepReadonly<T> = T extends number
  ? T
  : T extends readonly (infer E)[]
    ? readonly DeepReadonly<E>[]
    : { readonly [K in keyof T]: DeepReadonly<T[K]> };

/** The state as guards see it: they only read (effects write, in ops). */
export type ReadonlyState = DeepReadonly<State>;

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
      kernel:
        'a THP that mem_cgroup_split_huge_fixup has split, or a kernel page split_page has cut into order-0 pages (0 for small pages)',
      show: {
        label: (f, L) => `${frameName(L, f)} split`,
        format: 'yesno',
        hide: (f, L) => L.frameSize[f] === 1,
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
    ...SLAB_GROUPS,
    ...KMEM_CACHE_GROUPS,
    ...SWAP_GROUPS,
    BRANCH2_GROUP,
    ...MC_GROUPS,
  ],
  ownHolders: OWN_HOLDERS,
  pointerHolders: POINTER_HOLDERS,
};

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
