/**
 * Workers benchmark (`npm run bench -- --workers`, BENCHMARKS.md "Workers"): the same spec explored
 * by the one-worker explorer and by the parallel explorer at 1, 2, ... workers, in one run. Every
 * run must reach the same distinct states, transitions and depth (and the same violated claim), or
 * the benchmark fails; the table gives each run's throughput as a ratio to the one-worker explorer.
 *
 * Cases: the memcg.pml port at its largest bench scope (4/5/2/5, byte codec), and the real memcg
 * model (`new` at `small`; `--full` adds `new` at `ci`).
 */
import { availableParallelism } from 'node:os';
import {
  type CheckResult,
  explore,
  exploreParallel,
  type Spec,
  type WorkerSource,
} from '../checker/index.js';
import { type ModelRef, specOf, workerSourceOf } from '../properties/model-ref.js';
import { memcgPml, parseScope } from './memcg-pml.js';

export interface WorkersCase {
  readonly name: string;
  readonly spec: () => Promise<Spec<unknown, unknown>>;
  readonly source: WorkerSource;
}

export interface WorkersRow {
  readonly case: string;
  readonly explorer: string;
  readonly distinct: number;
  readonly transitions: number;
  readonly depth: number;
  readonly ms: number;
  readonly transitionsPerSecond: number;
  /** Throughput over the one-worker explorer's in the same run. */
  readonly speedup: number;
}

const here = (file: string) => new URL(file, import.meta.url).href;

export function workerCases(full: boolean): WorkersCase[] {
  const pml = { ...parseScope('4/5/2/5'), codec: 'bytes' as const };
  const memcg = (scope: string): WorkersCase => {
    const ref: ModelRef = { design: { kind: 'design', name: 'new' }, scope };
    return {
      name: `memcg new@${scope}`,
      spec: async () => (await specOf(ref)) as unknown as Spec<unknown, unknown>,
      source: workerSourceOf(ref),
    };
  };
  return [
    {
      name: 'memcg.pml 4/5/2/5 (bytes)',
      spec: async () => memcgPml(pml) as unknown as Spec<unknown, unknown>,
      source: { module: here('./memcg-pml.js'), exportName: 'memcgPml', arg: pml },
    },
    memcg('small'),
    ...(full ? [memcg('ci')] : []),
  ];
}

function same(a: CheckResult<unknown, unknown>, b: CheckResult<unknown, unknown>, what: string): void {
  const key = (r: CheckResult<unknown, unknown>) =>
    JSON.stringify([r.verdict, r.stats.distinct, r.stats.transitions, r.stats.depth, r.violation?.property]);
  if (key(a) !== key(b))
    throw new Error(`bench: ${what}: ${key(a)} differs from the one-worker explorer's ${key(b)}`);
}

export async function runWorkers(
  cases: readonly WorkersCase[],
  counts: readonly number[],
  log: (s: string) => void,
): Promise<WorkersRow[]> {
  const rows: WorkersRow[] = [];
  for (const c of cases) {
    const spec = await c.spec();
    log(`${c.name}: one-worker explorer`);
    const base = explore(spec).result;
    const row = (explorer: string, r: CheckResult<unknown, unknown>): WorkersRow => ({
      case: c.name,
      explorer,
      distinct: r.stats.distinct,
      transitions: r.stats.transitions,
      depth: r.stats.depth,
      ms: r.stats.ms,
      transitionsPerSecond: r.stats.transitionsPerSecond,
      speedup: Math.round((r.stats.transitionsPerSecond / base.stats.transitionsPerSecond) * 100) / 100,
    });
    rows.push(row('bfs.ts (one worker)', base));
    for (const n of counts) {
      log(`${c.name}: ${n} worker${n > 1 ? 's' : ''}`);
      const r = (await exploreParallel(spec, { workers: n, workerSource: c.source })).result;
      same(r, base, `${c.name} at ${n} workers`);
      rows.push(row(`parallel, ${n} worker${n > 1 ? 's' : ''}`, r));
    }
  }
  return rows;
}

export function renderWorkers(rows: readonly WorkersRow[]): string {
  const head = [
    'case',
    'explorer',
    'distinct',
    'transitions',
    'depth',
    'ms',
    'transitions/s',
    'vs one worker',
  ];
  const body = rows.map((r) => [
    r.case,
    r.explorer,
    r.distinct.toLocaleString('en-US'),
    r.transitions.toLocaleString('en-US'),
    String(r.depth),
    Math.round(r.ms).toLocaleString('en-US'),
    r.transitionsPerSecond.toLocaleString('en-US'),
    `${r.speedup.toFixed(2)}x`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [
    `workers: ${availableParallelism()} cpus available`,
    line(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
  ].join('\n');
}
