/**
 * A kernel path as one module (model/paths/*.ts): its steps, each with its guard (`choices`) beside
 * its effect (`ops`), the functions it calls, the ops the two designs differ in, and the state
 * fields it adds. A design is the list of paths (order.ts) plus its reference scheme (designs.ts).
 */
import type { Op, Step } from '../ops.js';
import type { SchemaPart } from '../schema.js';

/** Ops the same in v5.8 and v5.9, or per design (spec §2.3 lists the differences). */
export type Ops = readonly Op[] | { readonly old: readonly Op[]; readonly new: readonly Op[] };

/** A step: one kernel critical section, run atomically, with the ops it runs. */
export interface PathStep extends Step {
  readonly ops: Ops;
}

export interface Path {
  /** The kernel entry point, e.g. `mem_cgroup_charge`; its place in order.ts gives its number. */
  readonly name: string;
  /** A slot path occupies its CPU across steps; an event is one atomic step. */
  readonly slot: boolean;
  /** For an event: it runs on the CPU its argument names (a per-CPU work item). */
  readonly cpuFromArg?: boolean;
  readonly steps: readonly PathStep[];
  /** Kernel functions its steps call (`call(x, 'drain_stock', ...)`), by name. */
  readonly functions?: Readonly<Record<string, Ops>>;
  /** State fields the path adds (its locals, a new object): appended to the schema. */
  readonly schema?: SchemaPart;
}

/** The steps, each present only at bounds where `cond` holds too (a path the bounds leave out). */
export function onlyWhen(steps: readonly PathStep[], cond: NonNullable<Step['onlyIf']>): PathStep[] {
  return steps.map((st) => {
    const own = st.onlyIf;
    return { ...st, onlyIf: own ? (c, L) => cond(c, L) && own(c, L) : cond };
  });
}

/** v5.9's slab accounting through obj_cgroup is at these bounds: --objects, design new (paths/slab.ts). */
export const objcgSlab: NonNullable<Step['onlyIf']> = (c, L) => (c.objects ?? 0) > 0 && L.scheme === 'new';

/** v5.8's slab accounting through per-memcg kmem_caches: --objects, design old (paths/slab-v58.ts). */
export const kmemCacheSlab: NonNullable<Step['onlyIf']> = (c, L) =>
  (c.objects ?? 0) > 0 && L.scheme === 'old';
