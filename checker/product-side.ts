/**
 * One side of the product (checker/product.ts): what the product needs of it, its enabled events
 * split into visible and internal ones, its internal closure (remembered), and the pair codec.
 */
import { CheckerError } from './errors.js';
import type { Pair } from './product.js';
import type { Codec, Spec } from './types.js';

/** What the product needs of one side. */
export interface ProductSide<S, A> {
  /** The side's name in labels and messages (e.g. `old`). */
  readonly name: string;
  readonly spec: Spec<S, A>;
  /** The event an action is, the same string for the same event on both sides. */
  key(a: A): string;
  /** A step internal to the side (its timing may differ between the sides). */
  internal(a: A): boolean;
  /** An event whose outcome may differ between the sides without either being wrong. */
  observing(a: A): boolean;
  /**
   * An observing event whose outcome takes nothing of what it read (a css_tryget that fails): run
   * on one side only, it is left out instead of parting the runs (its outcome is the other side's
   * not reading at all). Default: never.
   */
  refuses?(s: S, a: A): boolean;
  /** Who runs the action (0-253), to tell which pending step an observing event's outcome decides. */
  actor(a: A): number;
  /** The projection compared between the sides, a number per field. */
  project(s: S): readonly number[];
}

export interface Enabled<A> {
  readonly visible: A[];
  readonly keys: string[];
  readonly internal: A[];
}

export function enabled<S, A>(side: ProductSide<S, A>, s: S): Enabled<A> {
  const visible: A[] = [];
  const keys: string[] = [];
  const internal: A[] = [];
  for (const a of side.spec.actions(s)) {
    if (side.internal(a)) internal.push(a);
    else {
      visible.push(a);
      keys.push(side.key(a));
    }
  }
  return { visible, keys, internal };
}

/**
 * Which of the `wanted` visible events some state that internal steps reach from `s` enables (`s`
 * included): a breadth-first search over internal steps that stops once all are found (most often
 * after one step: a pending release or put).
 */
export function reaches<S, A>(
  side: ProductSide<S, A>,
  s: S,
  wanted: readonly string[],
  max: number,
): Set<string> {
  const found = new Set<string>();
  if (wanted.length === 0) return found;
  const want = new Set(wanted);
  // Copies: `next` may freeze what its result shares with its argument (immer does), and `s` may
  // be the explorer's reusable scratch state; `apply` (the fast path) runs on a copy of its own.
  // With a codec, copies and identities come from the state's bytes (faster than cloning and JSON).
  const apply = side.spec.apply?.bind(side.spec);
  const codec = side.spec.codec;
  const buf = codec ? new Uint8Array(codec.bytes) : undefined;
  const copy = (x: S): S => {
    if (!codec || !buf) return structuredClone(x);
    codec.encode(x, buf, 0);
    return codec.decode(buf, 0);
  };
  const identity = (x: S): string => {
    if (!codec || !buf) return JSON.stringify(x);
    codec.encode(x, buf, 0);
    return String.fromCharCode(...buf);
  };
  const step = (x: S, a: A): S => {
    if (!apply) return side.spec.next(x, a);
    const y = copy(x);
    apply(y, a);
    return y;
  };
  const seen = new Set<string>();
  let frontier: S[] = [copy(s)];
  while (frontier.length > 0) {
    const next: S[] = [];
    for (const x of frontier) {
      const internal: A[] = [];
      for (const a of side.spec.actions(x)) {
        if (side.internal(a)) internal.push(a);
        else {
          const k = side.key(a);
          if (want.has(k) && !found.has(k)) {
            found.add(k);
            if (found.size === want.size) return found;
          }
        }
      }
      for (const a of internal) {
        const y = step(x, a);
        const id = identity(y);
        if (seen.has(id)) continue;
        if (seen.size >= max)
          throw new CheckerError(
            'E_SPEC_THROWS',
            `the internal steps of ${side.name} reach more than ${max} states from one state; the equivalence check needs a small internal closure`,
          );
        seen.add(id);
        next.push(y);
      }
    }
    frontier = next;
  }
  return found;
}

export function pairCodec<S, T>(a: Codec<S>, b: Codec<T>): Codec<Pair<S, T>> | undefined {
  if (!a.decodeInto || !b.decodeInto) return undefined;
  const da = a.decodeInto.bind(a);
  const db = b.decodeInto.bind(b);
  return {
    bytes: a.bytes + b.bytes + 1,
    encode(p, out, at) {
      a.encode(p.l, out, at);
      b.encode(p.r, out, at + a.bytes);
      out[at + a.bytes + b.bytes] = p.mark;
    },
    decode: (src, at) => ({
      l: a.decode(src, at),
      r: b.decode(src, at + a.bytes),
      mark: src[at + a.bytes + b.bytes],
    }),
    decodeInto(src, at, into) {
      da(src, at, into.l);
      db(src, at + a.bytes, into.r);
      into.mark = src[at + a.bytes + b.bytes];
    },
  };
}
