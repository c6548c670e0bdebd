/**
 * The claims of v5.9's slab accounting (model/paths/slab.ts), derived from the state as the memcg
 * ledger is: who holds a reference on each obj_cgroup, which pages each objcg's bytes stand for,
 * and which objcg pointers must never name a freed objcg. All hold vacuously without --objects
 * (the slab groups are empty).
 */

import { sometimes, type Witness } from '../checker/index.js';
import { memcgName } from '../model/names.js';
import { objcgFreed } from '../model/objcg.js';
import { objcgUnits, PAGE_UNITS } from '../model/paths/obj-stock.js';
import { objcgName } from '../model/slab-state.js';
import { Branch, type Layout, type State } from '../model/state.js';

export interface ObjcgHolder {
  readonly who: string;
  readonly refs: number;
}

/**
 * The holders of references on objcg `o` (memcg o's): the base ref until percpu_ref_kill, each
 * object, each obj stock caching it, and each allocation between obj_cgroup_tryget and
 * memcg_slab_post_alloc_hook.
 */
export function objcgHolders(s: State, o: number): ObjcgHolder[] {
  const ptr = o + 1;
  const out: ObjcgHolder[] = [];
  if (!s.objcg[o].killed) out.push({ who: 'base ref (not reparented)', refs: 1 });
  s.objects.forEach((v, k) => {
    if (v === ptr) out.push({ who: `object${k}`, refs: 1 });
  });
  s.objStock.forEach((st, c) => {
    if (st.cached === ptr) out.push({ who: `obj stock of cpu${c} (${st.bytes} bytes)`, refs: 1 });
  });
  s.slabCpu.forEach((c, i) => {
    if (c.objcg === ptr && c.held) out.push({ who: `cpu${i}’s get_obj_cgroup_from_current`, refs: 1 });
  });
  return out;
}

function objcgHolderRefs(s: State, o: number): number {
  const ptr = o + 1;
  let n = s.objcg[o].killed ? 0 : 1;
  for (let k = 0; k < s.objects.length; k++) if (s.objects[k] === ptr) n++;
  for (let c = 0; c < s.objStock.length; c++) if (s.objStock[c].cached === ptr) n++;
  for (let i = 0; i < s.slabCpu.length; i++) if (s.slabCpu[i].objcg === ptr && s.slabCpu[i].held) n++;
  return n;
}

/** The first objcg whose count is not its holders' (-1: none). Root's objcg is never used. */
export function objcgLedgerBreak(s: State): number {
  for (let o = 1; o < s.objcg.length; o++)
    if (!s.objcg[o].released && s.objcg[o].ref !== objcgHolderRefs(s, o)) return o;
  return -1;
}

export function objcgLedgerText(s: State, L: Layout, o: number): string {
  const hs = objcgHolders(s, o);
  const sum = hs.reduce((n, h) => n + h.refs, 0);
  return `${objcgName(L, o + 1)}: refcount ${s.objcg[o].ref}, holders ${sum}: ${hs.map((h) => h.who).join(', ') || 'none'}`;
}

/**
 * Bytes (2 per page) memcg m's page counter owes to slab accounting: every live objcg whose memcg
 * is in m's subtree (its objects, the obj stocks caching it, its nr_charged_bytes: charged along
 * objcg->memcg's ancestors, root included, since __memcg_kmem_uncharge uncharges root too), plus
 * the stale bytes of objcgs reparented away from m (the ghost `stale`, docs/model.md).
 */
export function objcgCounterBytes(s: State, L: Layout, m: number): number {
  let n = s.objcg[m]?.stale ?? 0;
  for (let o = 0; o < s.objcg.length; o++) {
    const at = s.objcg[o].memcg - 1;
    if (!s.objcg[o].released && at >= 0 && L.ancestors[at].includes(m)) n += objcgUnits(s, o + 1);
  }
  // A slab charge in flight at root (an objcg reparented to root, with c5c8b16b596e's fix): the
  // `charge` holder counts in-flight pages of non-root memcgs only, as root's user pages are never charged.
  if (m === 0)
    for (let i = 0; i < s.slabCpu.length; i++) if (s.cpu[i].memcg === 1) n += s.cpu[i].nr * PAGE_UNITS;
  return n;
}

/** objcg pointers that name a freed objcg (objects, obj stocks, an allocation holding its ref). */
export function danglingObjcgs(s: State, L: Layout): string[] {
  const out: string[] = [];
  s.objects.forEach((v, k) => {
    if (v !== 0 && objcgFreed(s, v)) out.push(`object${k}->objcg = ${objcgName(L, v)} (freed)`);
  });
  s.objStock.forEach((st, c) => {
    if (st.cached !== 0 && objcgFreed(s, st.cached))
      out.push(`stock[cpu${c}].cached_objcg = ${objcgName(L, st.cached)} (freed)`);
  });
  s.slabCpu.forEach((c, i) => {
    if (c.objcg !== 0 && c.held && objcgFreed(s, c.objcg))
      out.push(`cpu${i} slab objcg = ${objcgName(L, c.objcg)} (freed)`);
  });
  return out;
}

export function hasDanglingObjcg(s: State): boolean {
  for (let k = 0; k < s.objects.length; k++)
    if (s.objects[k] !== 0 && objcgFreed(s, s.objects[k])) return true;
  for (let c = 0; c < s.objStock.length; c++)
    if (s.objStock[c].cached !== 0 && objcgFreed(s, s.objStock[c].cached)) return true;
  for (let i = 0; i < s.slabCpu.length; i++)
    if (s.slabCpu[i].objcg !== 0 && s.slabCpu[i].held && objcgFreed(s, s.slabCpu[i].objcg)) return true;
  return false;
}

/** Quiescence for slab: no object allocated, obj stocks empty, no objcg release pending. */
export function slabQuiescent(s: State): boolean {
  return (
    s.objects.every((v) => v === 0) &&
    s.objStock.every((st) => st.cached === 0) &&
    s.objcg.every((o) => !o.killed || o.released || o.ref !== 0)
  );
}

/** At quiescence every reparented objcg has been released (else it leaks, and pins its memcg). */
export function leakedObjcg(s: State): number {
  return s.objcg.findIndex((o, i) => i !== 0 && o.killed === 1 && o.released === 0);
}

export function leakedObjcgText(s: State, L: Layout, o: number): string {
  return `quiescent, yet reparented ${objcgName(L, o + 1)} has refcount ${s.objcg[o].ref} and is never released: it leaks, and pins ${memcgName(L, s.objcg[o].memcg - 1)} through its css reference`;
}

/** An obj stock with no cached objcg holds no bytes. */
export function objStockBroken(s: State): number {
  return s.objStock.findIndex((st) => st.cached === 0 && st.bytes !== 0);
}

/** The corners of the slab paths (--objects), as the issue asks: each new path is reached. */
export function slabWitnesses(_L: Layout): Witness<State>[] {
  return [
    sometimes('objcg_reparented_while_a_stock_caches_it', (s) =>
      s.objStock.some((st) => st.cached > 1 && s.objcg[st.cached - 1].killed === 1),
    ),
    sometimes('object_outlives_its_objcg_reparenting', (s) =>
      s.objects.some((v) => v > 1 && s.objcg[v - 1].killed === 1),
    ),
    sometimes('obj_cgroup_tryget_fails', (s) => (s.branch & Branch.objcgTrygetFailed) !== 0),
    sometimes('drain_obj_stock_parks_a_remainder', (s) => (s.branch & Branch.objStockParkedBytes) !== 0),
    sometimes(
      'obj_cgroup_release_uncharges_parked_pages',
      (s) => (s.branch & Branch.objcgReleaseUncharged) !== 0,
    ),
    sometimes('objcg_freed', (s) => s.objcg.some((o, i) => i > 0 && o.released === 1 && o.gp === 0)),
  ];
}

export { PAGE_UNITS };
