/** The benchmark report: what was measured, and the plain-text tables printed by bench/run.ts. */
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import type { CheckerFigures, NaiveFigures } from './measure.js';
import type { SpinFigures } from './spin.js';
import { fixed, int, table, times } from './table.js';

export type Codec = 'bits' | 'bytes';

export interface ToyReport {
  readonly spec: string;
  readonly expected: { readonly distinct: number; readonly transitions: number; readonly depth: number };
  readonly checker: CheckerFigures;
  readonly naive?: NaiveFigures;
  /** Checker transitions/s over the naive explorer's. */
  readonly speedup?: number;
  /** Naive heap bytes per state over the checker's. */
  readonly memoryRatio?: number;
}

export interface PmlReport {
  readonly scope: string;
  readonly spin?: SpinFigures;
  readonly runs: readonly {
    readonly codec: Codec;
    readonly checker: CheckerFigures;
    /** Our transitions/s over SPIN's. */
    readonly ratio?: number;
  }[];
}

export interface Machine {
  readonly nproc: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly spin: string;
  /** The 1-minute load average: other work on the machine skews every timing. */
  readonly loadAverage: number;
}

export function machine(): Machine {
  const spinVersion = spawnSync('spin', ['-V'], { encoding: 'utf8' }).stdout?.trim();
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    spin: spinVersion || 'not installed',
    loadAverage: Math.round(loadavg()[0] * 100) / 100,
  };
}

export function render(m: Machine, loadAtEnd: number, toy: ToyReport, pml: readonly PmlReport[]): string {
  const out = [
    `machine: ${m.nproc} cpus (${m.cpu}), ${m.memoryGiB} GiB, node ${m.node}, ${m.spin}`,
    `load average (1 min) at start ${m.loadAverage}, at end ${loadAtEnd}`,
    '',
    ...renderToy(toy),
    '',
    'memcg.pml port vs SPIN; scope NCPU/NPAGE/BATCH/LIMIT; transitions+1 because SPIN counts the initial state;',
    'SPIN prints counts with 8 significant digits (%9.8g), so 9-digit counts agree to that precision',
    renderPml(pml),
  ];
  return out.join('\n');
}

function renderToy(toy: ToyReport): string[] {
  const e = toy.expected;
  const c = toy.checker.stats;
  const rows = [
    [
      'checker (packed codec, apply)',
      int(c.distinct),
      int(c.transitions),
      int(c.ms),
      int(c.transitionsPerSecond),
      fixed(c.bytesPerState),
      fixed(toy.checker.heapBytesPerState),
    ],
  ];
  if (toy.naive) {
    const n = toy.naive;
    rows.push([
      'naive (JSON keys, Set + Map)',
      int(n.distinct),
      int(n.transitions),
      int(n.ms),
      int(n.transitionsPerSecond),
      '-',
      fixed(n.heapBytesPerState),
    ]);
  }
  const out = [
    `toy: ${toy.spec}; closed form ${int(e.distinct)} states, ${int(e.transitions)} transitions, depth ${e.depth}`,
    table(
      ['explorer', 'distinct', 'transitions', 'ms', 'transitions/s', 'B/state store', 'B/state heap'],
      rows,
    ),
  ];
  if (toy.speedup !== undefined && toy.memoryRatio !== undefined) {
    out.push(
      `checker vs naive: ${times(toy.speedup)} the transitions/s, ${times(toy.memoryRatio)} fewer heap bytes per state`,
    );
  }
  return out;
}

function renderPml(pml: readonly PmlReport[]): string {
  const rows = pml.flatMap((r) =>
    r.runs.map(({ codec, checker, ratio }) => {
      const s = checker.stats;
      return [
        r.scope,
        codec,
        int(s.distinct),
        r.spin ? int(r.spin.states) : '-',
        int(s.transitions + 1),
        r.spin ? int(r.spin.transitions) : '-',
        String(s.depth),
        int(s.ms),
        int(s.transitionsPerSecond),
        r.spin ? int(r.spin.transitionsPerSecond) : '-',
        ratio !== undefined ? times(ratio) : '-',
        fixed(s.bytesPerState),
        fixed(checker.heapBytesPerState),
      ];
    }),
  );
  const header = [
    'scope',
    'codec',
    'states',
    'SPIN states',
    'transitions+1',
    'SPIN transitions',
    'depth',
    'ms',
    'ours tr/s',
    'SPIN tr/s',
    'ours/SPIN',
    'B/state store',
    'B/state heap',
  ];
  return table(header, rows);
}
