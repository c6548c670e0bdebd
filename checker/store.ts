/**
 * Exact stores of visited states: the `StateStore` interface and `PackedStore`, its typed-array
 * implementation. A state gets a dense id in insertion order (so BFS order is id order).
 * Fingerprints only index the table; a hit is confirmed by comparing the whole encoding.
 *
 * Long because `PackedStore` is one class whose probe, insert, growth, accounting and checkpoint
 * import all work on the same private arena, table and recent-hit cache: split, the hot probe
 * path would go through an indirection.
 */

import { hashWords } from './hash.js';
import type { SharedParts } from './shared-table.js';
import type { Codec } from './types.js';

export interface StateStore<S> {
  readonly kind: 'packed' | 'json';
  readonly count: number;
  /** Id of `s` if stored, else -1. */
  find(s: S): number;
  /** Store `s` (which must not be stored yet) and return its id. */
  insert(s: S): number;
  /** The stored state (fresh and mutable for the packed store; the stored object for JSON). */
  load(id: number): S;
  /** Overwrite a reusable state with stored state `id`, if the codec supports it. */
  loadInto?(id: number, into: S): void;
  /** Is stored state `id` the same state as `s`? */
  equals(id: number, s: S): boolean;
  /** Bytes held now. */
  bytes(): number;
  /** Extra bytes the next insert would allocate (0 if none). */
  growthBytes(): number;
}

const MAX_LOAD = 0.7;
/**
 * The largest arena, in bytes: the codecs read states through a Uint8Array view of it, and a typed
 * array here holds fewer than 2^32 elements. A store that would grow past it reports its growth as
 * infinite, which the explorers' memory check turns into a clean `incomplete` (about 63 M states of
 * 68 bytes).
 */
export const MAX_ARENA_BYTES = 2 ** 32 - 4;
/** Entries of the recent-hit cache at most (2^16: 512 KiB, small enough to stay in cache). */
const RECENT_MAX = 1 << 16;

export class PackedStore<S> implements StateStore<S> {
  readonly kind = 'packed' as const;
  count = 0;
  private readonly stride: number; // 32-bit words per state, padding zeroed
  private capacity: number;
  private u8: Uint8Array;
  private u32: Uint32Array;
  /** Open addressing: slot i is the pair [hash, id + 1] at 2i, 2i+1 (id + 1 = 0: empty). The hash
   * beside the id rejects most mismatches without touching the state's row. */
  private table: Uint32Array;
  /** Number of slots - 1 (slots are a power of two). */
  private mask: number;
  private readonly scratch8: Uint8Array;
  private readonly scratch32: Uint32Array;
  private lastHash = 0;
  private lastSlot = 0;
  /**
   * Recent hits, direct-mapped by hash: entry i is the pair [hash, id + 1] at 2i, 2i+1 (0: empty).
   * Successors of one state, and of states expanded one after the other, are often the same states
   * (actions that commute, or that differ only in who does them). The table's slots are spread over
   * memory and each probe is likely a cache miss; this small array is likely in cache. A hit is
   * confirmed against the stored row like any other, so it is only a shortcut, never an answer.
   */
  private recent: Uint32Array;
  private recentMask: number;

  /**
   * `shared`: the arena and the table live in SharedArrayBuffers, which other threads may read
   * (`sharedParts`, `SharedTableView`) while this store does not insert (the parallel explorer).
   */
  constructor(
    private readonly codec: Codec<S>,
    initialCapacity = 1 << 12,
    private readonly shared = false,
    /** Lower only in tests. */
    private readonly maxArenaBytes = MAX_ARENA_BYTES,
  ) {
    this.stride = Math.max(1, Math.ceil(codec.bytes / 4));
    this.capacity = initialCapacity;
    this.u32 = this.words(this.capacity * this.stride);
    this.u8 = new Uint8Array(this.u32.buffer);
    const slots = nextPow2(Math.ceil(this.capacity / MAX_LOAD));
    this.table = this.words(slots * 2);
    this.mask = slots - 1;
    this.scratch32 = new Uint32Array(this.stride);
    this.scratch8 = new Uint8Array(this.scratch32.buffer);
    this.recent = new Uint32Array(2 * recentEntries(slots));
    this.recentMask = this.recent.length / 2 - 1;
  }

  private words(n: number): Uint32Array {
    return this.shared ? new Uint32Array(new SharedArrayBuffer(n * 4)) : new Uint32Array(n);
  }

  /** The arena and table of a shared store, for `SharedTableView`s in other threads. */
  sharedParts(): SharedParts {
    if (!this.shared) throw new Error('sharedParts needs a store made with shared = true');
    return {
      arena: this.u32.buffer as SharedArrayBuffer,
      table: this.table.buffer as SharedArrayBuffer,
      stride: this.stride,
    };
  }

  /** Encodes `s` into the scratch buffer and probes; remembers hash and slot for `insert`. */
  find(s: S): number {
    this.codec.encode(s, this.scratch8, 0);
    return this.findEncoded();
  }

  /** The buffer `findEncoded` probes with: a caller may write an encoding here itself. */
  get scratch(): Uint8Array {
    return this.scratch8;
  }

  /** Probes with the encoding already in `scratch`; remembers hash and slot for `insert`. */
  findEncoded(): number {
    const stride = this.stride;
    const h = hashWords(this.scratch32, 0, stride);
    const recent = this.recent;
    const r = 2 * (h & this.recentMask);
    if (recent[r] === h && recent[r + 1] !== 0 && this.sameWords(recent[r + 1] - 1)) return recent[r + 1] - 1;
    const table = this.table;
    const mask = this.mask;
    let slot = h & mask;
    for (;;) {
      const e = table[2 * slot + 1];
      if (e === 0) break;
      if (table[2 * slot] === h && this.sameWords(e - 1)) {
        recent[r] = h;
        recent[r + 1] = e;
        return e - 1;
      }
      slot = (slot + 1) & mask;
    }
    this.lastHash = h;
    this.lastSlot = slot;
    return -1;
  }

  /** Must directly follow a `find(s)` (or `findEncoded()`) that returned -1 for the same state. */
  insert(_s: S): number {
    if (this.count === this.capacity) this.grow();
    const id = this.count++;
    this.u32.set(this.scratch32, id * this.stride);
    this.table[2 * this.lastSlot] = this.lastHash;
    this.table[2 * this.lastSlot + 1] = id + 1;
    const r = 2 * (this.lastHash & this.recentMask);
    this.recent[r] = this.lastHash;
    this.recent[r + 1] = id + 1;
    if (this.count > (this.mask + 1) * MAX_LOAD) this.rehash();
    return id;
  }

  load(id: number): S {
    return this.codec.decode(this.u8, id * this.stride * 4);
  }

  /**
   * The arena as bytes: state `id` is encoded at `rowAt(id)`. The array is replaced when the store
   * grows (the old one keeps the rows it had), so take it again after an insert.
   */
  get arena(): Uint8Array {
    return this.u8;
  }

  /** Bytes per row: the encoding, padded to whole 32-bit words (the padding is zero). */
  get rowSize(): number {
    return this.stride * 4;
  }

  rowAt(id: number): number {
    return id * this.stride * 4;
  }

  get loadInto(): ((id: number, into: S) => void) | undefined {
    const decodeInto = this.codec.decodeInto;
    if (!decodeInto) return undefined;
    return (id, into) => decodeInto.call(this.codec, this.u8, id * this.stride * 4, into);
  }

  equals(id: number, s: S): boolean {
    this.codec.encode(s, this.scratch8, 0);
    return this.sameWords(id);
  }

  /** The stored bytes of state `id` (a copy). */
  raw(id: number): Uint8Array {
    return this.u8.slice(id * this.stride * 4, id * this.stride * 4 + this.codec.bytes);
  }

  /**
   * States [first, first + n) in id order, unpadded (a checkpoint's states, piece by piece): a view
   * of the arena when rows have no padding, else packed into `out` (allocated if too small).
   */
  rowBytes(first: number, n: number, out?: Uint8Array): Uint8Array {
    const bytes = this.codec.bytes;
    const rowBytes = this.stride * 4;
    if (rowBytes === bytes) return this.u8.subarray(first * bytes, (first + n) * bytes);
    const into = out && out.length >= n * bytes ? out : new Uint8Array(n * bytes);
    for (let i = 0; i < n; i++) {
      const from = (first + i) * rowBytes;
      into.set(this.u8.subarray(from, from + bytes), i * bytes);
    }
    return into.subarray(0, n * bytes);
  }

  /**
   * Fills an empty store with `count` states laid out as `rowBytes(0, count)` gives them, with the
   * same ids, and grows the arena and table to what inserting them one by one would have. Returns
   * -1, or the id of the first row that repeats an earlier one (the store is unusable then).
   */
  importRows(src: Uint8Array, count: number): number {
    if (this.count !== 0) throw new Error('importRows needs an empty store');
    const bytes = this.codec.bytes;
    if (src.length < count * bytes)
      throw new Error(`importRows: ${src.length} bytes hold fewer than ${count} states`);
    const stride = this.stride;
    while (this.capacity < count) this.capacity = this.nextCapacity();
    this.u32 = this.words(this.capacity * stride);
    this.u8 = new Uint8Array(this.u32.buffer);
    if (stride * 4 === bytes) this.u8.set(src.subarray(0, count * bytes));
    else
      for (let id = 0; id < count; id++)
        this.u8.set(src.subarray(id * bytes, (id + 1) * bytes), id * stride * 4);
    // The table grows as inserts grow it (rehash of an empty table: cheap), then takes every row.
    while (count > (this.mask + 1) * MAX_LOAD) this.rehash();
    const table = this.table;
    const mask = this.mask;
    const u32 = this.u32;
    for (let id = 0; id < count; id++) {
      const h = hashWords(u32, id * stride, stride);
      let slot = h & mask;
      for (;;) {
        const e = table[2 * slot + 1];
        if (e === 0) break;
        if (table[2 * slot] === h && sameRows(u32, e - 1, id, stride)) return id;
        slot = (slot + 1) & mask;
      }
      table[2 * slot] = h;
      table[2 * slot + 1] = id + 1;
    }
    this.count = count;
    return -1;
  }

  bytes(): number {
    return this.u32.byteLength + this.table.byteLength + this.recent.byteLength;
  }

  bytesPerState(): number {
    return this.stride * 4 + (4 * (this.table.length + this.recent.length)) / Math.max(1, this.count);
  }

  growthBytes(): number {
    let extra = 0;
    if (this.count === this.capacity) {
      const next = this.nextCapacity();
      if (next === this.capacity) return Number.POSITIVE_INFINITY;
      extra += (next - this.capacity) * this.stride * 4;
    }
    if (this.count + 1 > (this.mask + 1) * MAX_LOAD) {
      extra += this.table.byteLength * 2;
      if (this.recent.length < 2 * RECENT_MAX) extra += 8 * recentEntries(2 * (this.mask + 1));
    }
    return extra;
  }

  private sameWords(id: number): boolean {
    const a = this.u32;
    const b = this.scratch32;
    const base = id * this.stride;
    for (let i = 0; i < this.stride; i++) if (a[base + i] !== b[i]) return false;
    return true;
  }

  /** Twice the capacity, or as much as the largest arena holds. */
  private nextCapacity(): number {
    return Math.min(this.capacity * 2, Math.floor(this.maxArenaBytes / (this.stride * 4)));
  }

  private grow(): void {
    const next = this.nextCapacity();
    if (next === this.capacity) {
      throw new RangeError(`the store is full: ${this.capacity} states, the most one arena holds`);
    }
    this.capacity = next;
    const u32 = this.words(this.capacity * this.stride);
    u32.set(this.u32);
    this.u32 = u32;
    this.u8 = new Uint8Array(u32.buffer);
  }

  private rehash(): void {
    const old = this.table;
    const table = this.words(old.length * 2);
    const mask = table.length / 2 - 1;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i + 1] === 0) continue;
      let slot = old[i] & mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = old[i];
      table[2 * slot + 1] = old[i + 1];
    }
    this.table = table;
    this.mask = mask;
    if (this.recent.length < 2 * RECENT_MAX) {
      this.recent = new Uint32Array(2 * recentEntries(mask + 1));
      this.recentMask = this.recent.length / 2 - 1;
    }
  }
}

function sameRows(words: Uint32Array, a: number, b: number, stride: number): boolean {
  for (let i = 0; i < stride; i++) if (words[a * stride + i] !== words[b * stride + i]) return false;
  return true;
}

/** Entries of the recent-hit cache beside a table of `slots` slots: an eighth of them, at most RECENT_MAX. */
function recentEntries(slots: number): number {
  return Math.max(1, Math.min(RECENT_MAX, slots >> 3));
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
