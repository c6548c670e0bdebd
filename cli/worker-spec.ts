/**
 * How a parallel worker (checker/parallel.ts) builds the very spec of the command that started it:
 * from the same model flags (design, variant, scope and its overrides). The checker compares the
 * worker's spec with the command's by name, state size and fingerprint before it starts.
 */
import {
  type CheckOptions,
  type CheckResult,
  check,
  exploreParallel,
  type WorkerSource,
} from '../checker/index.js';
import type { MemcgAction } from '../model/machine.js';
import type { State } from '../model/state.js';
import { type MemcgSpec, memcgSpec } from '../properties/spec.js';
import { type Flags, resolveModel } from './options.js';

const MODEL_FLAGS = ['design', 'variant', 'scope', 'cpus', 'memcgs', 'pages', 'batch', 'drain-all'] as const;

/** The worker's factory (exported by name: see memcgWorkerSource). */
export async function memcgSpecFromFlags(flags: Flags): Promise<MemcgSpec> {
  const model = await resolveModel(flags);
  return memcgSpec(model.config, model.design);
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
): Promise<CheckResult<State, MemcgAction>> {
  if (workers <= 1) return check(spec, options);
  return (await exploreParallel(spec, { ...options, workers, workerSource: memcgWorkerSource(flags) }))
    .result;
}
