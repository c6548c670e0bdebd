/**
 * Timed, weighed runs of the checker and of the naive explorer. Memory is weighed the same way for
 * both: a full GC, then the JS heap in use plus ArrayBuffer memory (the checker's typed arrays live
 * outside the JS heap), before the run and after it while its structures are still reachable; the
 * difference divided by the distinct states is the bytes per state that a run keeps.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { explore, type Spec, type Stats, type Verdict } from '../checker/index.js';
import { naiveBfs } from './naive.js';

let gcFn: (() => void) | undefined;

/** A full garbage collection, exposing `gc` at run time if node was not started with --expose-gc. */
export function fullGc(): void {
  if (!gcFn) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (typeof g === 'function') {
      gcFn = g;
    } else {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    }
  }
  gcFn();
  gcFn();
}

/** JS heap in use plus ArrayBuffer backing stores, in bytes. */
export function liveBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

export interface CheckerFigures {
  readonly verdict: Verdict;
  readonly violated?: string;
  readonly stats: Stats;
  /** Heap + ArrayBuffer growth per distinct state, weighed as in the header. */
  readonly heapBytesPerState: number;
}

export function measureChecker<S, A>(spec: Spec<S, A>): CheckerFigures {
  fullGc();
  const before = liveBytes();
  const run = explore(spec);
  fullGc();
  const after = liveBytes();
  run.pathTo(0); // uses `run` after the weighing, so its closures (and the store) stayed reachable
  const r = run.result;
  return {
    verdict: r.verdict,
    stats: r.stats,
    heapBytesPerState: (after - before) / r.stats.distinct,
    ...(r.violation ? { violated: r.violation.property } : {}),
  };
}

export interface NaiveFigures {
  readonly distinct: number;
  readonly transitions: number;
  readonly depth: number;
  readonly ms: number;
  readonly transitionsPerSecond: number;
  readonly heapBytesPerState: number;
  readonly violated?: string;
}

export function measureNaive<S, A>(spec: Spec<S, A>): NaiveFigures {
  fullGc();
  const before = liveBytes();
  const run = naiveBfs(spec);
  fullGc();
  const after = liveBytes();
  // Keep the visited set and the parent map reachable until after the weighing.
  if (run.visited.size !== run.parent.size) throw new Error('naive explorer: visited and parent disagree');
  return {
    distinct: run.distinct,
    transitions: run.transitions,
    depth: run.depth,
    ms: run.ms,
    transitionsPerSecond: Math.round((run.transitions / run.ms) * 1000),
    heapBytesPerState: (after - before) / run.distinct,
    ...(run.violated !== undefined ? { violated: run.violated } : {}),
  };
}
