/**
 * The liveness claim of spec §3.3 for checker/liveness.ts: every killed memcg is eventually freed
 * once no page, swap record, objcg or kmem_cache points at it, under the fairness that queued
 * work runs, RCU grace periods end and kernel paths in flight complete. A subject (a non-root
 * memcg) is *stuck* in a state where it is killed, not freed, and nothing of those kinds points
 * at it; a fair run that stays stuck forever is a counterexample. Sockets are not modelled.
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
 * The queued work items and RCU callbacks, by step name: strongly fair per argument. The names are
 * checked against the designs' programs in test/properties/liveness.test.ts.
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

export type FairMode = 'default' | 'stock';

export function memcgLivenessClaim(spec: MemcgSpec, fair: FairMode): LivenessClaim<State, MemcgAction> {
  const L = spec.machine.L;
  const n = L.config.memcgs.length;
  const subjects = Array.from({ length: n - 1 }, (_, i) => memcgName(L, i + 1));
  const work = new Set(FAIR_WORK);
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
    stuck: (s, i) => {
      const m = s.memcg[i + 1];
      return m.killed === 1 && m.freed === 0 && pointersTo(s, L, i + 1, EXTERNAL_POINTERS).length === 0;
    },
    fairness,
    ...(fair === 'stock'
      ? {
          justice: Array.from({ length: L.config.cpus }, (_, c) => ({
            name: `cpu${c}'s stock drained or switched`,
            holds: (s: State, i: number) => s.stock[c].cached !== i + 2,
          })),
        }
      : {}),
  };
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
  let pinning: Set<number> | undefined;
  const minPages = new Map<number, number>();
  for (const s of states) {
    const excess = s.memcg[m].ref - holderRefs(s, L, m, scheme);
    if (excess <= 0) leak = false;
    if (excess >= 0) underflow = false;
    minExcess = Math.min(minExcess, excess);
    maxExcess = Math.max(maxExcess, excess);
    // The stocks that hold a reference on m (v5.9: any stock caching it; v5.8: only with pages).
    const here = new Set<number>();
    for (const h of holders(s, L, m, scheme)) {
      if (h.kind !== 'stock' || h.index === undefined) continue;
      here.add(h.index);
      minPages.set(h.index, Math.min(minPages.get(h.index) ?? Number.POSITIVE_INFINITY, s.stock[h.index].nr));
    }
    pinning = pinning ? new Set([...pinning].filter((c) => here.has(c))) : here;
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
  const stocks = [...(pinning ?? [])].sort((a, b) => a - b);
  if (stocks.length > 0) {
    const least = Math.min(...stocks.map((c) => minPages.get(c)!));
    return {
      kind: 'zombie',
      why: `${stocks.map((c) => `cpu${c}'s stock`).join(' and ')} ${stocks.length > 1 ? 'hold' : 'holds'} a reference on ${name} in every state of the cycle${least === 0 ? ' (nr_pages 0 on the cycle: the empty-stock zombie of §2.3)' : ''}`,
      stocks,
      minPages: least,
    };
  }
  return { kind: 'held', why: `${name} is held by what its ledger lists`, stocks: [] };
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
    const key = `${m}|${c.kind}|${c.stocks.join(',')}|${c.minPages === 0}`;
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
