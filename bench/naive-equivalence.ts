/**
 * A second, naive implementation of the equivalence product (properties/equivalence.ts over
 * checker/product.ts), written from the semantics alone to cross-check the product's counts. It
 * does not import checker/product.ts: pairs are JSON strings in a Set, successors come from the
 * sides' reference path `spec.next` (immer) only, and the BFS goes level by level.
 *
 * Semantics (pair = (l, r, mark), initial (l0, r0, 0)):
 * - key(a) = program name, kind, cpu, arg; internal = kind in INTERNAL_STEPS, or (program, kind) in
 *   INTERNAL_IN_PROGRAM, or a step of a program the other design's same program lacks; observing = kind in
 *   OBSERVING_STEPS; actor = cpu, or 254 for an event bound to no CPU; visible = not internal.
 * - closure(s): the visible keys enabled in any state reachable from s by internal steps (s included).
 * - unmatched(pair): each visible action of one side whose key is not in the other side's closure.
 * - mark 255: no successors. 0 < mark < 255 and an unmatched entry whose actor is mark - 1: no
 *   successors either (the sink). Otherwise, in order: (1) each left visible action with the same
 *   key enabled visible on the right, run on both, mark 1 + actor if observing else 0; (2) each
 *   left internal step; (3) each right internal step (both keep the mark); (4) each left visible
 *   observing action whose key is neither enabled on the right nor in closure(r), and whose
 *   css_tryget succeeds on the left (cpu.tmp is 1 after it): mark 255, states unchanged; (5) the same for the right side against closure(l).
 * - Invariants on every stored pair: same_projection (accountingFields equal), same_enabled
 *   (unless a divergence: no unmatched entry that is not observing). The first violation in BFS
 *   order is recorded; counting goes on to the end.
 */
import type { MemcgAction } from '../model/machine.js';
import type { State } from '../model/state.js';
import {
  accountingFields,
  INTERNAL_IN_PROGRAM,
  INTERNAL_STEPS,
  OBSERVING_STEPS,
} from '../properties/equivalence.js';
import type { MemcgSpec } from '../properties/spec.js';

export interface NaiveEquivalenceResult {
  distinct: number;
  transitions: number;
  depth: number;
  diverged: number;
  firstViolation?: { depth: number; property: 'same_projection' | 'same_enabled' };
}

interface NaivePair {
  l: State;
  r: State;
  mark: number;
}

const DIVERGED = 255;

/** One side: its enabled actions split into visible and internal, and its internal closure, memoised by state. */
class Side {
  private readonly closures = new Map<string, Set<string>>();
  private readonly internalKinds = new Set(INTERNAL_STEPS);
  private readonly observingKinds = new Set(OBSERVING_STEPS);

  /** Steps of this design's programs that the other design's same program lacks. */
  private readonly onlyHere: Set<string>;

  constructor(
    readonly spec: MemcgSpec,
    other: MemcgSpec,
  ) {
    const names = (d: MemcgSpec) =>
      d.design.programs.flatMap((p) => p.steps.map((st) => `${p.name}|${st.name}`));
    const theirs = new Set(names(other));
    this.onlyHere = new Set(names(spec).filter((n) => !theirs.has(n)));
  }

  key(a: MemcgAction): string {
    return `${this.spec.design.programs[a.prog].name}\0${a.kind}\0${a.cpu}\0${a.arg}`;
  }
  isInternal(a: MemcgAction): boolean {
    const prog = this.spec.design.programs[a.prog].name;
    return (
      this.internalKinds.has(a.kind) ||
      INTERNAL_IN_PROGRAM.some(([p, st]) => p === prog && st === a.kind) ||
      this.onlyHere.has(`${prog}|${a.kind}`)
    );
  }
  isObserving(a: MemcgAction): boolean {
    return this.observingKinds.has(a.kind);
  }
  actor(a: MemcgAction): number {
    return a.cpu >= 0 ? a.cpu : 254;
  }
  visible(s: State): MemcgAction[] {
    return [...this.spec.actions(s)].filter((a) => !this.isInternal(a));
  }
  internal(s: State): MemcgAction[] {
    return [...this.spec.actions(s)].filter((a) => this.isInternal(a));
  }

  /** The visible keys enabled in s or in any state its internal steps reach. */
  closure(s: State): Set<string> {
    const start = JSON.stringify(s);
    const memo = this.closures.get(start);
    if (memo) return memo;
    const keys = new Set<string>();
    const seen = new Set<string>([start]);
    let level: State[] = [s];
    while (level.length > 0) {
      const nextLevel: State[] = [];
      for (const x of level) {
        for (const a of this.spec.actions(x)) {
          if (!this.isInternal(a)) {
            keys.add(this.key(a));
            continue;
          }
          const y = this.spec.next(x, a);
          const k = JSON.stringify(y);
          if (seen.has(k)) continue;
          seen.add(k);
          nextLevel.push(y);
        }
      }
      level = nextLevel;
    }
    this.closures.set(start, keys);
    return keys;
  }

  /** The lookup's css_tryget fails on this side: cpu.tmp is 0 after it (read on a deep copy). */
  refuses(s: State, a: MemcgAction): boolean {
    return this.spec.next(JSON.parse(JSON.stringify(s)), a).cpu[a.cpu].tmp === 0;
  }
}

interface Unmatched {
  side: 'left' | 'right';
  key: string;
  observing: boolean;
  actor: number;
}

export function naiveEquivalence(
  left: MemcgSpec,
  right: MemcgSpec,
  opts: { maxStates?: number; stopAtViolation?: boolean } = {},
): NaiveEquivalenceResult {
  const maxStates = opts.maxStates ?? Number.POSITIVE_INFINITY;
  const L = new Side(left, right);
  const R = new Side(right, left);
  const l0 = left.initial()[0];
  const r0 = right.initial()[0];
  const lf = accountingFields(left.machine.L, l0);
  const rf = accountingFields(right.machine.L, r0);

  const unmatched = (p: NaivePair): Unmatched[] => {
    const out: Unmatched[] = [];
    const rc = R.closure(p.r);
    for (const a of L.visible(p.l)) {
      const k = L.key(a);
      if (!rc.has(k)) out.push({ side: 'left', key: k, observing: L.isObserving(a), actor: L.actor(a) });
    }
    const lc = L.closure(p.l);
    for (const b of R.visible(p.r)) {
      const k = R.key(b);
      if (!lc.has(k)) out.push({ side: 'right', key: k, observing: R.isObserving(b), actor: R.actor(b) });
    }
    return out;
  };
  const sink = (p: NaivePair, u: Unmatched[]) =>
    p.mark > 0 && p.mark < DIVERGED && u.some((x) => x.actor === p.mark - 1);
  const sameProjection = (p: NaivePair) => {
    if (lf.length !== rf.length) return false;
    for (let i = 0; i < lf.length; i++) if (lf[i].read(p.l) !== rf[i].read(p.r)) return false;
    return true;
  };

  const seen = new Set<string>();
  let diverged = 0;
  let transitions = 0;
  let depth = 0;
  let firstViolation: NaiveEquivalenceResult['firstViolation'];

  /** Stores p if new (checking the invariants and whether it is a divergence); returns it, or undefined if known. */
  const discover = (p: NaivePair, d: number): { p: NaivePair; isSink: boolean } | undefined => {
    const k = JSON.stringify(p);
    if (seen.has(k)) return undefined;
    if (seen.size >= maxStates) throw new Error(`naiveEquivalence: more than ${maxStates} pairs`);
    seen.add(k);
    if (d > depth) depth = d;
    const u = unmatched(p);
    const isSink = sink(p, u);
    if (p.mark === DIVERGED || isSink) diverged++;
    if (firstViolation === undefined) {
      if (!sameProjection(p)) firstViolation = { depth: d, property: 'same_projection' };
      else if (p.mark !== DIVERGED && !isSink && u.some((x) => !x.observing))
        firstViolation = { depth: d, property: 'same_enabled' };
    }
    return { p, isSink };
  };

  const successors = (p: NaivePair): NaivePair[] => {
    const out: NaivePair[] = [];
    const lv = L.visible(p.l);
    const rv = R.visible(p.r);
    const rKeys = rv.map((b) => R.key(b));
    const lKeys = lv.map((a) => L.key(a));
    // (1) the same visible event on both sides.
    for (const a of lv) {
      const i = rKeys.indexOf(L.key(a));
      if (i < 0) continue;
      const mark = L.isObserving(a) ? 1 + L.actor(a) : 0;
      out.push({ l: left.next(p.l, a), r: right.next(p.r, rv[i]), mark });
    }
    // (2), (3) internal steps of one side, the mark kept.
    for (const a of L.internal(p.l)) out.push({ l: left.next(p.l, a), r: p.r, mark: p.mark });
    for (const b of R.internal(p.r)) out.push({ l: p.l, r: right.next(p.r, b), mark: p.mark });
    // (4), (5) an observing event one side only can run, even after the other's internal steps.
    for (const a of lv) {
      const k = L.key(a);
      if (L.isObserving(a) && !rKeys.includes(k) && !R.closure(p.r).has(k) && !L.refuses(p.l, a))
        out.push({ l: p.l, r: p.r, mark: DIVERGED });
    }
    for (const b of rv) {
      const k = R.key(b);
      if (R.isObserving(b) && !lKeys.includes(k) && !L.closure(p.l).has(k) && !R.refuses(p.r, b))
        out.push({ l: p.l, r: p.r, mark: DIVERGED });
    }
    return out;
  };

  let level: { p: NaivePair; isSink: boolean }[] = [];
  const first = discover({ l: l0, r: r0, mark: 0 }, 0);
  if (first) level.push(first);
  for (let d = 0; level.length > 0; d++) {
    // With stopAtViolation: the level holding the first violation is the last one expanded into.
    if (opts.stopAtViolation && firstViolation) break;
    const nextLevel: { p: NaivePair; isSink: boolean }[] = [];
    for (const { p, isSink } of level) {
      if (p.mark === DIVERGED || isSink) continue;
      for (const t of successors(p)) {
        transitions++;
        const n = discover(t, d + 1);
        if (n) nextLevel.push(n);
      }
    }
    level = nextLevel;
  }
  return {
    distinct: seen.size,
    transitions,
    depth,
    diverged,
    ...(firstViolation ? { firstViolation } : {}),
  };
}
