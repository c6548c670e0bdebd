/**
 * The state of the model: plain objects and arrays of small integers (no Map or Set), so that it
 * encodes canonically and works as an immer draft. Pointers to memcgs are stored as index + 1 with
 * 0 for NULL; pointers to page structs likewise.
 */
import type { Config } from './config.js';

/** One memory cgroup (struct mem_cgroup and its css). */
export interface Memcg {
  /** css->refcnt (a percpu_ref). Meaningless for root (CSS_NO_REF): gets and puts are no-ops. */
  ref: number;
  /** memcg->id.ref (refcount_t): the online pin plus swap records (none modelled). */
  id: number;
  /** kill_css done: CSS_DYING set, base ref dropped, css_tryget_online fails from now on. */
  killed: number;
  /** css_killed_work_fn done: mem_cgroup_css_offline ran, CSS_ONLINE cleared, extra ref dropped. */
  offline: number;
  /** css_release_work_fn ran: CSS_RELEASED, css_free queued behind an RCU grace period. */
  released: number;
  /** css_free_rwork_fn ran: mem_cgroup_css_free → kfree(memcg); then css_put(parent). */
  freed: number;
  /** RCU readers (bit per CPU) that were inside a read-side section when the free was queued. */
  gp: number;
  /** page_counter `memory`, hierarchical: includes every descendant's charges. */
  usage: number;
}

/** struct memcg_stock_pcp of one CPU. */
export interface Stock {
  /** stock->cached (memcg index + 1, 0 = NULL). */
  cached: number;
  /** stock->nr_pages: pre-charged pages. */
  nr: number;
  /** FLUSHING_CACHED_CHARGE bit of stock->flags. */
  flushing: number;
  /** stock->work (drain_local_stock) queued by schedule_work_on and not yet run. */
  work: number;
}

/** The operation in flight on one CPU: a program counter and the locals of the kernel path. */
export interface Cpu {
  /** Program running (index + 1 into the design's programs), 0 = idle. */
  op: number;
  /** Index of the next step of the program. */
  pc: number;
  /** The memcg the path works on (charge: the looked-up memcg; offline/drain: root_memcg arg). */
  memcg: number;
  /** The page struct being charged (index + 1), until mem_cgroup_charge returns: it keeps the page private (guards.ts busy). */
  page: number;
  /** Pages charged by try_charge and not yet committed to the page (held by the caller). */
  nr: number;
  /** The local memcg pointer holds a temporary reference (css_tryget succeeded). */
  tmp: number;
  /** struct uncharge_gather: ug->memcg (index + 1) and ug->nr_pages. */
  ugMemcg: number;
  ugNr: number;
  /** Page structs already passed to uncharge_page in this uncharge_list (bit per struct). */
  pages: number;
  /** drain_all_stock: the CPU whose stock the loop is at. */
  i: number;
  /** drain_all_stock: the value read from stock->cached (memcg index + 1). */
  seen: number;
  /** drain_all_stock: the flush decision for CPU `i`. */
  flush: number;
  /** RCU read-side nesting depth: rcu_read_lock sections and get_cpu() (preemption off) regions. */
  rcu: number;
  /** Preemption off (between drain_all_stock's get_cpu and put_cpu): no other task runs on this CPU. */
  preempt: number;
  /** drain_all_stock's root_memcg (memcg index + 1): the css offlined, memory.max's memcg, or try_charge's mem_over_limit. */
  root: number;
  /** try_charge's `drained`: it already ran drain_all_stock(mem_over_limit) once in this charge. */
  drained: number;
}

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

/** Static facts derived from the config (never part of the state). */
export interface Layout {
  readonly config: Config;
  /** For each page struct: its frame, and whether it is a THP head or tail. */
  readonly structFrame: readonly number[];
  readonly structIsHead: readonly boolean[];
  readonly structIsTail: readonly boolean[];
  /** For each frame: its first page struct and count. */
  readonly frameFirst: readonly number[];
  readonly frameSize: readonly number[];
  readonly isThp: readonly boolean[];
  /** For each memcg: its parent index (-1 for root) and its ancestors (self first). */
  readonly parent: readonly number[];
  readonly ancestors: readonly (readonly number[])[];
  readonly children: readonly (readonly number[])[];
}

export function layoutOf(config: Config): Layout {
  const structFrame: number[] = [];
  const structIsHead: boolean[] = [];
  const structIsTail: boolean[] = [];
  const frameFirst: number[] = [];
  config.frames.forEach((f, fi) => {
    frameFirst.push(structFrame.length);
    for (let k = 0; k < f.subpages; k++) {
      structFrame.push(fi);
      structIsHead.push(f.kind === 'thp' && k === 0);
      structIsTail.push(f.kind === 'thp' && k > 0);
    }
  });
  const parent = config.memcgs.map((m) => m.parent);
  const ancestors = parent.map((_, i) => {
    const chain: number[] = [];
    for (let j = i; j >= 0; j = parent[j]) chain.push(j);
    return chain;
  });
  const children = parent.map((_, i) => parent.flatMap((p, j) => (p === i ? [j] : [])));
  return {
    config,
    structFrame,
    structIsHead,
    structIsTail,
    frameFirst,
    frameSize: config.frames.map((f) => f.subpages),
    isThp: config.frames.map((f) => f.kind === 'thp'),
    parent,
    ancestors,
    children,
  };
}

export function idleCpu(): Cpu {
  return {
    op: 0,
    pc: 0,
    memcg: 0,
    page: 0,
    nr: 0,
    tmp: 0,
    ugMemcg: 0,
    ugNr: 0,
    pages: 0,
    i: 0,
    seen: 0,
    flush: 0,
    rcu: 0,
    preempt: 0,
    root: 0,
    drained: 0,
  };
}

/**
 * Init: every memcg created and online (css_create, online_css). A non-root css has its base ref,
 * the ref the memcg ID pins (mem_cgroup_css_online: "memcg ID pins CSS"), and one ref per child
 * (init_and_link_css: css_get(parent)). id.ref = 1 (the online pin). No page charged, stocks empty.
 */
export function initialState(layout: Layout): State {
  const { config } = layout;
  return {
    memcg: config.memcgs.map((_, i) => ({
      ref: i === 0 ? 0 : 2 + layout.children[i].length,
      id: 1,
      killed: 0,
      offline: 0,
      released: 0,
      freed: 0,
      gp: 0,
      usage: 0,
    })),
    page: layout.structFrame.map(() => 0),
    split: config.frames.map(() => 0),
    stock: Array.from({ length: config.cpus }, () => ({ cached: 0, nr: 0, flushing: 0, work: 0 })),
    cpu: Array.from({ length: config.cpus }, idleCpu),
    mutex: 0,
    cgroupMutex: 0,
    branch: 0,
    oops: 0,
    oopsMemcg: 0,
  };
}
