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
  | 'E_WORKER';

/** E_BAD_CHECKPOINT from a write or a resume: which file, and why (the message says it too). */
export interface CheckpointFault {
  readonly op: 'write' | 'resume';
  readonly file: string;
  /** What was wrong, without the advice the message ends with. */
  readonly reason: string;
}

export class CheckerError extends Error {
  readonly code: ErrorCode;
  /** The message without its code, for a caller that words its own message around it. */
  readonly detail: string;
  /** E_BAD_CHECKPOINT: set when writing a checkpoint or resuming from one failed (else reading it did). */
  checkpoint?: CheckpointFault;
  /** E_SPEC_THROWS: the id of the stored state the spec threw from. */
  stateId?: number;
  /** E_SPEC_THROWS: a path to that state (initial index, action indices) that replays without symmetry. */
  path?: readonly number[];
  /** E_SPEC_THROWS: in which of the spec's functions it threw. */
  where?: 'actions' | 'next';
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

/** E_SPEC_THROWS: the spec threw `e` in `where` (on action `a`, if given) from state `id`. */
export function specThrew<S, A>(
  spec: Spec<S, A>,
  where: 'actions' | 'next',
  id: number,
  a: A | undefined,
  e: unknown,
): CheckerError {
  const what = a === undefined ? '' : ` on action ${spec.label(a)}`;
  const msg = e instanceof Error ? e.message : String(e);
  const err = new CheckerError(
    'E_SPEC_THROWS',
    `spec "${spec.name}" threw in ${where}${what} from state #${id}: ${msg}`,
  );
  err.stateId = id;
  err.where = where;
  return err;
}
