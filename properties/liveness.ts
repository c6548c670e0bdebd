/**
 * The liveness claim of spec §3.3 for checker/liveness.ts: every killed memcg is eventually freed
 * once no page, swap record, objcg or kmem_cache points at it, under the fairness that queued
 * work runs, RCU grace periods end and kernel paths in flight complete. A subject (a non-root
 * memcg) is *stuck* in a state where it is killed, not freed, and nothing of those kinds points
 * at it or at a memcg below it (a child kept alive by its page keeps its parent, through the
 * child's css_get(parent)); a fair run that stays stuck forever is a counterexample. Sockets are
 * not modelled.
 *
 * Fairness (docs/liveness.md gives the reasons):
 * - weak, per CPU: the next step of the kernel path in flight on that CPU (a path, once entered,
 *   runs to its end: the scheduler runs the task; spin locks and mutexes are released by their
 *   holders, which are themselves paths in flight);
 * - strong, per work item and argument: queued work and RCU callbacks run (FAIR_WORK), even when
 *   the CPUs or cgroup_mutex they need are busy at times (a workqueue guarantees it);
 * - with `--fair stock`, justice per CPU: "every CPU's stock is eventually drained or switched"
 *   (§3.3), read per subject as "infinitely often, that CPU's stock does not cache the memcg".
 * Every other step (charges, uncharges, rmdir, memory.max writes, swap, migration, moving) is the
 * environment's choice and may never happen.
 *
 * Each fair stuck set is then classified in kernel terms (`classify`): a **leak** when the
 * memcg's count exceeds what its holders account for in every state of the cycle (a missing
 * put: K3, K7, K9), an **underflow** when it is below them throughout (a missing get or an extra
 * put: the count passed zero, where the kernel would have released it too early; `check` reports
 * the put), a **zombie** when a per-cpu stock holds it throughout (the v5.9 stock that caches a
 * dying memcg, §2.3), otherwise **held** by what the ledger lists.
 */
import type { FairClass, FairStuckSet, LivenessClaim, LivenessRun } from '../checker/liveness.js';
import type { MemcgAction } from '../model/machine.js';
import { memcgName } from '../model/names.js';
import type { Layout, State } from '../model/state.js';
import { holderRefs, holders, pointersTo } from './holders.js';
import type { MemcgSpec } from './spec.js';

/** The pointers whose presence excuses a dying memcg from being freed (the claim's premise). */
export const EXTERNAL_POINTERS: ReadonlySet<string> = new Set(['page', 'swap_record', 'objcg', 'kmem_cache']);

/**
 * The queued work items, release callbacks and RCU callbacks, by step name: strongly fair per
 * argument (obj_cgroup_release is the percpu_ref release callback, run by the last put; as an event
 * here it may wait, and strong fairness makes it run). The names are checked against the designs'
 * programs in test/properties/liveness.test.ts.
 */
export const FAIR_WORK: readonly string[] = [
  'css_killed_work_fn',
  'css_release_work_fn',
  'css_free_rwork_fn',
  'drain_local_stock (work)',
  'obj_cgroup_release',
  'memcg_kmem_cache_create_func',
  'kmemcg_cache_deactivate_after_rcu',
  'kmemcg_cache_shutdown_fn',
];

/**
 * The entry steps of the environment's paths and events: not fair, they may never happen again.
 * With FAIR_WORK this names every path's first step; test/properties/liveness.test.ts checks that
 * a new path is put in one of the two lists.
 */
export const ENVIRONMENT: readonly string[] = [
  'get_mem_cgroup_from_mm',
  'uncharge_page',
  'drain_all_stock: mutex_trylock',
  'mem_cgroup_split_huge_fixup',
  'kill_css',
  'get_mem_cgroup_from_current',
  '__memcg_kmem_uncharge_page',
  'split_page',
  'get_obj_cgroup_from_current',
  'memcg_slab_free_hook',
  'memcg_kmem_get_cache',
  'memcg_uncharge_slab',
  'mem_cgroup_swapout',
  'mem_cgroup_try_charge_swap',
  'swap_entry_free',
  'do_swap_page: mem_cgroup_charge: mem_cgroup_from_id',
  '__remove_mapping: mem_cgroup_swapout (cgroup v2: returns at once)',
  'migrate_page_states → mem_cgroup_migrate',
  'mem_cgroup_can_attach',
];

export type FairMode = 'default' | 'stock';

export function memcgLivenessClaim(spec: MemcgSpec, fair: FairMode): LivenessClaim<State, MemcgAction> {
  const L = spec.machine.L;
  const n = L.config.memcgs.length;
  const subjects = Array.from({ length: n - 1 }, (_, i) => memcgName(L, i + 1));
  const work = new Set(FAIR_WORK);
  const subtree = L.children.map((_, m) => descendants(L, m));
  const programs = spec.design.programs;
  const weak = new Map<number, FairClass>();
  const strong = new Map<string, FairClass>();
  const fairness = (s: State, a: MemcgAction): FairClass | null => {
    if (a.cpu >= 0 && programs[a.prog].slot && s.cpu[a.cpu].op !== 0) {
      const known = weak.get(a.cpu);
      if (known) return known;
      const c = { name: `cpu${a.cpu}: the path in flight`, strong: false };
      weak.set(a.cpu, c);
      return c;
    }
    if (!work.has(a.kind)) return null;
    const label = spec.label(a);
    const name = programs[a.prog].slot ? label.replace(/^cpu\d+ /, '') : label;
    const known = strong.get(name);
    if (known) return known;
    const c = { name, strong: true };
    strong.set(name, c);
    return c;
  };
  return {
    name: 'dying_memcg_freed',
    subjects,
    // A page (or swap record, objcg, cache) of a descendant keeps the descendant, and so through
    // its css_get(parent) this memcg, legitimately alive: the premise is about the whole subtree.
    stuck: (s, i) => {
      const m = s.memcg[i + 1];
      return (
        m.killed === 1 &&
        m.freed === 0 &&
        subtree[i + 1].every((d) => pointersTo(s, L, d, EXTERNAL_POINTERS).length === 0)
      );
    },
    fairness,
    ...(fair === 'stock'
      ? {
          justice: Array.from({ length: L.config.cpus }, (_, c) => ({
            name: `cpu${c}'s stock drained or switched`,
            // Per subject: the stock does not cache it or a memcg below it (which holds it).
            holds: (s: State, i: number) => !subtree[i + 1].includes(s.stock[c].cached - 1),
          })),
        }
      : {}),
  };
}

/** Memcg m and every memcg below it. */
function descendants(L: Layout, m: number): number[] {
  return [m, ...L.children[m].flatMap((c) => descendants(L, c))];
}

export type StuckKind = 'leak' | 'underflow' | 'zombie' | 'held';

/** The kinds from worst to mildest: a gate's verdict names the worst found. */
export const STUCK_KINDS: readonly StuckKind[] = ['leak', 'underflow', 'held', 'zombie'];

export interface Classified {
  readonly kind: StuckKind;
  /** One line in kernel words: what keeps the memcg alive in the cycle. */
  readonly why: string;
  /** For a zombie: the CPUs whose stock holds a reference on the memcg in every state of the cycle. */
  readonly stocks: readonly number[];
  /** For a zombie: the smallest nr_pages those stocks have on the cycle (0: the empty-stock zombie). */
  readonly minPages?: number;
}

/** What keeps memcg `m` (an index) alive over the states of a fair stuck set. */
export function classify(spec: MemcgSpec, states: Iterable<State>, m: number): Classified {
  const L = spec.machine.L;
  const scheme = spec.design.scheme;
  let leak = true;
  let underflow = true;
  let minExcess = Number.POSITIVE_INFINITY;
  let maxExcess = Number.NEGATIVE_INFINITY;
  const subtree = descendants(L, m);
  let pinning: Set<string> | undefined;
  let heldBy: Map<string, string> | undefined;
  const minPages = new Map<string, number>();
  for (const s of states) {
    const excess = s.memcg[m].ref - holderRefs(s, L, m, scheme);
    if (excess <= 0) leak = false;
    if (excess >= 0) underflow = false;
    minExcess = Math.min(minExcess, excess);
    maxExcess = Math.max(maxExcess, excess);
    // The stocks that hold a reference on m or on a memcg below it, which holds m through its
    // css_get(parent) (v5.9: any stock caching it; v5.8: only with pages), as `cpu:memcg`.
    const here = new Set<string>();
    for (const d of subtree) {
      for (const h of holders(s, L, d, scheme)) {
        if (h.kind !== 'stock' || h.index === undefined) continue;
        const key = `${h.index}:${d}`;
        here.add(key);
        minPages.set(key, Math.min(minPages.get(key) ?? Number.POSITIVE_INFINITY, s.stock[h.index].nr));
      }
    }
    pinning = pinning ? new Set([...pinning].filter((k) => here.has(k))) : here;
    // By kind and index: a holder's text carries counts that may change along the cycle.
    const hs = holders(s, L, m, scheme);
    const here2 = new Map(hs.map((h) => [`${h.kind}:${h.index ?? h.who}`, h.who]));
    if (heldBy === undefined) heldBy = here2;
    else for (const k of [...heldBy.keys()]) if (!here2.has(k)) heldBy.delete(k);
  }
  const name = memcgName(L, m);
  if (leak) {
    return {
      kind: 'leak',
      why: `css(${name}) is ${minExcess === 1 ? 'one reference' : `${minExcess} references`} above its holders: a put is missing`,
      stocks: [],
    };
  }
  if (underflow) {
    const short = -maxExcess;
    return {
      kind: 'underflow',
      why: `css(${name}) is ${short === 1 ? 'one reference' : `${short} references`} below its holders (a get missing or a put too many): the count passed zero without a release (check reports the put)`,
      stocks: [],
    };
  }
  const pins = [...(pinning ?? [])]
    .map((k) => k.split(':').map(Number) as [number, number])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pins.length > 0) {
    const least = Math.min(...pins.map(([c, d]) => minPages.get(`${c}:${d}`)!));
    const what = pins.map(([c, d]) =>
      d === m
        ? `cpu${c}'s stock holds a reference on ${name}`
        : `cpu${c}'s stock holds a reference on ${memcgName(L, d)} (below ${name})`,
    );
    return {
      kind: 'zombie',
      why: `${what.join('; ')} in every state of the cycle${least === 0 ? ' (nr_pages 0 on the cycle: the empty-stock zombie of §2.3)' : ''}`,
      stocks: [...new Set(pins.map(([c]) => c))],
      minPages: least,
    };
  }
  const always = [...(heldBy?.values() ?? [])];
  return {
    kind: 'held',
    why: `${name} is held by ${always.length > 0 ? `${always.join(', ')} in every state of the cycle` : 'holders that change along the cycle (its ledger lists them)'}`,
    stocks: [],
  };
}

/** The holders of memcg m in state s, one line each (for the report). */
export function holderLines(L: Layout, scheme: 'old' | 'new', s: State, m: number): string[] {
  return holders(s, L, m, scheme).map((h) => `${h.who}${h.refs === 1 ? '' : ` (${h.refs} refs)`}`);
}

/** A group of fair stuck sets with the same subject and the same classification. */
export interface Finding {
  /** The memcg (index) and its name. */
  readonly m: number;
  readonly memcg: string;
  readonly classified: Classified;
  /** Fair stuck sets in the group; the first (smallest entry id) gives the lasso. */
  readonly sets: number;
  readonly first: FairStuckSet;
}

/** The run's fair stuck sets grouped by memcg and classification, in the order of their first set. */
export function findings(spec: MemcgSpec, run: LivenessRun<State, MemcgAction>): Finding[] {
  const groups = new Map<string, { f: Finding; n: number }>();
  for (const set of run.sets) {
    const m = set.subject + 1;
    const states = [...set.states].map((id) => run.state(id));
    const c = classify(spec, states, m);
    // A leak's and an underflow's text carry a count that may differ between sets: not in the key.
    const key = `${m}|${c.kind}|${c.kind === 'zombie' || c.kind === 'held' ? c.why : ''}`;
    const g = groups.get(key);
    if (g) g.n++;
    else
      groups.set(key, {
        f: { m, memcg: memcgName(spec.machine.L, m), classified: c, sets: 1, first: set },
        n: 1,
      });
  }
  return [...groups.values()].map(({ f, n }) => ({ ...f, sets: n }));
}

/** The findings a report shows as lassos: the first of each kind, and the first empty-stock zombie. */
export function shownFindings(all: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return all.filter((f) => {
    const key = `${f.classified.kind}|${f.classified.minPages === 0}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
