/**
 * Another thread's view of a shared store (checker/shared-table.ts) across the arena's chunks: the
 * parallel explorer's workers read each other's rows through it. The store here has chunks of 8
 * rows and a first chunk of 1 row that doubles, so 100 states span 15 chunks and the first chunk
 * was replaced three times; the view is built from a structured clone of the parts, as a worker
 * receives them.
 */
import { describe, expect, it } from 'vitest';
import { hashWords } from '../../checker/hash.js';
import type { Codec } from '../../checker/index.js';
import { SharedTableView } from '../../checker/shared-table.js';
import { PackedStore } from '../../checker/store.js';

/** 6 bytes, two words a row (the second half padding), so rows are not bytes back to back. */
const six: Codec<number> = {
  bytes: 6,
  encode: (s, out, at) => {
    for (let i = 0; i < 6; i++) out[at + i] = (s >>> (4 * i)) & 0xf;
  },
  decode: (src, at) => {
    let v = 0;
    for (let i = 0; i < 6; i++) v |= src[at + i] << (4 * i);
    return v;
  },
};

describe('SharedTableView across chunks', () => {
  it('finds every stored state, rejects others, and reads each row where it lives', () => {
    const store = new PackedStore(six, 8, true, undefined, 1);
    const value = (i: number) => ((i * 7919) % 1_000_003) & 0xffffff;
    for (let i = 0; i < 100; i++) {
      expect(store.find(value(i))).toBe(-1);
      store.insert(value(i));
    }
    const view = new SharedTableView(structuredClone(store.sharedParts()));
    const words = new Uint32Array(2);
    const bytes = new Uint8Array(words.buffer);
    const wrong: string[] = [];
    for (let i = 0; i < 101; i++) {
      words.fill(0);
      six.encode(value(i), bytes, 0);
      const found = view.find(words, hashWords(words, 0, 2));
      if (i < 100 && found !== i + 1) wrong.push(`find ${i}: ${found}`);
      if (i === 100 && found !== 0) wrong.push(`find of a state not stored: ${found}`);
      if (i < 100 && six.decode(view.chunk(i), view.rowAt(i)) !== value(i)) wrong.push(`row ${i}`);
    }
    expect(wrong).toEqual([]);
  });
});
