/** The text report of a memcg run: verdict, figures, witnesses, and a counterexample in kernel words. */
import type { CheckResult, Trace } from '../checker/index.js';
import { formatPath } from '../checker/index.js';
import type { MemcgAction } from '../model/machine.js';
import { leaves } from '../model/schema.js';
import { type Layout, Oops, type State } from '../model/state.js';
import { holderRefs, holders, sumRefs } from '../properties/holders.js';
import { changes, formatChange } from './diff.js';

export interface RunInfo {
  readonly design: string;
  readonly scheme: 'old' | 'new';
  readonly scope: string;
  readonly L: Layout;
  /** The model's flags for the Replay line (`--variant K5 --scope tiny`); else `--design` and `--scope`. */
  readonly replayArgs?: string;
}

/**
 * The report's key words, by what they are: the verdict, a vacuous run, the violated claim, the
 * blame, a BUG change and a ledger MISMATCH. A Marker wraps each (cli/output.ts colours them on a
 * terminal); the default leaves the text plain.
 */
export type Mark =
  | 'verified'
  | 'violated'
  | 'incomplete'
  | 'vacuous'
  | 'claim'
  | 'blame'
  | 'bug'
  | 'mismatch';
export type Marker = (mark: Mark, text: string) => string;
const plain: Marker = (_mark, text) => text;

/** A step's changes in words, a BUG marked. */
const changeWords = (info: RunInfo, a: State, b: State, mark: Marker) =>
  changes(info.L, a, b).map((c) => (c.what === 'BUG' ? mark('bug', formatChange(c)) : formatChange(c)));

export function renderTrace(info: RunInfo, trace: Trace<State, MemcgAction>, mark: Marker = plain): string[] {
  const lines: string[] = [];
  let prev = trace.initial;
  const width = String(trace.steps.length).length;
  trace.steps.forEach((step, i) => {
    const diff = changeWords(info, prev, step.state, mark);
    const n = String(i + 1).padStart(width);
    lines.push(`  ${n}  ${step.label.padEnd(44)} ${diff.join('  ') || '(no change)'}`);
    prev = step.state;
  });
  return lines;
}

/**
 * The per-CPU timeline: a column per CPU and one for events that run on no CPU of their own
 * (rmdir, release, free; a page owner's split or free), each step in the column of the CPU that ran it, then what changed.
 */
export function renderTimeline(
  info: RunInfo,
  trace: Trace<State, MemcgAction>,
  mark: Marker = plain,
): string[] {
  const cpus = info.L.config.cpus;
  const W = 34;
  const cols = [...Array.from({ length: cpus }, (_, c) => `cpu${c}`), 'events: cgroup, rcu, page owners'];
  const width = String(trace.steps.length).length;
  const pad = (t: string) => (t.length > W ? `${t.slice(0, W - 1)}…` : t.padEnd(W));
  const lines = [`  ${' '.repeat(width)}  ${cols.map(pad).join(' ')}  changes`];
  let prev = trace.initial;
  trace.steps.forEach((st, i) => {
    const col = st.action.onCpu >= 0 ? st.action.onCpu : cpus;
    const text = col < cpus ? withoutCpu(st.label, col) : st.label;
    const cells = cols.map((_, c) => (c === col ? pad(text) : pad(c < cpus ? '│' : '')));
    const diff = changeWords(info, prev, st.state, mark).join('  ');
    lines.push(`  ${String(i + 1).padStart(width)}  ${cells.join(' ')}  ${diff}`);
    prev = st.state;
  });
  return lines;
}

/** A label without the `cpuN ` it starts with when it runs on CPU N (the lane says the CPU). */
export function withoutCpu(label: string, cpu: number): string {
  const prefix = `cpu${cpu} `;
  return label.startsWith(prefix) ? label.slice(prefix.length) : label;
}

/** The holders of every non-root, unfreed memcg in `s`, with the count they should add up to. */
export function renderLedger(info: RunInfo, s: State, mark: Marker = plain): string[] {
  const lines: string[] = [];
  for (let m = 1; m < s.memcg.length; m++) {
    if (s.memcg[m].freed) {
      lines.push(`  ${info.L.config.memcgs[m].name}: freed`);
      continue;
    }
    const hs = holders(s, info.L, m, info.scheme);
    const sum = sumRefs(hs);
    const status =
      sum === s.memcg[m].ref
        ? 'ok'
        : mark('mismatch', `MISMATCH (${s.memcg[m].ref - sum > 0 ? '+' : ''}${s.memcg[m].ref - sum})`);
    lines.push(`  ${info.L.config.memcgs[m].name}: css refcount ${s.memcg[m].ref}, holders ${sum} ${status}`);
    for (const h of hs) lines.push(`      ${h.refs > 1 ? `${h.refs}x ` : ''}${h.who}`);
  }
  return lines;
}

/**
 * Blame: the first step after which some memcg's css refcount and its holders disagree, with the
 * gets and puts of that step. Every later step inherits the imbalance; this is where it was made.
 */
export function blame(info: RunInfo, trace: Trace<State, MemcgAction>): string | undefined {
  const uaf = useAfterFreeBlame(info, trace);
  if (uaf) return uaf;
  const mismatch = (s: State) => {
    for (let m = 1; m < s.memcg.length; m++) {
      if (!s.memcg[m].freed && s.memcg[m].ref !== holderRefs(s, info.L, m, info.scheme)) return m;
    }
    return -1;
  };
  if (mismatch(trace.initial) >= 0) return 'the initial state already disagrees with its holders';
  let prev = trace.initial;
  for (let i = 0; i < trace.steps.length; i++) {
    const st = trace.steps[i];
    const m = mismatch(st.state);
    if (m >= 0) {
      const name = info.L.config.memcgs[m].name;
      const delta = st.state.memcg[m].ref - prev.memcg[m].ref;
      const held = holderRefs(st.state, info.L, m, info.scheme) - holderRefs(prev, info.L, m, info.scheme);
      const what =
        delta === held
          ? 'the counts moved together but started apart'
          : delta === 0
            ? `holders of ${name} changed by ${held > 0 ? '+' : ''}${held} with no css_get or css_put`
            : held === 0
              ? `css refcount of ${name} changed by ${delta > 0 ? '+' : ''}${delta} while the references its holders account for did not change`
              : `css refcount of ${name} changed by ${delta > 0 ? '+' : ''}${delta} but its holders by ${held > 0 ? '+' : ''}${held}`;
      return `step ${i + 1} (${st.label}): ${what}`;
    }
    prev = st.state;
  }
  return undefined;
}

/** Pointers to memcg m (index + 1 = ptr) in a state, in kernel words, that hold no reference of their own in `old`. */
/** The memcg pointers naming `ptr` that a use-after-free blame lists (the schema's `blame` fields). */
function pointersTo(s: State, L: RunInfo['L'], ptr: number): string[] {
  const out: string[] = [];
  for (const leaf of leaves(L.schema, L)) {
    if (!leaf.field.blame) continue;
    const g = (s as unknown as Record<string, unknown>)[leaf.group.key] as readonly unknown[];
    const v = leaf.name ? (g[leaf.index] as Record<string, number>)[leaf.name] : (g[leaf.index] as number);
    if (v === ptr) out.push(leaf.field.blame(leaf.index, L));
  }
  return out;
}

/**
 * For a use after free: the step that freed the memcg, the pointers to it that were still live
 * then, and the step at which each was taken.
 */
function useAfterFreeBlame(info: RunInfo, trace: Trace<State, MemcgAction>): string | undefined {
  const last = trace.steps.length ? trace.steps[trace.steps.length - 1].state : trace.initial;
  if (last.oops !== Oops.useAfterFree) return undefined;
  const ptr = last.oopsMemcg;
  const name = info.L.config.memcgs[ptr - 1].name;
  const states = [trace.initial, ...trace.steps.map((s) => s.state)];
  const freedAt = states.findIndex((s) => s.memcg[ptr - 1].freed === 1);
  if (freedAt <= 0) return undefined;
  const live = pointersTo(states[freedAt], info.L, ptr);
  const taken = live.map((p) => {
    let k = freedAt;
    while (k > 0 && pointersTo(states[k - 1], info.L, ptr).includes(p)) k--;
    return `${p} (set at step ${k}: ${trace.steps[k - 1]?.label ?? 'initially'})`;
  });
  const freer = trace.steps[freedAt - 1].label;
  return live.length
    ? `${name} was freed at step ${freedAt} (${freer}) while ${taken.join(' and ')} still pointed to it without a reference`
    : `${name} was freed at step ${freedAt} (${freer}); it is dereferenced afterwards`;
}

export function renderResult(
  info: RunInfo,
  r: CheckResult<State, MemcgAction>,
  view: 'steps' | 'timeline' = 'steps',
  mark: Marker = plain,
): string {
  const s = r.stats;
  const lines = [
    `memcg-check: design ${info.design}, scope ${info.scope}: ${mark(r.verdict, r.verdict.toUpperCase())}${r.vacuous ? ` (${mark('vacuous', 'VACUOUS')}: a witness was never reached)` : ''}`,
    `  ${s.distinct.toLocaleString('en-US')} distinct states, ${s.transitions.toLocaleString('en-US')} transitions, depth ${s.depth}, ${(s.ms / 1000).toFixed(1)} s (${s.statesPerSecond.toLocaleString('en-US')} states/s, ${s.bytesPerState} bytes/state)`,
  ];
  if (r.limit) lines.push(`  ${limitLine(r.limit)}: the state space was not exhausted`);
  if (r.verdict !== 'violated') {
    const reached = r.witnesses.filter((w) => w.reached).length;
    lines.push(`  witnesses reached: ${reached}/${r.witnesses.length}`);
    for (const w of r.witnesses) if (!w.reached) lines.push(`    never reached: ${w.name}`);
    if (r.neverFired.length) lines.push(`  actions that never fired: ${r.neverFired.join(', ')}`);
  }
  if (r.violation) {
    const v = r.violation;
    const last = v.trace.steps.length ? v.trace.steps[v.trace.steps.length - 1].state : v.trace.initial;
    lines.push(
      '',
      mark('claim', `Violated: ${v.property}`),
      `  ${v.message}`,
      '',
      `Shortest counterexample (${v.trace.steps.length} steps):`,
    );
    lines.push(
      ...(view === 'timeline' ? renderTimeline(info, v.trace, mark) : renderTrace(info, v.trace, mark)),
    );
    const b = blame(info, v.trace);
    if (b) lines.push('', mark('blame', `Blame: ${b}`));
    lines.push('', 'Ledger at the last step:', ...renderLedger(info, last, mark));
    lines.push(
      '',
      `Replay: memcg-check replay ${info.replayArgs ?? `--design ${info.design} --scope ${info.scope}`} --path ${formatPath(v.trace.path)}`,
    );
  }
  return lines.join('\n');
}

/** The limit in the user's words: the flag with its value in the flag's unit, or the interrupt. */
function limitLine(l: NonNullable<CheckResult<State, MemcgAction>['limit']>): string {
  if (l.kind === 'interrupted') return `interrupted by ${l.reason ?? 'a signal'}`;
  const flag =
    { maxStates: 'max-states', maxDepth: 'max-depth', timeout: 'timeout', memory: 'max-memory' }[l.kind] ??
    l.kind;
  const value =
    l.kind === 'timeout'
      ? `${l.value / 1000} s`
      : l.kind === 'memory'
        ? `${Math.round(l.value / 2 ** 20)} MB`
        : String(l.value);
  return `stopped by --${flag} (${value})`;
}
