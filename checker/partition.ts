/**
 * A worker's partition of the parallel explorer (checker/parallel.ts, docs/parallel.md): the states
 * whose hash maps to this worker, their table, their rows, their global ids. Phase A expands the
 * frontier states it owns and addresses every successor to its owner; phase B inserts, in key
 * order, the successors addressed to it and checks the claims on the new ones; phase C numbers
 * them. It also serves rows for traces and checkpoints, and takes its states back on resume.
 */
import { CheckerError, specThrew } from './errors.js';
import { hashWords } from './hash.js';
import { actionKindFn } from './kind.js';
import {
  ensureShared,
  type FromWorker,
  type Key,
  ownerOf,
  RECORD_HEADER,
  type Words,
} from './parallel-protocol.js';
import { type SharedParts, SharedTableView } from './shared-table.js';
import { PackedStore } from './store.js';
import type { Spec } from './types.js';

export type AnySpec = Spec<unknown, unknown>;

const RECENT_MASK = (1 << 16) - 1;

/** One worker's share of the search: the states it owns, their table, rows, keys and global ids. */
export class Partition {
  private readonly codec;
  private readonly stride: number;
  private readonly store: PackedStore<unknown>;
  private readonly scratch32: Uint32Array;
  /** Global id of each local id; ascending, since states are numbered level by level in key order. */
  private gid = new Int32Array(1 << 12);
  /** First local id of the frontier (the level being expanded); the level expanded last ends here. */
  private frontierLo = 0;
  /** First local id of the level being built, and its keys. */
  private newLo = 0;
  private keys: SharedArrayBuffer | undefined;
  private outboxes: (SharedArrayBuffer | undefined)[];
  private initialLevel = false;
  private violationLocal = -1;
  /** The store cannot grow any more (MAX_ARENA_BYTES). */
  private full = false;
  private violation: { key: Key; property: string; message: string } | undefined;
  private keyView: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  private witnessLocal: number[];
  private readonly kindOf: (a: unknown) => string;
  private readonly canonical: ((s: unknown) => unknown) | undefined;
  private readonly canonicalBytes: ((s: unknown, out: Uint8Array) => void) | undefined;
  private readonly fast: boolean;
  private readonly enc8: Uint8Array;
  private readonly enc32: Uint32Array;
  private readonly parentScratch: unknown;
  private readonly scratch: unknown;
  private readonly fresh: unknown;
  /**
   * Recent hits of phase A, direct-mapped by hash: the owner and its row (id + 1; 0: empty). Rows
   * stay where they are when a store grows, so entries stay valid; each hit is confirmed exactly.
   */
  private readonly recentH = new Uint32Array(RECENT_MASK + 1);
  private readonly recentD = new Uint8Array(RECENT_MASK + 1);
  private readonly recentE = new Uint32Array(RECENT_MASK + 1);

  constructor(
    private readonly spec: AnySpec,
    private readonly index: number,
    private readonly workers: number,
    noSymmetry: boolean,
    private readonly fence: Int32Array,
  ) {
    if (!spec.codec) throw new CheckerError('E_BAD_OPTION', `spec "${spec.name}" has no codec`);
    this.codec = spec.codec;
    this.stride = Math.max(1, Math.ceil(this.codec.bytes / 4));
    this.store = new PackedStore(this.codec, 1 << 12, true);
    this.scratch32 = new Uint32Array(this.store.scratch.buffer, 0, this.stride);
    this.enc32 = new Uint32Array(this.stride);
    this.enc8 = new Uint8Array(this.enc32.buffer);
    this.outboxes = Array.from({ length: workers }, () => undefined);
    this.witnessLocal = (spec.witnesses ?? []).map(() => -1);
    this.kindOf = actionKindFn(spec);
    this.canonical = !noSymmetry && spec.canonical ? spec.canonical.bind(spec) : undefined;
    this.canonicalBytes = this.canonical && spec.canonicalBytes ? spec.canonicalBytes.bind(spec) : undefined;
    this.fast = spec.apply !== undefined && this.codec.decodeInto !== undefined;
    const s0 = spec.initial()[0];
    this.codec.encode(this.canonical ? this.canonical(s0) : s0, this.enc8, 0);
    this.parentScratch = this.codec.decode(this.enc8, 0);
    this.scratch = this.codec.decode(this.enc8, 0);
    this.fresh = this.codec.decode(this.enc8, 0);
  }

  /** Writes the canonical encoding of `s` into enc8/enc32. */
  private encodeCanonical(s: unknown): void {
    if (this.canonicalBytes) this.canonicalBytes(s, this.enc8);
    else this.codec.encode(this.canonical ? this.canonical(s) : s, this.enc8, 0);
  }

  initial(witnessesLeft: readonly boolean[]): FromWorker {
    this.initialLevel = true;
    this.beginLevel();
    const inits = this.spec.initial();
    for (let i = 0; i < inits.length; i++) {
      this.encodeCanonical(inits[i]);
      if (ownerOf(hashWords(this.enc32, 0, this.stride), this.workers) !== this.index) continue;
      this.scratch32.set(this.enc32);
      this.offer(i, 0, true, witnessesLeft);
    }
    return this.inserted(false);
  }

  private beginLevel(): void {
    this.newLo = this.store.count;
    this.violationLocal = -1;
    this.witnessLocal.fill(-1);
  }

  /**
   * Phase A: expands the frontier states with global ids in [g0, g1), whoever owns them (their rows
   * are read from the owners' shared arenas, located by `whereOwner`/`whereLocal`). A contiguous
   * range keeps sibling states together, as the one-worker explorer has them: their successors
   * overlap, and the recent-hit cache answers most probes.
   */
  expand(
    g0: number,
    g1: number,
    abort: Int32Array,
    tables: readonly SharedParts[],
    whereOwner: Uint8Array,
    whereLocal: Int32Array,
  ): FromWorker {
    Atomics.load(this.fence, 0);
    const owners = tables.map((p) => new SharedTableView(p));
    const arenas = tables.map((p) => new Uint8Array(p.arena));
    const spec = this.spec;
    const stride = this.stride;
    const rowBytes = stride * 4;
    const recWords = stride + RECORD_HEADER;
    const used = new Array<number>(this.workers).fill(0);
    const views = this.outboxes.map((b) => new Uint32Array(b ?? new SharedArrayBuffer(0)));
    const fired = new Map<string, { n: number }>();
    let lastKind: string | undefined;
    let lastCell: { n: number } | undefined;
    let transitions = 0;
    let aborted = false;
    // The hot loop reads locals only.
    const { fast, parentScratch, scratch, enc8, enc32, recentH, recentD, recentE, workers, kindOf } = this;
    const canonical = this.canonical;
    const canonicalBytes = this.canonicalBytes;
    const codec = this.codec;
    const decodeInto = codec.decodeInto;
    const apply = spec.apply;
    for (let pg = g0; pg < g1; pg++) {
      const src = arenas[whereOwner[pg]];
      const row = whereLocal[pg] * rowBytes;
      if (((pg - g0) & 255) === 255 && Atomics.load(abort, 0) !== 0) {
        aborted = true;
        break;
      }
      let s: unknown;
      if (fast) {
        decodeInto!.call(codec, src, row, parentScratch);
        s = parentScratch;
      } else s = codec.decode(src, row);
      let enabled: unknown[];
      try {
        enabled = [...spec.actions(s)];
      } catch (e) {
        throw threw(spec, 'actions', pg, undefined, e);
      }
      if (enabled.length > 0x10000) {
        throw new CheckerError('E_TOO_MANY_ACTIONS', `state ${pg} has more than 65536 enabled actions`);
      }
      for (let i = 0; i < enabled.length; i++) {
        const a = enabled[i];
        try {
          let t: unknown;
          if (fast) {
            decodeInto!.call(codec, src, row, scratch);
            apply!(scratch, a);
            t = scratch;
          } else t = spec.next(s, a);
          if (canonicalBytes) canonicalBytes(t, enc8);
          else codec.encode(canonical ? canonical(t) : t, enc8, 0);
        } catch (e) {
          throw threw(spec, 'next', pg, a, e);
        }
        transitions++;
        const k = kindOf(a);
        if (k !== lastKind) {
          lastKind = k;
          lastCell = fired.get(k);
          if (lastCell === undefined) {
            lastCell = { n: 0 };
            fired.set(k, lastCell);
          }
        }
        lastCell!.n++;
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
    const firedOut: Record<string, number> = {};
    for (const [k, c] of fired) firedOut[k] = c.n;
    const outboxes: Words[] = used.map((u, d) => ({
      sab: this.outboxes[d] ?? new SharedArrayBuffer(4),
      used: u,
    }));
    return { t: 'expanded', outboxes, transitions, fired: firedOut, aborted };
  }

  /** Phase B: merges the inboxes by key and offers each record to the table. */
  insert(inboxes: readonly Words[], store: boolean, witnessesLeft: readonly boolean[]): FromWorker {
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
      for (let w = 0; w < this.stride; w++) this.scratch32[w] = v[at + w];
      pos[best] += recWords;
      if (!this.offer(bp, ba, store, witnessesLeft)) pastDepth = true;
    }
    return this.inserted(pastDepth);
  }

  /**
   * The encoding is in the store's scratch buffer: store it if new (returns false if it is new
   * but must not be stored), record its key, and check the claims on it.
   */
  private offer(pg: number, a: number, store: boolean, witnessesLeft: readonly boolean[]): boolean {
    if (this.store.findEncoded() >= 0) return true;
    if (!store) return false;
    // A full store takes no more: the main thread stops the run as `incomplete` (memory).
    if (this.full || this.store.growthBytes() === Number.POSITIVE_INFINITY) {
      this.full = true;
      return true;
    }
    const local = this.store.insert(undefined);
    if (local >= this.gid.length) {
      const g = new Int32Array(this.gid.length * 2);
      g.set(this.gid);
      this.gid = g;
    }
    this.gid[local] = -1;
    const k = 2 * (local - this.newLo);
    if (k + 2 > this.keyView.length) {
      this.keys = ensureShared(this.keys, k + 2, k);
      this.keyView = new Uint32Array(this.keys);
    }
    this.keyView[k] = pg;
    this.keyView[k + 1] = a;
    let s: unknown;
    if (this.fast) {
      this.store.loadInto!(local, this.fresh);
      s = this.fresh;
    } else s = this.store.load(local);
    const ws = this.spec.witnesses ?? [];
    for (let i = 0; i < ws.length; i++) {
      if (witnessesLeft[i] && this.witnessLocal[i] < 0 && ws[i].holds(s)) this.witnessLocal[i] = local;
    }
    if (this.violationLocal < 0) {
      for (const inv of this.spec.invariants) {
        if (!inv.holds(s)) {
          this.violationLocal = local;
          this.violation = {
            key: [pg, a],
            property: inv.name,
            message: inv.explain ? inv.explain(s) : `${inv.name} does not hold`,
          };
          break;
        }
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
    const newInLevel = this.store.count - this.newLo;
    return {
      t: 'inserted',
      newInLevel,
      ...(this.violationLocal >= 0 && this.violation ? { violation: this.violation } : {}),
      witnessKeys: this.witnessLocal.map((l) => (l >= 0 ? this.keyOf(l) : null)),
      pastDepth,
      full: this.full,
      keys: { sab: this.keys ?? new SharedArrayBuffer(4), used: 2 * newInLevel },
      bytes: this.store.bytes() + this.gid.byteLength + this.outboxBytes(),
      parts: this.store.sharedParts(),
    };
  }

  private outboxBytes(): number {
    let b = this.keys?.byteLength ?? 0;
    for (const o of this.outboxes) b += o?.byteLength ?? 0;
    return b;
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
      this.gid[this.newLo + i / 2] = g;
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
    if (this.violationLocal >= 0) gidOf.push([0, 0, this.gid[this.violationLocal]]);
    this.witnessLocal.forEach((l, w) => {
      if (l >= 0) gidOf.push([1, w, this.gid[l]]);
    });
    // The level just numbered becomes the frontier.
    this.frontierLo = this.newLo;
    this.initialLevel = false;
    this.beginLevel();
    return { t: 'numbered', gidOf, overflowKey, initials };
  }

  /** Transitions and fired kinds of the level expanded last, up to key (pg, a) inclusive, from global id g0. */
  recount(g0: number, pg: number, a: number): FromWorker {
    const fired: Record<string, number> = {};
    let transitions = 0;
    // The level expanded last ends where the level just numbered begins.
    const hi = this.frontierLo;
    let lo = hi;
    while (lo > 0 && this.gid[lo - 1] >= g0) lo--;
    for (let local = lo; local < hi && this.gid[local] <= pg; local++) {
      const s = this.store.load(local);
      const enabled = [...this.spec.actions(s)];
      const n = this.gid[local] < pg ? enabled.length : Math.min(enabled.length, a + 1);
      for (let i = 0; i < n; i++) {
        const k = this.kindOf(enabled[i]);
        fired[k] = (fired[k] ?? 0) + 1;
      }
      transitions += n;
    }
    return { t: 'recounted', transitions, fired };
  }

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

  dump(below: number): FromWorker {
    let n = 0;
    while (n < this.store.count && this.gid[n] >= 0 && this.gid[n] < below) n++;
    const bytes = this.codec.bytes;
    const rows = new Uint8Array(n * bytes);
    for (let i = 0; i < n; i++) rows.set(this.store.raw(i), i * bytes);
    return { t: 'dump', gids: this.gid.slice(0, n), rows };
  }

  /** Resume: take the snapshot's states this worker owns, in global id order. */
  load(
    statesSab: SharedArrayBuffer,
    count: number,
    frontierStart: number,
    whereOwner: Uint8Array,
    whereLocal: Int32Array,
  ): FromWorker {
    const bytes = this.codec.bytes;
    const states = new Uint8Array(statesSab);
    const enc8 = new Uint8Array(this.store.scratch.buffer);
    for (let g = 0; g < count; g++) {
      enc8.set(states.subarray(g * bytes, (g + 1) * bytes));
      if (ownerOf(hashWords(this.scratch32, 0, this.stride), this.workers) !== this.index) continue;
      if (this.store.findEncoded() >= 0) {
        throw new CheckerError('E_BAD_CHECKPOINT', `the checkpoint stores state ${g} twice`);
      }
      const local = this.store.insert(undefined);
      if (local >= this.gid.length) {
        const gid = new Int32Array(Math.max(this.gid.length * 2, local + 1));
        gid.set(this.gid);
        this.gid = gid;
      }
      this.gid[local] = g;
      whereOwner[g] = this.index;
      whereLocal[g] = local;
    }
    let lo = this.store.count;
    while (lo > 0 && this.gid[lo - 1] >= frontierStart) lo--;
    this.frontierLo = lo;
    this.beginLevel();
    Atomics.add(this.fence, 0, 1);
    return { t: 'loaded', owned: this.store.count, parts: this.store.sharedParts() };
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

/** A spec's exception as E_SPEC_THROWS; a CheckerError (a codec's, say) as it is, as the one-worker explorer reports it. */
function threw(spec: AnySpec, where: 'actions' | 'next', id: number, a: unknown, e: unknown): CheckerError {
  if (e instanceof CheckerError) return e;
  return specThrew(spec, where, id, a, e);
}
