/**
 * The HTML report (`--html FILE`): one self-contained page built from the JSON result (report/json.ts).
 * Inline CSS and script only, no URL of any kind, so it opens from disk without a network.
 *
 * Static parts are rendered here: the header (verdict, figures, violated claim), the witnesses, the
 * swim lanes and one SVG plot per memcg. The page script only follows the current step (slider,
 * prev/next, arrow keys, a click on a lane cell): label, changes, ledger, highlights, plot markers.
 * Step 0 is the initial state. Lanes: one per CPU, and one for events without a CPU; a work item
 * (cpu -1, run on CPU N: its action's `onCpu`, given as `runsOn`) sits in lane N, marked as work,
 * as in the Mermaid diagram of report/markdown.ts. Stable ids and data-testid attributes are for
 * test/html.
 */

import { CSS, SCRIPT } from './html-page.js';
import { withoutCpu } from './text.js';

interface Holder {
  readonly kind: string;
  readonly who: string;
  readonly refs: number;
}
interface LedgerRow {
  readonly memcg: string;
  readonly ref: number;
  readonly holders: number;
  readonly freed: boolean;
  readonly list: readonly Holder[];
}
interface Step {
  readonly step: number;
  readonly label: string;
  readonly cpu: number;
  readonly changes: readonly string[];
  readonly ledger: readonly LedgerRow[];
}
interface Violation {
  readonly property: string;
  readonly message: string;
  readonly path: string;
  readonly initialLedger: readonly LedgerRow[];
  readonly trace: readonly Step[];
}
interface Witness {
  readonly name: string;
  readonly reached: boolean;
  readonly depth?: number;
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const idOf = (memcg: string) => memcg.replace(/[^A-Za-z0-9_-]/g, '_');
const mismatch = (r: LedgerRow) => !r.freed && r.ref !== r.holders;
const fmt = (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en-US') : '?');

/** `runsOn`: the CPU each step of the counterexample runs on (MemcgAction.onCpu), -1 for none. */
export function htmlReport(result: Record<string, unknown>, runsOn: readonly number[]): string {
  const v = result.violation as Violation | undefined;
  const data = JSON.stringify(result).replace(/</g, '\\u003c');
  const body = [header(result, v), v ? traceView(result, v, runsOn) : '', witnesses(result)].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>memcg-check: ${esc(result.verdict)} (${esc(result.design)}, ${esc(result.scope)})</title>
<style>${CSS}</style></head>
<body>
${body}
<script type="application/json" id="result-json">${data}</script>
${v ? `<script>${SCRIPT}</script>` : ''}
</body></html>
`;
}

function header(r: Record<string, unknown>, v: Violation | undefined): string {
  const stats = (r.stats ?? {}) as Record<string, unknown>;
  const config = (r.config ?? {}) as { cpus?: number; memcgs?: { name: string }[]; batch?: number };
  const memcgs = (config.memcgs ?? []).map((m) => m.name).join(', ');
  const verdict = String(r.verdict);
  const limit = r.limit
    ? `<p class="note" data-testid="limit">stopped early: ${esc(limitText(r.limit))}</p>`
    : '';
  const vacuous = r.vacuous
    ? '<p class="note" data-testid="vacuous">VACUOUS: a witness was never reached, so the claims were not really exercised.</p>'
    : '';
  const claim = v
    ? `<section id="claim" class="claim"><h2>Violated: <code id="claim-property">${esc(v.property)}</code></h2>
<p id="claim-message">${esc(v.message)}</p><p class="muted">after ${v.trace.length} steps; replay path <code id="claim-path">${esc(v.path)}</code></p></section>`
    : '';
  const dd = (k: string, val: unknown, id: string) => `<dt>${k}</dt><dd id="${id}">${esc(val)}</dd>`;
  return `<header><h1>memcg-check <span id="verdict" class="verdict ${esc(verdict)}">${esc(verdict.toUpperCase())}</span></h1>
<dl class="summary">${dd('design', r.variant ? `${r.design} (variant of ${r.scheme})` : r.design, 'design')}${dd('scope', r.scope, 'scope')}${dd('spec', r.spec, 'spec')}
${dd('CPUs', config.cpus ?? '?', 'cpus')}${dd('memcgs', memcgs, 'memcgs')}${dd('batch', config.batch ?? '?', 'batch')}
${dd('distinct states', fmt(stats.distinct), 'stat-distinct')}${dd('transitions', fmt(stats.transitions), 'stat-transitions')}${dd('depth', fmt(stats.depth), 'stat-depth')}${dd('time', `${fmt(stats.ms)} ms`, 'stat-ms')}</dl>
${vacuous}${limit}</header>
${claim}`;
}

function witnesses(r: Record<string, unknown>): string {
  const ws = (r.witnesses ?? []) as Witness[];
  const never = (r.neverFired ?? []) as string[];
  const rows = ws
    .map(
      (w) =>
        `<tr data-testid="witness-${esc(w.name)}" class="${w.reached ? '' : 'unreached'}"><td><code>${esc(w.name)}</code></td><td>${w.reached ? `reached at depth ${w.depth}` : 'NEVER reached'}</td></tr>`,
    )
    .join('');
  const nf = never.length
    ? `<p class="note" id="never-fired">actions that never fired: ${never.map((n) => `<code>${esc(n)}</code>`).join(', ')}</p>`
    : '';
  return `<section id="witnesses"><h2>Witnesses (${ws.filter((w) => w.reached).length}/${ws.length} reached)</h2>
<table><tbody>${rows}</tbody></table>${nf}</section>`;
}

/** The lane of a step: its CPU, the CPU a work item runs on, or the last lane (no CPU). */
function laneOf(step: Pick<Step, 'cpu'>, on: number, cpus: number): { lane: number; work: boolean } {
  if (step.cpu >= 0) return { lane: step.cpu, work: false };
  return on >= 0 && on < cpus ? { lane: on, work: true } : { lane: cpus, work: false };
}

function traceView(r: Record<string, unknown>, v: Violation, runsOn: readonly number[]): string {
  const n = v.trace.length;
  return `<section id="trace"><h2>Trace</h2>
<div class="controls"><button type="button" id="prev" title="previous step (left arrow)">&#9664; prev</button>
<input type="range" id="step-slider" min="0" max="${n}" step="1" value="0" aria-label="step">
<button type="button" id="next" title="next step (right arrow)">next &#9654;</button>
<span id="step-counter"></span></div>
<div class="current"><h3 id="step-label"></h3><ul id="step-changes"></ul>
<p id="step-violation" class="violation-note" hidden>&#10007; ${esc(v.property)} violated here: ${esc(v.message)}</p></div>
<div class="grid"><div>${lanes(r, v, runsOn)}</div>
<div><h3>Ledger</h3><table id="ledger"><thead><tr><th>memcg</th><th>css refcount</th><th>holders</th><th>status</th><th>held by</th></tr></thead><tbody></tbody></table>
<h3>Refcount and holders over the steps</h3><p class="legend"><span class="key ref"></span> css refcount <span class="key holders"></span> holders <span class="key bad"></span> mismatch</p>
<div id="plots">${v.initialLedger.map((row) => plot(v, row.memcg)).join('\n')}</div></div></div></section>`;
}

function lanes(r: Record<string, unknown>, v: Violation, runsOn: readonly number[]): string {
  const cpus = Number(r.cpus ?? (r.config as { cpus?: number } | undefined)?.cpus ?? 1);
  const head = [...Array.from({ length: cpus }, (_, c) => `cpu${c}`), 'no CPU'];
  const rows = v.trace.map((st, i) => {
    const { lane, work } = laneOf(st, runsOn[i] ?? -1, cpus);
    const bad = st.ledger.some(mismatch) ? ' mismatch' : '';
    const cells = head.map((_, l) => {
      if (l !== lane) return '<td></td>';
      const text = lane < cpus ? withoutCpu(st.label, lane) : st.label;
      const title = [st.label, ...st.changes].join('\n');
      return `<td><button type="button" class="cell${work ? ' work' : ''}" data-testid="lane-cell-${st.step}" data-step="${st.step}" data-lane="${l}" title="${esc(title)}">${work ? '<span class="tag">work</span> ' : ''}${esc(text)}</button></td>`;
    });
    return `<tr data-row="${st.step}" class="row${bad}${st.step === v.trace.length ? ' last' : ''}"><th>${st.step}</th>${cells.join('')}</tr>`;
  });
  return `<h3>Swim lanes</h3><table id="lanes"><thead><tr><th>#</th>${head.map((h, l) => `<th data-lane="${l}">${h}</th>`).join('')}</tr></thead>
<tbody><tr data-row="0" class="row"><th>0</th><td colspan="${head.length}"><button type="button" class="cell" data-testid="lane-cell-0" data-step="0">initial state</button></td></tr>
${rows.join('\n')}</tbody></table>`;
}

const W = 420;
const H = 130;
const PAD = { l: 30, r: 10, t: 10, b: 22 };

/** One memcg's css refcount and holders at steps 0..n, two polylines, mismatches shaded. */
function plot(v: Violation, memcg: string): string {
  const ledgers = [v.initialLedger, ...v.trace.map((s) => s.ledger)];
  const rows = ledgers.map((l) => l.find((x) => x.memcg === memcg));
  const n = rows.length - 1;
  const top = Math.max(1, ...rows.map((x) => Math.max(x?.ref ?? 0, x?.holders ?? 0)));
  const dx = (W - PAD.l - PAD.r) / Math.max(1, n);
  const dy = (H - PAD.t - PAD.b) / top;
  const x = (i: number) => +(PAD.l + i * dx).toFixed(1);
  const y = (val: number) => +(H - PAD.b - val * dy).toFixed(1);
  const line = (key: 'ref' | 'holders') => rows.map((row, i) => `${x(i)},${y(row?.[key] ?? 0)}`).join(' ');
  const bands = rows
    .map((row, i) =>
      row && (mismatch(row) || row.freed)
        ? `<rect class="${row.freed ? 'freed' : 'bad'}" x="${x(i) - dx / 2}" y="${PAD.t}" width="${dx}" height="${H - PAD.t - PAD.b}"/>`
        : '',
    )
    .join('');
  const ticks = Array.from({ length: top + 1 }, (_, k) => k)
    .filter((k) => top <= 8 || k % Math.ceil(top / 8) === 0)
    .map(
      (k) =>
        `<line class="grid" x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(k)}" y2="${y(k)}"/><text x="${PAD.l - 6}" y="${y(k) + 4}" text-anchor="end">${k}</text>`,
    )
    .join('');
  const xs = Array.from({ length: n + 1 }, (_, i) => i)
    .filter((i) => i === n || (n <= 15 ? true : i % 5 === 0 && n - i >= 3))
    .map((i) => `<text x="${x(i)}" y="${H - 6}" text-anchor="middle">${i}</text>`)
    .join('');
  const id = `plot-${idOf(memcg)}`;
  return `<figure><figcaption>${esc(memcg)}</figcaption><svg id="${id}" data-testid="${id}" data-memcg="${esc(memcg)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" data-x0="${PAD.l}" data-dx="${dx}" data-y0="${H - PAD.b}" data-dy="${dy}" role="img"><title>${esc(memcg)}: css refcount and holders over ${n} steps</title>
${bands}${ticks}${xs}<polyline class="ref" points="${line('ref')}"/><polyline class="holders" points="${line('holders')}"/>
<line class="marker" id="${id}-marker" x1="${PAD.l}" x2="${PAD.l}" y1="${PAD.t}" y2="${H - PAD.b}"/><circle class="ref" id="${id}-ref" r="4" cx="${PAD.l}" cy="${H - PAD.b}"/><circle class="holders" id="${id}-holders" r="3" cx="${PAD.l}" cy="${H - PAD.b}"/></svg></figure>`;
}

function limitText(limit: unknown): string {
  const l = limit as { kind?: string; value?: number; reason?: string };
  if (l.kind === 'interrupted')
    return `interrupted by ${l.reason ?? 'a signal'}: the state space was not exhausted`;
  const value =
    l.kind === 'timeout'
      ? `${(l.value ?? 0) / 1000} s`
      : l.kind === 'memory'
        ? `${Math.round((l.value ?? 0) / 2 ** 20)} MB`
        : String(l.value);
  const flag = {
    maxStates: '--max-states',
    maxDepth: '--max-depth',
    timeout: '--timeout',
    memory: '--max-memory',
  }[l.kind ?? ''];
  return `${flag ?? l.kind} (${value}): the state space was not exhausted`;
}
