/**
 * The packed store's hard ceiling (ids in 32 bits) and the checkpoint's: both end in a clear
 * answer, never a RangeError from a typed array in the middle of a run. The arena grows by chunks,
 * so growing never needs twice the arena.
 */
import { describe, expect, it } from 'vitest';
import { checkpointFits } from '../../checker/checkpoint.js';
import { CheckerError, PackedStore } from '../../checker/index.js';
import { MAX_STATES } from '../../checker/store.js';
import { word } from './fixtures/codecs.js';

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

  it('the first chunk doubles up to full size, each growth announced before it happens', () => {
    // First chunk 1 row, chunks of 8: capacity 1, 2, 4, 8, then 16, 24 (a chunk at a time).
    const store = new PackedStore(word, 8, false, undefined, 1);
    const arena: number[] = [];
    for (let n = 0; n < 24; n++) {
      const before = store.bytes();
      const announced = store.growthBytes();
      store.insert(store.find(n) === -1 ? n : -1);
      const grew = store.bytes() - before;
      // The insert never allocated more than growthBytes said (arena and table together; for the
      // table it counts the old and the new one alive at once during the rehash, a peak).
      expect(grew).toBeLessThanOrEqual(announced);
      if (announced === 0) expect(grew).toBe(0);
      if (grew > 0 && n > 0) arena.push(n);
    }
    // The arena grew at 1, 2, 4 (doubling), 8 and 16 (new chunks); the table at its load factor.
    expect(arena).toEqual(expect.arrayContaining([1, 2, 4, 8, 16]));
  });

  it('the real ceiling: a table of MAX_STATES at the load factor is one typed array that V8 allocates', () => {
    // 2^30 slots of [hash, id + 1]: 2^31 32-bit words, the largest table; MAX_STATES keeps the
    // load under 0.7 there, so the table never asks for 2^32 words (a RangeError on Node 20).
    expect(MAX_STATES).toBeLessThanOrEqual(0.7 * 2 ** 30);
    expect(MAX_STATES).toBeGreaterThan(0.69 * 2 ** 30);
    expect(MAX_STATES).toBeLessThan(2 ** 31);
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
