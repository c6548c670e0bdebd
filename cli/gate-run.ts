/**
 * One gate of the manifest, run: its model (a variant file it names is loaded once), the run, and
 * what differs from what the gate expects and pins, each difference with its kind.
 */
import type { Trace } from '../checker/index.js';
import type { MemcgAction } from '../model/machine.js';
import type { Layout, State } from '../model/state.js';
import type { ModelRef } from '../properties/model-ref.js';
import { renderResult } from '../report/text.js';
import { runEquivalenceGate } from './gate-equivalence.js';
import { runLivenessGate } from './gate-liveness.js';
import { type Gate, PINS } from './manifest.js';
import { openModel, variantRef } from './model.js';
import { progressReporter } from './progress.js';
import { runModel } from './run.js';

export interface GateOutcome {
  readonly gate: Gate;
  readonly got: string;
  readonly pinned: Partial<Record<(typeof PINS)[number], number>>;
  readonly problems: Problem[];
  readonly ms: number;
  /** The text report of the run (with its counterexample, if any). */
  readonly report: string;
  readonly violation?: { L: Layout; trace: Trace<State, MemcgAction>; claim: string; message: string };
  /** Set when a signal stopped the gate's run (SIGINT, SIGTERM): it was not checked to completion. */
  readonly interrupted?: string;
}

/** One way a gate failed: a wrong verdict, a pin that drifted, coverage, or a stop; and in words. */
export interface Problem {
  readonly kind: 'verdict' | 'pin' | 'coverage' | 'interrupted';
  readonly text: string;
}

/** The pins of a gate that differ from what its run counted. */
export function pinProblems(gate: Gate, pinned: GateOutcome['pinned']): Problem[] {
  const out: Problem[] = [];
  for (const k of PINS) {
    const want = gate[k];
    const have = pinned[k];
    if (want !== undefined && want !== have)
      out.push({ kind: 'pin', text: `${k} drifted: pinned ${want}, got ${have ?? 'none'}` });
  }
  return out;
}

/** A gate a signal stopped: not judged (its counts are partial), only reported as not checked. */
export function interruptedProblem(by: string): Problem {
  return { kind: 'interrupted', text: `interrupted by ${by}: not checked to completion` };
}

/** The problems in words. */
export const texts = (ps: readonly Problem[]) => ps.map((p) => p.text);

export async function runGate(
  gate: Gate,
  quiet: boolean,
  workers = 1,
  signal?: AbortSignal,
): Promise<GateOutcome> {
  if (gate.kind === 'equivalence') return runEquivalenceGate(gate, quiet, signal);
  if (gate.kind === 'liveness') return runLivenessGate(gate, quiet, signal);
  const model = await openModel(await gateRef(gate));
  const progress = progressReporter(quiet);
  const r = await runModel(
    model,
    { ...(signal ? { signal } : {}), ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) },
    workers,
  );
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
  if (gate.expect === 'verified' && r.verdict === 'verified') {
    if (r.neverFired.length)
      problems.push({ kind: 'coverage', text: `actions never fired: ${r.neverFired.join(', ')}` });
    const unreached = r.witnesses.filter((w) => !w.reached).map((w) => w.name);
    if (unreached.length)
      problems.push({ kind: 'coverage', text: `witnesses never reached: ${unreached.join(', ')}` });
  }
  // Stopped by a signal: not judged (its counts are partial), only reported as not checked.
  if (interrupted) problems.splice(0, problems.length, interruptedProblem(interrupted));
  const L = model.spec.machine.L;
  const report = renderResult(
    {
      design: model.designLabel,
      scheme: model.spec.design.scheme,
      scope: model.scope,
      L,
      replayArgs: model.args,
    },
    r,
  );
  return {
    gate,
    got,
    pinned,
    problems,
    ms: r.stats.ms,
    report,
    ...(interrupted ? { interrupted } : {}),
    ...(r.violation
      ? {
          violation: {
            L,
            trace: r.violation.trace,
            claim: r.violation.property,
            message: r.violation.message,
          },
        }
      : {}),
  };
}

/** The model a gate checks (a variant file it names is loaded here, once). */
async function gateRef(gate: Gate): Promise<ModelRef> {
  const claims = {
    ...(gate.claims ? { only: gate.claims } : {}),
    ...(gate.skipClaims ? { skip: gate.skipClaims } : {}),
  };
  return {
    design: gate.variant
      ? (await variantRef(gate.variant)).ref
      : { kind: 'design', name: gate.design ?? 'new' },
    scope: gate.scope,
    ...(gate.claims || gate.skipClaims ? { claims } : {}),
  };
}
