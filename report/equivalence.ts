/**
 * The equivalence check's result (issue #16): text with the two designs' timelines side by side
 * (each side's label, the projection fields its step changed, `≠` on a field whose values then
 * differ between the sides), and JSON (schema `memcg-check/equivalence`, version 1).
 */
import type { CheckOptions, CheckResult, Trace } from '../checker/index.js';
import { formatPath } from '../checker/index.js';
import type { Config } from '../model/config.js';
import type { MemcgAction } from '../model/machine.js';
import type { State } from '../model/state.js';
import {
  accountingFields,
  type EquivalenceSpec,
  type MemcgPair,
  type MemcgPairAction,
} from '../properties/equivalence.js';
import type { MemcgSpec } from '../properties/spec.js';

export interface EquivalenceInfo {
  readonly left: { readonly label: string; readonly spec: MemcgSpec; readonly args: string };
  readonly right: { readonly label: string; readonly spec: MemcgSpec; readonly args: string };
  readonly scope: string;
  readonly config: Config;
  readonly spec: EquivalenceSpec;
}

export type EquivalenceResult = CheckResult<MemcgPair, MemcgPairAction>;
type PairTrace = Trace<MemcgPair, MemcgPairAction>;

interface FieldChange {
  readonly field: string;
  readonly from: string;
  readonly to: string;
  /** The field's values on the two sides differ after the step. */
  readonly differs: boolean;
}

export interface PairStep {
  readonly left: string | null;
  readonly right: string | null;
  readonly leftChanges: readonly FieldChange[];
  readonly rightChanges: readonly FieldChange[];
}

/** The steps of a pair trace as the two sides saw them. */
export function pairSteps(info: EquivalenceInfo, trace: PairTrace): PairStep[] {
  const fl = accountingFields(info.left.spec.machine.L, trace.initial.l);
  const fr = accountingFields(info.right.spec.machine.L, trace.initial.r);
  let prev = trace.initial;
  return trace.steps.map((st) => {
    const a = st.action;
    const now = st.state;
    const diff = (i: number) => fl[i].read(now.l) !== fr[i].read(now.r);
    const changed = (fs: typeof fl, x: State, y: State) =>
      fs.flatMap((f, i) =>
        f.read(x) !== f.read(y)
          ? [{ field: f.name, from: show(f, f.read(x)), to: show(f, f.read(y)), differs: diff(i) }]
          : [],
      );
    const out: PairStep = {
      left:
        a.side === 'both' || a.side === 'left'
          ? info.left.spec.label(a.l)
          : a.side === 'diverge' && a.l
            ? `${info.left.spec.label(a.l)} (only here: the runs part)`
            : null,
      right:
        a.side === 'both' || a.side === 'right'
          ? info.right.spec.label(a.r)
          : a.side === 'diverge' && a.r
            ? `${info.right.spec.label(a.r)} (only here: the runs part)`
            : null,
      leftChanges: changed(fl, prev.l, now.l),
      rightChanges: changed(fr, prev.r, now.r),
    };
    prev = now;
    return out;
  });
}

/** Each side's own path through its actions (for `memcg-check replay` of that side alone). */
export function sidePaths(info: EquivalenceInfo, trace: PairTrace): { left: number[]; right: number[] } {
  const left = [0];
  const right = [0];
  let prev = trace.initial;
  const index = (spec: MemcgSpec, s: State, a: MemcgAction) =>
    spec.machine
      .actions(s)
      .findIndex((b) => b.prog === a.prog && b.step === a.step && b.cpu === a.cpu && b.arg === a.arg);
  for (const st of trace.steps) {
    const a = st.action;
    if (a.side === 'both' || a.side === 'left') left.push(index(info.left.spec, prev.l, a.l));
    if (a.side === 'both' || a.side === 'right') right.push(index(info.right.spec, prev.r, a.r));
    prev = st.state;
  }
  return { left, right };
}

const show = (f: { show?: (v: number) => string }, v: number) => f.show?.(v) ?? String(v);

const fmtChange = (c: FieldChange) => `${c.differs ? '≠ ' : ''}${c.field} ${c.from}→${c.to}`;

/** Two columns: a step's labels, then the fields it changed on each side. */
export function renderPairTrace(info: EquivalenceInfo, trace: PairTrace): string[] {
  const steps = pairSteps(info, trace);
  const cells = steps.map((st, i) => {
    const l = st.left === null ? [] : [st.left, ...st.leftChanges.map((c) => `  ${fmtChange(c)}`)];
    const r = st.right === null ? [] : [st.right, ...st.rightChanges.map((c) => `  ${fmtChange(c)}`)];
    return { n: `${i + 1}.`, l, r };
  });
  const width = Math.min(
    64,
    Math.max(info.left.label.length, ...cells.flatMap((c) => c.l.map((x) => x.length))),
  );
  const pad = (x: string) => x + ' '.repeat(Math.max(0, width - x.length));
  const out = [`  ${'    '}${pad(info.left.label)} │ ${info.right.label}`];
  out.push(`  ${'    '}${'─'.repeat(width)}─┼─${'─'.repeat(Math.max(8, info.right.label.length))}`);
  for (const c of cells) {
    const rows = Math.max(c.l.length, c.r.length, 1);
    for (let k = 0; k < rows; k++) {
      const num = k === 0 ? c.n.padStart(3) : '   ';
      out.push(`  ${num} ${pad(c.l[k] ?? '')} │ ${c.r[k] ?? ''}`.trimEnd());
    }
  }
  return out;
}

const n = (x: number) => x.toLocaleString('en-US');

/** The text report. */
export function renderEquivalence(info: EquivalenceInfo, r: EquivalenceResult, diverged?: PairTrace): string {
  const { left, right } = info;
  const head = `memcg-check equivalence: ${left.label} vs ${right.label}, scope ${info.scope}`;
  const verdict =
    r.verdict === 'verified' ? 'EQUIVALENT' : r.verdict === 'violated' ? 'NOT EQUIVALENT' : 'INCOMPLETE';
  const out = [`${head}: ${verdict}`];
  out.push(
    `  ${n(r.stats.distinct)} pairs of states, ${n(r.stats.transitions)} transitions, depth ${r.stats.depth}, ${(r.stats.ms / 1000).toFixed(1)} s (${n(r.stats.statesPerSecond)} pairs/s)`,
  );
  const fields = accountingFields(left.spec.machine.L, left.spec.initial()[0]).length;
  if (r.verdict === 'verified')
    out.push(
      `  After every common kernel event the ${fields} fields of the accounting projection (page counters, page->mem_cgroup, stocks, uncharge batches${info.config.swap && info.config.swap !== 'off' ? ', swap records' : ''}${info.config.move ? ', mc' : ''}, Oops) are the same,`,
      '  and each design can run every event the other runs (after its own css release and free).',
    );
  if (r.verdict === 'incomplete' && r.limit)
    out.push(
      `  Stopped by ${r.limit.kind} (${r.limit.value}): the pairs seen so far agree; the rest is unchecked.`,
    );
  const w = r.witnesses.find((x) => x.name === 'sides_diverged');
  if (w?.reached)
    out.push(
      `  Runs part where a lookup's css_tryget (or its choice of a memcg freed on one side) sees different counts: first after ${w.depth} steps. Those runs are not compared past that point (docs/equivalence.md).`,
    );
  else if (r.verdict !== 'violated')
    out.push('  No run parted at a css_tryget: every run was compared to its end.');
  if (r.violation) {
    const v = r.violation;
    out.push('', `${v.property}: ${v.message}`, '', `Shortest sequence (${v.trace.steps.length} steps):`);
    out.push(...renderPairTrace(info, v.trace));
    const paths = sidePaths(info, v.trace);
    out.push(
      '',
      'Each side alone:',
      `  memcg-check replay ${left.args} --path ${formatPath(paths.left)}`,
      `  memcg-check replay ${right.args} --path ${formatPath(paths.right)}`,
    );
  } else if (diverged) {
    out.push(
      '',
      `The first runs that part (${diverged.steps.length} steps):`,
      ...renderPairTrace(info, diverged),
    );
  }
  return out.join('\n');
}

/** The JSON result: one object. */
export function equivalenceJson(
  info: EquivalenceInfo,
  options: CheckOptions,
  r: EquivalenceResult,
  diverged?: PairTrace,
): Record<string, unknown> {
  const { onProgress: _p, signal: _s, ...opts } = options;
  const w = r.witnesses.find((x) => x.name === 'sides_diverged');
  const traceJson = (t: PairTrace) => ({
    path: t.path,
    steps: pairSteps(info, t),
    sides: sidePaths(info, t),
  });
  return {
    schema: 'memcg-check/equivalence',
    version: 1,
    verdict:
      r.verdict === 'verified' ? 'equivalent' : r.verdict === 'violated' ? 'not-equivalent' : 'incomplete',
    left: info.left.label,
    right: info.right.label,
    scope: info.scope,
    config: info.config,
    options: opts,
    projection: accountingFields(info.left.spec.machine.L, info.left.spec.initial()[0]).map((f) => f.name),
    stats: r.stats,
    ...(r.limit ? { limit: r.limit } : {}),
    diverged: {
      reached: w?.reached ?? false,
      ...(w?.depth !== undefined ? { depth: w.depth } : {}),
      ...(diverged ? { trace: traceJson(diverged) } : {}),
    },
    ...(r.violation
      ? {
          violation: {
            property: r.violation.property,
            message: r.violation.message,
            ...traceJson(r.violation.trace),
          },
        }
      : {}),
  };
}
