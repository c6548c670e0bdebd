/**
 * The states one worker of the parallel explorer owns (checker/partition.ts): their rows, in a
 * shared `PackedStore` that other workers read in phase A, and the global id of each. Local ids
 * follow global ids (states are numbered level by level in key order), so a global id is found by
 * binary search. It serves rows for traces and checkpoints, and takes its states back on resume.
 */
import { CheckerError } from './errors.js';
import { hashWords } from './hash.js';
import { type FromWorker, ownerOf } from './parallel-protocol.js';
import { CHUNK_ROWS, PackedStore } from './store.js';
import type { Codec } from './types.js';

export class Owned {
  readonly store: PackedStore<unknown>;
  /** The store's probe buffer as words: phase B and resume write an encoding here, then probe. */
  readonly scratch32: Uint32Array;
  /** Global id of each local id (-1 until the level is numbered); ascending. */
  gid = new Int32Array(1 << 12);
  private readonly stride: number;

  constructor(
    private readonly codec: Codec<unknown>,
    private readonly index: number,
    private readonly workers: number,
  ) {
    this.store = new PackedStore(codec, CHUNK_ROWS, true);
    this.stride = Math.max(1, Math.ceil(codec.bytes / 4));
    this.scratch32 = new Uint32Array(this.store.scratch.buffer, 0, this.stride);
  }

  get count(): number {
    return this.store.count;
  }

  /** Stores the encoding just probed (and not found) with global id `g`; returns its local id. */
  add(g: number): number {
    const local = this.store.insert(undefined);
    if (local >= this.gid.length) {
      const gid = new Int32Array(Math.max(this.gid.length * 2, local + 1));
      gid.set(this.gid);
      this.gid = gid;
    }
    this.gid[local] = g;
    return local;
  }

  /** The first local id below `hi` from which every global id up to `hi` is at least `g`. */
  firstFrom(g: number, hi: number): number {
    let lo = hi;
    while (lo > 0 && this.gid[lo - 1] >= g) lo--;
    return lo;
  }

  /** Bytes the rows, the table and the global ids hold. */
  bytes(): number {
    return this.store.bytes() + this.gid.byteLength;
  }

  /** The stored bytes of these global ids, where owned. */
  rows(gids: readonly number[]): FromWorker {
    const found: number[] = [];
    const bytes = this.codec.bytes;
    const out = new Uint8Array(gids.length * bytes);
    for (const g of gids) {
      const local = this.localOf(g);
      if (local < 0) continue;
      out.set(this.store.raw(local), found.length * bytes);
      found.push(g);
    }
    return { t: 'rows', gids: found, rows: out.slice(0, found.length * bytes) };
  }

  /** Every state with a global id below `below`: global ids and rows. */
  dump(below: number): FromWorker {
    let n = 0;
    while (n < this.store.count && this.gid[n] >= 0 && this.gid[n] < below) n++;
    const bytes = this.codec.bytes;
    const rows = new Uint8Array(n * bytes);
    for (let i = 0; i < n; i++) rows.set(this.store.raw(i), i * bytes);
    return { t: 'dump', gids: this.gid.slice(0, n), rows };
  }

  /**
   * Resume: takes the snapshot's states this worker owns (global ids 0..count-1, in order) and
   * says where they live; returns the first local id of the frontier (global ids from frontierStart).
   */
  load(
    states: Uint8Array,
    count: number,
    frontierStart: number,
    whereOwner: Uint8Array,
    whereLocal: Int32Array,
  ): number {
    const bytes = this.codec.bytes;
    const enc8 = this.store.scratch;
    for (let g = 0; g < count; g++) {
      enc8.set(states.subarray(g * bytes, (g + 1) * bytes));
      if (ownerOf(hashWords(this.scratch32, 0, this.stride), this.workers) !== this.index) continue;
      if (this.store.findEncoded() >= 0) {
        throw new CheckerError('E_BAD_CHECKPOINT', `the checkpoint stores state ${g} twice`);
      }
      const local = this.add(g);
      whereOwner[g] = this.index;
      whereLocal[g] = local;
    }
    return this.firstFrom(frontierStart, this.store.count);
  }

  private localOf(g: number): number {
    let lo = 0;
    let hi = this.store.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.gid[mid];
      if (v === g) return mid;
      if (v < g) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
