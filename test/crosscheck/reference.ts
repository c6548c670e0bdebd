/**
 * Independent references for the cross-checks of the memcg model's pinned numbers.
 *
 * `plainBfs` is a plain breadth-first search over a Set of JSON strings, with successors computed
 * by the model's reference path `spec.next` (immer) only: it never touches the codec, `apply`,
 * `canonical` or anything in checker/. It is a faster copy of test/checker/naive.ts (which is
 * checked against hand counts): it keys states with `JSON.stringify` instead of a key-sorting
 * serialiser. That is safe for a cross-check: every state is an immer copy of the one initial
 * literal, so keys keep one order; if they ever did not, equal states would get two keys and the
 * reference would count *more* states than the checker, a loud mismatch, never a hidden one. A test
 * in naive-vs-checker.test.ts ties it to naive.ts on a small model.
 *
 * `orbitKey` renames a state by hand-written permutations of memcgs and page frames, at the level
 * of the state's objects (not its encoding), and keys the orbit by the smallest JSON string.
 */
import { type Config, parseFrames, parseMemcgs } from '../../model/config.js';
import type { MemcgAction } from '../../model/machine.js';
import type { Cpu, Memcg, State, Stock } from '../../model/state.js';

/** The part of a spec the reference uses. */
export interface Model<S, A> {
  initial(): readonly S[];
  actions(s: S): Iterable<A>;
  next(s: S, a: A): S;
}

export interface Node<S> {
  readonly state: S;
  readonly depth: number;
  readonly parent: number;
  /** Index among the parent's enabled actions (or in `initial()` for a root). */
  readonly via: number;
}

export interface BfsResult<S> {
  readonly nodes: readonly Node<S>[];
  readonly transitions: number;
  readonly depth: number;
  /** Transitions per action kind (successors computed, including known ones). */
  readonly fired: Readonly<Record<string, number>>;
  /** The node `stopAt` matched, if any. */
  readonly stoppedAt?: number;
}

export interface BfsOptions<S, A> {
  /** Stop at the first newly discovered state that matches (checked on discovery, in order). */
  readonly stopAt?: (s: S) => boolean;
  /** Action kind for the per-kind transition counts. */
  readonly kind?: (a: A) => string;
}

export function plainBfs<S, A>(m: Model<S, A>, options: BfsOptions<S, A> = {}): BfsResult<S> {
  const seen = new Set<string>();
  const nodes: Node<S>[] = [];
  const fired: Record<string, number> = {};
  let transitions = 0;
  let depth = 0;
  const discover = (state: S, d: number, parent: number, via: number): boolean => {
    const key = JSON.stringify(state);
    if (seen.has(key)) return false;
    seen.add(key);
    nodes.push({ state, depth: d, parent, via });
    if (d > depth) depth = d;
    return options.stopAt?.(state) ?? false;
  };
  const inits = m.initial();
  for (let i = 0; i < inits.length; i++) {
    if (discover(inits[i], 0, -1, i))
      return { nodes, transitions, depth, fired, stoppedAt: nodes.length - 1 };
  }
  for (let head = 0; head < nodes.length; head++) {
    const { state, depth: d } = nodes[head];
    let index = 0;
    for (const a of m.actions(state)) {
      transitions++;
      if (options.kind) {
        const k = options.kind(a);
        fired[k] = (fired[k] ?? 0) + 1;
      }
      if (discover(m.next(state, a), d + 1, head, index)) {
        return { nodes, transitions, depth, fired, stoppedAt: nodes.length - 1 };
      }
      index++;
    }
  }
  return { nodes, transitions, depth, fired };
}

/** The path (initial index, then action indices) the reference took to node `i`. */
export function pathOf<S>(r: BfsResult<S>, i: number): number[] {
  const path: number[] = [];
  for (let cur = i; cur >= 0; cur = r.nodes[cur].parent) path.push(r.nodes[cur].via);
  return path.reverse();
}

/** The smallest depth of a node satisfying `p`, or undefined. */
export function minDepth<S>(r: BfsResult<S>, p: (s: S) => boolean): number | undefined {
  let best: number | undefined;
  for (const n of r.nodes) if (p(n.state) && (best === undefined || n.depth < best)) best = n.depth;
  return best;
}

export const kindOf = (a: MemcgAction): string => a.kind;

/** Every permutation of `items` (as arrays of the same values in another order). */
export function permutationsOf(items: readonly number[]): number[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((x, i) =>
    permutationsOf([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]),
  );
}

/**
 * A renaming: memcg i becomes memcg `memcg[i]`, page struct p becomes `struct[p]`, frame f becomes
 * `frame[f]`. CPUs are never renamed.
 */
export interface Renaming {
  readonly memcg: readonly number[];
  readonly struct: readonly number[];
  readonly frame: readonly number[];
}

/** The renamed state, rebuilt field by field with a fixed key order. */
export function rename(s: State, r: Renaming): State {
  // Pointers are index + 1 with 0 = NULL.
  const mp = (ptr: number) => (ptr === 0 ? 0 : r.memcg[ptr - 1] + 1);
  const sp = (ptr: number) => (ptr === 0 ? 0 : r.struct[ptr - 1] + 1);
  const mask = (bits: number) => {
    let out = 0;
    for (let p = 0; p < r.struct.length; p++) if (bits & (1 << p)) out |= 1 << r.struct[p];
    return out;
  };
  const memcg: Memcg[] = new Array(s.memcg.length);
  s.memcg.forEach((m, i) => {
    memcg[r.memcg[i]] = {
      ref: m.ref,
      id: m.id,
      killed: m.killed,
      offline: m.offline,
      released: m.released,
      freed: m.freed,
      gp: m.gp,
      usage: m.usage,
    };
  });
  // objcg i is memcg i's: moved with its memcg, its memcg pointer renamed.
  const objcg: State['objcg'] = new Array(s.objcg.length);
  s.objcg.forEach((o, i) => {
    objcg[r.memcg[i]] = {
      ref: o.ref,
      memcg: mp(o.memcg),
      bytes: o.bytes,
      killed: o.killed,
      released: o.released,
      gp: o.gp,
      stale: o.stale,
    };
  });
  const page: number[] = new Array(s.page.length);
  s.page.forEach((pm, p) => {
    page[r.struct[p]] = mp(pm);
  });
  const split: number[] = new Array(s.split.length);
  s.split.forEach((v, f) => {
    split[r.frame[f]] = v;
  });
  const stock: Stock[] = s.stock.map((st) => ({
    cached: mp(st.cached),
    nr: st.nr,
    flushing: st.flushing,
    work: st.work,
  }));
  const cpu: Cpu[] = s.cpu.map((c) => ({
    op: c.op,
    pc: c.pc,
    memcg: mp(c.memcg),
    page: sp(c.page),
    nr: c.nr,
    tmp: c.tmp,
    ugMemcg: mp(c.ugMemcg),
    ugNr: c.ugNr,
    pages: mask(c.pages),
    i: c.i,
    seen: mp(c.seen),
    flush: c.flush,
    rcu: c.rcu,
    preempt: c.preempt,
    root: mp(c.root),
    drained: c.drained,
  }));
  // v5.8: kmem_cache i is memcg i's, likewise.
  const kmemCache: State['kmemCache'] = new Array(s.kmemCache.length);
  s.kmemCache.forEach((c, i) => {
    kmemCache[r.memcg[i]] = { ...c, memcg: mp(c.memcg) };
  });
  // swapCounter i is memcg i's counter: reordered with the memcgs; a record names a memcg.
  const swapCounter: number[] = new Array(s.swapCounter.length);
  s.swapCounter.forEach((v, i) => {
    swapCounter[r.memcg[i]] = v;
  });
  return {
    memcg,
    page,
    split,
    stock,
    cpu,
    mutex: s.mutex,
    cgroupMutex: s.cgroupMutex,
    branch: s.branch,
    oops: s.oops,
    oopsMemcg: mp(s.oopsMemcg),
    objcg,
    objStock: s.objStock.map((st) => ({ cached: mp(st.cached), bytes: st.bytes })),
    slabCpu: s.slabCpu.map((c) => ({ objcg: mp(c.objcg), held: c.held, slot: c.slot })),
    objects: s.objects.map(mp),
    kmemCache,
    kmemCacheCpu: s.kmemCacheCpu.map((c) => ({ cache: mp(c.cache), held: c.held, slot: c.slot })),
    slabPage: s.slabPage.map(mp),
    slabCharged: s.slabCharged.map(mp),
    swapCounter,
    swapRecord: s.swapRecord.map(mp),
    swapMap: [...s.swapMap],
    swapCpu: s.swapCpu.map((c) => ({ slot: c.slot })),
    branch2: [...s.branch2],
    mc: s.mc.map((m) => ({ ...m, from: mp(m.from), to: mp(m.to) })),
  };
}

/** The orbit of `s` under the renamings, keyed by its smallest JSON string. */
export function orbitKey(s: State, renamings: readonly Renaming[]): string {
  let best: string | undefined;
  for (const r of renamings) {
    const k = JSON.stringify(rename(s, r));
    if (best === undefined || k < best) best = k;
  }
  return best!;
}

/** Every combination of a memcg permutation and a frame permutation (with its struct map). */
export function renamings(
  memcgPerms: readonly (readonly number[])[],
  framePerms: readonly { readonly frame: readonly number[]; readonly struct: readonly number[] }[],
): Renaming[] {
  return memcgPerms.flatMap((memcg) => framePerms.map((f) => ({ memcg, frame: f.frame, struct: f.struct })));
}

/** A config with batch 2 (MEMCG_CHARGE_BATCH scaled down) built from the CLI syntax. */
export function cfg(cpus: number, memcgs: string, frames: string, drainAll: boolean): Config {
  return { cpus, memcgs: parseMemcgs(memcgs), frames: parseFrames(frames), batch: 2, drainAll };
}

/** Some invariant fails: the name of the first one in list order, else undefined. */
export function firstBroken<S>(
  invariants: readonly { name: string; holds: (s: S) => boolean }[],
  s: S,
): string | undefined {
  return invariants.find((i) => !i.holds(s))?.name;
}
