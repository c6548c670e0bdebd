/** `memcg-check summary` (npm start): both designs at one scope, one table. */
import { DEFAULT_SCOPE } from '../model/config.js';
import { DESIGNS } from '../model/variant.js';
import { memcgSpec } from '../properties/spec.js';
import { onInterrupt } from './interrupt.js';
import { parse, resolveModel, workerCount } from './options.js';
import { progressReporter } from './progress.js';
import { EXIT } from './usage.js';
import { runModel } from './worker-spec.js';

/** What each design is expected to give; a difference is reported (the gate manifest pins it too). */
export const EXPECTED: Record<string, string> = {
  old: 'violated: no_use_after_free (finding F1, docs/findings.md)',
  new: 'verified',
};

export async function summaryCommand(argv: string[]): Promise<number> {
  // A first Ctrl-C or SIGTERM stops the run in progress and prints the table so far (cli/interrupt.ts).
  const interrupt = onInterrupt();
  try {
    return await summaryRun(argv, interrupt.signal);
  } finally {
    interrupt.dispose();
  }
}

async function summaryRun(argv: string[], signal: AbortSignal): Promise<number> {
  const { flags } = parse(argv, [
    'scope',
    'quiet',
    'cpus',
    'memcgs',
    'pages',
    'batch',
    'drain-all',
    'reclaim',
    'workers',
  ]);
  const workers = workerCount(flags);
  const rows: string[][] = [
    ['design', 'verdict', 'claim', 'states', 'transitions', 'depth', 'time', 'expected'],
  ];
  let unexpected = false;
  let interrupted: string | undefined;
  for (const name of ['old', 'new'] as const) {
    if (signal.aborted) {
      interrupted ??= String(signal.reason);
      break;
    }
    const model = await resolveModel({ ...flags, design: name });
    if (!flags.quiet) process.stderr.write(`checking design ${name} at scope ${model.scopeName}...\n`);
    const progress = progressReporter(flags.quiet === true);
    const r = await runModel(
      memcgSpec(model.config, DESIGNS[name]),
      { ...flags, design: name },
      { signal, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) },
      workers,
      model.modelArgs,
    );
    progress.done();
    if (r.limit?.kind === 'interrupted') interrupted = r.limit.reason ?? 'a signal';
    const got =
      r.verdict === 'violated' ? `violated: ${r.violation!.property}` : r.vacuous ? 'vacuous' : r.verdict;
    const ok = EXPECTED[name].startsWith(got);
    if (r.limit?.kind !== 'interrupted') unexpected ||= !ok;
    rows.push([
      name,
      r.verdict + (r.vacuous ? ' (vacuous)' : ''),
      r.violation?.property ?? '-',
      r.stats.distinct.toLocaleString('en-US'),
      r.stats.transitions.toLocaleString('en-US'),
      String(r.stats.depth),
      `${(r.stats.ms / 1000).toFixed(1)} s`,
      r.limit?.kind === 'interrupted'
        ? `not checked to completion (interrupted): expected ${EXPECTED[name]}`
        : ok
          ? `yes (${EXPECTED[name]})`
          : `NO: expected ${EXPECTED[name]}`,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const out = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
  out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  process.stdout.write(`Scope ${flags.scope ?? DEFAULT_SCOPE}\n${out.join('\n')}\n`);
  if (interrupted) {
    process.stdout.write(`\nInterrupted by ${interrupted}: the table is partial.\n`);
    return EXIT.incomplete;
  }
  process.stdout.write(
    '\nA counterexample in kernel words: memcg-check check --design old\nWhy old fails: docs/findings.md\n',
  );
  return unexpected ? EXIT.violated : EXIT.verified;
}
