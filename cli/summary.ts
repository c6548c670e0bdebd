/** `memcg-check summary` (npm start): both designs at one scope, one table. */

import { onInterrupt } from './interrupt.js';
import { BOUND_FLAGS, boundsOf, openModel } from './model.js';
import { parse, workerCount } from './options.js';
import { progressReporter } from './progress.js';
import { runModel } from './run.js';
import { EXIT } from './usage.js';

/**
 * What each design is expected to give, as a claim it violates or none (verified, every witness
 * reached), and in words; a difference is reported (the gate manifest pins it too).
 */
export const EXPECTED: Readonly<
  Record<'old' | 'new', { readonly violated?: string; readonly text: string }>
> = {
  old: { violated: 'no_use_after_free', text: 'violated: no_use_after_free (finding F1, docs/findings.md)' },
  new: { text: 'verified' },
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
  const { flags } = parse(argv, [...BOUND_FLAGS, 'quiet', 'workers']);
  const workers = workerCount(flags);
  const bounds = boundsOf(flags);
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
    const model = await openModel({ design: { kind: 'design', name }, ...bounds });
    if (!flags.quiet) process.stderr.write(`checking design ${name} at scope ${model.scope}...\n`);
    const progress = progressReporter(flags.quiet === true);
    const r = await runModel(
      model,
      { signal, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) },
      workers,
    );
    progress.done();
    if (r.limit?.kind === 'interrupted') interrupted = r.limit.reason ?? 'a signal';
    const want = EXPECTED[name];
    const ok =
      want.violated !== undefined
        ? r.violation?.property === want.violated
        : r.verdict === 'verified' && !r.vacuous;
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
        ? `not checked to completion (interrupted): expected ${want.text}`
        : ok
          ? `yes (${want.text})`
          : `NO: expected ${want.text}`,
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
  process.stdout.write(`Scope ${bounds.scope}\n${out.join('\n')}\n`);
  if (interrupted) {
    process.stdout.write(`\nInterrupted by ${interrupted}: the table is partial.\n`);
    return EXIT.incomplete;
  }
  process.stdout.write(
    '\nA counterexample in kernel words: memcg-check check --design old\nWhy old fails: docs/findings.md\n',
  );
  return unexpected ? EXIT.violated : EXIT.verified;
}
