/**
 * Random simulation: seeded random walks through a spec, every invariant checked after every step
 * (Stateright's and Quint's simulators; walks built and shrunk by fast-check). It finds bugs at
 * bounds too large for the explorer, and it cannot prove anything: a run with no violation says
 * `no-violation`, never `verified`.
 *
 * Runs 0 .. runs-1 (of the shard, when sharded: checker/simulate-seed.ts) are walked in order,
 * each from its own seed (checker/simulate-run.ts), all of them even after a violation, so that a
 * sharded run's figures add up to the unsharded run's (checker/simulate-merge.ts). The first
 * violating run (the smallest index) is shrunk, replayed with the reference `next` (the fast path
 * must agree: E_CODEC_MISMATCH otherwise), and then, if a breadth-first search to the shrunk walk's
 * depth finishes within `shortestStates` states, replaced by the search's shortest counterexample.
 * The same spec, options and seed give the same result, figure for figure, except the times (and
 * a limit, which depends on the clock).
 */
import { exploreAsync } from './bfs.js';
import { Claims } from './claims.js';
import { CheckerError } from './errors.js';
import { FireCounts } from './kind.js';
import { interruptedLimit } from './options.js';
import { reduceWalk } from './simulate-reduce.js';
import { type RunOutcome, runWalk } from './simulate-run.js';
import { runSeed, type Shard, shardRunIndices, swarmWeights, validateShard } from './simulate-seed.js';
import type {
  SimulateOptions,
  SimulationCoverage,
  SimulationResult,
  SimulationViolation,
} from './simulate-types.js';
import { Walker, type WalkOutcome } from './simulate-walk.js';
import { formatPath, replayPath } from './trace.js';
import type { Limit, LimitKind, Spec } from './types.js';

/** Milliseconds between two turns of the event loop. */
const SLICE_MS = 50;

export const SIMULATE_DEFAULTS = { runs: 1000, depth: 60, seed: 0, shortestStates: 500_000 } as const;

export async function simulate<S, A>(
  spec: Spec<S, A>,
  options: SimulateOptions = {},
): Promise<SimulationResult<S, A>> {
  const started = performance.now();
  const o = settings(options);
  const walker = new Walker(spec, options.referencePath === true);
  const kinds = spec.actionKinds ?? [];
  const fired = new FireCounts();
  const witnesses = spec.witnesses ?? [];
  const reachedRuns = witnesses.map(() => 0);
  const figures = { runsDone: 0, steps: 0, violatingRuns: 0, deadEnds: 0 };
  // The shard's runs in order: checker/simulate-seed.ts `shardRunIndices` (its property test is this loop's).
  const firstRun = o.shard ? o.shard.index - 1 : 0;
  const stride = o.shard?.count ?? 1;
  const shardSize = Math.max(0, Math.ceil((o.runs - firstRun) / stride));
  let limit: Limit | undefined;
  const stopped = (): boolean => {
    if (limit) return true;
    const now = performance.now();
    if (options.signal?.aborted) limit = interruptedLimit(options.signal, now - started);
    else if (o.timeoutMs !== undefined && now - started >= o.timeoutMs)
      limit = { kind: 'timeout', value: o.timeoutMs };
    return limit !== undefined;
  };
  let first: FirstRun | undefined;
  let lastReport = started;
  let lastTurn = started;
  for (const r of shardRunIndices(o.runs, o.shard)) {
    // A turn of the event loop about every 50 ms, so that a signal handler can abort the runs.
    if (performance.now() - lastTurn >= SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      lastTurn = performance.now();
    }
    if (stopped()) break;
    const seed = runSeed(o.seed, r);
    walker.setWeights(o.swarm ? swarmWeights(kinds, seed) : undefined);
    const coverage = { fired, reached: witnesses.map(() => false) };
    // Only the first violating run is shrunk; later ones are counted.
    const outcome = await runWalk(walker, seed, o.depth, coverage, stopped, first === undefined);
    figures.runsDone++;
    figures.steps += outcome.walk.path.length - 1;
    if (outcome.walk.failure) figures.violatingRuns++;
    if (outcome.walk.deadEnd) figures.deadEnds++;
    coverage.reached.forEach((hit, i) => {
      if (hit) reachedRuns[i]++;
    });
    if (outcome.walk.failure && !first) {
      const reduced = outcome.shrunk ? reduceWalk(walker, outcome.shrunk.outcome, stopped) : undefined;
      first = { run: r, seed, outcome, reduced };
    }
    const now = performance.now();
    if (options.onProgress && now - lastReport >= o.progressEveryMs) {
      lastReport = now;
      options.onProgress({
        runsDone: figures.runsDone,
        runs: shardSize,
        steps: figures.steps,
        violatingRuns: figures.violatingRuns,
        ms: now - started,
        stepsPerSecond: perSecond(figures.steps, now - started),
      });
    }
  }
  const violation = first
    ? await counterexample(spec, first, o, kinds, options, started, () => {
        stopped();
        return limit;
      })
    : undefined;
  const fires = fired.record(kinds);
  const coverage: SimulationCoverage = {
    ...figures,
    fired: fires,
    witnesses: witnesses.map((w, i) => ({ name: w.name, runs: reachedRuns[i] })),
    neverFired: kinds.filter((k) => !(fires[k] > 0)),
  };
  const ms = performance.now() - started;
  return {
    spec: spec.name,
    ...(spec.fingerprint !== undefined ? { fingerprint: spec.fingerprint } : {}),
    verdict: violation ? 'violated' : limit ? 'incomplete' : 'no-violation',
    seed: o.seed,
    runs: o.runs,
    depth: o.depth,
    swarm: o.swarm,
    shortestStates: o.shortestStates,
    ...(o.shard ? { shard: o.shard } : {}),
    actionKinds: kinds,
    coverage,
    stats: { ms, stepsPerSecond: perSecond(figures.steps, ms) },
    ...(violation ? { violation } : {}),
    ...(limit ? { limit } : {}),
  };
}

/** The first violating run: its outcome, and the shrunk walk reduced by labels. */
interface FirstRun {
  readonly run: number;
  readonly seed: number;
  readonly outcome: RunOutcome;
  readonly reduced: ReturnType<typeof reduceWalk> | undefined;
}

const perSecond = (n: number, ms: number) => Math.round((n / Math.max(ms, 1e-3)) * 1000);

interface Settings {
  readonly runs: number;
  readonly depth: number;
  readonly seed: number;
  readonly shard?: Shard;
  readonly swarm: boolean;
  readonly shortestStates: number;
  readonly timeoutMs?: number;
  readonly progressEveryMs: number;
}

/** The options with their defaults, checked: E_BAD_OPTION on a value out of range. */
function settings(options: SimulateOptions): Settings {
  const whole = (name: string, v: number | undefined, dflt: number, max = Number.MAX_SAFE_INTEGER) => {
    const n = v ?? dflt;
    if (!Number.isInteger(n) || n < 0 || n > max)
      throw new CheckerError('E_BAD_OPTION', `${name} must be a whole number from 0 to ${max}, got ${n}`);
    return n;
  };
  if (options.shard) validateShard(options.shard);
  if (options.timeoutMs !== undefined && !(options.timeoutMs >= 0))
    throw new CheckerError(
      'E_BAD_OPTION',
      `timeoutMs must be a non-negative number, got ${options.timeoutMs}`,
    );
  return {
    runs: whole('runs', options.runs, SIMULATE_DEFAULTS.runs, 2 ** 31 - 1),
    depth: whole('depth', options.depth, SIMULATE_DEFAULTS.depth, 1_000_000),
    seed: whole('seed', options.seed, SIMULATE_DEFAULTS.seed, 0xffffffff),
    ...(options.shard ? { shard: options.shard } : {}),
    swarm: options.swarm !== false,
    shortestStates: whole('shortestStates', options.shortestStates, SIMULATE_DEFAULTS.shortestStates),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    progressEveryMs: options.progressEveryMs ?? 1000,
  };
}

/**
 * The first violating run's counterexample: its shrunk walk replayed with `next` (which must
 * violate the same invariant at its last state, and none before), then the shortest search.
 */
async function counterexample<S, A>(
  spec: Spec<S, A>,
  first: FirstRun,
  o: Settings,
  kinds: readonly string[],
  options: SimulateOptions,
  started: number,
  limitNow: () => Limit | undefined,
): Promise<SimulationViolation<S, A>> {
  const { outcome, reduced } = first;
  const shrunk = outcome.shrunk;
  if (!shrunk || !reduced) throw new Error('unreachable: a failing run is always shrunk');
  const walkTrace = reference(spec, reduced.outcome);
  const walk = {
    path: reduced.outcome.path,
    property: walkTrace.property,
    generatedSteps: outcome.walk.path.length - 1,
    shrinks: shrunk.shrinks,
    tried: shrunk.tried,
    removed: reduced.removed,
    shrinkComplete: shrunk.complete,
  };
  const weights = o.swarm ? Object.fromEntries(swarmWeights(kinds, first.seed)) : undefined;
  const base = { run: first.run, runSeed: first.seed, walk, ...(weights ? { weights } : {}) };
  const steps = walkTrace.trace.steps.length;
  if (o.shortestStates === 0 || limitNow() !== undefined) return { ...base, ...walkTrace, shortest: false };
  // The search gets what is left of the timeout (a limit it hits keeps the shrunk walk).
  const remaining =
    o.timeoutMs !== undefined ? Math.max(0, o.timeoutMs - (performance.now() - started)) : undefined;
  const run = await exploreAsync(spec, {
    maxDepth: steps,
    maxStates: o.shortestStates,
    ...(remaining !== undefined ? { timeoutMs: remaining } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.noSymmetry ? { noSymmetry: true } : {}),
  });
  const r = run.result;
  const cut = r.verdict === 'incomplete' && r.limit.kind !== 'maxDepth' ? r.limit : undefined;
  const stoppedBy = cut?.kind as Exclude<LimitKind, 'maxDepth'> | undefined;
  const search = {
    distinct: r.stats.distinct,
    complete: cut === undefined,
    // What stopped it: shortestStates (maxStates), or the run's timeout or signal.
    ...(stoppedBy ? { stoppedBy } : {}),
  };
  if (r.verdict !== 'violated') return { ...base, ...walkTrace, shortest: false, search };
  return {
    ...base,
    property: r.violation.property,
    message: r.violation.message,
    trace: r.violation.trace,
    shortest: true,
    search,
  };
}

/** The walk replayed with the reference path; it must fail as the walk did, at its last state only. */
function reference<S, A>(spec: Spec<S, A>, walk: WalkOutcome) {
  const trace = replayPath(spec, walk.path);
  const claims = new Claims(spec);
  const states = [trace.initial, ...trace.steps.map((s) => s.state)];
  for (let i = 0; i < states.length; i++) {
    const f = claims.violated(states[i]);
    const last = i === states.length - 1;
    if (f === undefined && !last) continue;
    if (!last || f === undefined || f.property !== walk.failure?.property)
      throw new CheckerError(
        'E_CODEC_MISMATCH',
        `spec "${spec.name}": the walk ${formatPath(walk.path)} violates ${walk.failure?.property} at its step ${states.length - 1} on the fast path (apply), but replayed with next it ${f ? `violates ${f.property} at step ${i}` : 'violates nothing'}`,
      );
    return { property: f.property, message: f.message, trace };
  }
  throw new Error('unreachable: a path has a last state');
}
