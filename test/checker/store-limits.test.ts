/**
 * The packed store's hard ceiling (one arena, fewer than 2^32 bytes) and the checkpoint's: both end
 * in a clear answer, never a RangeError from a typed array in the middle of a run.
 */
import { describe, expect, it } from 'vitest';
import { checkpointFits } from '../../checker/checkpoint.js';
import { CheckerError, type Codec, PackedStore } from '../../checker/index.js';
import { MAX_ARENA_BYTES } from '../../checker/store.js';

const word: Codec<number> = {
  bytes: 4,
  encode(s, out, at) {
    new DataView(out.buffer, out.byteOffset).setUint32(at, s, true);
  },
  decode: (src, at) => new DataView(src.buffer, src.byteOffset).getUint32(at, true),
};

describe('PackedStore ceiling', () => {
  it('grows to exactly what the ceiling holds, then reports infinite growth instead of growing', () => {
    // 40 bytes: 10 states of 4 bytes; capacity goes 4, 8, then 10 (not 16).
    const store = new PackedStore(word, 4, false, 40);
    let n = 0;
    while (store.growthBytes() !== Number.POSITIVE_INFINITY) {
      expect(store.find(n)).toBe(-1);
      store.insert(n);
      n++;
    }
    expect(n).toBe(10);
    for (let i = 0; i < n; i++) expect(store.find(i)).toBe(i);
  });

  it('the real ceiling fits a Uint8Array view', () => {
    expect(MAX_ARENA_BYTES).toBeLessThan(2 ** 32);
    expect(MAX_ARENA_BYTES % 4).toBe(0);
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
