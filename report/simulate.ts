/**
 * The report of a random simulation (`memcg-check simulate`, and `merge` of its shards): text, with
 * the counterexample rendered as `check` renders one (report/text.ts), and one JSON object
 * (schema `memcg-check/simulate`, version 1, docs/simulate.schema.json). The JSON is built in one
 * fixed key order from the figures and a violation already in JSON, so that a merge of shards,
 * which copies the violation of the first failing run from its shard's file, prints the JSON the
 * unsharded run prints, apart from the times and the shard.
 */
import {
  formatPath,
  formatShard,
  type SimulationFigures,
  type SimulationViolation,
} from '../checker/index.js';
import type { Config } from '../model/config.js';
import type { MemcgAction } from '../model/machine.js';
import type { State } from '../model/state.js';
import { traceJson } from './json.js';
import { blame, type Marker, type RunInfo, renderLedger, renderTrace } from './text.js';

export const SIMULATE_SCHEMA = 'memcg-check/simulate';
export const SIMULATE_SCHEMA_VERSION = 1;

/** The model a simulation ran, as its JSON names it (a merge compares these across the shards). */
export interface SimulationModel {
  readonly design: string;
  readonly scheme: 'old' | 'new';
  readonly variant?: string;
  readonly scope: string;
  readonly config: Config;
  readonly claims?: readonly string[];
  /** The model flags that rebuild it (`--variant K2 --scope tiny --cpus 3`), for the replay line. */
  readonly args: string;
}

type Figures = SimulationFigures<{ readonly run: number }>;
type Violation = SimulationViolation<State, MemcgAction>;

/** The replay command line of a path. */
export const replayLine = (args: string, path: readonly number[]) =>
  `memcg-check replay ${args} --path ${formatPath(path)}`;

/** The violation as the JSON gives it (the trace's states, changes and ledgers as `check`'s JSON has them). */
export function violationJson(info: Pick<RunInfo, 'L' | 'scheme'>, args: string, v: Violation) {
  const b = blame({ design: '', scope: '', ...info }, v.trace);
  return {
    run: v.run,
    runSeed: v.runSeed,
    property: v.property,
    message: v.message,
    shortest: v.shortest,
    steps: v.trace.steps.length,
    path: formatPath(v.trace.path),
    replay: replayLine(args, v.trace.path),
    walk: { ...v.walk, path: formatPath(v.walk.path), steps: v.walk.path.length - 1 },
    ...(v.search ? { search: v.search } : {}),
    ...(v.weights ? { weights: v.weights } : {}),
    ...(b ? { blame: b } : {}),
    cpus: info.L.config.cpus,
    ...traceJson(info, v.trace),
  };
}

/** The one JSON object; `violation` is already JSON (`violationJson`, or a shard's copied whole). */
export function simulationJson(
  model: SimulationModel,
  r: Figures,
  violation: unknown | undefined,
): Record<string, unknown> {
  return {
    schema: SIMULATE_SCHEMA,
    version: SIMULATE_SCHEMA_VERSION,
    verdict: r.verdict,
    spec: r.spec,
    ...(r.fingerprint !== undefined ? { fingerprint: r.fingerprint } : {}),
    design: model.design,
    scheme: model.scheme,
    ...(model.variant !== undefined ? { variant: model.variant } : {}),
    scope: model.scope,
    config: model.config,
    ...(model.claims ? { claims: model.claims } : {}),
    args: model.args,
    seed: r.seed,
    runs: r.runs,
    depth: r.depth,
    swarm: r.swarm,
    shortestStates: r.shortestStates,
    ...(r.shard ? { shard: r.shard } : {}),
    ...(r.mergedShards !== undefined ? { merged: { shards: r.mergedShards } } : {}),
    actionKinds: r.actionKinds,
    coverage: r.coverage,
    stats: r.stats,
    ...(r.limit ? { limit: r.limit } : {}),
    ...(violation !== undefined ? { violation } : {}),
  };
}

const n = (x: number) => x.toLocaleString('en-US');
const plain: Marker = (_m, t) => t;

/** The text report: verdict, figures, coverage, and the counterexample in kernel words. */
export function renderSimulation(
  info: RunInfo & { readonly args: string },
  r: Figures,
  v: Violation | undefined,
  mark: Marker = plain,
): string {
  const c = r.coverage;
  const word =
    r.verdict === 'violated'
      ? mark('violated', 'VIOLATED')
      : r.verdict === 'incomplete'
        ? mark('incomplete', 'INCOMPLETE')
        : mark('verified', 'NO VIOLATION');
  const where = r.shard
    ? `, shard ${formatShard(r.shard)} (${n(Math.max(0, Math.ceil((r.runs - r.shard.index + 1) / r.shard.count)))} of them)`
    : r.mergedShards !== undefined
      ? `, merged from ${r.mergedShards} shard${r.mergedShards > 1 ? 's' : ''}`
      : '';
  const lines = [
    `memcg-check simulate: design ${info.design}, scope ${info.scope}: ${word}`,
    `  seed ${r.seed}: ${n(r.runs)} runs of at most ${n(r.depth)} steps, swarm ${r.swarm ? 'on' : 'off'}${where}`,
    `  ${n(c.runsDone)} runs walked, ${n(c.steps)} steps, ${(r.stats.ms / 1000).toFixed(1)} s (${n(r.stats.stepsPerSecond)} steps/s); ${n(c.violatingRuns)} violated a claim${c.deadEnds > 0 ? `, ${n(c.deadEnds)} stopped with no enabled action` : ''}`,
  ];
  if (r.limit) {
    const why =
      r.limit.kind === 'interrupted'
        ? `interrupted by ${r.limit.reason ?? 'a signal'}`
        : `stopped by --timeout (${r.limit.value / 1000} s)`;
    lines.push(`  ${why}: the runs after the ${n(c.runsDone)}th were not walked`);
  }
  const reached = c.witnesses.filter((w) => w.runs > 0);
  lines.push(`  witnesses reached: ${reached.length}/${c.witnesses.length}`);
  for (const w of c.witnesses) if (w.runs === 0) lines.push(`    never reached: ${w.name}`);
  if (c.neverFired.length) lines.push(`  actions that never fired: ${c.neverFired.join(', ')}`);
  if (r.verdict !== 'violated')
    lines.push(
      '',
      'Random simulation samples walks: no violation in them is not a proof (memcg-check check explores every state, where the scope fits).',
    );
  if (v) lines.push('', ...renderViolation(info, v, mark));
  return lines.join('\n');
}

/** What stopped the shortest search, in the flag's words. */
function searchStop(by: string | undefined): string {
  if (by === 'timeout') return 'the --timeout';
  if (by === 'interrupted') return 'interrupted';
  if (by === 'memory') return 'the memory ceiling';
  return '--shortest-states';
}

function renderViolation(info: RunInfo & { readonly args: string }, v: Violation, mark: Marker): string[] {
  const steps = v.trace.steps.length;
  const walked = v.walk.path.length - 1;
  const origin = `run ${v.run}'s walk of ${v.walk.generatedSteps} steps, shrunk to ${walked}${v.walk.shrinkComplete ? '' : ' (shrinking cut short by the limit)'}`;
  const head = v.shortest
    ? `Shortest counterexample (${steps} steps; from ${origin}; a breadth-first search to depth ${walked} found none shorter, ${n(v.search?.distinct ?? 0)} states):`
    : `Counterexample (${steps} steps, ${origin}; not known to be shortest: ${
        v.search
          ? `the breadth-first search to depth ${walked} stopped at ${n(v.search.distinct)} states (${searchStop(v.search.stoppedBy)})`
          : 'no breadth-first search was made (--shortest-states 0, or a limit)'
      }):`;
  const last = steps ? v.trace.steps[steps - 1].state : v.trace.initial;
  const lines = [
    `${mark('claim', `Violated: ${v.property}`)}, first in run ${v.run} (run seed ${v.runSeed})`,
    ...(v.walk.property !== v.property
      ? [
          `  (run ${v.run}'s walk violated ${v.walk.property}; the shortest counterexample at that depth violates ${v.property})`,
        ]
      : []),
    `  ${v.message}`,
    '',
    head,
    ...renderTrace(info, v.trace, mark),
  ];
  const b = blame(info, v.trace);
  if (b) lines.push('', mark('blame', `Blame: ${b}`));
  lines.push('', 'Ledger at the last step:', ...renderLedger(info, last, mark));
  lines.push('', `Replay: ${replayLine(info.args, v.trace.path)}`);
  return lines;
}
