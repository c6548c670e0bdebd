/**
 * How a parallel worker (checker/parallel.ts) builds the very spec of the command that started it:
 * from the same model flags (design, variant, scope and its overrides). The checker compares the
 * worker's spec with the command's by name, state size and fingerprint before it starts.
 */
import {
  CheckerError,
  type CheckOptions,
  type CheckResult,
  exploreAsync,
  exploreParallel,
  type WorkerSource,
} from '../checker/index.js';
import type { MemcgAction } from '../model/machine.js';
import type { State } from '../model/state.js';
import { type MemcgSpec, memcgSpec } from '../properties/spec.js';
import { type Flags, MODEL_FLAGS, resolveModel } from './options.js';
import { UsageError } from './usage.js';

/** The worker's factory (exported by name: see memcgWorkerSource). */
export async function memcgSpecFromFlags(flags: Flags): Promise<MemcgSpec> {
  const model = await resolveModel(flags);
  return memcgSpec(model.config, model.design, model.claims);
}

export function memcgWorkerSource(flags: Flags): WorkerSource {
  const arg: Flags = {};
  for (const k of MODEL_FLAGS) if (flags[k] !== undefined) (arg as Record<string, unknown>)[k] = flags[k];
  return { module: import.meta.url, exportName: 'memcgSpecFromFlags', arg };
}

/**
 * Explores `spec` (built from `flags`) with the one-worker explorer, or with `workers` threads that
 * each rebuild it from the same model flags. Same result either way (docs/parallel.md).
 */
export async function runModel(
  spec: MemcgSpec,
  flags: Flags,
  options: CheckOptions,
  workers: number,
  modelArgs?: string,
): Promise<CheckResult<State, MemcgAction>> {
  try {
    // exploreAsync: the event loop runs between slices, so a signal handler can abort the run.
    if (workers <= 1) return (await exploreAsync(spec, options)).result;
    return (await exploreParallel(spec, { ...options, workers, workerSource: memcgWorkerSource(flags) }))
      .result;
  } catch (e) {
    throw modelArgs !== undefined ? withReplay(e, modelArgs) : e;
  }
}

/**
 * A model (a variant's own op, most often) that threw: the checker's message names the action,
 * the block, the op and the CPU; this adds the command that replays the trace to the state it
 * threw from, so the user can look at that state. Still exit 2: the model, not the kernel, failed.
 */
export function withReplay(e: unknown, modelArgs: string): unknown {
  if (!(e instanceof CheckerError) || e.code !== 'E_SPEC_THROWS' || e.path === undefined) return e;
  return new UsageError(
    `the model threw (a bug in the model or variant code, not a kernel finding): ${e.message}\n` +
      `  Replay to the state it threw from: memcg-check replay ${modelArgs} --path ${e.path.join('/')}`,
  );
}
