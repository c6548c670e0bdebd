/**
 * Exact stores of visited states: the `StateStore` interface and `PackedStore`, its typed-array
 * implementation. A state gets a dense id in insertion order (so BFS order is id order).
 * Fingerprints only index the table; a hit is confirmed by comparing the whole encoding.
 *
 * The arena is a list of chunks of a fixed number of rows (a power of two): past its first chunk
 * (which doubles, a copy, up to full size) growing adds a chunk and copies nothing, so a run is
 * limited by the states that fit in memory, not by one typed array's doubling (which needed twice
 * the arena for a moment, and at most 4 GiB). The table of ids still doubles as one array.
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
 * The most states a store holds: what its table holds at its largest (2^30 slots, one typed
 * array of 2^31 words; the next would pass what a typed array holds) at the load factor, about
 * 751 M. The parent links and global ids (Int32Array) hold them too. A store that would grow past
 * it reports its growth as infinite, which the explorers' memory check turns into a clean
 * `incomplete`.
 */
export const MAX_STATES = Math.floor(MAX_LOAD * 2 ** 30);
/** Rows per arena chunk by default (2^16: about 5 MB of 80-byte states). */
export const CHUNK_ROWS = 1 << 16;
/** Entries of the recent-hit cache at most (2^16: 512 KiB, small enough to stay in cache). */
const RECENT_MAX = 1 << 16;

export class PackedStore<S> implements StateStore<S> {
  readonly kind = 'packed' as const;
  count = 0;
  private readonly stride: number; // 32-bit words per state, padding zeroed
  /** Rows per chunk: 1 << shift; a row's chunk is id >>> shift, its place in it id & rowMask. */
  private readonly shift: number;
  private readonly rowMask: number;
  /** The most rows the arena may hold (MAX_STATES, or less in tests). */
  private readonly maxRows: number;
  private capacity = 0;
  private chunks8: Uint8Array[] = [];
  private chunks32: Uint32Array[] = [];
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
   * `chunkRows`: rows per arena chunk, a power of two (small in tests, to cross chunks often);
   * `maxRows`: the most states, lower only in tests. The first chunk starts at `initialRows` and
   * doubles (a copy, while it is small) up to `chunkRows`, so a small run holds a small arena.
   */
  constructor(
    private readonly codec: Codec<S>,
    chunkRows = CHUNK_ROWS,
    private readonly shared = false,
    maxRows = MAX_STATES,
    initialRows = Math.min(chunkRows, 1 << 12),
  ) {
    this.stride = Math.max(1, Math.ceil(codec.bytes / 4));
    if (chunkRows < 1 || (chunkRows & (chunkRows - 1)) !== 0)
      throw new Error(`PackedStore: chunkRows ${chunkRows} is not a power of two`);
    this.shift = Math.log2(chunkRows);
    this.rowMask = chunkRows - 1;
    this.maxRows = Math.min(maxRows, MAX_STATES);
    this.capacity = nextPow2(Math.max(1, Math.min(initialRows, chunkRows)));
    const first = this.words(this.capacity * this.stride);
    this.chunks32.push(first);
    this.chunks8.push(new Uint8Array(first.buffer));
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

  /** The arena chunks and table of a shared store, for `SharedTableView`s in other threads. */
  sharedParts(): SharedParts {
    if (!this.shared) throw new Error('sharedParts needs a store made with shared = true');
    return {
      chunks: this.chunks32.map((c) => c.buffer as SharedArrayBuffer),
      shift: this.shift,
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
    if (this.count >= this.maxRows) {
      throw new RangeError(`the store is full: ${this.count} states, the most it holds`);
    }
    if (this.count === this.capacity) this.addChunk();
    const id = this.count++;
    this.chunks32[id >>> this.shift].set(this.scratch32, (id & this.rowMask) * this.stride);
    this.table[2 * this.lastSlot] = this.lastHash;
    this.table[2 * this.lastSlot + 1] = id + 1;
    const r = 2 * (this.lastHash & this.recentMask);
    this.recent[r] = this.lastHash;
    this.recent[r + 1] = id + 1;
    if (this.count > (this.mask + 1) * MAX_LOAD) this.rehash();
    return id;
  }

  load(id: number): S {
    return this.codec.decode(this.chunk(id), this.rowAt(id));
  }

  /** The arena chunk holding state `id`, as bytes: the state is encoded at `rowAt(id)` in it. */
  chunk(id: number): Uint8Array {
    return this.chunks8[id >>> this.shift];
  }

  /** Bytes per row: the encoding, padded to whole 32-bit words (the padding is zero). */
  get rowSize(): number {
    return this.stride * 4;
  }

  /** Where state `id` starts in its chunk (`chunk(id)`), in bytes. */
  rowAt(id: number): number {
    return (id & this.rowMask) * this.stride * 4;
  }

  get loadInto(): ((id: number, into: S) => void) | undefined {
    const decodeInto = this.codec.decodeInto;
    if (!decodeInto) return undefined;
    return (id, into) => decodeInto.call(this.codec, this.chunk(id), this.rowAt(id), into);
  }

  equals(id: number, s: S): boolean {
    this.codec.encode(s, this.scratch8, 0);
    return this.sameWords(id);
  }

  /** The stored bytes of state `id` (a copy). */
  raw(id: number): Uint8Array {
    const at = this.rowAt(id);
    return this.chunk(id).slice(at, at + this.codec.bytes);
  }

  /**
   * States [first, first + n) in id order, unpadded (a checkpoint's states, piece by piece): a view
   * of the arena when rows have no padding and the piece is in one chunk, else packed into `out`
   * (allocated if too small, or if it is a view of this store's own rows: a caller that passes
   * back the view it got must not have rows copied over the store's).
   */
  rowBytes(first: number, n: number, out?: Uint8Array): Uint8Array {
    const bytes = this.codec.bytes;
    const rowBytes = this.stride * 4;
    if (n === 0) return new Uint8Array(0);
    if (rowBytes === bytes && first >>> this.shift === (first + n - 1) >>> this.shift) {
      const at = this.rowAt(first);
      return this.chunk(first).subarray(at, at + n * bytes);
    }
    const own = out !== undefined && this.chunks8.some((c) => c.buffer === out.buffer);
    const into = out && !own && out.length >= n * bytes ? out : new Uint8Array(n * bytes);
    if (rowBytes === bytes) {
      // No padding: one copy per chunk the piece spans.
      for (let i = 0; i < n; ) {
        const id = first + i;
        const span = Math.min(n - i, this.rowMask + 1 - (id & this.rowMask));
        const at = this.rowAt(id);
        into.set(this.chunk(id).subarray(at, at + span * bytes), i * bytes);
        i += span;
      }
      return into.subarray(0, n * bytes);
    }
    for (let i = 0; i < n; i++) {
      const from = this.rowAt(first + i);
      into.set(this.chunk(first + i).subarray(from, from + bytes), i * bytes);
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
    if (count > this.maxRows) throw new Error(`importRows: ${count} states pass the store's ${this.maxRows}`);
    while (this.capacity < count) this.addChunk();
    for (let id = 0; id < count; id++)
      this.chunk(id).set(src.subarray(id * bytes, (id + 1) * bytes), this.rowAt(id));
    // The table grows as inserts grow it (rehash of an empty table: cheap), then takes every row.
    while (count > (this.mask + 1) * MAX_LOAD) this.rehash();
    const table = this.table;
    const mask = this.mask;
    for (let id = 0; id < count; id++) {
      const words = this.chunks32[id >>> this.shift];
      const at = (id & this.rowMask) * stride;
      const h = hashWords(words, at, stride);
      let slot = h & mask;
      for (;;) {
        const e = table[2 * slot + 1];
        if (e === 0) break;
        if (table[2 * slot] === h && this.sameRows(e - 1, id)) return id;
        slot = (slot + 1) & mask;
      }
      table[2 * slot] = h;
      table[2 * slot + 1] = id + 1;
    }
    this.count = count;
    return -1;
  }

  bytes(): number {
    return this.capacity * this.stride * 4 + this.table.byteLength + this.recent.byteLength;
  }

  bytesPerState(): number {
    return this.stride * 4 + (4 * (this.table.length + this.recent.length)) / Math.max(1, this.count);
  }

  growthBytes(): number {
    if (this.count >= this.maxRows) return Number.POSITIVE_INFINITY;
    let extra = 0;
    if (this.count === this.capacity) extra += this.nextRows() * this.stride * 4;
    if (this.count + 1 > (this.mask + 1) * MAX_LOAD) {
      extra += this.table.byteLength * 2;
      if (this.recent.length < 2 * RECENT_MAX) extra += 8 * recentEntries(2 * (this.mask + 1));
    }
    return extra;
  }

  private sameWords(id: number): boolean {
    const a = this.chunks32[id >>> this.shift];
    const b = this.scratch32;
    const stride = this.stride;
    const base = (id & this.rowMask) * stride;
    for (let i = 0; i < stride; i++) if (a[base + i] !== b[i]) return false;
    return true;
  }

  private sameRows(x: number, y: number): boolean {
    const a = this.chunks32[x >>> this.shift];
    const b = this.chunks32[y >>> this.shift];
    const stride = this.stride;
    const i0 = (x & this.rowMask) * stride;
    const j0 = (y & this.rowMask) * stride;
    for (let i = 0; i < stride; i++) if (a[i0 + i] !== b[j0 + i]) return false;
    return true;
  }

  /** Rows the next growth adds: the first chunk doubles up to full size, then a chunk at a time. */
  private nextRows(): number {
    return this.capacity <= this.rowMask ? this.capacity : this.rowMask + 1;
  }

  private addChunk(): void {
    const rows = this.nextRows();
    if (this.capacity <= this.rowMask) {
      // The first chunk, still small: replaced by one twice its size.
      const words = this.words((this.capacity + rows) * this.stride);
      words.set(this.chunks32[0]);
      this.chunks32[0] = words;
      this.chunks8[0] = new Uint8Array(words.buffer);
    } else {
      const words = this.words(rows * this.stride);
      this.chunks32.push(words);
      this.chunks8.push(new Uint8Array(words.buffer));
    }
    this.capacity += rows;
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

/** Entries of the recent-hit cache beside a table of `slots` slots: an eighth of them, at most RECENT_MAX. */
function recentEntries(slots: number): number {
  return Math.max(1, Math.min(RECENT_MAX, slots >> 3));
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
