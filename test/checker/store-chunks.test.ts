/**
 * The packed store's arena in chunks (checker/store.ts): rows read back in pieces across chunk
 * boundaries, a checkpoint's import into chunks, and a piece handed back as the next piece's
 * buffer (as the checkpoint writer does) never written over the stored rows.
 */
import { describe, expect, it } from 'vitest';
import { PackedStore } from '../../checker/index.js';
import { triple, word } from './fixtures/codecs.js';

describe('the packed store across chunks', () => {
  it('rows read back across chunks, and import into chunks gives the same ids', () => {
    // Chunks of 4 rows, the first starting at 1 row and doubling: 37 states span 10 chunks.
    const store = new PackedStore(triple, 4, false, undefined, 1);
    const value = (i: number) => (i * 7919) % 1_000_003;
    for (let i = 0; i < 37; i++) {
      expect(store.find(value(i))).toBe(-1);
      store.insert(value(i));
    }
    // A piece inside one chunk, one across three, and all of them, with padding dropped (3 of 4 bytes).
    for (const [first, n] of [
      [4, 3],
      [2, 9],
      [0, 37],
    ] as const) {
      const rows = store.rowBytes(first, n);
      expect(rows.length).toBe(3 * n);
      for (let i = 0; i < n; i++) expect(triple.decode(rows, 3 * i)).toBe(value(first + i));
    }
    const copy = new PackedStore(triple, 4, false, undefined, 1);
    expect(copy.importRows(store.rowBytes(0, 37), 37)).toBe(-1);
    for (let i = 0; i < 37; i++) expect([copy.find(value(i)), copy.load(i)]).toEqual([i, value(i)]);
    expect(copy.find(value(37))).toBe(-1);
  });

  it('a piece passed back as the buffer of the next is never written over the stored rows', () => {
    // 4-byte states (no padding): a piece inside one chunk is a view of the arena; the caller
    // (a checkpoint's writer) hands it back as `out`, and the next piece, across a chunk, must be
    // copied elsewhere.
    const store = new PackedStore(word, 4);
    for (let i = 0; i < 12; i++) store.insert(store.find(100 + i) === -1 ? 100 + i : -1);
    let piece: Uint8Array | undefined;
    const seen: number[] = [];
    for (let first = 0; first < 12; first += 3) {
      piece = store.rowBytes(first, 3, piece);
      for (let i = 0; i < 3; i++) seen.push(word.decode(piece, 4 * i));
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => 100 + i));
    for (let i = 0; i < 12; i++) expect([store.load(i), store.find(100 + i)]).toEqual([100 + i, i]);
  });
});
