/**
 * A worker's partition of the parallel explorer (checker/parallel.ts, docs/parallel.md): the states
 * whose hash maps to this worker, their table, their rows, their global ids. Phase A (the shared
 * successor function, checker/parallel-expand.ts) expands a piece of the frontier and addresses
 * every successor to its owner; phase B inserts, in key order, the successors addressed to it and
 * checks the claims on the new ones (checker/claims.ts); phase C numbers them. It also serves rows
 * for traces and checkpoints, and takes its states back on resume.
 */
import { Claims, type Failure } from './claims.js';
import { CheckerError } from './errors.js';
import { Expander } from './expand.js';
import { hashWords } from './hash.js';
import { Owned } from './owned.js';
import { PhaseA } from './parallel-expand.js';
import {
  ensureShared,
  type FromWorker,
  type Key,
  ownerOf,
  RECORD_HEADER,
  type Words,
} from './parallel-protocol.js';
import type { SharedParts } from './shared-table.js';
import type { Spec } from './types.js';

export type AnySpec = Spec<unknown, unknown>;

/** `witnessLocal` of a witness some worker reached in an earlier level: not looked for. */
const CLOSED = -2;

/** One worker's share of the search: the states it owns, their table, rows, keys and global ids. */
export class Partition {
  private readonly stride: number;
  /** The states this worker owns: rows, table, global ids. */
  private readonly owned: Owned;
  /** First local id of the frontier (the level being expanded); the level expanded last ends here. */
  private frontierLo = 0;
  /** First local id of the level being built, and its keys. */
  private newLo = 0;
  private keys: SharedArrayBuffer | undefined;
  private initialLevel = false;
  private violationLocal = -1;
  /** The store cannot grow any more (MAX_STATES). */
  private full = false;
  private violation: (Failure & { key: Key }) | undefined;
  private keyView: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  /** Per witness: the first local id of the level that satisfies it, -1 (none yet) or CLOSED. */
  private witnessLocal: number[];
  /** The successor function, shared with the one-worker explorer; phase A writes into its buffer. */
  private readonly x: Expander<unknown, unknown>;
  private readonly phaseA: PhaseA;
  private readonly claims: Claims<unknown>;

  constructor(
    spec: AnySpec,
    private readonly index: number,
    private readonly workers: number,
    noSymmetry: boolean,
    private readonly fence: Int32Array,
  ) {
    if (!spec.codec) throw new CheckerError('E_BAD_OPTION', `spec "${spec.name}" has no codec`);
    this.stride = Math.max(1, Math.ceil(spec.codec.bytes / 4));
    this.owned = new Owned(spec.codec, index, workers);
    const enc32 = new Uint32Array(this.stride);
    this.x = new Expander(spec, noSymmetry, new Uint8Array(enc32.buffer));
    this.phaseA = new PhaseA(this.x, enc32, this.stride, workers);
    this.claims = new Claims(spec);
    this.witnessLocal = Array.from({ length: this.claims.witnessCount }, () => -1);
  }

  initial(witnessesLeft: readonly boolean[]): FromWorker {
    this.initialLevel = true;
    this.beginLevel();
    this.close(witnessesLeft);
    const stride = this.stride;
    const rows = new Uint32Array(this.x.initials(stride * 4).rows.buffer);
    for (let i = 0; i * stride < rows.length; i++) {
      if (ownerOf(hashWords(rows, i * stride, stride), this.workers) !== this.index) continue;
      this.owned.scratch32.set(rows.subarray(i * stride, (i + 1) * stride));
      this.offer(i, 0, true);
    }
    return this.inserted(false);
  }

  private beginLevel(): void {
    this.newLo = this.owned.count;
    this.violationLocal = -1;
    this.witnessLocal.fill(-1);
  }

  /** Witnesses reached in earlier levels are not looked for. */
  private close(witnessesLeft: readonly boolean[]): void {
    for (let i = 0; i < this.witnessLocal.length; i++) {
      if (!witnessesLeft[i] && this.witnessLocal[i] === -1) this.witnessLocal[i] = CLOSED;
    }
  }

  /** Phase A: see PhaseA.run. */
  expand(
    g0: number,
    g1: number,
    abort: Int32Array,
    tables: readonly SharedParts[],
    whereOwner: Uint8Array,
    whereLocal: Int32Array,
  ): FromWorker {
    Atomics.load(this.fence, 0);
    return this.phaseA.run(g0, g1, abort, tables, whereOwner, whereLocal);
  }

  /** Phase B: merges the inboxes by key and offers each record to the table. */
  insert(inboxes: readonly Words[], store: boolean, witnessesLeft: readonly boolean[]): FromWorker {
    this.close(witnessesLeft);
    const recWords = this.stride + RECORD_HEADER;
    const views = inboxes.map((w) => new Uint32Array(w.sab, 0, w.used));
    const pos = views.map(() => 0);
    let pastDepth = false;
    for (;;) {
      let best = -1;
      let bp = 0;
      let ba = 0;
      for (let w = 0; w < views.length; w++) {
        const p = pos[w];
        if (p >= views[w].length) continue;
        const pg = views[w][p];
        const a = views[w][p + 1];
        if (best < 0 || pg < bp || (pg === bp && a < ba)) {
          best = w;
          bp = pg;
          ba = a;
        }
      }
      if (best < 0) break;
      const v = views[best];
      const at = pos[best] + RECORD_HEADER;
      const scratch32 = this.owned.scratch32;
      for (let w = 0; w < this.stride; w++) scratch32[w] = v[at + w];
      pos[best] += recWords;
      if (!this.offer(bp, ba, store)) pastDepth = true;
    }
    return this.inserted(pastDepth);
  }

  /**
   * The encoding is in the store's scratch buffer: store it if new (returns false if it is new
   * but must not be stored), record its key, and check the claims on it.
   */
  private offer(pg: number, a: number, store: boolean): boolean {
    const owned = this.owned;
    if (owned.store.findEncoded() >= 0) return true;
    if (!store) return false;
    // A full store takes no more: the main thread stops the run as `incomplete` (memory).
    if (this.full || owned.store.growthBytes() === Number.POSITIVE_INFINITY) {
      this.full = true;
      return true;
    }
    const local = owned.add(-1);
    const k = 2 * (local - this.newLo);
    if (k + 2 > this.keyView.length) {
      this.keys = ensureShared(this.keys, k + 2, k);
      this.keyView = new Uint32Array(this.keys);
    }
    this.keyView[k] = pg;
    this.keyView[k + 1] = a;
    const s = this.x.stored(owned.store.chunk(local), owned.store.rowAt(local));
    this.claims.reach(s, local, this.witnessLocal);
    if (this.violationLocal < 0) {
      const failed = this.claims.violated(s);
      if (failed) {
        this.violationLocal = local;
        this.violation = { key: [pg, a], property: failed.property, message: failed.message };
      }
    }
    return true;
  }

  private keyOf(local: number): Key {
    const keys = new Uint32Array(this.keys!);
    const k = 2 * (local - this.newLo);
    return [keys[k], keys[k + 1]];
  }

  private inserted(pastDepth: boolean): FromWorker {
    Atomics.add(this.fence, 0, 1);
    const newInLevel = this.owned.count - this.newLo;
    return {
      t: 'inserted',
      newInLevel,
      ...(this.violationLocal >= 0 && this.violation ? { violation: this.violation } : {}),
      witnessKeys: this.witnessLocal.map((l) => (l >= 0 ? this.keyOf(l) : null)),
      pastDepth,
      full: this.full,
      keys: { sab: this.keys ?? new SharedArrayBuffer(4), used: 2 * newInLevel },
      bytes: this.owned.bytes() + (this.keys?.byteLength ?? 0) + this.phaseA.bytes(),
      parts: this.owned.store.sharedParts(),
    };
  }

  /** Phase C: global ids by rank among every worker's keys of the level, and the parent links. */
  number(
    keyLists: readonly Words[],
    base: number,
    parentSab: SharedArrayBuffer,
    viaSab: SharedArrayBuffer,
    overflowGid: number,
    whereOwner: Uint8Array,
    whereLocal: Int32Array,
  ): FromWorker {
    const mine = new Uint32Array(keyLists[this.index].sab, 0, keyLists[this.index].used);
    const others = keyLists.filter((_, i) => i !== this.index).map((w) => new Uint32Array(w.sab, 0, w.used));
    const pos = others.map(() => 0);
    const parent = new Int32Array(parentSab);
    const via = new Uint16Array(viaSab);
    const initials: [number, number][] = [];
    const gid = this.owned.gid;
    let overflowKey: Key | null = null;
    for (let i = 0; i < mine.length; i += 2) {
      const pg = mine[i];
      const a = mine[i + 1];
      let rank = i / 2;
      for (let o = 0; o < others.length; o++) {
        const v = others[o];
        let p = pos[o];
        while (p < v.length && (v[p] < pg || (v[p] === pg && v[p + 1] < a))) p += 2;
        pos[o] = p;
        rank += p / 2;
      }
      const g = base + rank;
      gid[this.newLo + i / 2] = g;
      whereOwner[g] = this.index;
      whereLocal[g] = this.newLo + i / 2;
      if (this.initialLevel) {
        parent[g] = -1;
        via[g] = 0;
        initials.push([g, pg]);
      } else {
        parent[g] = pg;
        via[g] = a;
      }
      if (g === overflowGid) overflowKey = [pg, a];
    }
    const gidOf: [number, number, number][] = [];
    if (this.violationLocal >= 0) gidOf.push([0, 0, gid[this.violationLocal]]);
    this.witnessLocal.forEach((l, w) => {
      if (l >= 0) gidOf.push([1, w, gid[l]]);
    });
    // The level just numbered becomes the frontier.
    this.frontierLo = this.newLo;
    this.initialLevel = false;
    this.beginLevel();
    return { t: 'numbered', gidOf, overflowKey, initials };
  }

  /** Transitions and fired kinds of the level expanded last, up to key (pg, a) inclusive, from global id g0. */
  recount(g0: number, pg: number, a: number): FromWorker {
    const { x, owned } = this;
    // The level expanded last ends where the level just numbered begins.
    const hi = this.frontierLo;
    for (let local = owned.firstFrom(g0, hi); local < hi && owned.gid[local] <= pg; local++) {
      const g = owned.gid[local];
      const n = x.beginRow(g, owned.store.chunk(local), owned.store.rowAt(local));
      x.countOnly(g < pg ? n : Math.min(n, a + 1));
    }
    return { t: 'recounted', ...x.takeCounts() };
  }

  rows(gids: readonly number[]): FromWorker {
    return this.owned.rows(gids);
  }

  dump(below: number): FromWorker {
    return this.owned.dump(below);
  }

  /** Resume: take the snapshot's states this worker owns, in global id order. */
  load(
    states: SharedArrayBuffer,
    count: number,
    frontierStart: number,
    whereOwner: Uint8Array,
    whereLocal: Int32Array,
  ): FromWorker {
    this.frontierLo = this.owned.load(new Uint8Array(states), count, frontierStart, whereOwner, whereLocal);
    this.beginLevel();
    Atomics.add(this.fence, 0, 1);
    return { t: 'loaded', owned: this.owned.count, parts: this.owned.store.sharedParts() };
  }
}
