/** A Markdown summary for a CI step summary: the gate table, and each counterexample as a Mermaid sequence diagram. */
import type { Trace } from '../checker/index.js';
import type { MemcgAction } from '../model/machine.js';
import type { Layout, State } from '../model/state.js';
import { changes, formatChange } from './diff.js';
import { withoutCpu } from './text.js';

export interface MarkdownRow {
  readonly gate: string;
  readonly expected: string;
  readonly got: string;
  readonly states: number;
  readonly depth: number;
  readonly seconds: number;
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly trace?: {
    readonly L: Layout;
    readonly trace: Trace<State, MemcgAction>;
    readonly claim: string;
    readonly message: string;
  };
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** Participants: one lifeline per CPU, one for work items and cgroup events. */
export function mermaidSequence(L: Layout, trace: Trace<State, MemcgAction>, claim: string): string {
  const cpus = L.config.cpus;
  const lines = ['sequenceDiagram'];
  for (let c = 0; c < cpus; c++) lines.push(`  participant cpu${c}`);
  lines.push('  participant kernel as events: cgroup, rcu, page owners');
  let prev = trace.initial;
  trace.steps.forEach((st, i) => {
    const on = st.action.onCpu;
    const who = on >= 0 ? `cpu${on}` : 'kernel';
    const what = changes(L, prev, st.state).map(formatChange).join(', ');
    const text =
      `${i + 1}. ${on >= 0 ? withoutCpu(st.label, on) : st.label}${what ? `: ${what}` : ''}`.replace(
        /[;#]/g,
        ' ',
      );
    lines.push(`  Note over ${who}: ${text}`);
    prev = st.state;
  });
  lines.push(`  Note over kernel: violated ${claim}`);
  return lines.join('\n');
}

export function markdownSummary(title: string, rows: readonly MarkdownRow[], unit = 'gates'): string {
  const passed = rows.filter((r) => r.ok).length;
  const out = [
    `## ${title}`,
    '',
    `${passed} of ${rows.length} ${unit} passed.`,
    '',
    '| gate | expected | got | states | depth | time | result |',
    '|---|---|---|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${cell(r.gate)} | ${cell(r.expected)} | ${cell(r.got)} | ${r.states.toLocaleString('en-US')} | ${r.depth} | ${r.seconds.toFixed(1)} s | ${r.ok ? 'ok' : `**FAIL**: ${cell(r.problems.join('; '))}`} |`,
    ),
  ];
  for (const r of rows) {
    if (!r.trace) continue;
    out.push(
      '',
      `### ${r.gate}: ${r.trace.claim}`,
      '',
      r.trace.message,
      '',
      '```mermaid',
      mermaidSequence(r.trace.L, r.trace.trace, r.trace.claim),
      '```',
    );
  }
  return `${out.join('\n')}\n`;
}
