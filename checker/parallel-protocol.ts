/**
 * What the parallel explorer's main thread and its workers exchange (docs/parallel.md). Control goes
 * by postMessage, a few messages per round; bulk data (successor records, the keys of new states,
 * parent links) goes through SharedArrayBuffers that the messages hand over.
 */

import type { ErrorCode, ThrowSite } from './errors.js';
import type { SharedParts } from './shared-table.js';

/** Where a worker finds the spec: `(await import(module))[exportName](arg)` must build the same spec. */
export interface WorkerSource {
  /** A module path or file URL (a `.ts` file is loaded through tsx). */
  readonly module: string;
  readonly exportName: string;
  /** Passed to the factory; must survive structured cloning. */
  readonly arg?: unknown;
}

/** A discovery key: (parent's global id, index of the action among the parent's enabled ones). At level 0: (initial index, 0). */
export type Key = readonly [number, number];

/** A shared array of 32-bit words and the number of words in use. */
export interface Words {
  readonly sab: SharedArrayBuffer;
  readonly used: number;
}

/** Where each stored state lives, by global id: its owner (Uint8) and its row there (Int32). */
export interface Where {
  readonly owner: SharedArrayBuffer;
  readonly local: SharedArrayBuffer;
}

export type ToWorker =
  | {
      readonly t: 'init';
      readonly index: number;
      readonly workers: number;
      readonly source: WorkerSource;
      readonly noSymmetry: boolean;
      /** One Int32 every worker adds to after phase B and reads before phase A: orders the table writes before the reads. */
      readonly fence: SharedArrayBuffer;
    }
  /** Insert the initial states this worker owns (level 0), as phase B does for a round. */
  | { readonly t: 'initial'; readonly witnessesLeft: readonly boolean[] }
  /**
   * Phase A: expand the frontier states this worker owns with global ids in [g0, g1); a successor
   * its owner's table (`tables`, read-only) already holds is not sent.
   */
  | {
      readonly t: 'expand';
      readonly g0: number;
      readonly g1: number;
      readonly abort: SharedArrayBuffer;
      readonly tables: readonly SharedParts[];
      readonly where: Where;
    }
  /** Phase B: insert the records every worker addressed to this one, in key order. */
  | {
      readonly t: 'insert';
      readonly inboxes: readonly Words[];
      /** False when the new states would lie past maxDepth: probe only. */
      readonly store: boolean;
      readonly witnessesLeft: readonly boolean[];
    }
  /** Phase C: number this level's new states (global ids from `base`) and write their parent links. */
  | {
      readonly t: 'number';
      readonly keyLists: readonly Words[];
      readonly base: number;
      readonly parent: SharedArrayBuffer;
      readonly via: SharedArrayBuffer;
      /** Report the key of the state that gets this global id (the one a state limit refuses), if owned. */
      readonly overflowGid: number;
      readonly where: Where;
    }
  /** Count transitions and fired kinds of frontier states [g0, pg), and of `pg` up to action `a` inclusive. */
  | { readonly t: 'recount'; readonly g0: number; readonly pg: number; readonly a: number }
  /** The stored bytes of these global ids, where owned. */
  | { readonly t: 'rows'; readonly gids: readonly number[] }
  /** Every stored state with a global id below `below`: global ids and rows. */
  | { readonly t: 'dump'; readonly below: number }
  /** Resume: insert the snapshot's states this worker owns (global ids 0..count-1, level boundary `frontierStart`). */
  | {
      readonly t: 'load';
      readonly states: SharedArrayBuffer;
      readonly count: number;
      readonly frontierStart: number;
      readonly where: Where;
    }
  | { readonly t: 'stop' };

export interface InsertReport {
  /** New states of the current level held by this worker so far. */
  readonly newInLevel: number;
  /** The first violation in key order among this worker's new states of the level. */
  readonly violation?: { readonly key: Key; readonly property: string; readonly message: string };
  /** Per witness: the first key in this worker's new states of the level that satisfies it. */
  readonly witnessKeys: readonly (Key | null)[];
  /** A new state was refused because it lies past maxDepth. */
  readonly pastDepth: boolean;
  /** This worker's store is full (MAX_STATES): the run must stop. */
  readonly full: boolean;
  readonly keys: Words;
  readonly bytes: number;
  /** This worker's store as it is now, for the next phase A's probes. */
  readonly parts: SharedParts;
}

export type FromWorker =
  | {
      readonly t: 'ready';
      readonly name: string;
      readonly stateBytes: number;
      /** See parallel-worker.ts `identity`. */
      readonly identity: string;
    }
  | ({ readonly t: 'inserted' } & InsertReport)
  | {
      readonly t: 'expanded';
      readonly outboxes: readonly Words[];
      readonly transitions: number;
      readonly fired: Readonly<Record<string, number>>;
      readonly aborted: boolean;
    }
  | {
      readonly t: 'numbered';
      /** Global ids of the keys asked about (violation, witnesses, overflow), where owned. */
      readonly gidOf: readonly (readonly [number, number, number])[];
      readonly overflowKey: Key | null;
      /** Level 0: (global id, initial index) of each initial state owned. */
      readonly initials: readonly (readonly [number, number])[];
    }
  | {
      readonly t: 'recounted';
      readonly transitions: number;
      readonly fired: Readonly<Record<string, number>>;
    }
  | { readonly t: 'rows'; readonly gids: readonly number[]; readonly rows: Uint8Array }
  | { readonly t: 'dump'; readonly gids: Int32Array; readonly rows: Uint8Array }
  | { readonly t: 'loaded'; readonly owned: number; readonly parts: SharedParts }
  | {
      readonly t: 'error';
      /** A CheckerError's code; none for an internal error (a bug of the explorer's own). */
      readonly code?: ErrorCode;
      /** Without the code (a CheckerError's `detail`); an internal error's stack. */
      readonly message: string;
      readonly stateId?: number;
      readonly where?: ThrowSite;
    };

/** `workerData.role` of an explorer worker. */
export const WORKER_ROLE = 'memcg-check/explorer';

/** Words per successor record: parent global id, action index, then the state's words. */
export const RECORD_HEADER = 2;

/**
 * The worker that owns a state, from its table hash. Uses the top bits of a multiplicative remix,
 * so that the owner's open-addressing table (indexed by the low bits of the same hash) still sees
 * every home slot.
 */
export function ownerOf(hash: number, workers: number): number {
  return Math.floor(((Math.imul(hash, 0x9e3779b1) >>> 0) * workers) / 4294967296);
}

/** Is key a before key b? */
export function keyBefore(a: Key, b: Key): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/** A shared word array of at least `words` words, keeping the first `keep` words of `old`. */
export function ensureShared(
  old: SharedArrayBuffer | undefined,
  words: number,
  keep: number,
): SharedArrayBuffer {
  if (old && old.byteLength >= words * 4) return old;
  let cap = Math.max(1024, old ? old.byteLength / 4 : 0);
  while (cap < words) cap *= 2;
  const sab = new SharedArrayBuffer(cap * 4);
  if (old && keep > 0) new Uint32Array(sab).set(new Uint32Array(old, 0, keep));
  return sab;
}
