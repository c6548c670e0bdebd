/**
 * A gate of kind `equivalence` (proofs.json): two designs compared at a scope (cli/equivalence.ts),
 * the verdict and the pinned counts checked as for any gate. One worker: the product has no
 * parallel explorer (docs/equivalence.md); its result does not depend on `--workers`.
 */

import { renderEquivalence } from '../report/equivalence.js';
import { equivalenceRef, openEquivalence, runEquivalence } from './equivalence.js';
import { type GateOutcome, interruptedProblem, type Problem, pinProblems } from './gate-run.js';
import type { Gate } from './manifest.js';
import { progressReporter } from './progress.js';

export async function runEquivalenceGate(
  gate: Gate,
  quiet: boolean,
  signal?: AbortSignal,
): Promise<GateOutcome> {
  const info = await openEquivalence(
    await equivalenceRef({
      scope: gate.scope,
      ...(gate.left !== undefined ? { left: gate.left } : {}),
      ...(gate.right !== undefined ? { right: gate.right } : {}),
      ...(gate.variant !== undefined ? { variant: gate.variant } : {}),
    }),
  );
  const progress = progressReporter(quiet);
  const { r, diverged } = await runEquivalence(info, {
    ...(signal ? { signal } : {}),
    ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
  });
  progress.done();
  const interrupted = r.limit?.kind === 'interrupted' ? (r.limit.reason ?? 'a signal') : undefined;
  const got = r.violation ? `violated: ${r.violation.property}` : r.verdict;
  const want = gate.expect === 'verified' ? 'verified' : `violated: ${gate.expect.violated}`;
  const problems: Problem[] = [];
  if (got !== want) problems.push({ kind: 'verdict', text: `expected ${want}, got ${got}` });
  const pinned = {
    distinct: r.stats.distinct,
    transitions: r.stats.transitions,
    depth: r.stats.depth,
    ...(r.violation ? { traceLength: r.violation.trace.steps.length } : {}),
  };
  problems.push(...pinProblems(gate, pinned));
  if (interrupted) problems.splice(0, problems.length, interruptedProblem(interrupted));
  return {
    gate,
    got,
    pinned,
    problems,
    ms: r.stats.ms,
    report: renderEquivalence(info, r, diverged),
    ...(interrupted ? { interrupted } : {}),
  };
}
