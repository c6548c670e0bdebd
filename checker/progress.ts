/**
 * A run's clock, the same in both explorers: the elapsed time a result, a checkpoint, an
 * interruption and a progress report give counts the run a checkpoint resumed too (`priorMs`),
 * while `timeoutMs` counts from this call. Progress reports are made at the same points at any
 * worker count (docs/parallel.md, "Progress"), at most one per `progressEveryMs`.
 */
import type { Progress } from './types.js';

/**
 * The one-worker explorer reports (and reads the clock) after every 256th state id it expands, and
 * at each level's end; a parallel round ends at one of those points, so its reports are a subset.
 */
export const PROGRESS_STRIDE = 256;

export class RunClock {
  private lastReport: number;

  constructor(
    /** performance.now() when this call started. */
    readonly started: number,
    /** Milliseconds of exploration before this call (a resumed checkpoint's `elapsedMs`). */
    readonly priorMs: number,
    private readonly onProgress: ((p: Progress) => void) | undefined,
    private readonly progressEveryMs: number,
  ) {
    this.lastReport = this.started;
  }

  /** Milliseconds of exploration at `now`, the resumed run's included. */
  elapsed(now = performance.now()): number {
    return this.priorMs + now - this.started;
  }

  /** Milliseconds since this call started: what `timeoutMs` bounds. */
  sinceStart(now = performance.now()): number {
    return now - this.started;
  }

  /**
   * A progress point: `distinct` states stored, `transitions` fired, `queue` stored but not
   * expanded, `depth` the deepest stored. Reported if a report is due.
   */
  progress(now: number, distinct: number, transitions: number, queue: number, depth: number): void {
    if (this.onProgress === undefined || now - this.lastReport < this.progressEveryMs) return;
    this.lastReport = now;
    const ms = this.elapsed(now);
    this.onProgress({
      distinct,
      transitions,
      queue,
      depth,
      ms,
      statesPerSecond: Math.round((distinct / Math.max(ms, 1e-3)) * 1000),
    });
  }
}
