/**
 * The state, scope and pinned figures of the memcg.pml port (see memcg-pml.ts for the model).
 */

export interface PmlScope {
  readonly ncpu: number;
  readonly npage: number;
  /** Charge batch (MEMCG_CHARGE_BATCH); >= 2 exercises the per-cpu stock. */
  readonly batch: number;
  /** Page-counter limit of the children (the root is unlimited). */
  readonly limit: number;
  /** BUG=1 in the .pml: drain_stock forgets css_put, so the refcount invariant must fail. */
  readonly bug?: boolean;
  /** State encoding: 'bits' (default) packs each variable in the bits its range needs; 'bytes'
   *  gives each variable a byte, like SPIN's state vector (larger, faster to encode). */
  readonly codec?: 'bits' | 'bytes';
}

export const ROOT = 1;
/** memcg ids 0..NMEMCG-1: 0 none, 1 root, 2..3 children of the root. */
export const NMEMCG = 4;

/**
 * The globals of the .pml, one byte each as in SPIN's state vector, in one buffer: `raw` is the
 * whole state (fault, pg, stCached, stNr, then ref, usage, online, freed over memcg 0..NMEMCG-1),
 * and each field is a view into it. So the byte codec is a copy of the buffer, and `apply` writes
 * bytes in place. Every value stays below 256 at any scope the .pml allows (NPAGE <= 8, NCPU <= 4),
 * and the .pml declares them all `byte` or `bool`. Entry 0 of the memcg arrays (memcg "none") is a
 * constant of the .pml and never changes.
 */
export class PmlState {
  /** The whole state, `stateBytes(scope)` bytes (a view of `words`). */
  readonly raw: Uint8Array;
  /** The same buffer as 32-bit words, zero-padded past `raw`. */
  readonly words: Uint32Array;
  /** page -> memcg it is charged to (page->memcg_data), 0 = uncharged. */
  readonly pg: Uint8Array;
  /** per-cpu memcg_stock_pcp.cached, 0 = none. */
  readonly stCached: Uint8Array;
  /** per-cpu memcg_stock_pcp.nr_pages (pre-charged pages). */
  readonly stNr: Uint8Array;
  /** css refcount per memcg: 1 while online + 1 per page + 1 per stock caching it. */
  readonly ref: Uint8Array;
  /** hierarchical page_counter usage (a child's charge also charges the root). */
  readonly usage: Uint8Array;
  /** css online (not yet rmdir'ed): 1 or 0. */
  readonly online: Uint8Array;
  /** css freed (refcount reached zero): 1 or 0. */
  readonly freed: Uint8Array;

  /** A zero state, or a copy of `from`. */
  constructor(ncpu: number, npage: number, from?: PmlState) {
    const n = 1 + npage + 2 * ncpu + 4 * NMEMCG;
    this.words = from ? from.words.slice() : new Uint32Array(Math.ceil(n / 4));
    const b = this.words.buffer;
    let at = 1;
    const view = (len: number): Uint8Array => {
      const v = new Uint8Array(b, at, len);
      at += len;
      return v;
    };
    this.pg = view(npage);
    this.stCached = view(ncpu);
    this.stNr = view(ncpu);
    this.ref = view(NMEMCG);
    this.usage = view(NMEMCG);
    this.online = view(NMEMCG);
    this.freed = view(NMEMCG);
    this.raw = new Uint8Array(b, 0, n);
  }

  /** The first in-step assert that failed (FAULT_*), 0 if none. */
  get fault(): number {
    return this.raw[0];
  }

  set fault(v: number) {
    this.raw[0] = v;
  }

  /** The fields as plain data, for printing and JSON. */
  toJSON(): Record<string, number | number[]> {
    return {
      pg: [...this.pg],
      stCached: [...this.stCached],
      stNr: [...this.stNr],
      ref: [...this.ref],
      usage: [...this.usage],
      online: [...this.online],
      freed: [...this.freed],
      fault: this.fault,
    };
  }
}

/** Bytes of a state at this scope (see PmlState). */
export function stateBytes({ ncpu, npage }: PmlScope): number {
  return 1 + npage + 2 * ncpu + 4 * NMEMCG;
}

/** `assert(ref[m] > 0)` in css_put. */
export const FAULT_PUT_UNDERFLOW = 1;
/** `assert(!online[m])` in css_put when the count reaches zero. */
export const FAULT_FREE_ONLINE = 2;
/** `assert(usage[m] >= n)` (or the root's) in counter_uncharge. */
export const FAULT_COUNTER_UNDERFLOW = 3;

export type PmlAction =
  | { readonly kind: 'charge'; readonly cpu: number; readonly page: number; readonly memcg: number }
  | { readonly kind: 'uncharge'; readonly cpu: number; readonly page: number }
  | { readonly kind: 'drain'; readonly cpu: number }
  | { readonly kind: 'offline'; readonly memcg: number };

/** SPIN's state counts (`states, stored`) per scope `NCPU/NPAGE/BATCH/LIMIT`, from spin-run.sh. */
export const SPIN_STATES: Readonly<Record<string, number>> = {
  '2/3/2/3': 6_616,
  '3/4/2/4': 156_384,
  '4/4/2/4': 936_636,
  '4/5/2/5': 3_795_232,
};

/**
 * SPIN's `transitions (= stored+matched)` per scope, as pan prints it. SPIN counts the initial state
 * as one of them, so they are the checker's transitions + 1. pan prints with `%9.8g`, 8 significant
 * digits: at 4/5/2/5 it prints 1.2550177e+08 for the 125,501,769 it counted (see `spinPrinted`).
 */
export const SPIN_TRANSITIONS: Readonly<Record<string, number>> = {
  '2/3/2/3': 73_497,
  '3/4/2/4': 3_211_587,
  '4/4/2/4': 25_695_371,
  '4/5/2/5': 125_501_770,
};

/** A count as pan prints it (`%9.8g`): exact below 10^8, else rounded to 8 significant digits. */
export function spinPrinted(n: number): number {
  return Number(n.toPrecision(8));
}

export function scopeKey(s: PmlScope): string {
  return `${s.ncpu}/${s.npage}/${s.batch}/${s.limit}`;
}

export function parseScope(text: string): PmlScope {
  const parts = text.split('/').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 1)) {
    throw new Error(`scope "${text}" must be NCPU/NPAGE/BATCH/LIMIT, e.g. 2/3/2/3`);
  }
  const [ncpu, npage, batch, limit] = parts;
  return { ncpu, npage, batch, limit };
}

export function initialState({ ncpu, npage }: PmlScope): PmlState {
  const s = new PmlState(ncpu, npage);
  s.ref.fill(1); // byte ref[NMEMCG] = 1
  s.online.fill(1); // bool online[NMEMCG] = 1
  return s;
}
