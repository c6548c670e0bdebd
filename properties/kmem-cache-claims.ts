/**
 * The claims of v5.8's slab accounting (model/paths/slab-v58.ts), derived from the state as the
 * memcg ledger is: who holds a reference on each per-memcg kmem_cache, which pages each memcg's
 * counter owes its slab pages, and which cache pointers must never name a freed cache. All hold
 * vacuously in v5.9 and without --objects (the groups are empty).
 */
import { sometimes, type Witness } from '../checker/index.js';
import { cacheFreed, cacheLinked } from '../model/kmem-cache.js';
import { CACHE_STATE_NAMES, CacheState, kmemCacheName } from '../model/kmem-cache-state.js';
import { memcgName } from '../model/names.js';
import { Branch, type Layout, type State } from '../model/state.js';

export interface CacheHolder {
  readonly who: string;
  readonly refs: number;
}

/** The base ref lives from percpu_ref_init (memcg_create_kmem_cache) to percpu_ref_kill. */
const hasBase = (state: number) => state === CacheState.active || state === CacheState.deactivated;

/** The holders of references on cache `i` (memcg i's): the base ref, each slab page, each lookup in flight. */
export function cacheHolders(s: State, i: number): CacheHolder[] {
  const ptr = i + 1;
  const out: CacheHolder[] = [];
  if (hasBase(s.kmemCache[i].state)) out.push({ who: 'base ref (not killed)', refs: 1 });
  s.slabPage.forEach((v, k) => {
    if (v === ptr) out.push({ who: `slab page${k}`, refs: 1 });
  });
  s.kmemCacheCpu.forEach((c, t) => {
    if (c.cache === ptr && c.held) out.push({ who: `cpu${t}’s memcg_kmem_get_cache`, refs: 1 });
  });
  return out;
}

function cacheHolderRefs(s: State, i: number): number {
  const ptr = i + 1;
  let n = hasBase(s.kmemCache[i].state) ? 1 : 0;
  for (let k = 0; k < s.slabPage.length; k++) if (s.slabPage[k] === ptr) n++;
  for (let t = 0; t < s.kmemCacheCpu.length; t++)
    if (s.kmemCacheCpu[t].cache === ptr && s.kmemCacheCpu[t].held) n++;
  return n;
}

/** The first cache whose count is not its holders' (-1: none). Root has no per-memcg cache. */
export function cacheLedgerBreak(s: State): number {
  for (let i = 1; i < s.kmemCache.length; i++)
    if (cacheLinked(s.kmemCache[i]) && s.kmemCache[i].refcnt !== cacheHolderRefs(s, i)) return i;
  return -1;
}

export function cacheLedgerText(s: State, L: Layout, i: number): string {
  const hs = cacheHolders(s, i);
  const sum = hs.reduce((n, h) => n + h.refs, 0);
  return `${kmemCacheName(L, i + 1)} (${CACHE_STATE_NAMES[s.kmemCache[i].state]}): refcnt ${s.kmemCache[i].refcnt}, holders ${sum}: ${hs.map((h) => h.who).join(', ') || 'none'}`;
}

/**
 * Pages memcg m's page counter owes to v5.8 slab pages: each slab page memcg_charge_slab charged at
 * a memcg in m's subtree (the ghost slabCharged; root and the counters above it charged too), plus
 * the stale pages of slab pages uncharged at an ancestor after their cache was reparented (the
 * ghost `stale`, docs/model.md). A slab page uncharged at a memcg it was not charged through is not
 * covered: that is the mismatch page_counter_hierarchy reports (finding F7).
 */
export function cacheCounterPages(s: State, L: Layout, m: number): number {
  let n = s.kmemCache[m]?.stale ?? 0;
  for (let k = 0; k < s.slabCharged.length; k++) {
    const at = s.slabCharged[k] - 1;
    if (at > 0 && L.ancestors[at].includes(m)) n++;
  }
  return n;
}

/** Cache pointers that name a freed kmem_cache (slab pages, an allocation holding its ref). */
export function danglingCaches(s: State, L: Layout): string[] {
  const out: string[] = [];
  s.slabPage.forEach((v, k) => {
    if (v !== 0 && cacheFreed(s, v)) out.push(`slab page${k}->slab_cache = ${kmemCacheName(L, v)} (freed)`);
  });
  s.kmemCacheCpu.forEach((c, t) => {
    if (c.cache !== 0 && c.held && cacheFreed(s, c.cache))
      out.push(`cpu${t} kmem_cache = ${kmemCacheName(L, c.cache)} (freed)`);
  });
  return out;
}

export function hasDanglingCache(s: State): boolean {
  for (let k = 0; k < s.slabPage.length; k++)
    if (s.slabPage[k] !== 0 && cacheFreed(s, s.slabPage[k])) return true;
  for (let t = 0; t < s.kmemCacheCpu.length; t++) {
    const c = s.kmemCacheCpu[t];
    if (c.cache !== 0 && c.held && cacheFreed(s, c.cache)) return true;
  }
  return false;
}

/** Quiescence for v5.8 slab: no slab page, no create work, no deactivate or shutdown work pending. */
export function kmemCacheQuiescent(s: State): boolean {
  return (
    s.slabPage.every((v) => v === 0) &&
    s.kmemCache.every(
      (c) => !c.queued && c.state !== CacheState.deactivated && c.state !== CacheState.shutdown,
    )
  );
}

/** At quiescence every cache of a memcg whose kmem went offline has been destroyed (else it leaks). */
export function leakedCache(s: State): number {
  return s.kmemCache.findIndex((c, i) => i !== 0 && c.kmemOffline === 1 && cacheLinked(c));
}

export function leakedCacheText(s: State, L: Layout, i: number): string {
  const c = s.kmemCache[i];
  return `quiescent, yet ${kmemCacheName(L, i + 1)} of offline ${memcgName(L, i)} is ${CACHE_STATE_NAMES[c.state]} with refcnt ${c.refcnt} and is never destroyed: it leaks, and pins ${memcgName(L, c.memcg - 1)} through its css reference`;
}

/** The corners of the v5.8 slab paths (--objects, design old): each new path is reached. */
export function kmemCacheWitnesses(): Witness<State>[] {
  return [
    sometimes('kmem_cache_created', (s) => s.kmemCache.some((c) => c.state === CacheState.active)),
    sometimes('kmem_cache_create_skipped', (s) => (s.branch & Branch.cacheCreateSkipped) !== 0),
    sometimes(
      'memcg_charge_slab_while_the_cache_memcg_is_dying',
      (s) => (s.branch & Branch.chargeSlabDying) !== 0,
    ),
    sometimes('slab_page_outlives_its_cache_reparenting', (s) =>
      s.slabPage.some((v) => v > 1 && s.kmemCache[v - 1].memcg !== v),
    ),
    sometimes('kmem_cache_destroyed', (s) => s.kmemCache.some((c) => c.state === CacheState.destroyed)),
  ];
}
