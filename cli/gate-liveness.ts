/**
 * A gate of kind `liveness` (proofs.json): `memcg-check liveness` at a scope, with its fairness
 * (`fair`) and an optional depth bound (`maxDepth`, for a leak whose count grows without bound).
 * The gate's verdict is `verified` (live) or `violated: K` with K the worst finding: leak, then
 * underflow, held, zombie (a gate that expects zombies fails if a leak appears). Pins are the graph's
 * counts. One worker and no symmetry (cli/liveness.ts), so `gate --workers` does not apply.
 */
import { STUCK_KINDS } from '../properties/liveness.js';
import { renderLiveness } from '../report/liveness.js';
import { type GateOutcome, interruptedProblem, type Problem, pinProblems } from './gate-run.js';
import { openLiveness, runLiveness } from './liveness.js';
import type { Gate } from './manifest.js';
import { progressReporter } from './progress.js';

export async function runLivenessGate(
  gate: Gate,
  quiet: boolean,
  signal?: AbortSignal,
): Promise<GateOutcome> {
  const { model, info } = await openLiveness({
    scope: gate.scope,
    ...(gate.design !== undefined ? { design: gate.design } : {}),
    ...(gate.variant !== undefined ? { variant: gate.variant } : {}),
    ...(gate.fair !== undefined ? { fair: gate.fair } : {}),
  });
  const progress = progressReporter(quiet);
  const rep = await runLiveness(model, info, {
    ...(gate.maxDepth !== undefined ? { maxDepth: gate.maxDepth } : {}),
    ...(signal ? { signal } : {}),
    ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
  });
  progress.done();
  const { run } = rep;
  const interrupted = run.limit?.kind === 'interrupted' ? (run.limit.reason ?? 'a signal') : undefined;
  const kinds = new Set(rep.findings.map((f) => f.classified.kind));
  const worst = STUCK_KINDS.find((k) => kinds.has(k));
  const got = run.verdict === 'violated' ? `violated: ${worst}` : run.verdict;
  const want = gate.expect === 'verified' ? 'verified' : `violated: ${gate.expect.violated}`;
  const problems: Problem[] = [];
  if (got !== want) problems.push({ kind: 'verdict', text: `expected ${want}, got ${got}` });
  const pinned = { distinct: run.distinct, transitions: run.transitions, depth: run.depth };
  problems.push(...pinProblems(gate, pinned));
  if (interrupted) problems.splice(0, problems.length, interruptedProblem(interrupted));
  return {
    gate,
    got,
    pinned,
    problems,
    ms: run.ms,
    report: renderLiveness(info, rep),
    ...(interrupted ? { interrupted } : {}),
  };
}
