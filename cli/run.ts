/**
 * Runs a model: the one-worker explorer, or `workers` threads that each build the spec from the
 * model's reference (properties/model-ref.ts `specOf`, the function that built the command's). The
 * checker compares every worker's spec with the command's before it starts; the result is the same
 * either way (docs/parallel.md).
 */
import {
  CheckerError,
  type CheckOptions,
  type CheckResult,
  exploreAsync,
  exploreParallel,
  formatPath,
} from '../checker/index.js';
import type { MemcgAction } from '../model/machine.js';
import type { State } from '../model/state.js';
import { workerSourceOf } from '../properties/model-ref.js';
import type { OpenModel } from './model.js';
import { UsageError } from './usage.js';

export async function runModel(
  model: OpenModel,
  options: CheckOptions,
  workers: number,
): Promise<CheckResult<State, MemcgAction>> {
  try {
    // exploreAsync: the event loop runs between slices, so a signal handler can abort the run.
    if (workers <= 1) return (await exploreAsync(model.spec, options)).result;
    return (
      await exploreParallel(model.spec, { ...options, workers, workerSource: workerSourceOf(model.ref) })
    ).result;
  } catch (e) {
    throw withReplay(e, model.args);
  }
}

/**
 * A model (a variant's own op, most often) that threw: still exit 2, since the model, not the
 * kernel, failed. The replay that reaches the state it threw from is kept as data too.
 */
export class ModelThrew extends UsageError {
  override name = 'ModelThrew';
  constructor(
    /** The checker's message: the action, the block, the op and the CPU. */
    readonly thrown: string,
    /** What `memcg-check replay` takes to reach that state: the model's flags and the path. */
    readonly replay: { readonly args: string; readonly path: readonly number[] },
  ) {
    super(
      `the model threw (a bug in the model or variant code, not a kernel finding): ${thrown}\n` +
        `  Replay to the state it threw from: memcg-check replay ${replay.args} --path ${formatPath(replay.path)}`,
    );
  }
}

/** E_SPEC_THROWS with a path becomes a ModelThrew; anything else is passed on. */
export function withReplay(e: unknown, args: string): unknown {
  if (!(e instanceof CheckerError) || e.code !== 'E_SPEC_THROWS' || e.path === undefined) return e;
  return new ModelThrew(e.message, { args, path: e.path });
}
