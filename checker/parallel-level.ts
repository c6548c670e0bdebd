/**
 * The main thread's figures of a parallel run (checker/parallel.ts) and the end of each level:
 * phase C (every worker numbers its new states in key order, docs/parallel.md), then the level's
 * first violation, the first state past maxStates, the witnesses' first states, and, when the
 * level holds a stop, the recount of its transitions and fire counts up to that state's key, so
 * that a stopped run's figures are the one-worker explorer's.
 */

import type { Snapshot } from './checkpoint.js';
import { FireCounts } from './kind.js';
import type { Pool } from './parallel-pool.js';
import { type InsertReport, type Key, keyBefore } from './parallel-protocol.js';
import { type Mark, snapshotMark } from './resume.js';
import type { Limit } from './types.js';

export interface Stop {
  readonly kind: 'violation' | 'maxStates';
  readonly key: Key;
  /** Global id of the violating state, or maxStates (the id the refused state would have had). */
  readonly gid: number;
  readonly property?: string;
  readonly message?: string;
}

/** The figures of the levels completed so far, and how the run stopped. */
export class Tally {
  /** States stored (global ids 0..count-1). */
  count = 0;
  depth = 0;
  transitions = 0;
  readonly fired = new FireCounts();
  limit: Limit | undefined;
  stop: Stop | undefined;
  readonly witnessFound: number[];
  readonly witnessDepth: number[];

  constructor(
    witnesses: number,
    readonly maxStates: number,
  ) {
    this.witnessFound = Array.from({ length: witnesses }, () => -1);
    this.witnessDepth = this.witnessFound.map(() => -1);
  }

  witnessesLeft(): boolean[] {
    return this.witnessFound.map((g) => g < 0);
  }

  /** The level boundary with the frontier [frontierStart, count) at depth `level`. */
  mark(frontierStart: number, level: number, elapsedMs: number, actionKinds?: readonly string[]): Mark {
    return {
      count: this.count,
      frontierStart,
      level,
      depth: this.depth,
      transitions: this.transitions,
      fired: this.fired.record(actionKinds),
      witnessFound: [...this.witnessFound],
      witnessDepth: [...this.witnessDepth],
      elapsedMs,
    };
  }

  /** Takes a checkpoint's figures; returns its boundary. */
  restore(r: Snapshot): Mark {
    this.count = r.count;
    this.depth = r.depth;
    this.transitions = r.transitions;
    this.fired.add(r.fired);
    return snapshotMark(r, this.witnessFound, this.witnessDepth);
  }
}

/**
 * Phase C and the bookkeeping of a finished level whose states are at `newDepth`, from the
 * workers' last insert reports; `frontierStart` (the level expanded) is undefined at level 0.
 */
export async function finishLevel(
  pool: Pool,
  tally: Tally,
  reports: readonly InsertReport[],
  newDepth: number,
  frontierStart: number | undefined,
): Promise<void> {
  const { count, maxStates, witnessFound, witnessDepth } = tally;
  const newTotal = reports.reduce((n, r) => n + r.newInLevel, 0);
  pool.grow(count + newTotal);
  const overflowGid = count + newTotal > maxStates ? maxStates : -1;
  const numbered = await pool.all(
    () => ({
      t: 'number',
      keyLists: reports.map((r) => r.keys),
      base: count,
      parent: pool.parentSab,
      via: pool.viaSab,
      overflowGid,
      where: pool.where(),
    }),
    'numbered',
  );
  for (const n of numbered) for (const [g, i] of n.initials) pool.initialSource[g] = i;
  // The first violation in key order, and its global id from its owner.
  let v: { key: Key; property: string; message: string; gid: number } | undefined;
  reports.forEach((r, w) => {
    if (r.violation && (!v || keyBefore(r.violation.key, v.key))) {
      const gid = numbered[w].gidOf.find(([code]) => code === 0)![2];
      v = { ...r.violation, gid };
    }
  });
  const overflowKey = numbered.find((n) => n.overflowKey)?.overflowKey ?? null;
  let stop: Stop | undefined;
  if (overflowKey && (!v || v.gid >= maxStates)) {
    stop = { kind: 'maxStates', key: overflowKey, gid: maxStates };
  } else if (v) {
    stop = { kind: 'violation', key: v.key, gid: v.gid, property: v.property, message: v.message };
  }
  // Witnesses: the first satisfying state of the level (smallest global id), if the one-worker
  // explorer would have stored and examined it before stopping.
  const bound = stop ? (stop.kind === 'violation' ? stop.gid : stop.gid - 1) : Number.POSITIVE_INFINITY;
  witnessFound.forEach((found, i) => {
    if (found >= 0) return;
    let best = -1;
    for (const n of numbered) {
      for (const [code, which, g] of n.gidOf) {
        if (code === 1 && which === i && (best < 0 || g < best)) best = g;
      }
    }
    if (best >= 0 && best <= bound) {
      witnessFound[i] = best;
      witnessDepth[i] = newDepth;
    }
  });
  tally.stop = stop;
  if (!stop) {
    tally.count += newTotal;
    if (newTotal > 0) tally.depth = newDepth;
    return;
  }
  const stored = stop.kind === 'violation' ? stop.gid + 1 : maxStates;
  if (stored > count) tally.depth = newDepth;
  tally.count = stored;
  if (frontierStart !== undefined) {
    const [pg, a] = stop.key;
    for (const r of await pool.all(() => ({ t: 'recount', g0: frontierStart, pg, a }), 'recounted')) {
      tally.transitions += r.transitions;
      tally.fired.add(r.fired);
    }
  }
  if (stop.kind === 'maxStates') tally.limit = { kind: 'maxStates', value: maxStates };
}
