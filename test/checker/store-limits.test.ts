/**
 * The packed store's hard ceiling (ids in 32 bits) and the checkpoint's: both end in a clear
 * answer, never a RangeError from a typed array in the middle of a run. The arena grows by chunks,
 * so growing never needs twice the arena.
 */
import { describe, expect, it } from 'vitest';
import { checkpointFits } from '../../checker/checkpoint.js';
import { CheckerError, type Codec, PackedStore } from '../../checker/index.js';
import { MAX_STATES } from '../../checker/store.js';

const word: Codec<number> = {
  bytes: 4,
  encode(s, out, at) {
    new DataView(out.buffer, out.byteOffset).setUint32(at, s, true);
  },
  decode: (src, at) => new DataView(src.buffer, src.byteOffset).getUint32(at, true),
};

describe('PackedStore ceiling', () => {
  it('grows a chunk at a time to the ceiling, then reports infinite growth instead of growing', () => {
    // Chunks of 4 rows of 4 bytes, at most 10 states: growth is one chunk (16 bytes) when the
    // arena is full below the ceiling, and infinite at the ceiling (in the third chunk's middle).
    const store = new PackedStore(word, 4, false, 10);
    let n = 0;
    const growth: number[] = [];
    while (store.growthBytes() !== Number.POSITIVE_INFINITY) {
      growth.push(store.growthBytes());
      expect(store.find(n)).toBe(-1);
      store.insert(n);
      n++;
    }
    expect(n).toBe(10);
    for (let i = 0; i < n; i++) expect(store.find(i)).toBe(i);
    // Arena growth at counts 4 and 8 (the table's own growth comes on top at its load factor).
    expect(growth[4]).toBeGreaterThanOrEqual(16);
    expect(growth[8]).toBeGreaterThanOrEqual(16);
    expect(() => store.insert(99)).toThrow(RangeError);
  });

  it('the real ceiling is what 32-bit ids hold', () => {
    expect(MAX_STATES).toBe(2 ** 32 - 2);
  });
});

describe('checkpoint ceiling', () => {
  it('refuses, by name, states that would not read back into one buffer', () => {
    expect(() => checkpointFits('big.ckpt', 70_000_000, 68)).toThrow(CheckerError);
    expect(() => checkpointFits('big.ckpt', 70_000_000, 68)).toThrow(
      /E_BAD_CHECKPOINT: cannot write checkpoint big.ckpt: 70000000 states of 68 bytes pass/,
    );
    expect(() => checkpointFits('ok.ckpt', 20_000_000, 68)).not.toThrow();
  });
});
