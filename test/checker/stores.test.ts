/**
 * The packed store and the fast path (codec + decodeInto + in-place apply) against the JSON store
 * and the reference path (`next`): same figures, same traces; and a fast path that disagrees with
 * `next` is caught when a trace is rebuilt (E_CODEC_MISMATCH) instead of yielding a trace nobody
 * can trust.
 */
import { assert, describe, expect, it } from 'vitest';
import { hashWords } from '../../checker/hash.js';
import {
  CheckerError,
  type Codec,
  check,
  explore,
  JsonStore,
  PackedStore,
  type Spec,
  type StateStore,
} from '../../checker/index.js';
import { storeIndependent } from './compare.js';
import { triple } from './fixtures/codecs.js';
import { peterson } from './fixtures/peterson.js';
import { applyCounter, type CounterAction, type CounterState, racyCounter } from './fixtures/racy-counter.js';
import { applyTP, twoPhase } from './fixtures/twophase.js';
import { naiveBfs } from './naive.js';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof CheckerError) return e.code;
    throw e;
  }
  return undefined;
}

type AnySpec = Spec<unknown, unknown>;

/** The fixtures with a packed codec (TwoPhase and the racy counter also with the fast path). */
const withCodecs = () =>
  [twoPhase(3), twoPhase(4), peterson, racyCounter, { ...racyCounter, invariants: [] }] as AnySpec[];

describe('fixture codecs', () => {
  it('decode(encode(s)) = s and decodeInto agrees, for every reachable state', () => {
    for (const spec of withCodecs()) {
      const codec = spec.codec!;
      const buf = new Uint8Array(codec.bytes + 3);
      for (const { state } of naiveBfs(spec).nodes) {
        codec.encode(state, buf, 3);
        expect(codec.decode(buf, 3)).toEqual(state);
        if (codec.decodeInto) {
          const into = codec.decode(buf, 3);
          // Overwrite with the all-zero encoding first, so that a field decodeInto misses shows up.
          codec.decodeInto(new Uint8Array(codec.bytes + 3), 3, into);
          codec.decodeInto(buf, 3, into);
          expect(into).toEqual(state);
        }
      }
    }
  });
});

describe('packed store and JSON store', () => {
  it('give identical figures, witnesses and traces', () => {
    for (const spec of withCodecs()) {
      const packed = check(spec);
      const json = check(spec, { forceJsonStore: true });
      expect(packed.stats.store).toBe('packed');
      expect(json.stats.store).toBe('json');
      expect(storeIndependent(packed)).toEqual(storeIndependent(json));
    }
  });

  it('the fast path (apply + decodeInto) gives what the reference path (next) gives', () => {
    for (const spec of [twoPhase(3), racyCounter] as AnySpec[]) {
      const fast = check(spec);
      const noApply = check({ ...spec, apply: undefined });
      const { decodeInto: _d, ...plain } = spec.codec!;
      const noDecodeInto = check({ ...spec, codec: plain as Codec<unknown> });
      expect(storeIndependent(fast)).toEqual(storeIndependent(noApply));
      expect(storeIndependent(fast)).toEqual(storeIndependent(noDecodeInto));
    }
  });
});

describe('a fast path that disagrees with next', () => {
  it('is refused when a violation trace is rebuilt (E_CODEC_MISMATCH)', () => {
    // apply writes tmp + 2: the fast path finds both done with x = 4, a state next never reaches.
    const spec: Spec<CounterState, CounterAction> = {
      ...racyCounter,
      apply: (s, a) => {
        applyCounter(s, a);
        if (a.kind === 'write') s.x += 1;
      },
    };
    expect(codeOf(() => check(spec))).toBe('E_CODEC_MISMATCH');
    // The reference path alone (JSON store) is consistent and finds the real lost update.
    const reference = check(spec, { forceJsonStore: true });
    assert(reference.verdict === 'violated', reference.verdict);
    expect(reference.violation.message).toBe('both threads done but x = 1');
  });

  it('refuses a spurious violation that only a wrong effect reaches (TwoPhase)', () => {
    // apply of RMChooseToAbort also marks the RM as prepared at the TM: the TM can then commit
    // while an RM aborted, a spurious TCConsistent violation the reference path cannot reach.
    const good = twoPhase(3);
    const spec: typeof good = {
      ...good,
      apply: (s, a) => {
        applyTP(s, a);
        if (a.kind === 'RMChooseToAbort') s.tmPrepared[a.rm] = true;
      },
    };
    expect(codeOf(() => check(spec))).toBe('E_CODEC_MISMATCH');
    expect(check(spec, { forceJsonStore: true }).verdict).toBe('verified');
  });

  it('is refused even when both paths meet again before the trace ends', () => {
    // apply leaves a stray tag on the first step only; from the second step on both paths agree,
    // so the final states match and only a step-by-step check sees the disagreement (types.ts:
    // "Replay checks that both paths agree on every step of every trace").
    interface Tick {
      n: number;
      tag: number;
    }
    const codec: Codec<Tick> = {
      bytes: 2,
      encode: (s, out, at) => {
        out[at] = s.n;
        out[at + 1] = s.tag;
      },
      decode: (src, at) => ({ n: src[at], tag: src[at + 1] }),
      decodeInto: (src, at, s) => {
        s.n = src[at];
        s.tag = src[at + 1];
      },
    };
    const spec: Spec<Tick, 'tick'> = {
      name: 'Converging',
      initial: () => [{ n: 0, tag: 0 }],
      actions: (s) => (s.n < 3 ? ['tick'] : []),
      next: (s) => ({ n: s.n + 1, tag: 0 }),
      apply: (s) => {
        s.n++;
        s.tag = s.n === 1 ? 9 : 0;
      },
      label: (a) => a,
      codec,
      invariants: [{ type: 'always', name: 'Below3', holds: (s) => s.n < 3 }],
      witnesses: [{ type: 'sometimes', name: 'two', holds: (s) => s.n === 2 }],
    };
    expect(codeOf(() => check(spec))).toBe('E_CODEC_MISMATCH');
    const run = explore({ ...spec, invariants: [] });
    expect(run.result.verdict).toBe('verified');
    expect(codeOf(() => run.witnessTrace('two'))).toBe('E_CODEC_MISMATCH');
  });
});

describe('stops before any state is stored', () => {
  it('does not decode an empty slot (a codec may reject bytes it never wrote)', () => {
    // Encodes n as n + 1, so all-zero bytes are not a state, and decoding them throws.
    interface Box {
      n: number;
    }
    const strict = (b: number) => {
      if (b === 0) throw new Error('decoded a slot that holds no state');
      return b - 1;
    };
    const codec: Codec<Box> = {
      bytes: 1,
      encode: (s, out, at) => {
        out[at] = s.n + 1;
      },
      decode: (src, at) => ({ n: strict(src[at]) }),
      decodeInto: (src, at, s) => {
        s.n = strict(src[at]);
      },
    };
    const spec: Spec<Box, 'inc'> = {
      name: 'Strict',
      initial: () => [{ n: 0 }],
      actions: (s) => (s.n < 5 ? ['inc'] : []),
      next: (s) => ({ n: s.n + 1 }),
      apply: (s) => {
        s.n++;
      },
      label: (a) => a,
      codec,
      invariants: [],
    };
    expect(check(spec).stats.distinct).toBe(6);
    expect(check(spec, { maxStates: 0 })).toMatchObject({
      verdict: 'incomplete',
      limit: { kind: 'maxStates' },
    });
    expect(check(spec, { maxMemoryBytes: 1 })).toMatchObject({
      verdict: 'incomplete',
      limit: { kind: 'memory' },
    });
  });
});

describe('the stores themselves', () => {
  it.each([
    ['packed', () => new PackedStore(triple, 16)],
    ['json', () => new JsonStore<number>()],
  ] as const)('%s: ids in insertion order, exact lookup across growth', (_kind, make) => {
    const store: StateStore<number> = make();
    // 20000 states from a small initial capacity: many grows and rehashes. Values are spread out
    // (a multiplicative step) so that neighbouring ids are unrelated states.
    const value = (i: number) => (i * 7919) % 1_000_003;
    // Failures are collected rather than asserted one by one (20000 expects are slow).
    const wrong: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      if (store.find(value(i)) !== -1) wrong.push(`find before insert ${i}`);
      if (store.insert(value(i)) !== i) wrong.push(`insert ${i}`);
    }
    expect(store.count).toBe(20_000);
    for (let i = 0; i < 20_000; i++) {
      if (store.find(value(i)) !== i) wrong.push(`find ${i}`);
      if (store.load(i) !== value(i)) wrong.push(`load ${i}`);
      if (!store.equals(i, value(i)) || store.equals(i, value(i + 1))) wrong.push(`equals ${i}`);
    }
    expect(wrong).toEqual([]);
    expect(store.find(value(20_000))).toBe(-1);
    expect(store.find(1_000_004)).toBe(-1);
  });

  it('packed: two states with the same hash are still two states', () => {
    // A birthday search for two states whose hashes collide. A state v is stored as two 32-bit
    // words (v & 0xffff, v >>> 16); one word alone cannot collide (MurmurHash3's mixing of a single
    // word is a bijection), two can, and about 2^16 tries are expected to find a pair.
    const words = new Uint32Array(2);
    const seen = new Map<number, number>();
    let pair: [number, number] | undefined;
    for (let v = 0; v < 1 << 22 && !pair; v++) {
      words[0] = v & 0xffff;
      words[1] = v >>> 16;
      const h = hashWords(words, 0, 2);
      const first = seen.get(h);
      if (first === undefined) seen.set(h, v);
      else pair = [first, v];
    }
    expect(pair).toBeDefined();
    const [a, b] = pair!;
    const u32: Codec<number> = {
      bytes: 8,
      encode: (s, out, at) => {
        const view = new DataView(out.buffer, out.byteOffset);
        view.setUint32(at, s & 0xffff, true);
        view.setUint32(at + 4, s >>> 16, true);
      },
      decode: (src, at) => {
        const view = new DataView(src.buffer, src.byteOffset);
        return view.getUint32(at, true) | (view.getUint32(at + 4, true) << 16);
      },
    };
    const store = new PackedStore(u32);
    expect(store.find(a)).toBe(-1);
    expect(store.insert(a)).toBe(0);
    expect(store.find(b)).toBe(-1);
    expect(store.insert(b)).toBe(1);
    expect([store.find(a), store.find(b), store.load(1)]).toEqual([0, 1, b]);
  });
});
