/**
 * Misuse of the tool is an error with a stable code and a message that says what to do next
 * (a verdict is data, never an exception). Codes are stable: tools may match on them.
 */
import type { Spec } from './types.js';

export type ErrorCode =
  | 'E_SPEC_NO_INITIAL'
  | 'E_SPEC_THROWS'
  | 'E_SPEC_NONDETERMINISTIC'
  | 'E_CODEC_MISMATCH'
  | 'E_BAD_OPTION'
  | 'E_TOO_MANY_ACTIONS'
  | 'E_BAD_CHECKPOINT'
  | 'E_BAD_MERGE'
  | 'E_WORKER';

/** E_BAD_CHECKPOINT from a write or a resume: which file, and why (the message says it too). */
export interface CheckpointFault {
  readonly op: 'write' | 'resume';
  readonly file: string;
  /** What was wrong, without the advice the message ends with. */
  readonly reason: string;
}

/**
 * Where a spec's code threw: `initial()`, `actions`, `next` (or `apply`, its fast path),
 * `canonical` (or `canonicalBytes`), the codec's `encode` or `decode`, or a claim's `holds` or
 * `explain`.
 */
export type ThrowSite = 'initial' | 'actions' | 'next' | 'canonical' | 'encode' | 'decode' | 'claim';

export class CheckerError extends Error {
  readonly code: ErrorCode;
  /** The message without its code, for a caller that words its own message around it. */
  readonly detail: string;
  /** E_BAD_CHECKPOINT: set when writing a checkpoint or resuming from one failed (else reading it did). */
  checkpoint?: CheckpointFault;
  /** A spec's exception (and E_TOO_MANY_ACTIONS): the id of the stored state it threw from. */
  stateId?: number;
  /** With `stateId`: a path to that state (initial index, action indices) that replays without symmetry. */
  path?: readonly number[];
  /** A spec's exception (E_SPEC_THROWS, or a CheckerError of the spec's own, e.g. its codec's): in which of its functions. */
  where?: ThrowSite;
  constructor(code: ErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.name = 'CheckerError';
    this.code = code;
    this.detail = message;
  }
}

/** E_BAD_CHECKPOINT for `fault`; `advice` ends the message (what to do next). */
export function checkpointError(fault: CheckpointFault, advice?: string): CheckerError {
  const what =
    fault.op === 'write' ? `cannot write checkpoint ${fault.file}` : `cannot resume from ${fault.file}`;
  const err = new CheckerError('E_BAD_CHECKPOINT', `${what}: ${fault.reason}${advice ? `; ${advice}` : ''}`);
  err.checkpoint = fault;
  return err;
}

/**
 * The spec threw `e` in `where` (on action `a`, if given) while the explorer expanded stored state
 * `id`: the same error at any worker count. A CheckerError keeps its code (a layout codec's value
 * out of range stays E_CODEC_MISMATCH); anything else is E_SPEC_THROWS. Either way the message
 * names the spec, the function, the action and the state, and `stateId` and `where` say them too.
 */
export function specThrew<S, A>(
  spec: Spec<S, A>,
  where: ThrowSite,
  id: number,
  a: A | undefined,
  e: unknown,
): CheckerError {
  const what = a === undefined ? '' : ` on action ${spec.label(a)}`;
  const err = thrown(spec, where, `${what} from state #${id}`, e);
  err.stateId = id;
  return err;
}

/**
 * As `specThrew`, for an exception outside the expansion of a stored state: `place` says where
 * (e.g. "on initial state 2", "on a new state"); no `stateId`.
 */
export function specThrewAt<S, A>(
  spec: Spec<S, A>,
  where: ThrowSite,
  place: string,
  e: unknown,
): CheckerError {
  return thrown(spec, where, ` ${place}`, e);
}

function thrown<S, A>(spec: Spec<S, A>, where: ThrowSite, place: string, e: unknown): CheckerError {
  const msg = e instanceof CheckerError ? e.detail : e instanceof Error ? e.message : String(e);
  const err = new CheckerError(
    e instanceof CheckerError ? e.code : 'E_SPEC_THROWS',
    `spec "${spec.name}" threw in ${where}${place}: ${msg}`,
  );
  err.where = where;
  return err;
}
