/**
 * The report of `memcg-check liveness` (cli/liveness.ts): the verdict, the fairness assumed, the
 * findings (each dying memcg a fair run never frees, and what keeps it: a leak, a stock's zombie,
 * other holders), and for the first finding of each kind its lasso: the prefix as a numbered
 * trace, the cycle that repeats forever (or stuttering), the fair steps the cycle takes, the
 * holders of the memcg on the cycle, and the replay line. Text and JSON (`memcg-check/liveness`).
 */
import type { CheckOptions } from '../checker/index.js';
import type { GraphLimit, Lasso, LivenessRun } from '../checker/liveness.js';
import type { Config } from '../model/config.js';
import type { MemcgAction } from '../model/machine.js';
import type { State } from '../model/state.js';
import {
  FAIR_WORK,
  type FairMode,
  type Finding,
  holderLines,
  STUCK_KINDS,
  shownFindings,
} from '../properties/liveness.js';
import { changes, formatChange } from './diff.js';
import { ledgerJson } from './json.js';
import { type Marker, type RunInfo, renderTrace } from './text.js';

export interface LivenessInfo extends RunInfo {
  readonly config: Config;
  readonly variant?: string;
  readonly fair: FairMode;
  /** The model's flags (`--design new --scope tiny`), for the replay line. */
  readonly args: string;
}

export interface LivenessReport {
  readonly run: LivenessRun<State, MemcgAction>;
  readonly findings: readonly Finding[];
}

const plain: Marker = (_m, t) => t;

/** What cut the graph, in words. */
function cutText(limit: GraphLimit | undefined): string {
  if (!limit) return 'nothing';
  if (limit.kind === 'range')
    return `a count past the state encoding from depth ${limit.value} (${limit.reason.replace(/^.*layout codec: /, '')}; such successors are dropped: a count that grows without bound, which the invariants of "check" would have stopped)`;
  if (limit.kind === 'memory') return `the memory limit ${Math.round(limit.value / 2 ** 20)} MB`;
  if (limit.kind === 'timeout') return `the time limit ${Math.round(limit.value / 1000)} s`;
  return `the ${limit.kind} limit ${limit.value}`;
}
const num = (n: number) => n.toLocaleString('en-US');

export function fairnessLines(fair: FairMode): string[] {
  return [
    'Fairness assumed (spec §3.3):',
    '  weak, per CPU: a kernel path in flight takes its next step (it runs to its end)',
    `  strong, per work item: queued work and RCU callbacks run (${FAIR_WORK.slice(0, 4).join(', ')}, ...)`,
    fair === 'stock'
      ? "  --fair stock: every CPU's stock is eventually drained or switched (does not cache the memcg forever)"
      : "  not assumed: that a CPU's stock is ever drained or switched (--fair stock adds it)",
    '  not fair: charges, uncharges, rmdir, memory.max writes, swap, migration, moving (the environment may stop)',
  ];
}

function lassoLines(
  info: LivenessInfo,
  f: Finding,
  lasso: Lasso<State, MemcgAction>,
  mark: Marker,
): string[] {
  const out: string[] = [];
  const entry = lasso.prefix.steps.at(-1)?.state ?? lasso.prefix.initial;
  const verb = { leak: 'leaks', underflow: 'is under-counted', zombie: 'is a zombie', held: 'is held' }[
    f.classified.kind
  ];
  out.push(`Lasso: ${f.memcg} ${verb}: ${f.classified.why}`);
  out.push(`  Prefix (${lasso.prefix.steps.length} steps, from the initial state to the cycle):`);
  out.push(...renderTrace(info, lasso.prefix, mark));
  if (lasso.cycleLength === 0) {
    out.push('  Cycle: stuttering. From here the run takes no step for ever: no fair step is enabled');
    out.push(`  here (no path in flight can move, no queued work or RCU callback can run), so nothing`);
    out.push(`  that must happen frees ${f.memcg}; only the environment could (a charge, an uncharge).`);
  } else {
    out.push(`  Cycle (${lasso.cycleLength} steps, repeated for ever; back to the prefix's last state):`);
    out.push(...renderTrace(info, { initial: entry, steps: lasso.cycle, path: [] }, mark));
    out.push(`  Fair steps the cycle takes: ${lasso.taken.join('; ') || 'none'}`);
  }
  out.push(`  Enabled on the cycle and never taken: ${lasso.starvedWeak.join('; ') || 'none'}`);
  out.push(`  Holders of ${f.memcg} at the cycle's first state (css refcount ${entry.memcg[f.m].ref}):`);
  out.push(...holderLinesOf(info, entry, f).map((l) => `    ${l}`));
  out.push(`  Replay: memcg-check replay ${info.args} --path ${lasso.path.join('/')}`);
  return out;
}

function holderLinesOf(info: LivenessInfo, s: State, f: Finding): string[] {
  const lines = holderLines(info.L, info.scheme, s, f.m);
  return lines.length > 0 ? lines : ['(none)'];
}

export function renderLiveness(info: LivenessInfo, rep: LivenessReport, mark: Marker = plain): string {
  const { run, findings } = rep;
  const lines: string[] = [];
  lines.push(`Liveness of ${info.design} at ${info.scope}: ${run.claim}`);
  lines.push('  every killed memcg is eventually freed once no page, swap record, objcg or kmem_cache');
  lines.push('  points at it (spec §3.3; sockets are not modelled)');
  lines.push(...fairnessLines(info.fair));
  lines.push('');
  const figures = `${num(run.distinct)} states, ${num(run.transitions)} transitions, depth ${run.depth}, ${(run.ms / 1000).toFixed(1)} s (no symmetry: fairness names CPUs)`;
  if (run.verdict === 'verified') {
    lines.push(`${mark('verified', 'LIVE')}: every dying memcg is freed on every fair run.`);
    lines.push(`  ${figures}`);
    return lines.join('\n');
  }
  if (run.verdict === 'incomplete') {
    lines.push(
      `${mark('incomplete', 'INCOMPLETE')}: ${cutText(run.limit)} cut the graph; no fair cycle keeps a dying memcg alive in the part explored.`,
    );
    lines.push(`  ${figures}`);
    return lines.join('\n');
  }
  const counts = STUCK_KINDS.map((k) => [k, findings.filter((f) => f.classified.kind === k).length] as const)
    .filter(([k, n]) => n > 0 || k === 'leak' || k === 'zombie')
    .map(([k, n]) => `${n} ${k} finding${n === 1 ? '' : 's'}`);
  lines.push(`${mark('violated', 'VIOLATED')}: a fair run never frees a dying memcg (${counts.join(', ')})`);
  lines.push(`  ${figures}${run.limit ? ` (cut by ${cutText(run.limit)}; the cycles are real)` : ''}`);
  lines.push('');
  lines.push('Findings (fair cycles where a dying memcg stays alive, by what keeps it):');
  for (const f of findings)
    lines.push(
      `  ${f.classified.kind.padEnd(9)} ${f.memcg.padEnd(4)} ${f.classified.why}  [${f.sets} cycle${f.sets === 1 ? '' : 's'}]`,
    );
  for (const f of shownFindings(findings)) {
    lines.push('');
    lines.push(...lassoLines(info, f, run.lasso(f.first), mark));
  }
  return lines.join('\n');
}

function stepsJson(info: LivenessInfo, from: State, steps: Lasso<State, MemcgAction>['cycle']) {
  let prev = from;
  return steps.map((st, i) => {
    const entry = {
      step: i + 1,
      label: st.label,
      kind: st.action.kind,
      cpu: st.action.cpu,
      arg: st.action.arg,
      changes: changes(info.L, prev, st.state).map(formatChange),
      ledger: ledgerJson(info.L, info.scheme, st.state),
    };
    prev = st.state;
    return entry;
  });
}

export const LIVENESS_SCHEMA_VERSION = 1;

export function livenessJson(
  info: LivenessInfo,
  options: CheckOptions,
  rep: LivenessReport,
): Record<string, unknown> {
  const { run } = rep;
  const { onProgress: _p, signal: _s, ...opts } = options;
  return {
    schema: 'memcg-check/liveness',
    version: LIVENESS_SCHEMA_VERSION,
    verdict: run.verdict,
    claim: run.claim,
    design: info.design,
    scheme: info.scheme,
    ...(info.variant ? { variant: info.variant } : {}),
    scope: info.scope,
    config: info.config,
    fair: info.fair,
    options: opts,
    stats: { distinct: run.distinct, transitions: run.transitions, depth: run.depth, ms: Math.round(run.ms) },
    ...(run.limit ? { limit: run.limit } : {}),
    fairnessClasses: run.classes,
    findings: rep.findings.map((f) => {
      const lasso = run.lasso(f.first);
      const entry = lasso.prefix.steps.at(-1)?.state ?? lasso.prefix.initial;
      return {
        memcg: f.memcg,
        kind: f.classified.kind,
        why: f.classified.why,
        stocks: f.classified.stocks,
        ...(f.classified.minPages !== undefined ? { minPages: f.classified.minPages } : {}),
        cycles: f.sets,
        path: lasso.path.join('/'),
        prefixLength: lasso.prefix.steps.length,
        cycleLength: lasso.cycleLength,
        prefix: stepsJson(info, lasso.prefix.initial, lasso.prefix.steps),
        cycle: stepsJson(info, entry, lasso.cycle),
        taken: lasso.taken,
        enabledNeverTaken: lasso.starvedWeak,
        holders: holderLinesOf(info, entry, f),
      };
    }),
  };
}
