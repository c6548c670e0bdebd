/**
 * Benchmark entry (`npm run bench`, see BENCHMARKS.md).
 *
 *   node dist/bench/run.js [--full] [--json] [--no-spin] [--no-naive] [--codec bits|bytes]
 *                          [--scope NCPU/NPAGE/BATCH/LIMIT ...]
 *   node dist/bench/run.js --workers [1,2] [--full]     (bench/workers.ts; --full adds memcg new@ci)
 *   node dist/bench/run.js --machine-ceiling [--ceiling-scope S]   (bench/machine-ceiling.ts)
 *   node dist/bench/run.js --model [--against DIR] [--rounds N] [--model-scope S]
 *                          (bench/model.ts: the memcg model timed, against another build)
 *   node dist/bench/run.js --spin-core [--rounds N] [--spin-core-scope S] [--json]
 *                          (bench/spin-core.ts: SPIN and ours on the same kernel question)
 *
 * 1. Toy: the checker against the naive explorer on toy-counters (10 counters of 4 values,
 *    1,048,576 states); both must reach the closed-form counts.
 * 2. The memcg.pml port at 2/3/2/3, 3/4/2/4, 4/4/2/4 (`--full` adds 4/5/2/5), once per codec (both
 *    unless `--codec` picks one): each run must reach SPIN's pinned state and transition counts and,
 *    with `spin` on PATH, the counts of a live SPIN run at the same scope, whose throughput it is
 *    compared with.
 * A count that differs fails the run (exit status 1) with the figures that disagree. Progress goes
 * to stderr, the report (a table, or JSON with `--json`) to stdout.
 */

import { type CeilingOptions, ceilingOf, renderCeiling, runCeiling } from './machine-ceiling.js';
import { measureChecker, measureNaive } from './measure.js';
import {
  memcgPml,
  type PmlScope,
  parseScope,
  SPIN_STATES,
  SPIN_TRANSITIONS,
  scopeKey,
  spinPrinted,
} from './memcg-pml.js';
import { type ModelBenchOptions, renderModel, runModelBench } from './model.js';
import { machine, type Codec as PmlCodec, type PmlReport, render, type ToyReport } from './report.js';
import { runSpin, spinAvailable } from './spin.js';
import { renderSpinCore, runSpinCore, type SpinCoreOptions, targets, unexpected } from './spin-core.js';
import { TOY_DEFAULT, toyCounters, toyExpected } from './toy-counters.js';
import { renderWorkers, runWorkers, workerCases } from './workers.js';

const DEFAULT_SCOPES = ['2/3/2/3', '3/4/2/4', '4/4/2/4'];
const FULL_SCOPES = [...DEFAULT_SCOPES, '4/5/2/5'];

interface Options {
  readonly json: boolean;
  readonly spin: boolean;
  readonly naive: boolean;
  readonly codecs: readonly PmlCodec[];
  readonly scopes: readonly PmlScope[];
  /** `--workers [N,M]`: the workers benchmark instead (bench/workers.ts). */
  readonly workers?: readonly number[];
  readonly full: boolean;
  /** `--model`: the memcg model benchmark instead (bench/model.ts). */
  readonly model?: ModelBenchOptions;
  /** `--spin-core`: SPIN and ours on the same kernel question instead (bench/spin-core.ts). */
  readonly spinCore?: SpinCoreOptions;
  /** `--machine-ceiling`: one check alone, then two at once (bench/machine-ceiling.ts). */
  readonly ceiling?: CeilingOptions;
}

function parseArgs(argv: readonly string[]): Options {
  const scopes: string[] = [];
  const codecs: PmlCodec[] = [];
  let full = false;
  let json = false;
  let spin = true;
  let naive = true;
  let workers: number[] | undefined;
  let model = false;
  let against: string | undefined;
  let rounds: number | undefined;
  let modelScope = 'tiny';
  let spinCore = false;
  let spinCoreScope = 'ci';
  let ceiling = false;
  let ceilingScope = 'tiny';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = argv[i + 1];
    if (a === '--full') full = true;
    else if (a === '--json') json = true;
    else if (a === '--no-spin') spin = false;
    else if (a === '--no-naive') naive = false;
    else if (a === '--workers') {
      workers = value && /^\d+(,\d+)*$/.test(value) ? argv[++i].split(',').map(Number) : [1, 2];
      if (workers.some((n) => n < 1))
        throw new Error('--workers takes counts of at least 1, e.g. --workers 1,2');
    } else if (a === '--model') model = true;
    else if (a === '--against' && value) against = argv[++i];
    else if (a === '--rounds' && value && /^[1-9]\d*$/.test(value)) rounds = Number(argv[++i]);
    else if (a === '--model-scope' && value) modelScope = argv[++i];
    else if (a === '--spin-core') spinCore = true;
    else if (a === '--spin-core-scope' && value) spinCoreScope = argv[++i];
    else if (a === '--machine-ceiling') ceiling = true;
    else if (a === '--ceiling-scope' && value) ceilingScope = argv[++i];
    else if (a === '--scope' && value) scopes.push(argv[++i]);
    else if (a === '--codec' && (value === 'bits' || value === 'bytes')) codecs.push(argv[++i] as PmlCodec);
    else throw new Error(`unknown argument "${a}"; the options are listed at the top of bench/run.ts`);
  }
  return {
    ...(workers ? { workers } : {}),
    ...(model ? { model: { scope: modelScope, rounds: rounds ?? 3, ...(against ? { against } : {}) } } : {}),
    ...(spinCore ? { spinCore: { scope: spinCoreScope, rounds: rounds ?? 1 } } : {}),
    ...(ceiling ? { ceiling: { scope: ceilingScope, design: 'new' } } : {}),
    full,
    json,
    spin,
    naive,
    codecs: codecs.length > 0 ? codecs : ['bits', 'bytes'],
    scopes: (scopes.length > 0 ? scopes : full ? FULL_SCOPES : DEFAULT_SCOPES).map(parseScope),
  };
}

/** Fails the run loudly when two counts that must agree do not. */
function expectSame(what: string, got: number, want: number): void {
  if (got !== want) throw new Error(`bench: ${what}: got ${got}, expected ${want}`);
}

function progress(text: string): void {
  process.stderr.write(`bench: ${text}\n`);
}

function runToy(withNaive: boolean): ToyReport {
  const spec = toyCounters(TOY_DEFAULT);
  const expected = toyExpected(TOY_DEFAULT);
  progress(`${spec.name}: checker`);
  const checker = measureChecker(spec);
  if (checker.verdict !== 'verified') throw new Error(`bench: ${spec.name}: ${checker.verdict}`);
  expectSame(`${spec.name} checker distinct vs closed form`, checker.stats.distinct, expected.distinct);
  expectSame(
    `${spec.name} checker transitions vs closed form`,
    checker.stats.transitions,
    expected.transitions,
  );
  expectSame(`${spec.name} checker depth vs closed form`, checker.stats.depth, expected.depth);
  if (!withNaive) return { spec: spec.name, expected, checker };
  progress(`${spec.name}: naive explorer`);
  const naive = measureNaive(spec);
  expectSame(`${spec.name} naive distinct vs checker`, naive.distinct, checker.stats.distinct);
  expectSame(`${spec.name} naive transitions vs checker`, naive.transitions, checker.stats.transitions);
  return {
    spec: spec.name,
    expected,
    checker,
    naive,
    speedup: checker.stats.transitionsPerSecond / naive.transitionsPerSecond,
    memoryRatio: naive.heapBytesPerState / checker.heapBytesPerState,
  };
}

function runPml(scope: PmlScope, codecs: readonly PmlCodec[], withSpin: boolean): PmlReport {
  const key = scopeKey(scope);
  const runs = codecs.map((codec) => {
    progress(`memcg.pml ${key}: checker, ${codec} codec`);
    const checker = measureChecker(memcgPml({ ...scope, codec }));
    if (checker.verdict !== 'verified') {
      throw new Error(`bench: memcg.pml ${key}: ${checker.verdict} ${checker.violated ?? ''}`);
    }
    // SPIN counts the initial state as a transition ("transitions (= stored+matched)"), and prints
    // counts with 8 significant digits.
    const distinct = spinPrinted(checker.stats.distinct);
    const transitions = spinPrinted(checker.stats.transitions + 1);
    const pinnedStates = SPIN_STATES[key];
    const pinnedTransitions = SPIN_TRANSITIONS[key];
    if (pinnedStates !== undefined)
      expectSame(`memcg.pml ${key} states vs SPIN (pinned)`, distinct, pinnedStates);
    if (pinnedTransitions !== undefined) {
      expectSame(`memcg.pml ${key} transitions + 1 vs SPIN (pinned)`, transitions, pinnedTransitions);
    }
    return { codec, checker };
  });
  if (!withSpin) return { scope: key, runs };
  progress(`memcg.pml ${key}: spin`);
  const spin = runSpin(scope);
  for (const { checker } of runs) {
    const { distinct, transitions } = checker.stats;
    expectSame(`memcg.pml ${key} states vs SPIN (live)`, spinPrinted(distinct), spin.states);
    expectSame(
      `memcg.pml ${key} transitions + 1 vs SPIN (live)`,
      spinPrinted(transitions + 1),
      spin.transitions,
    );
  }
  return {
    scope: key,
    spin,
    runs: runs.map((r) => ({
      ...r,
      ratio: r.checker.stats.transitionsPerSecond / spin.transitionsPerSecond,
    })),
  };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.ceiling) {
    const m = machine();
    const c = await runCeiling(opts.ceiling, progress);
    const loadAtEnd = machine().loadAverage;
    console.log(
      opts.json
        ? JSON.stringify({ machine: m, loadAtEnd, ...opts.ceiling, ...c, ceiling: ceilingOf(c) }, null, 2)
        : `load average (1 min) at start ${m.loadAverage}, at end ${loadAtEnd}\n${renderCeiling(opts.ceiling, c)}`,
    );
    return;
  }
  if (opts.spinCore) {
    const m = machine();
    const { rows, script, note } = runSpinCore(opts.spinCore, progress);
    const loadAtEnd = machine().loadAverage;
    const bad = unexpected(rows, opts.spinCore.scope);
    const report = { machine: m, loadAtEnd, ...opts.spinCore, script, note, runs: rows };
    console.log(
      opts.json
        ? JSON.stringify({ ...report, targets: targets(rows), verdictsNotAsExpected: bad }, null, 2)
        : renderSpinCore(m, loadAtEnd, opts.spinCore, rows, note),
    );
    if (bad.length) process.exitCode = 1;
    return;
  }
  if (opts.model) {
    const m = machine();
    const rows = runModelBench(opts.model, progress);
    const loadAtEnd = machine().loadAverage;
    console.log(
      opts.json
        ? JSON.stringify({ machine: m, loadAtEnd, model: rows }, null, 2)
        : `load average (1 min) at start ${m.loadAverage}, at end ${loadAtEnd}\n${renderModel(opts.model, rows)}`,
    );
    return;
  }
  if (opts.workers) {
    const m = machine();
    const rows = await runWorkers(workerCases(opts.full), opts.workers, progress);
    const loadAtEnd = machine().loadAverage;
    console.log(
      opts.json
        ? JSON.stringify({ machine: m, loadAtEnd, workers: rows }, null, 2)
        : `load average (1 min) at start ${m.loadAverage}, at end ${loadAtEnd}\n${renderWorkers(rows)}`,
    );
    return;
  }
  const withSpin = opts.spin && spinAvailable();
  if (opts.spin && !withSpin)
    progress('spin or gcc not on PATH: SPIN columns skipped (apt-get install -y spin)');
  const m = machine();
  const toy = runToy(opts.naive);
  const pml = opts.scopes.map((s) => runPml(s, opts.codecs, withSpin));
  const loadAtEnd = machine().loadAverage;
  console.log(
    opts.json
      ? JSON.stringify({ machine: m, loadAtEnd, toy, memcgPml: pml }, null, 2)
      : render(m, loadAtEnd, toy, pml),
  );
}

await main();
