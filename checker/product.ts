/**
 * The product of two specs driven by the same events: an equivalence check on a projection of
 * their states (docs/design-equivalence.md). Generic: it knows nothing about memcg.
 *
 * A pair state holds one state of each side and a mark. Its actions are
 * - a visible event enabled on both sides (actions with the same `key`), run on both at once;
 * - an internal step of either side alone (`internal`: steps whose timing may legitimately differ);
 * - an *observing* event (`observing`: one whose outcome reads what the two sides may keep apart,
 *   such as a reference count) enabled on one side only, even after the other side's internal
 *   steps, unless it `refuses` what it read: it leads to the pair's *divergence* sink, which ends
 *   the comparison of those runs.
 *
 * Two invariants are checked on every pair:
 * - `same_projection`: the two projections are equal;
 * - `same_enabled`: a visible event enabled on one side is enabled on the other, now or after some
 *   of its internal steps. After an observing event run on both sides (the mark names its actor),
 *   a difference in what that actor can do next is the event's outcomes differing (one side's
 *   tryget failed): the pair is then a divergence too, with no successors, and not a violation.
 *
 * Every interleaving of internal steps is explored, so the projections must agree whatever the
 * internal timing; the enabledness check asks only that the other side *can* catch up. The
 * witness `sides_diverged` reaches the first divergence (the shortest runs where the two sides
 * observed different outcomes).
 */
import { CheckerError } from './errors.js';
import { type Enabled, enabled, type ProductSide, pairCodec, reaches } from './product-side.js';
import type { Invariant, Spec, Witness } from './types.js';

export type { ProductSide } from './product-side.js';

/** The mark of a pair: 0, or 1 + the actor of the observing event just run on both sides, or DIVERGED. */
export const DIVERGED = 255;

export interface Pair<S, T> {
  l: S;
  r: T;
  mark: number;
}

export type PairAction<A, B> =
  | { readonly side: 'both'; readonly l: A; readonly r: B }
  | { readonly side: 'left'; readonly l: A }
  | { readonly side: 'right'; readonly r: B }
  /** An observing event enabled on one side only: the pair diverges (the states stay as they were). */
  | { readonly side: 'diverge'; readonly l?: A; readonly r?: B };

export interface ProductOptions<S, A, T, B> {
  readonly name: string;
  readonly left: ProductSide<S, A>;
  readonly right: ProductSide<T, B>;
  /** The name of projection field `i`, for messages. */
  readonly fieldName: (i: number) => string;
  /** Field `i`'s value `v` in words (a pointer's name, say). Default: the number. */
  readonly formatValue?: (i: number, v: number) => string;
  /** The most states an internal closure may have before the check gives up (an error). Default 4096. */
  readonly maxClosure?: number;
}

export interface ProductSpec<S, A, T, B> extends Spec<Pair<S, T>, PairAction<A, B>> {
  /** The fields whose values differ between the sides, with both values. */
  differing(p: Pair<S, T>): { field: string; left: string; right: string }[];
  /** The visible events one side can do and the other cannot (after its internal steps). */
  unmatched(p: Pair<S, T>): { side: 'left' | 'right'; key: string; label: string; observing: boolean }[];
  /** Whether the pair is a divergence: observed outcomes differ; the comparison ends there. */
  diverged(p: Pair<S, T>): boolean;
}

export function productSpec<S, A, T, B>(o: ProductOptions<S, A, T, B>): ProductSpec<S, A, T, B> {
  const { left: L, right: R } = o;
  const max = o.maxClosure ?? 4096;
  if (L.spec.initial().length !== 1 || R.spec.initial().length !== 1)
    throw new CheckerError('E_SPEC_THROWS', 'the product needs one initial state on each side');

  /** Visible events of one side not enabled on the other, even after its internal steps. */
  function unmatched(p: Pair<S, T>) {
    const el = enabled(L, p.l);
    const er = enabled(R, p.r);
    const out: { side: 'left' | 'right'; key: string; label: string; observing: boolean; actor: number }[] =
      [];
    const rk = new Set(er.keys);
    const lk = new Set(el.keys);
    const lMissing = el.keys.filter((k) => !rk.has(k));
    const rMissing = er.keys.filter((k) => !lk.has(k));
    const rFound = reaches(R, p.r, lMissing, max);
    const lFound = reaches(L, p.l, rMissing, max);
    el.visible.forEach((a, i) => {
      const k = el.keys[i];
      if (rk.has(k) || rFound.has(k)) return;
      out.push({
        side: 'left',
        key: k,
        label: L.spec.label(a),
        observing: L.observing(a),
        actor: L.actor(a),
      });
    });
    er.visible.forEach((b, i) => {
      const k = er.keys[i];
      if (lk.has(k) || lFound.has(k)) return;
      out.push({
        side: 'right',
        key: k,
        label: R.spec.label(b),
        observing: R.observing(b),
        actor: R.actor(b),
      });
    });
    return out;
  }

  /** An observing event's outcomes differed: the actor's next events differ on the two sides. */
  const outcomeDiffered = (p: Pair<S, T>, u: ReturnType<typeof unmatched>) =>
    p.mark > 0 && p.mark !== DIVERGED && u.some((x) => x.actor === p.mark - 1);
  const diverged = (p: Pair<S, T>) => p.mark === DIVERGED || (p.mark > 0 && outcomeDiffered(p, unmatched(p)));

  function differing(p: Pair<S, T>) {
    const a = L.project(p.l);
    const b = R.project(p.r);
    if (a.length !== b.length)
      throw new CheckerError('E_SPEC_THROWS', `the projections have ${a.length} and ${b.length} fields`);
    const out: { field: string; left: string; right: string }[] = [];
    const v = o.formatValue ?? ((_i: number, x: number) => String(x));
    for (let i = 0; i < a.length; i++)
      if (a[i] !== b[i]) out.push({ field: o.fieldName(i), left: v(i, a[i]), right: v(i, b[i]) });
    return out;
  }

  const sameProjection: Invariant<Pair<S, T>> = {
    type: 'always',
    name: 'same_projection',
    holds: (p) => {
      const a = L.project(p.l);
      const b = R.project(p.r);
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
      return a.length === b.length;
    },
    explain: (p) =>
      `the projections differ: ${differing(p)
        .map((d) => `${d.field} is ${d.left} in ${L.name}, ${d.right} in ${R.name}`)
        .join('; ')}`,
  };
  // Violated by a visible, non-observing event one side can do and the other cannot; after an
  // observing event, the differences of its actor are that event's outcome (a divergence) instead.
  const real = (p: Pair<S, T>) => {
    if (p.mark === DIVERGED) return [];
    const u = unmatched(p);
    if (outcomeDiffered(p, u)) return [];
    return u.filter((x) => !x.observing);
  };
  const sameEnabled: Invariant<Pair<S, T>> = {
    type: 'always',
    name: 'same_enabled',
    holds: (p) => real(p).length === 0,
    explain: (p) =>
      real(p)
        .map(
          (x) =>
            `${x.label} can run in ${x.side === 'left' ? L.name : R.name} and not in ${x.side === 'left' ? R.name : L.name}, even after its internal steps`,
        )
        .join('; '),
  };
  const sidesDiverged: Witness<Pair<S, T>> = { type: 'sometimes', name: 'sides_diverged', holds: diverged };

  function* actions(p: Pair<S, T>): Iterable<PairAction<A, B>> {
    if (p.mark === DIVERGED) return;
    const el = enabled(L, p.l);
    const er = enabled(R, p.r);
    if (p.mark > 0) {
      const u = unmatchedQuick(p, el, er);
      if (u && outcomeDiffered(p, unmatched(p))) return;
    }
    const byKey = new Map<string, B>();
    er.visible.forEach((b, i) => {
      if (!byKey.has(er.keys[i])) byKey.set(er.keys[i], b);
    });
    for (let i = 0; i < el.visible.length; i++) {
      const b = byKey.get(el.keys[i]);
      if (b !== undefined) yield { side: 'both', l: el.visible[i], r: b };
    }
    for (const a of el.internal) yield { side: 'left', l: a };
    for (const b of er.internal) yield { side: 'right', r: b };
    // Observing events on one side only, even after the other's internal steps: the runs part
    // here, unless the event takes nothing of what it read (`refuses`: then it is left out).
    yield* parting(
      L,
      p.l,
      el,
      byKey,
      (ks) => reaches(R, p.r, ks, max),
      (a) => ({ side: 'diverge', l: a }),
    );
    yield* parting(
      R,
      p.r,
      er,
      new Set(el.keys),
      (ks) => reaches(L, p.l, ks, max),
      (b) => ({ side: 'diverge', r: b }),
    );
  }

  // An internal step keeps the mark: the comparison of the observing event's outcome waits for it.
  const markAfter = (p: Pair<S, T>, a: PairAction<A, B>) =>
    a.side === 'both' ? (L.observing(a.l) ? 1 + L.actor(a.l) : 0) : a.side === 'diverge' ? DIVERGED : p.mark;

  const codec = L.spec.codec && R.spec.codec ? pairCodec(L.spec.codec, R.spec.codec) : undefined;
  const applyL = L.spec.apply;
  const applyR = R.spec.apply;
  const spec: ProductSpec<S, A, T, B> = {
    name: o.name,
    initial: () => [{ l: L.spec.initial()[0], r: R.spec.initial()[0], mark: 0 }],
    actions,
    next(p, a) {
      const m = markAfter(p, a);
      return {
        l: a.side === 'both' || a.side === 'left' ? L.spec.next(p.l, a.l) : p.l,
        r: a.side === 'both' || a.side === 'right' ? R.spec.next(p.r, a.r) : p.r,
        mark: m,
      };
    },
    label(a) {
      switch (a.side) {
        case 'both':
          return L.spec.label(a.l);
        case 'left':
          return `[${L.name}] ${L.spec.label(a.l)}`;
        case 'right':
          return `[${R.name}] ${R.spec.label(a.r)}`;
        default:
          return a.l !== undefined
            ? `${L.spec.label(a.l)}: only in ${L.name} (the runs part)`
            : `${R.spec.label(a.r as B)}: only in ${R.name} (the runs part)`;
      }
    },
    kind(a) {
      const k = (side: ProductSide<S, A> | ProductSide<T, B>, x: unknown) =>
        (side.spec.kind as ((y: unknown) => string) | undefined)?.(x) ?? side.spec.label(x as never);
      if (a.side === 'both' || a.side === 'left')
        return `${a.side === 'left' ? `${L.name}:` : ''}${k(L, a.l)}`;
      if (a.side === 'right') return `${R.name}:${k(R, a.r)}`;
      return 'diverge';
    },
    invariants: [sameProjection, sameEnabled],
    witnesses: [sidesDiverged],
    ...(codec ? { codec } : {}),
    ...(codec && applyL && applyR
      ? {
          apply(p: Pair<S, T>, a: PairAction<A, B>) {
            const m = markAfter(p, a);
            if (a.side === 'both' || a.side === 'left') applyL(p.l, a.l);
            if (a.side === 'both' || a.side === 'right') applyR(p.r, a.r);
            p.mark = m;
          },
        }
      : {}),
    fingerprint: `${L.spec.fingerprint ?? L.spec.name}/${R.spec.fingerprint ?? R.spec.name}`,
    differing,
    unmatched: (p) => unmatched(p).map(({ actor: _a, ...x }) => x),
    diverged,
  };
  return spec;

  function* parting<X, C>(
    side: ProductSide<X, C>,
    x: X,
    e: Enabled<C>,
    other: { has(k: string): boolean },
    otherReaches: (keys: readonly string[]) => Set<string>,
    make: (c: C) => PairAction<A, B>,
  ): Iterable<PairAction<A, B>> {
    const lone = e.visible.flatMap((c, i) => (other.has(e.keys[i]) || !side.observing(c) ? [] : [i]));
    if (lone.length === 0) return;
    const theirs = otherReaches(lone.map((i) => e.keys[i]));
    for (const i of lone) {
      const c = e.visible[i];
      if (theirs.has(e.keys[i]) || side.refuses?.(x, c)) continue;
      yield make(c);
    }
  }

  /** Cheap pre-test: whether the two sides' visible keys differ at all. */
  function unmatchedQuick(_p: Pair<S, T>, el: Enabled<A>, er: Enabled<B>): boolean {
    if (el.keys.length !== er.keys.length) return true;
    const rk = new Set(er.keys);
    return el.keys.some((k) => !rk.has(k));
  }
}
