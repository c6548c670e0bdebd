/**
 * Another thread's view of a shared `PackedStore` (checker/store.ts): the buffers a store made with
 * `shared = true` hands over (`SharedParts`), and a read-only, exact membership test on them
 * (`SharedTableView`), which the parallel explorer's phase A uses to send only unknown successors.
 */

/** A shared store's buffers, as another thread receives them. */
export interface SharedParts {
  readonly arena: SharedArrayBuffer;
  readonly table: SharedArrayBuffer;
  readonly stride: number;
}

/**
 * Read-only membership test on another thread's shared `PackedStore`, exact like its own probe
 * (hash, then the whole row). Valid while that store does not insert.
 */
export class SharedTableView {
  private readonly arena: Uint32Array;
  private readonly table: Uint32Array;
  private readonly mask: number;
  private readonly stride: number;

  constructor(parts: SharedParts) {
    this.arena = new Uint32Array(parts.arena);
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
    const { arena, stride } = this;
    const base = id * stride;
    for (let i = 0; i < stride; i++) if (arena[base + i] !== w[i]) return false;
    return true;
  }
}
