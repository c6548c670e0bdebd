/**
 * The options both explorers share, checked the same way (numbers non-negative, paths non-empty),
 * with their defaults in one place (`settings`), and the default memory ceiling of a run.
 */
import { totalmem } from 'node:os';
import { CheckerError } from './errors.js';
import type { CheckOptions, Limit } from './types.js';

/** Option values the explorers share: numbers non-negative, paths non-empty. */
export function validateOptions(o: CheckOptions): void {
  for (const key of [
    'maxStates',
    'maxDepth',
    'timeoutMs',
    'maxMemoryBytes',
    'checkpointEveryMs',
    'progressEveryMs',
  ] as const) {
    const v = o[key];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && !Number.isNaN(v))) {
      throw new CheckerError('E_BAD_OPTION', `option ${key} must be a non-negative number, got ${String(v)}`);
    }
  }
  const signal = o.signal as { aborted?: unknown; addEventListener?: unknown } | undefined;
  if (
    signal !== undefined &&
    (typeof signal.aborted !== 'boolean' || typeof signal.addEventListener !== 'function')
  ) {
    throw new CheckerError('E_BAD_OPTION', 'option signal must be an AbortSignal');
  }
  for (const key of ['checkpoint', 'resume'] as const) {
    const v = o[key];
    if (v !== undefined && !(typeof v === 'string' && v !== '')) {
      throw new CheckerError('E_BAD_OPTION', `option ${key} must be a file name, got ${JSON.stringify(v)}`);
    }
  }
}

/** The options' values with their defaults, as both explorers run with them. */
export interface Settings {
  readonly maxStates: number;
  readonly maxDepth: number;
  readonly timeoutMs: number;
  readonly maxMemory: number;
  readonly progressEveryMs: number;
  readonly checkpointEveryMs: number;
}

/** Checks the options (E_BAD_OPTION) and fills in the defaults: no limits but memory, progress every second, checkpoints every minute. */
export function settings(o: CheckOptions): Settings {
  validateOptions(o);
  return {
    maxStates: o.maxStates ?? Number.POSITIVE_INFINITY,
    maxDepth: o.maxDepth ?? Number.POSITIVE_INFINITY,
    timeoutMs: o.timeoutMs ?? Number.POSITIVE_INFINITY,
    maxMemory: o.maxMemoryBytes ?? defaultMemoryCeiling(),
    progressEveryMs: o.progressEveryMs ?? 1000,
    checkpointEveryMs: o.checkpointEveryMs ?? 60_000,
  };
}

/** The limit of a run whose `signal` was aborted after `ms` milliseconds of exploration. */
export function interruptedLimit(signal: AbortSignal, ms: number): Limit {
  const reason: unknown = signal.reason;
  return {
    kind: 'interrupted',
    value: Math.round(ms),
    ...(typeof reason === 'string' ? { reason } : {}),
  };
}

/** Half of physical memory, at most 16 GiB: the explorer's typed arrays live outside the JS heap. */
export function defaultMemoryCeiling(): number {
  return Math.min(16 * 2 ** 30, Math.floor(osTotalMem() / 2));
}

function osTotalMem(): number {
  return totalmem();
}
