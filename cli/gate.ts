/**
 * `memcg-check gate [MANIFEST] [--only NAME] [--update]`: runs every gate of the manifest and fails on
 * any difference: a verdict, the violated claim, a pinned count that drifted, an action kind that
 * never fired or a witness never reached (on gates that expect `verified`: a run that stops at a
 * violation has not explored enough to judge coverage).
 */
import type { ClaimSelection } from '../properties/claim-info.js';
import { junitXml } from '../report/junit.js';
import { markdownSummary } from '../report/markdown.js';
import { type GateOutcome, runGate, texts } from './gate-run.js';
import { onInterrupt } from './interrupt.js';
import { type Gate, PINS, readManifest } from './manifest.js';
import { claimSelection, parse, workerCount } from './options.js';
import { checkOutPath, checkOutputs, writeWhole } from './output.js';
import { EXIT, UsageError } from './usage.js';

/**
 * --claims / --skip-claims on `gate` narrow every gate's own selection (claims: both lists must
 * name a claim; skipClaims: either skips it). A gate that then does not check the claim it expects
 * to fail is a usage error, before anything runs: drop it with --only.
 */
function narrowGate(g: Gate, sel: ClaimSelection): Gate {
  const only = sel.only ? (g.claims ? g.claims.filter((c) => sel.only!.includes(c)) : sel.only) : g.claims;
  const skip = [...(g.skipClaims ?? []), ...(sel.skip ?? [])];
  const out: Gate = {
    ...g,
    ...(only ? { claims: only } : {}),
    ...(skip.length ? { skipClaims: skip } : {}),
  };
  if (g.expect !== 'verified') {
    const v = g.expect.violated;
    if ((only && !only.includes(v)) || skip.includes(v))
      throw new UsageError(
        `gate ${g.name} expects a violation of ${v}, which --claims/--skip-claims leave out; leave that gate out with --only`,
      );
  }
  if (only?.length === 0)
    throw new UsageError(`gate ${g.name}: --claims and its claims leave no claim to check`);
  return out;
}

export async function gateCommand(argv: string[]): Promise<number> {
  // Until the reports are written: a first Ctrl-C or SIGTERM stops the gate running (cli/interrupt.ts).
  const interrupt = onInterrupt();
  try {
    return await gateRun(argv, interrupt.signal);
  } finally {
    interrupt.dispose();
  }
}

async function gateRun(argv: string[], signal: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(argv, [
    'only',
    'update',
    'quiet',
    'junit',
    'markdown',
    'workers',
    'claims',
    'skip-claims',
  ]);
  const narrowed = claimSelection(flags);
  if (narrowed && flags.update)
    throw new UsageError(
      '--update pins what the manifest says to run; it does not go with --claims or --skip-claims (put claims or skipClaims in the gate instead)',
    );
  const workers = workerCount(flags);
  if (positionals.length > 1) throw new UsageError('gate takes at most one manifest path');
  const file = positionals[0] ?? 'proofs.json';
  checkOutputs(
    [
      ['junit', flags.junit],
      ['markdown', flags.markdown],
    ],
    [['manifest', file]],
  );
  const { manifest, raw } = readManifest(file);
  // --update rewrites the manifest: its folder must be writable before the gates run.
  if (flags.update) checkOutPath(file, 'update: the manifest');
  const only = flags.only?.split(',');
  if (only) {
    const unknown = only.filter((n) => !manifest.gates.some((g) => g.name === n));
    if (unknown.length) throw new UsageError(`--only: no gate named ${unknown.join(', ')} in ${file}`);
  }
  const gates = manifest.gates
    .filter((g) => !only || only.includes(g.name))
    // --claims/--skip-claims narrow the claims of check; equivalence and liveness gates have their own.
    .map((g) => (narrowed && g.kind === undefined ? narrowGate(g, narrowed) : g));
  const outcomes: GateOutcome[] = [];
  for (const g of gates) {
    if (signal.aborted) break;
    if (!flags.quiet) process.stderr.write(`gate ${g.name}...\n`);
    outcomes.push(await runGate(g, flags.quiet === true, workers, signal));
  }
  // Interrupted inside a gate's run, or between two gates (the rest never ran).
  const interrupted =
    outcomes.find((o) => o.interrupted !== undefined)?.interrupted ??
    (outcomes.length < gates.length ? String(signal.reason) : undefined);
  const completed = outcomes.filter((o) => o.interrupted === undefined);
  const rows = [['gate', 'expected', 'got', 'states', 'depth', 'time', 'result']];
  for (const o of outcomes) {
    const want = o.gate.expect === 'verified' ? 'verified' : `violated: ${o.gate.expect.violated}`;
    rows.push([
      o.gate.name,
      want,
      o.got,
      o.pinned.distinct!.toLocaleString('en-US'),
      String(o.pinned.depth),
      `${(o.ms / 1000).toFixed(1)} s`,
      o.interrupted ? 'interrupted' : o.problems.length ? 'FAIL' : 'ok',
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  for (const o of outcomes)
    for (const p of o.problems) lines.push(`${o.interrupted ? 'STOPPED' : 'FAIL'} ${o.gate.name}: ${p.text}`);
  const stoppedAt = `interrupted by ${interrupted} after ${completed.length} of ${gates.length} gates`;

  if (flags.update && interrupted) {
    lines.push('', `${stoppedAt}: ${file} not updated`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.incomplete;
  }
  if (flags.update) {
    const changed: string[] = [];
    const rawGates = raw.gates as Record<string, unknown>[];
    for (const o of outcomes) {
      const g = rawGates.find((x) => x.name === o.gate.name)!;
      // A gate whose verdict is wrong keeps its pins: --update re-pins counts, it never accepts a verdict.
      if (o.problems.some((p) => p.kind === 'verdict')) continue;
      for (const k of PINS) {
        const v = o.pinned[k];
        if (v === undefined) continue;
        if (g[k] !== v) changed.push(`${o.gate.name}.${k}: ${g[k] ?? 'unpinned'} -> ${v}`);
        g[k] = v;
      }
    }
    writeWhole(file, JSON.stringify(raw, null, 2));
    lines.push(
      '',
      changed.length ? `Updated ${file}:\n  ${changed.join('\n  ')}` : `No pinned number changed in ${file}.`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    const verdictProblems = outcomes.filter((o) =>
      o.problems.some((p) => p.kind === 'verdict' || p.kind === 'coverage'),
    );
    return verdictProblems.length ? EXIT.violated : EXIT.verified;
  }
  writeReports(file, outcomes, flags.junit, flags.markdown);
  const failed = outcomes.filter((o) => o.problems.length).length;
  if (interrupted) {
    const failedDone = completed.filter((o) => o.problems.length).length;
    lines.push('', `${completed.length - failedDone} passed, ${failedDone} failed, ${stoppedAt}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.incomplete;
  }
  lines.push('', `${outcomes.length - failed} passed, ${failed} failed`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return failed ? EXIT.violated : EXIT.verified;
}

function writeReports(
  file: string,
  outcomes: readonly GateOutcome[],
  junit?: string,
  markdown?: string,
): void {
  const expected = (g: Gate) => (g.expect === 'verified' ? 'verified' : `violated: ${g.expect.violated}`);
  if (junit !== undefined) {
    writeWhole(
      junit,
      junitXml(
        `memcg-check gates (${file})`,
        outcomes.map((o) => ({
          name: o.gate.name,
          classname: `memcg-check.${gateSubject(o.gate)}.${o.gate.scope}`,
          seconds: o.ms / 1000,
          ...(o.interrupted
            ? { skipped: texts(o.problems).join('; ') }
            : o.problems.length
              ? { failure: { message: texts(o.problems).join('; '), detail: o.report } }
              : {}),
        })),
      ),
      'junit',
    );
  }
  if (markdown !== undefined) {
    writeWhole(
      markdown,
      markdownSummary(
        `memcg-check gates (${file})`,
        outcomes.map((o) => ({
          gate: o.gate.name,
          expected: expected(o.gate),
          got: o.got,
          states: o.pinned.distinct ?? 0,
          depth: o.pinned.depth ?? 0,
          seconds: o.ms / 1000,
          ok: o.problems.length === 0,
          problems: texts(o.problems),
          ...(o.violation ? { trace: o.violation } : {}),
        })),
      ),
      'markdown',
    );
  }
}

/** What a gate checks, for JUnit class names: the design or variant, or an equivalence's two sides. */
function gateSubject(g: Gate): string {
  if (g.kind === 'equivalence') return `${g.left ?? 'old'}-vs-${g.variant ?? g.right ?? 'new'}`;
  const subject = g.variant ?? g.design ?? 'new';
  return g.kind === 'liveness' ? `${subject}-liveness${g.fair ? `-fair-${g.fair}` : ''}` : subject;
}
