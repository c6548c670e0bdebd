/**
 * SPIN and this checker on the same kernel question, side by side in one run (issue #13):
 * `npm run bench -- --spin-core [--rounds N] [--spin-core-scope S] [--json]`.
 *
 * SPIN: spin-core.sh on memcg-core.pml (`new`: exhaustive DFS; `old`: BFS to the drain_all_stock
 * use-after-free), found through MEMCG_SPIN_CORE or at ../shared/bench/spin-core.sh from the
 * repository root; without the script, spin or gcc the SPIN rows are skipped with a note. Ours:
 * `memcg-check check --scope S` (default ci), new at 1 and 2 workers, old at 1. Every run is a fresh
 * process, one after the other, never two at once; a round runs all five, and each row is the
 * median over the rounds. SPIN's seconds are ./pan's wall clock (the script excludes spin -a and
 * gcc); ours are the child's wall clock (node start included), with the search time the result
 * reports beside it. The targets are judged on wall clock. The two models encode the question
 * differently, so their state counts are shown, not compared; their verdicts must be the expected
 * ones (new verified, old violated; ours only at scope ci, see QUESTION_SCOPE), or the run fails
 * (exit status 1) after printing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Machine } from './report.js';
import { spinAvailable } from './spin.js';
import { int, table } from './table.js';

export interface SpinCoreOptions {
  readonly scope: string;
  readonly rounds: number;
}

export type Design = 'new' | 'old';
export type Verdict = 'verified' | 'violated' | 'incomplete';

export interface CoreRun {
  readonly tool: 'spin' | 'ours';
  readonly design: Design;
  /** Ours only: the --workers count. */
  readonly workers?: number;
  readonly verdict: Verdict;
  readonly states: number;
  readonly transitions: number;
  /** SPIN's "depth reached"; our search depth. */
  readonly depth: number;
  /** Ours, when violated: the counterexample's steps. */
  readonly traceSteps?: number;
  /** SPIN's violated assertion, or our violated claim. */
  readonly violation?: string;
  /** Wall clock of the run (SPIN: ./pan alone; ours: the whole child process). */
  readonly seconds: number;
  /** Ours only: the search time the result reports (stats.ms). */
  readonly searchSeconds?: number;
}

export interface Target {
  readonly name: string;
  /** The ratio on wall clock, and on search time where both sides report one. */
  readonly value?: number;
  readonly search?: number;
  readonly target: number;
  /** Absent when a side was not measured. */
  readonly met?: boolean;
}

export const EXPECTED: Readonly<Record<Design, Verdict>> = { new: 'verified', old: 'violated' };
/**
 * spin-core.sh asks the question our `ci` scope asks; only there are the verdicts held to EXPECTED.
 * At a smaller scope they may differ (old@tiny verifies), and the ratios then compare two questions.
 */
export const QUESTION_SCOPE = 'ci';

/** One line of spin-core.sh (its last line of output) as a row. */
export function parseSpinLine(stdout: string, design: Design): CoreRun {
  const line = stdout.trim().split('\n').pop() ?? '';
  const j = JSON.parse(line) as Record<string, unknown>;
  for (const k of ['states', 'transitions', 'errors', 'depth', 'seconds']) {
    if (typeof j[k] !== 'number' || Number.isNaN(j[k]))
      throw new Error(`spin-core.sh ${design}: "${k}" is not a number in ${line}`);
  }
  const n = (k: string) => j[k] as number;
  return {
    tool: 'spin',
    design,
    verdict: n('errors') > 0 ? 'violated' : 'verified',
    states: n('states'),
    transitions: n('transitions'),
    depth: n('depth'),
    ...(typeof j.violation === 'string' ? { violation: j.violation } : {}),
    seconds: n('seconds'),
  };
}

/** `memcg-check check --format json` output (docs/result.schema.json) as a row. */
export function parseOurResult(
  stdout: string,
  design: Design,
  workers: number,
  wallSeconds: number,
): CoreRun {
  const j = JSON.parse(stdout) as {
    verdict: Verdict;
    stats: { distinct: number; transitions: number; depth: number; ms: number };
    violation?: { property: string; trace: readonly unknown[] };
  };
  return {
    tool: 'ours',
    design,
    workers,
    verdict: j.verdict,
    states: j.stats.distinct,
    transitions: j.stats.transitions,
    depth: j.stats.depth,
    ...(j.violation ? { traceSteps: j.violation.trace.length, violation: j.violation.property } : {}),
    seconds: wallSeconds,
    searchSeconds: j.stats.ms / 1000,
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

const label = (r: CoreRun) => `${r.tool} ${r.design}${r.workers ? ` ${r.workers}w` : ''}`;

/** The rounds of one row as one: counts and verdict must agree, times are medians. */
export function combine(runs: readonly CoreRun[]): CoreRun {
  const first = runs[0];
  for (const r of runs) {
    if (r.verdict !== first.verdict || r.states !== first.states || r.transitions !== first.transitions)
      throw new Error(
        `bench --spin-core: ${label(r)} differs between rounds: ${r.verdict} ${r.states}/${r.transitions} vs ${first.verdict} ${first.states}/${first.transitions}`,
      );
  }
  const search = runs.flatMap((r) => (r.searchSeconds === undefined ? [] : [r.searchSeconds]));
  return {
    ...first,
    seconds: median(runs.map((r) => r.seconds)),
    ...(search.length ? { searchSeconds: median(search) } : {}),
  };
}

const find = (rows: readonly CoreRun[], tool: CoreRun['tool'], design: Design, workers?: number) =>
  rows.find((r) => r.tool === tool && r.design === design && r.workers === workers);

function ratio(name: string, target: number, a?: CoreRun, b?: CoreRun): Target {
  if (!a || !b) return { name, target };
  const value = a.seconds / b.seconds;
  const sa = a.searchSeconds ?? (a.tool === 'spin' ? a.seconds : undefined);
  const search = sa !== undefined && b.searchSeconds !== undefined ? sa / b.searchSeconds : undefined;
  return { name, value, ...(search !== undefined ? { search } : {}), target, met: value >= target };
}

/** Issue #13's targets: time over time, so above 1 means the second one is faster. */
export function targets(rows: readonly CoreRun[]): Target[] {
  const spinNew = find(rows, 'spin', 'new');
  const new1 = find(rows, 'ours', 'new', 1);
  const new2 = find(rows, 'ours', 'new', 2);
  return [
    ratio('SPIN new / ours new, 1 worker', 1, spinNew, new1),
    ratio('SPIN new / ours new, 2 workers', 1, spinNew, new2),
    ratio('ours new 1 worker / 2 workers', 1.8, new1, new2),
    ratio('SPIN old / ours old, 1 worker', 1, find(rows, 'spin', 'old'), find(rows, 'ours', 'old', 1)),
  ];
}

/**
 * The rows whose verdict is not the expected one, as "ours new 1w: violated": SPIN's always, ours
 * only when our scope is QUESTION_SCOPE.
 */
export function unexpected(rows: readonly CoreRun[], scope: string): string[] {
  return rows
    .filter((r) => r.tool === 'spin' || scope === QUESTION_SCOPE)
    .filter((r) => r.verdict !== EXPECTED[r.design])
    .map((r) => `${label(r)}: ${r.verdict}`);
}

export function renderSpinCore(
  m: Machine,
  loadAtEnd: number,
  o: SpinCoreOptions,
  rows: readonly CoreRun[],
  note?: string,
): string {
  const x = (n?: number) => (n === undefined ? '-' : `${n.toFixed(3)}x`);
  const body = rows.map((r) => [
    r.tool === 'spin' ? 'SPIN memcg-core.pml' : `memcg-check ${o.scope}`,
    r.design,
    r.workers === undefined ? '-' : String(r.workers),
    r.verdict,
    int(r.states),
    int(r.transitions),
    String(r.depth),
    r.traceSteps === undefined ? '-' : String(r.traceSteps),
    r.seconds.toFixed(2),
    r.searchSeconds === undefined ? '-' : r.searchSeconds.toFixed(2),
  ]);
  const header = ['tool', 'design', 'workers', 'verdict', 'states', 'transitions', 'depth', 'trace'];
  const lines = targets(rows).map((t) => {
    const verdict = t.met === undefined ? 'not measured' : t.met ? 'met' : 'not met';
    const search = t.search === undefined ? '' : ` (on our search time ${x(t.search)})`;
    return `${t.name}: ${x(t.value)}${search}, target >= ${t.target.toFixed(1)}: ${verdict}`;
  });
  const bad = unexpected(rows, o.scope);
  const verdicts = bad.length
    ? `verdicts NOT as expected: ${bad.join(', ')}`
    : o.scope === QUESTION_SCOPE
      ? 'verdicts as expected (new verified, old violated)'
      : `our verdicts not checked: SPIN's question is ours at ${QUESTION_SCOPE}, not ${o.scope}, so these ratios compare different questions`;
  return [
    `SPIN (memcg-core.pml, its fixed scope) and memcg-check (scope ${o.scope}; the same question at ${QUESTION_SCOPE});`,
    `one run at a time, median of ${o.rounds} round${o.rounds === 1 ? '' : 's'}`,
    `machine: ${m.nproc} cpus (${m.cpu}), ${m.memoryGiB} GiB, node ${m.node}, ${m.spin}`,
    `load average (1 min) at start ${m.loadAverage}, at end ${loadAtEnd}`,
    ...(note ? [`note: ${note}`] : []),
    '',
    table([...header, 'wall s', 'search s'], body),
    '',
    'targets (time over time, wall clock; above 1 the second is faster):',
    ...lines,
    verdicts,
    'state counts differ by design: memcg-core.pml and model/ encode the question differently',
  ].join('\n');
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** MEMCG_SPIN_CORE, else ../shared/bench/spin-core.sh from the repository root. */
export function spinCoreScript(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.MEMCG_SPIN_CORE || join(repoRoot(), '../shared/bench/spin-core.sh'));
}

/** Why the SPIN rows cannot run, or undefined when they can. */
export function spinCoreMissing(script: string): string | undefined {
  if (!existsSync(script))
    return `${script} not found (set MEMCG_SPIN_CORE to spin-core.sh): SPIN rows skipped`;
  if (!spinAvailable()) return 'spin or gcc not on PATH: SPIN rows skipped (apt-get install -y spin)';
  return undefined;
}

const THIS_CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

function runSpinCore1(script: string, design: Design): CoreRun {
  const r = spawnSync('bash', [script, design], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0)
    throw new Error(`bench --spin-core: ${script} ${design} exited ${r.status}: ${r.stderr.slice(0, 400)}`);
  return parseSpinLine(r.stdout, design);
}

function runOurs(scope: string, design: Design, workers: number): CoreRun {
  const args = ['check', '--design', design, '--scope', scope, '--workers', String(workers)];
  const start = performance.now();
  const r = spawnSync(process.execPath, [THIS_CLI, ...args, '--quiet', '--format', 'json'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const wall = (performance.now() - start) / 1000;
  // Exit status 1 is a violation (expected for old); anything else is a tool error.
  if (r.status !== 0 && r.status !== 1)
    throw new Error(`bench --spin-core: ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 400)}`);
  return parseOurResult(r.stdout, design, workers, wall);
}

export function runSpinCore(
  o: SpinCoreOptions,
  progress: (t: string) => void,
): { rows: CoreRun[]; script: string; note?: string } {
  const script = spinCoreScript();
  const note = spinCoreMissing(script);
  if (note) progress(note);
  const jobs: [string, () => CoreRun][] = [];
  if (!note)
    for (const d of ['new', 'old'] as const) jobs.push([`spin-core.sh ${d}`, () => runSpinCore1(script, d)]);
  jobs.push(
    [`ours new@${o.scope} 1 worker`, () => runOurs(o.scope, 'new', 1)],
    [`ours new@${o.scope} 2 workers`, () => runOurs(o.scope, 'new', 2)],
    [`ours old@${o.scope} 1 worker`, () => runOurs(o.scope, 'old', 1)],
  );
  const byJob: CoreRun[][] = jobs.map(() => []);
  for (let k = 0; k < o.rounds; k++) {
    jobs.forEach(([name, run], i) => {
      progress(`spin-core: ${name} (round ${k + 1} of ${o.rounds})`);
      byJob[i].push(run());
    });
  }
  return { rows: byJob.map(combine), script, ...(note ? { note } : {}) };
}
