/**
 * Another thread's view of a shared `PackedStore` (checker/store.ts): the buffers a store made with
 * `shared = true` hands over (`SharedParts`), and a read-only, exact membership test on them
 * (`SharedTableView`), which the parallel explorer's phase A uses to send only unknown successors.
 */

/** A shared store's buffers, as another thread receives them. */
export interface SharedParts {
  /** The arena's chunks, each `1 << shift` rows of `stride` words. */
  readonly chunks: readonly SharedArrayBuffer[];
  readonly shift: number;
  readonly table: SharedArrayBuffer;
  readonly stride: number;
}

/**
 * Read-only membership test on another thread's shared `PackedStore`, exact like its own probe
 * (hash, then the whole row). Valid while that store does not insert.
 */
export class SharedTableView {
  private readonly chunks: readonly Uint32Array[];
  /** The chunks as bytes, for decoding a row in place (`chunk`, `rowAt`). */
  private readonly chunks8: readonly Uint8Array[];
  private readonly shift: number;
  private readonly rowMask: number;
  private readonly table: Uint32Array;
  private readonly mask: number;
  private readonly stride: number;

  constructor(parts: SharedParts) {
    this.chunks = parts.chunks.map((c) => new Uint32Array(c));
    this.chunks8 = parts.chunks.map((c) => new Uint8Array(c));
    this.shift = parts.shift;
    this.rowMask = (1 << parts.shift) - 1;
    this.table = new Uint32Array(parts.table);
    this.mask = this.table.length / 2 - 1;
    this.stride = parts.stride;
  }

  /** The id + 1 of the state with words `w` (and hash `h`, as `hashWords` gives it), or 0. */
  find(w: Uint32Array, h: number): number {
    const { table, mask } = this;
    let slot = h & mask;
    for (;;) {
      const e = table[2 * slot + 1];
      if (e === 0) return 0;
      if (table[2 * slot] === h && this.same(e - 1, w)) return e;
      slot = (slot + 1) & mask;
    }
  }

  /** Is stored state `id` the state with words `w`? */
  same(id: number, w: Uint32Array): boolean {
    const stride = this.stride;
    const arena = this.chunks[id >>> this.shift];
    const base = (id & this.rowMask) * stride;
    for (let i = 0; i < stride; i++) if (arena[base + i] !== w[i]) return false;
    return true;
  }

  /** The chunk holding stored state `id`, as bytes. */
  chunk(id: number): Uint8Array {
    return this.chunks8[id >>> this.shift];
  }

  /** Where stored state `id` starts in its chunk, in bytes. */
  rowAt(id: number): number {
    return (id & this.rowMask) * this.stride * 4;
  }
}
