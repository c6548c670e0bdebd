/**
 * Phase A of a parallel explorer's worker (docs/parallel.md): expanding a contiguous piece of the
 * round's frontier ids, whoever owns the states, with the one-worker explorer's own successor
 * function (checker/expand.ts). Each successor's encoding is looked up, read-only, in its owner's
 * table; only an unknown one is appended, with its discovery key, to the outbox of its owner.
 */
import type { Expander } from './expand.js';
import { hashWords } from './hash.js';
import { ensureShared, type FromWorker, ownerOf, RECORD_HEADER, type Words } from './parallel-protocol.js';
import { type SharedParts, SharedTableView } from './shared-table.js';

const RECENT_MASK = (1 << 16) - 1;

export class PhaseA {
  private readonly outboxes: (SharedArrayBuffer | undefined)[];
  /**
   * Recent hits, direct-mapped by hash: the owner and its row (id + 1; 0: empty). Rows stay where
   * they are when a store grows, so entries stay valid; each hit is confirmed exactly.
   */
  private readonly recentH = new Uint32Array(RECENT_MASK + 1);
  private readonly recentD = new Uint8Array(RECENT_MASK + 1);
  private readonly recentE = new Uint32Array(RECENT_MASK + 1);

  constructor(
    /** Writes each successor's encoding into `enc32` (its `out`). */
    private readonly x: Expander<unknown, unknown>,
    private readonly enc32: Uint32Array,
    private readonly stride: number,
    private readonly workers: number,
  ) {
    this.outboxes = Array.from({ length: workers }, () => undefined);
  }

  /**
   * Expands the frontier states with global ids in [g0, g1): their rows are read from the owners'
   * shared arenas (`tables`), located by `whereOwner`/`whereLocal`. A contiguous range keeps
   * sibling states together, as the one-worker explorer has them: their successors overlap, and
   * the recent-hit cache answers most probes.
   */
  run(
    g0: number,
    g1: number,
    abort: Int32Array,
    tables: readonly SharedParts[],
    whereOwner: Uint8Array,
    whereLocal: Int32Array,
  ): FromWorker {
    const owners = tables.map((p) => new SharedTableView(p));
    const used = new Array<number>(this.workers).fill(0);
    const views = this.outboxes.map((b) => new Uint32Array(b ?? new SharedArrayBuffer(0)));
    // The hot loop reads locals only.
    const { x, enc32, stride, workers, recentH, recentD, recentE } = this;
    const recWords = stride + RECORD_HEADER;
    let aborted = false;
    for (let pg = g0; pg < g1; pg++) {
      if (((pg - g0) & 255) === 255 && Atomics.load(abort, 0) !== 0) {
        aborted = true;
        break;
      }
      const owner = owners[whereOwner[pg]];
      const local = whereLocal[pg];
      const n = x.beginRow(pg, owner.chunk(local), owner.rowAt(local));
      for (let i = 0; i < n; i++) {
        x.successor(i);
        const h = hashWords(enc32, 0, stride);
        const d = ownerOf(h, workers);
        // Known already? A recent hit first (likely in cache), then the owner's table.
        const r = h & RECENT_MASK;
        const e = recentE[r];
        if (e !== 0 && recentH[r] === h && recentD[r] === d && owners[d].same(e - 1, enc32)) continue;
        const found = owners[d].find(enc32, h);
        if (found !== 0) {
          recentH[r] = h;
          recentD[r] = d;
          recentE[r] = found;
          continue;
        }
        let at = used[d];
        if (at + recWords > views[d].length) {
          this.outboxes[d] = ensureShared(this.outboxes[d], at + recWords, at);
          views[d] = new Uint32Array(this.outboxes[d]!);
        }
        const out = views[d];
        out[at] = pg;
        out[at + 1] = i;
        at += RECORD_HEADER;
        for (let w = 0; w < stride; w++) out[at + w] = enc32[w];
        used[d] = at + stride;
      }
    }
    const { transitions, fired } = x.takeCounts();
    const outboxes: Words[] = used.map((u, d) => ({
      sab: this.outboxes[d] ?? new SharedArrayBuffer(4),
      used: u,
    }));
    return { t: 'expanded', outboxes, transitions, fired, aborted };
  }

  /** Bytes the outboxes hold. */
  bytes(): number {
    let b = 0;
    for (const o of this.outboxes) b += o?.byteLength ?? 0;
    return b;
  }
}
