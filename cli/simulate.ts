/**
 * `memcg-check simulate`: seeded random walks through a design or variant (checker/simulate.ts),
 * at any bounds the model encodes, also those too large for `check` to explore. A violation is a
 * real counterexample (shrunk, and the shortest where a breadth-first search to its depth fits);
 * no violation proves nothing (verdict `no-violation`, exit 0). docs/simulate.md.
 */
import { randomInt } from 'node:crypto';
import {
  CheckerError,
  MAX_SEED,
  parseShard,
  type Shard,
  SIMULATE_DEFAULTS,
  type SimulationProgress,
  type SimulationResult,
  simulate,
} from '../checker/index.js';
import type { MemcgAction } from '../model/machine.js';
import type { State } from '../model/state.js';
import { renderSimulation, type SimulationModel, simulationJson, violationJson } from '../report/simulate.js';
import { onInterrupt } from './interrupt.js';
import { MODEL_FLAGS, modelRef, type OpenModel, openModel } from './model.js';
import { count, type Flags, format, parse } from './options.js';
import { checkOutputs, colorMarker, emit, useColor } from './output.js';
import { withReplay } from './run.js';
import { EXIT, UsageError } from './usage.js';

const ALLOWED = [
  ...MODEL_FLAGS,
  'runs',
  'depth',
  'seed',
  'shard',
  'no-swarm',
  'shortest-states',
  'timeout',
  'format',
  'out',
  'quiet',
] as const;

type Result = SimulationResult<State, MemcgAction>;

export async function simulateCommand(argv: string[]): Promise<number> {
  const interrupt = onInterrupt();
  try {
    const { flags, positionals } = parse(argv, ALLOWED);
    if (positionals.length > 0)
      throw new UsageError(`simulate takes no positional arguments, got "${positionals[0]}"`);
    const fmt = format(flags);
    const settings = simulateSettings(flags);
    checkOutputs([['out', flags.out]]);
    const model = await openModel(await modelRef(flags));
    const progress = simulationProgress(flags.quiet === true);
    let r: Result;
    try {
      r = await simulate(model.spec, {
        ...settings,
        signal: interrupt.signal,
        ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      });
    } catch (e) {
      throw withReplay(e, model.args);
    } finally {
      progress.done();
    }
    const info = runInfo(model);
    const header = simulationModel(model);
    const text = (mark?: Parameters<typeof renderSimulation>[3]) =>
      renderSimulation(info, r, r.violation, mark) + variantNote(model, r);
    const out =
      fmt === 'json'
        ? JSON.stringify(
            simulationJson(header, r, r.violation ? violationJson(info, model.args, r.violation) : undefined),
          )
        : text();
    emit(out, flags.out, fmt === 'text' && useColor() ? text(colorMarker) : undefined);
    return exitCode(r.verdict);
  } finally {
    interrupt.dispose();
  }
}

/** violated 1, incomplete 3, no-violation 0 (`merge` returns the same for a merged result). */
export function exitCode(verdict: Result['verdict']): number {
  if (verdict === 'violated') return EXIT.violated;
  if (verdict === 'incomplete') return EXIT.incomplete;
  return EXIT.verified;
}

/** What the text report needs of the model. */
export function runInfo(model: OpenModel) {
  const { spec } = model;
  return {
    design: model.designLabel,
    scheme: spec.design.scheme,
    scope: model.scope,
    L: spec.machine.L,
    replayArgs: model.args,
    args: model.args,
  };
}

/** The model as the JSON names it (as `check`'s JSON does: the design's name, the variant's). */
function simulationModel(model: OpenModel): SimulationModel {
  const { spec } = model;
  return {
    design: spec.design.name,
    scheme: spec.design.scheme,
    ...(model.variant ? { variant: model.variant.name } : {}),
    scope: model.scope,
    config: spec.config,
    ...(model.ref.claims ? { claims: spec.invariants.map((c) => c.name) } : {}),
    args: model.args,
  };
}

/** The flags of a simulation, checked (exit 2 on a bad one) before the model is built. */
function simulateSettings(flags: Flags) {
  const runs = count('runs', flags.runs, 1) ?? SIMULATE_DEFAULTS.runs;
  if (runs > 2 ** 31 - 1) throw new UsageError(`--runs must be at most ${2 ** 31 - 1}, got ${runs}`);
  const depth = count('depth', flags.depth, 1) ?? SIMULATE_DEFAULTS.depth;
  if (depth > 1_000_000) throw new UsageError(`--depth must be at most 1000000, got ${depth}`);
  const shard = shardOf(flags.shard);
  if (shard && flags.seed === undefined)
    throw new UsageError('--shard needs --seed: every shard of one simulation must use the same seed');
  const seed = count('seed', flags.seed, 0) ?? randomInt(0, MAX_SEED + 1);
  if (seed > MAX_SEED) throw new UsageError(`--seed must be at most ${MAX_SEED}, got ${seed}`);
  const timeout = count('timeout', flags.timeout, 1);
  if (timeout !== undefined && timeout > 31_536_000)
    throw new UsageError(`--timeout must be at most 31536000 seconds (a year), got ${timeout}`);
  const shortestStates = count('shortest-states', flags['shortest-states'], 0);
  if (shortestStates !== undefined && shortestStates > 2 ** 31)
    throw new UsageError(`--shortest-states must be at most ${2 ** 31}, got ${shortestStates}`);
  return {
    runs,
    depth,
    seed,
    ...(shard ? { shard } : {}),
    swarm: flags['no-swarm'] !== true,
    ...(shortestStates !== undefined ? { shortestStates } : {}),
    ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
  };
}

function shardOf(text: string | undefined): Shard | undefined {
  if (text === undefined) return undefined;
  try {
    return parseShard(text);
  } catch (e) {
    if (e instanceof CheckerError) throw new UsageError(`--${e.detail}`);
    throw e;
  }
}

/** A variant's expectation against what the simulation gave (text only, as `check` adds it; merge too). */
export function variantNote(
  model: Pick<OpenModel, 'variant'>,
  r: { readonly violation?: { readonly property: string } },
): string {
  const expected = model.variant?.expect;
  if (expected === undefined) return '';
  const want = expected === 'verified' ? 'verified' : `a violation of ${expected.violated}`;
  const got =
    expected === 'verified'
      ? r.violation
        ? 'NOT what this run gave.'
        : 'no violation in these runs (not a proof).'
      : r.violation?.property === expected.violated
        ? 'found.'
        : r.violation
          ? `this run violated ${r.violation.property} first.`
          : 'not found in these runs (more runs, a larger --depth, or another --seed may find it).';
  return `\nThe variant expects ${want}: ${got}`;
}

/** Progress on a terminal only (stderr, one live line after 2 s); nothing otherwise or with --quiet. */
function simulationProgress(quiet: boolean): {
  onProgress?: (p: SimulationProgress) => void;
  done(): void;
} {
  if (quiet || process.stderr.isTTY !== true) return { done() {} };
  let shown = false;
  const n = (x: number) => x.toLocaleString('en-US');
  return {
    onProgress(p) {
      if (p.ms < 2000) return;
      process.stderr.write(
        `\r  runs ${n(p.runsDone)}/${n(p.runs)}, ${n(p.steps)} steps, ${n(p.stepsPerSecond)} steps/s, ${n(p.violatingRuns)} violating, ${(p.ms / 1000).toFixed(0)} s\u001b[K`,
      );
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\r\u001b[K');
    },
  };
}
