/**
 * Checkpoints as the explorers use them (the file itself: checker/checkpoint.ts): a level boundary's
 * figures (`Mark`), which both explorers keep and write, and the identity a checkpoint must share
 * with a run to resume it (`resumeMismatch`, `readCheckpointFor`).
 */
import { resolve as resolvePath } from 'node:path';
import type { Snapshot } from './checkpoint.js';
import { readCheckpoint } from './checkpoint-read.js';
import { checkpointError } from './errors.js';
import type { Spec } from './types.js';

/** The explorer's figures at a level boundary: what a checkpoint holds besides the stored states and links. */
export type Mark = Omit<
  Snapshot,
  | 'format'
  | 'spec'
  | 'fingerprint'
  | 'symmetry'
  | 'stateBytes'
  | 'initialSource'
  | 'states'
  | 'parent'
  | 'via'
>;

/** The boundary of a run that stored no state: a run resumed from it starts afresh. */
export function emptyMark(witnesses: number, elapsedMs: number): Mark {
  const none = Array.from({ length: witnesses }, () => -1);
  return {
    count: 0,
    frontierStart: 0,
    level: 0,
    depth: 0,
    transitions: 0,
    fired: {},
    witnessFound: none,
    witnessDepth: none,
    elapsedMs,
  };
}

/** What a resuming run expects of a checkpoint. */
export interface ResumeIdentity {
  readonly spec: string;
  /** `spec.fingerprint` ('' when the spec has none). */
  readonly fingerprint: string;
  readonly symmetry: boolean;
  readonly stateBytes: number;
  readonly witnesses: number;
}

/** Why `snap` cannot resume a run of `want`, in words; undefined if it can. */
export function resumeMismatch(snap: Snapshot, want: ResumeIdentity): string | undefined {
  if (snap.spec !== want.spec)
    return `it was written for spec "${snap.spec}", this run checks "${want.spec}"`;
  if (snap.stateBytes !== want.stateBytes) {
    return `its states are ${snap.stateBytes} bytes, this spec's are ${want.stateBytes} (other bounds or another model)`;
  }
  const onOff = (b: boolean) => (b ? 'on' : 'off');
  if (snap.symmetry !== want.symmetry) {
    return `it was written with symmetry reduction ${onOff(snap.symmetry)}, this run has it ${onOff(want.symmetry)}`;
  }
  if (snap.fingerprint !== want.fingerprint) {
    return `it was written for another version of spec "${want.spec}" (fingerprint "${snap.fingerprint}", this one "${want.fingerprint}"): other bounds or other model code`;
  }
  if (snap.witnessFound.length !== want.witnesses) {
    return `it records ${snap.witnessFound.length} witnesses, this spec has ${want.witnesses}`;
  }
  return undefined;
}

/** Reads a checkpoint to resume a run of `want`; E_BAD_CHECKPOINT when it cannot. */
export function readCheckpointFor(path: string, want: ResumeIdentity): Snapshot {
  const snap = readCheckpoint(path);
  const wrong = resumeMismatch(snap, want);
  if (wrong) {
    throw checkpointError(
      { op: 'resume', file: path, reason: wrong },
      'resume with the model and options it was written with, or start afresh without it',
    );
  }
  return snap;
}

/**
 * The checkpoint to resume `spec` from (`options.resume`), checked against this run's identity;
 * undefined without `resume`.
 */
export function resumeSnapshot(
  spec: Spec<unknown, unknown>,
  resume: string | undefined,
  symmetry: boolean,
): Snapshot | undefined {
  if (resume === undefined) return undefined;
  const bytes = spec.codec!.bytes;
  return readCheckpointFor(resume, {
    spec: spec.name,
    fingerprint: spec.fingerprint ?? '',
    symmetry,
    stateBytes: bytes,
    witnesses: spec.witnesses?.length ?? 0,
  });
}

/** A checkpoint of `spec` at level boundary `m`, but its three arrays (states, parents, actions). */
export function snapshotAt(
  spec: Spec<unknown, unknown>,
  symmetry: boolean,
  m: Mark,
  initialSource: readonly number[],
): Omit<Snapshot, 'states' | 'parent' | 'via'> {
  const bytes = spec.codec!.bytes;
  return {
    format: 2,
    spec: spec.name,
    fingerprint: spec.fingerprint ?? '',
    symmetry,
    stateBytes: bytes,
    ...m,
    initialSource: initialSource.slice(0, m.count),
  };
}

/** A snapshot's level boundary, its witness marks copied into `found` and `depths`. */
export function snapshotMark(r: Snapshot, found: number[], depths: number[]): Mark {
  for (let i = 0; i < found.length; i++) {
    found[i] = r.witnessFound[i];
    depths[i] = r.witnessDepth[i];
  }
  const { count, frontierStart, level, depth, transitions, fired, witnessFound, witnessDepth, elapsedMs } = r;
  return { count, frontierStart, level, depth, transitions, fired, witnessFound, witnessDepth, elapsedMs };
}

/**
 * When an explorer writes its checkpoint, the same at any worker count: `mark` is the last level
 * boundary reached before any limit, `written` the one the file holds. A boundary is written once
 * `every` ms have passed since the last write (or the start); a run a limit stops writes `mark`,
 * never the half-expanded level; a run that ends verified or violated writes nothing more.
 */
export class Marks {
  mark: Mark | undefined;
  private written: Mark | undefined;
  private lastWrite: number;

  constructor(
    /** The checkpoint file; undefined: no checkpoints. */
    readonly path: string | undefined,
    private readonly every: number,
    started: number,
  ) {
    this.lastWrite = started;
  }

  /** Resumed from checkpoint `resume` at boundary `m`: if that is this run's file, it holds `m` already. */
  resumed(m: Mark, resume: string): void {
    this.mark = m;
    if (this.path !== undefined && resolvePath(this.path) === resolvePath(resume)) this.written = m;
  }

  /** A level boundary reached (before any limit); true if it is time to write it. */
  boundary(m: Mark): boolean {
    this.mark = m;
    return performance.now() - this.lastWrite >= this.every;
  }

  /** `m` is in the file now. */
  wrote(m: Mark): void {
    this.written = m;
    this.lastWrite = performance.now();
  }

  /** The boundary to write as the run ends, if any. */
  final(limited: boolean, violated: boolean): Mark | undefined {
    return this.path !== undefined && limited && !violated && this.mark && this.mark !== this.written
      ? this.mark
      : undefined;
  }
}
