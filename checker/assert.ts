import { check } from './bfs.js';
import { formatPath } from './trace.js';
import type { CheckOptions, CheckResult, Spec } from './types.js';

/** A plain-text report of a result: verdict, figures, and the trace of a violation. */
export function formatResult<S, A>(r: CheckResult<S, A>): string {
  const lines = [
    `${r.spec}: ${r.verdict}${r.vacuous ? ' (vacuous)' : ''}`,
    `  ${r.stats.distinct} distinct states, ${r.stats.transitions} transitions, depth ${r.stats.depth}, ${r.stats.ms} ms`,
  ];
  if (r.limit) lines.push(`  stopped by ${r.limit.kind} = ${r.limit.value}`);
  if (r.verdict !== 'violated')
    for (const w of r.witnesses) if (!w.reached) lines.push(`  witness never reached: ${w.name}`);
  if (r.violation) {
    const v = r.violation;
    lines.push(`  violated: ${v.property}`, `  ${v.message}`, '  trace:');
    v.trace.steps.forEach((s, i) => {
      lines.push(`    ${i + 1}. ${s.label}`);
    });
    lines.push(`  replay path: ${formatPath(v.trace.path)}`);
  }
  return lines.join('\n');
}

/** Like `check`, but throws a formatted report unless the spec is verified and no witness is unreached. */
export function assertSpec<S, A>(spec: Spec<S, A>, options: CheckOptions = {}): CheckResult<S, A> {
  const r = check(spec, options);
  if (r.verdict !== 'verified' || r.vacuous) throw new Error(formatResult(r));
  return r;
}
