/**
 * The HTML report's inline style and page script (report/html.ts puts them in the page). The
 * script follows the current step (slider, prev/next, arrow keys, a click on a lane cell, a
 * #step-N address) from the result embedded in the page; it writes text only.
 */

export const CSS = `
:root{--fg:#1d2430;--muted:#667085;--line:#d0d5dd;--bg:#fff;--hl:#fff4c2;--bad:#c8102e;--ref:#1f5fbf;--hold:#e07b00}
*{box-sizing:border-box}body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans",sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;padding:16px 24px;max-width:1400px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:18px 0 8px}h3{font-size:15px;margin:12px 0 6px}code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:13px}
.verdict{padding:2px 10px;border-radius:4px;color:#fff;font-size:16px;vertical-align:middle}.verdict.violated{background:var(--bad)}.verdict.verified{background:#1a7f37}.verdict.incomplete{background:#9a6700}
.summary{display:grid;grid-template-columns:repeat(6,auto);gap:2px 12px;justify-content:start;margin:0}.summary dt{color:var(--muted)}.summary dd{margin:0;font-weight:600}
.note{background:#fff8e1;border-left:4px solid #9a6700;padding:6px 10px}.muted{color:var(--muted)}
.claim{border:1px solid var(--bad);border-left-width:6px;border-radius:4px;padding:4px 14px;background:#fff5f5}.claim h2{margin:8px 0 4px;color:var(--bad)}
.controls{display:flex;align-items:center;gap:10px;position:sticky;top:0;background:var(--bg);padding:6px 0;z-index:1}#step-slider{flex:1}button{font:inherit;cursor:pointer}
.current{border:1px solid var(--line);border-radius:4px;padding:4px 12px;min-height:90px}#step-changes{margin:4px 0;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:13px}.violation-note{color:var(--bad);font-weight:600}
.grid{display:grid;grid-template-columns:minmax(0,1.1fr) minmax(0,1fr);gap:24px;align-items:start}
table{border-collapse:collapse}th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
#lanes{width:100%;table-layout:fixed}#lanes thead th:first-child,#lanes tbody th{width:34px;text-align:right;color:var(--muted)}
#lanes .cell{display:block;width:100%;text-align:left;border:1px solid var(--line);background:#f6f8fa;border-radius:3px;padding:2px 5px;font-size:12px;overflow-wrap:anywhere}
#lanes .cell.work{border-style:dashed}.tag{font-size:10px;background:#e4e7ec;border-radius:3px;padding:0 3px}
#lanes tr.mismatch th{border-left:4px solid var(--bad)}#lanes tr.last .cell{border-color:var(--bad)}#lanes tr.current td,#lanes tr.current th{background:var(--hl)}#lanes tr.current .cell{border-color:#9a6700;background:#ffe58f;font-weight:600}
#ledger td.num{text-align:right;font-variant-numeric:tabular-nums}#ledger .changed{background:var(--hl)}#ledger tr.mismatch td{background:#fde8e8}#ledger .status-bad{color:var(--bad);font-weight:700}#ledger ul{margin:0;padding-left:16px}
figure{margin:0 0 10px}figcaption{font-weight:600}svg text{font-size:10px;fill:var(--muted)}svg .grid{stroke:#eaecf0}
polyline{fill:none;stroke-width:2}polyline.ref{stroke:var(--ref)}polyline.holders{stroke:var(--hold);stroke-dasharray:5 3}
circle.ref{fill:var(--ref)}circle.holders{fill:var(--hold)}rect.bad{fill:var(--bad);opacity:.15}rect.freed{fill:#98a2b3;opacity:.2}.marker{stroke:var(--fg);stroke-width:1}
.legend .key{display:inline-block;width:18px;height:3px;vertical-align:middle;margin-left:8px}.key.ref{background:var(--ref)}.key.holders{background:var(--hold)}.key.bad{background:var(--bad);opacity:.3;height:10px}
tr.unreached td{color:var(--bad)}
`;

/** The page script: follows the current step. Reads the embedded result; writes text only. */
export const SCRIPT = `(() => {
  const R = JSON.parse(document.getElementById('result-json').textContent);
  const V = R.violation;
  const steps = [{ step: 0, label: 'initial state', changes: [], ledger: V.initialLedger }].concat(V.trace);
  const N = steps.length - 1;
  const $ = (id) => document.getElementById(id);
  const slider = $('step-slider');
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
  const idOf = (m) => m.replace(/[^A-Za-z0-9_-]/g, '_');
  let cur = -1;
  function ledger(i) {
    const body = $('ledger').tBodies[0];
    const before = i > 0 ? steps[i - 1].ledger : [];
    body.replaceChildren();
    for (const row of steps[i].ledger) {
      const was = before.find((b) => b.memcg === row.memcg);
      const bad = !row.freed && row.ref !== row.holders;
      const d = row.ref - row.holders;
      const tr = el('tr', undefined, bad ? 'mismatch' : '');
      tr.dataset.testid = 'ledger-row-' + row.memcg;
      const cell = (text, key, cls) => { const td = el('td', text, cls); td.dataset.testid = 'ledger-' + key + '-' + row.memcg; tr.append(td); return td; };
      cell(row.memcg, 'memcg');
      cell(String(row.ref), 'ref', 'num' + (was && was.ref !== row.ref ? ' changed' : ''));
      cell(String(row.holders), 'holders', 'num' + (was && was.holders !== row.holders ? ' changed' : ''));
      cell(row.freed ? 'freed' : bad ? 'MISMATCH (' + (d > 0 ? '+' : '') + d + ')' : 'ok', 'status', bad ? 'status-bad' : '');
      const ul = el('ul');
      for (const h of row.list) ul.append(el('li', (h.refs > 1 ? h.refs + 'x ' : '') + h.who));
      cell('', 'list', row.list.length ? '' : 'muted').append(row.list.length ? ul : 'none');
      body.append(tr);
    }
  }
  function markers(i) {
    for (const row of steps[i].ledger) {
      const svg = $('plot-' + idOf(row.memcg));
      if (!svg) continue;
      const r1 = (n) => String(+n.toFixed(1));
      const x = r1(+svg.dataset.x0 + i * +svg.dataset.dx);
      const y = (v) => r1(+svg.dataset.y0 - v * +svg.dataset.dy);
      const m = $(svg.id + '-marker');
      m.setAttribute('x1', x); m.setAttribute('x2', x);
      for (const k of ['ref', 'holders']) { const c = $(svg.id + '-' + k); c.setAttribute('cx', x); c.setAttribute('cy', y(row[k])); }
    }
  }
  function show(i) {
    i = Math.max(0, Math.min(N, Math.round(Number(i)) || 0));
    if (i === cur) return;
    cur = i;
    const st = steps[i];
    slider.value = String(i);
    $('step-counter').textContent = i === 0 ? 'initial state (step 0 of ' + N + ')' : 'step ' + i + ' of ' + N;
    $('step-label').textContent = i === 0 ? 'initial state' : i + '. ' + st.label;
    const ch = $('step-changes');
    ch.replaceChildren(...(st.changes.length ? st.changes.map((c) => el('li', c)) : [el('li', i === 0 ? '(start)' : '(no change)')]));
    $('step-violation').hidden = i !== N;
    $('prev').disabled = i === 0;
    $('next').disabled = i === N;
    ledger(i);
    markers(i);
    for (const tr of document.querySelectorAll('#lanes tr[data-row]')) {
      const on = Number(tr.dataset.row) === i;
      tr.classList.toggle('current', on);
      if (on) tr.setAttribute('aria-current', 'step'); else tr.removeAttribute('aria-current');
    }
    try { history.replaceState(null, '', '#step-' + i); } catch {}
  }
  slider.addEventListener('input', () => show(slider.value));
  $('prev').addEventListener('click', () => show(cur - 1));
  $('next').addEventListener('click', () => show(cur + 1));
  $('lanes').addEventListener('click', (e) => { const b = e.target.closest('[data-step]'); if (b) show(b.dataset.step); });
  document.addEventListener('keydown', (e) => {
    if (e.target === slider || e.altKey || e.ctrlKey || e.metaKey) return;
    const to = { ArrowLeft: cur - 1, ArrowRight: cur + 1, Home: 0, End: N }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    show(to);
  });
  const h = /^#step-(\\d+)$/.exec(location.hash);
  show(h ? h[1] : 0);
})();`;
