/**
 * Toy benchmark spec: N bounded counters. Each counter holds a value in 0..K-1 and may step up
 * (if below K-1) or down (if above 0); nothing else. It exists to measure the explorer, so it has
 * no interesting claim, only a packed codec (bits per counter) and an in-place `apply`.
 *
 * Closed forms, so that a run can be checked without trusting the checker:
 *   distinct    = K^N          every vector in {0..K-1}^N is reachable from all zeros (raise the
 *                              counters one at a time), and no other vector is;
 *   transitions = 2N(K-1)K^(N-1)  a counter at v has [v < K-1] + [v > 0] enabled steps; over the
 *                              K values that is 2(K-1), times K^(N-1) settings of the other counters;
 *   depth       = N(K-1)       the BFS distance from all zeros to all K-1.
 * Defaults N = 10, K = 4: 1,048,576 states, 15,728,640 transitions, depth 30.
 */
import { always, type Codec, type Spec } from '../checker/index.js';
import { BitReader, BitWriter, bitsFor, packedBytes } from './bits.js';

/** Counter values, index = counter. */
export type Counters = number[];

export interface Step {
  readonly kind: 'up' | 'down';
  readonly counter: number;
}

export interface ToyScope {
  /** Number of counters. */
  readonly n: number;
  /** Values per counter (0..k-1). */
  readonly k: number;
}

export const TOY_DEFAULT: ToyScope = { n: 10, k: 4 };

/** The closed-form figures of a scope (see the header). */
export function toyExpected({ n, k }: ToyScope): { distinct: number; transitions: number; depth: number } {
  return { distinct: k ** n, transitions: 2 * n * (k - 1) * k ** (n - 1), depth: n * (k - 1) };
}

export function toyCounters(scope: ToyScope = TOY_DEFAULT): Spec<Counters, Step> {
  const { n, k } = scope;
  const top = k - 1;
  const width = bitsFor(top);
  const ups: Step[] = [];
  const downs: Step[] = [];
  for (let i = 0; i < n; i++) {
    ups.push({ kind: 'up', counter: i });
    downs.push({ kind: 'down', counter: i });
  }
  const writer = new BitWriter();
  const reader = new BitReader();
  const bytes = packedBytes(new Array(n).fill(width));
  const codec: Codec<Counters> = {
    bytes,
    encode(s, out, at) {
      writer.start(out, at, bytes);
      for (let i = 0; i < n; i++) writer.put(s[i], width);
      writer.finish();
    },
    decode(src, at) {
      const s: Counters = new Array(n).fill(0);
      this.decodeInto!(src, at, s);
      return s;
    },
    decodeInto(src, at, into) {
      reader.start(src, at);
      for (let i = 0; i < n; i++) into[i] = reader.get(width);
    },
  };
  const apply = (s: Counters, a: Step): void => {
    s[a.counter] += a.kind === 'up' ? 1 : -1;
  };
  return {
    name: `toy-counters(n=${n},k=${k})`,
    initial: () => [new Array(n).fill(0)],
    actions(s) {
      const out: Step[] = [];
      for (let i = 0; i < n; i++) {
        if (s[i] < top) out.push(ups[i]);
        if (s[i] > 0) out.push(downs[i]);
      }
      return out;
    },
    next(s, a) {
      const t = s.slice();
      apply(t, a);
      return t;
    },
    apply,
    label: (a) => `${a.kind}(${a.counter})`,
    actionKinds: ['up', 'down'],
    invariants: [always('InRange', (s) => s.every((v) => v >= 0 && v <= top))],
    codec,
  };
}
