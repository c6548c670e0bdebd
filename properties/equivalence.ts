/**
 * The patch's own claim (issue #16, docs/design-equivalence.md): "decouple reference counting from
 * page accounting" changes references, not accounting. Two designs run the same kernel events in
 * lockstep (checker/product.ts); after every event their accounting projections must be equal, and
 * an event one can run the other must be able to run too, after its internal steps.
 *
 * - The projection (accountingProjection): every page counter (and the swap/memsw counter with
 *   swap), every page's mem_cgroup and each frame's split, every stock's nr_pages and cached, each
 *   CPU's pages charged and not yet committed and its uncharge_gather (memcg, nr_pages), the swap
 *   records and slots, v1 charge moving's mc counts, and the Oops the kernel hit (a crash on one
 *   side only is a difference of behaviour). Not projected: css and id refcounts, the lifecycle
 *   flags past kill/offline (released, freed, the RCU waits), the ghosts.
 * - Internal steps (INTERNAL_STEPS): css_release_work_fn and css_free_rwork_fn run when a count
 *   reaches zero, and the patch moved exactly those counts: their timing may differ. A step that
 *   one design's program has and the other's does not (v5.8's css_put at the end of
 *   __memcg_kmem_charge_page, or a step a variant adds) is internal to its side too: there is no
 *   event to match it with, and the projection checked after it says whether it changes accounting.
 * - Observing events (OBSERVING_STEPS): the lookups that read a memcg the task may have left
 *   (any memcg not yet freed) and css_tryget it. Whether the memcg is still there and the tryget
 *   succeeds depends on its count, so the two designs may take different branches there without
 *   either being wrong; the runs then part (the product's divergence, reported as the witness
 *   `sides_diverged`) and are not compared further. A lookup of a memcg freed on the other side
 *   whose tryget fails here too is left out instead (`refuses`): it takes nothing, as the other
 *   side's not reading it takes nothing, and the path reads again. Every other event is visible.
 *
 * The claim checked is therefore: for every sequence of kernel events in which each css_tryget of
 * a lookup sees the same outcome in both designs, whatever the timing of the release and free, the
 * accounting after every event is the same and the same events can run next.
 *
 * Slab accounting (--objects) is refused: v5.8's per-memcg kmem_caches and v5.9's obj_cgroup are
 * different code (another patch series), not a change of references, and obj_cgroup_release
 * uncharges at a time a count decides.
 */
import {
  type Pair,
  type PairAction,
  type ProductSide,
  type ProductSpec,
  productSpec,
} from '../checker/product.js';
import type { MemcgAction } from '../model/machine.js';
import { frameName, memcgName, pageName, ptrName } from '../model/names.js';
import type { Layout, State } from '../model/state.js';
import { OOPS_NAMES } from '../model/state.js';
import type { MemcgSpec } from './spec.js';

/**
 * Internal steps, in every program: css_release_work_fn and css_free_rwork_fn, whose timing follows
 * a reference count (spec §2.1).
 */
export const INTERNAL_STEPS: readonly string[] = ['css_release_work_fn', 'css_free_rwork_fn'];

/**
 * Internal steps of one program: `css_put(memcg)` at the end of __memcg_kmem_charge_page, which
 * v5.8 runs (the lookup's reference put) and v5.9 jumps over (the lookup's reference becomes the
 * kernel page's, and it returns after the commit): references only, run on one side and not the
 * other. In mem_cgroup_charge both designs run it, so it stays visible there. The projection is
 * checked after it.
 */
export const INTERNAL_IN_PROGRAM: readonly (readonly [program: string, step: string])[] = [
  ['__memcg_kmem_charge_page', 'css_put(memcg)'],
];

/**
 * Lookups of "any memcg not yet freed" followed by css_tryget (get_mem_cgroup_from_mm, and
 * get_mem_cgroup_from_current for kernel pages, and the swap-in's fallback): both the choice (a
 * memcg freed on one side only) and the tryget's outcome (a count at zero on one side only) read
 * what the patch changed. The retry after a failed tryget reads a live memcg (its tryget cannot
 * fail), and the swap-in's css_tryget_online fails on kill in both designs: both are visible.
 */
export const OBSERVING_STEPS: readonly string[] = [
  'get_mem_cgroup_from_mm',
  'get_mem_cgroup_from_current',
  'do_swap_page: get_mem_cgroup_from_mm',
];

export class EquivalenceError extends Error {
  override name = 'EquivalenceError';
}

export type MemcgPair = Pair<State, State>;
export type MemcgPairAction = PairAction<MemcgAction, MemcgAction>;
export type EquivalenceSpec = ProductSpec<State, MemcgAction, State, MemcgAction>;

interface Field {
  readonly name: string;
  readonly read: (s: State) => number;
  /** The value in words (a pointer's memcg, a slot's use, the Oops); default the number. */
  readonly show?: (v: number) => string;
}

const SLOT_USE = ['free', 'swapped out', 'in swap cache'];

/** The accounting projection's fields at a layout, in a fixed order (`init` sizes the optional groups). */
export function accountingFields(L: Layout, init: State): Field[] {
  const f: Field[] = [];
  const ptr = (v: number) => ptrName(L, v);
  const memcgs = L.config.memcgs.length;
  for (let m = 0; m < memcgs; m++)
    f.push({ name: `page_counter(${memcgName(L, m)})`, read: (s) => s.memcg[m].usage });
  for (let m = 0; m < init.swapCounter.length; m++)
    f.push({ name: `swap_counter(${memcgName(L, m)})`, read: (s) => s.swapCounter[m] });
  for (let p = 0; p < L.structFrame.length; p++)
    f.push({ name: `${pageName(L, p)}->mem_cgroup`, read: (s) => s.page[p], show: ptr });
  for (let fr = 0; fr < L.isThp.length; fr++)
    if (L.isThp[fr] || L.frameSize[fr] > 1)
      f.push({
        name: `${frameName(L, fr)} split`,
        read: (s) => s.split[fr],
        show: (v) => (v ? 'yes' : 'no'),
      });
  for (let c = 0; c < L.config.cpus; c++) {
    f.push({ name: `stock[cpu${c}].nr_pages`, read: (s) => s.stock[c].nr });
    f.push({ name: `stock[cpu${c}].cached`, read: (s) => s.stock[c].cached, show: ptr });
    f.push({ name: `cpu${c} pages charged, not committed`, read: (s) => s.cpu[c].nr });
    f.push({ name: `cpu${c} ug->memcg`, read: (s) => s.cpu[c].ugMemcg, show: ptr });
    f.push({ name: `cpu${c} ug->nr_pages`, read: (s) => s.cpu[c].ugNr });
  }
  for (let k = 0; k < init.swapRecord.length; k++) {
    f.push({ name: `swap slot ${k} record`, read: (s) => s.swapRecord[k], show: ptr });
    f.push({ name: `swap slot ${k} use`, read: (s) => s.swapMap[k], show: (v) => SLOT_USE[v] ?? String(v) });
  }
  if (init.mc.length > 0) {
    f.push({ name: 'mc.from', read: (s) => s.mc[0].from, show: ptr });
    f.push({ name: 'mc.to', read: (s) => s.mc[0].to, show: ptr });
    f.push({ name: 'mc.precharge', read: (s) => s.mc[0].precharge });
    f.push({ name: 'mc.moved_charge', read: (s) => s.mc[0].moved });
    f.push({ name: 'mc.moved_swap', read: (s) => s.mc[0].movedSwap });
  }
  f.push({ name: 'oops', read: (s) => s.oops, show: (v) => (v ? (OOPS_NAMES[v] ?? String(v)) : 'none') });
  return f;
}

/** Each program's steps, as `program\0step`. */
const stepsOf = (spec: MemcgSpec) =>
  new Set(spec.design.programs.flatMap((p) => p.steps.map((st) => `${p.name}\0${st.name}`)));

function side(
  name: string,
  spec: MemcgSpec,
  other: MemcgSpec,
  fields: readonly Field[],
): ProductSide<State, MemcgAction> {
  const { programs } = spec.design;
  const internal = new Set(INTERNAL_STEPS);
  const theirs = stepsOf(other);
  // A step of this design only has no event to match on the other side: it is internal here, and
  // the projection, checked after it too, shows whether it changes accounting.
  const onlyHere = new Set([...stepsOf(spec)].filter((k) => !theirs.has(k)));
  const observing = new Set(OBSERVING_STEPS);
  const out = new Array<number>(fields.length);
  // Per program and step, computed once: the key's prefix and the two classifications.
  const prefix = programs.map((p) => p.steps.map((st) => `${p.name}\0${st.name}\0`));
  const inProgram = new Set(INTERNAL_IN_PROGRAM.map(([p, st]) => `${p}\0${st}`));
  const isInternal = programs.map((p) =>
    p.steps.map((st) => {
      const k = `${p.name}\0${st.name}`;
      return internal.has(st.name) || inProgram.has(k) || onlyHere.has(k);
    }),
  );
  const isObserving = programs.map((p) => p.steps.map((st) => observing.has(st.name)));
  return {
    name,
    spec,
    key: (a) => `${prefix[a.prog][a.step]}${a.cpu}\0${a.arg}`,
    internal: (a) => isInternal[a.prog][a.step],
    observing: (a) => isObserving[a.prog][a.step],
    actor: (a) => (a.cpu >= 0 ? a.cpu : 254),
    // The lookup's css_tryget fails (cpu.tmp stays 0): it takes no reference and charges nothing
    // to what it read, and the path reads again. (A copy: immer's result would freeze parts of s.)
    refuses: (s, a) => spec.next(structuredClone(s), a).cpu[a.cpu].tmp === 0,
    project: (s) => {
      for (let i = 0; i < fields.length; i++) out[i] = fields[i].read(s);
      return out;
    },
  };
}

/**
 * The product of two designs (or a design and a variant) at the same bounds. The sides' own
 * claims are not checked here (`memcg-check check` does that); symmetry is off (the product would
 * need the same permutation on both sides).
 */
export function equivalenceSpec(
  left: { name: string; spec: MemcgSpec },
  right: { name: string; spec: MemcgSpec },
): EquivalenceSpec {
  if ((left.spec.config.objects ?? 0) > 0)
    throw new EquivalenceError(
      'the equivalence check does not cover slab accounting (--objects): v5.8 and v5.9 account slab objects with different code (per-memcg kmem_caches, obj_cgroup), not with other references; give --objects 0',
    );
  if (JSON.stringify(left.spec.config) !== JSON.stringify(right.spec.config))
    throw new EquivalenceError('the two sides must be checked at the same bounds');
  const fields = accountingFields(left.spec.machine.L, left.spec.initial()[0]);
  if (left.name === right.name) right = { ...right, name: `${right.name} (right)` };
  return productSpec({
    name: `equivalence/${left.name}/${right.name}`,
    left: side(left.name, left.spec, right.spec, fields),
    right: side(
      right.name,
      right.spec,
      left.spec,
      accountingFields(right.spec.machine.L, right.spec.initial()[0]),
    ),
    fieldName: (i) => fields[i].name,
    formatValue: (i, v) => fields[i].show?.(v) ?? String(v),
  });
}
