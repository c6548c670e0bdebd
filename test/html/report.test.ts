/**
 * The HTML report (`check --html FILE`) in a real browser: Debian's chromium, driven by playwright-core,
 * opens the file from disk with a fresh profile and no network, and we step through it as a user does.
 * Expected values come from the JSON result of the same run (`--out`), never from report/html.ts.
 *
 * Needs a chromium, found by scripts/browser.mjs (CHROMIUM, then chromium and the like on PATH, then
 * /usr/bin/chromium); `npm test` first builds and runs scripts/ensure-browser.mjs, which installs
 * Debian's chromium if there is none. Run both before calling vitest directly. `UPDATE_SCREENSHOT=1`
 * also rewrites docs/report-screenshot.png.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBrowser } from '../../scripts/browser.mjs';
import { cli, ROOT, scratch } from '../cli/helpers.js';

const FOUND = findBrowser();
const CHROMIUM = FOUND.path;
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

interface LedgerRow {
  memcg: string;
  ref: number;
  holders: number;
  freed: boolean;
  list: { who: string; refs: number }[];
}
interface Step {
  step: number;
  label: string;
  kind: string;
  cpu: number;
  arg: number;
  changes: string[];
  ledger: LedgerRow[];
}
interface Result {
  verdict: string;
  design: string;
  scope: string;
  cpus: number;
  violation: { property: string; message: string; initialLedger: LedgerRow[]; trace: Step[] };
}

const tmp = scratch('html');
let ctx: BrowserContext;
/** Every URL the pages asked for; all must be file:// (the report needs no network). */
const requested: string[] = [];
const pageErrors: string[] = [];

async function open(file: string): Promise<Page> {
  const page = await browser().newPage();
  page.on('request', (r) => requested.push(r.url()));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await page.goto(`file://${file}`);
  return page;
}

const MISSING = `${FOUND.path === null ? FOUND.reason : 'no browser'}: the HTML report is tested in a real chromium; \`npm test\` installs Debian's (scripts/ensure-browser.mjs, as root), or run \`apt-get install -y chromium\` or set CHROMIUM=/path/to/chromium`;

/** The browser, or a failure that says how to get it: a missing browser fails the suite, never skips it. */
function browser(): BrowserContext {
  if (!ctx) throw new Error(MISSING);
  return ctx;
}

beforeAll(async () => {
  if (!CHROMIUM) return;
  ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmp.dir, 'profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 900 },
  });
  await ctx.route(/^(?!file:|data:|about:)/, (route) => route.abort());
}, 60_000);

afterAll(async () => {
  await ctx?.close();
});

it('has a chromium', () => {
  expect(CHROMIUM, MISSING).not.toBeNull();
});

describe('HTML report of a violation (K3 at tiny)', () => {
  const html = join(tmp.dir, 'r.html');
  const json = join(tmp.dir, 'r.json');
  let R: Result;
  let N: number;
  let last: Step;
  let page: Page;
  const text = async (sel: string) => ((await page.locator(sel).textContent()) ?? '').trim();
  const byTest = (id: string) => page.getByTestId(id);

  beforeAll(async () => {
    const r = cli([
      'check',
      '--variant',
      'K3',
      '--scope',
      'tiny',
      '--quiet',
      '--format',
      'json',
      '--out',
      json,
      '--html',
      html,
    ]);
    expect(r.code, r.stderr).toBe(1);
    R = JSON.parse(readFileSync(json, 'utf8')) as Result;
    N = R.violation.trace.length;
    last = R.violation.trace[N - 1];
    // The run this test steps through must end in a ledger mismatch on A, else it proves nothing.
    expect(R.violation.property).toBe('refcount_ledger');
    const a = last.ledger.find((l) => l.memcg === 'A')!;
    expect(a.ref).not.toBe(a.holders);
    page = await open(html);
  }, 60_000);

  it('is one self-contained file: no URL, no external resource', () => {
    const s = readFileSync(html, 'utf8');
    expect(s).not.toMatch(/http/i);
    expect(s).not.toMatch(/\b(src|href)\s*=/i);
    expect(s).not.toMatch(/url\(|@import/i);
  });

  it('opens at the initial state with the header, lanes and plots', async () => {
    expect(await text('#verdict')).toBe('VIOLATED');
    expect(await text('#scope')).toBe(R.scope);
    expect(await text('#claim-property')).toBe(R.violation.property);
    expect(await text('#claim-message')).toBe(R.violation.message);
    const slider = page.locator('#step-slider');
    expect(await slider.getAttribute('type')).toBe('range');
    expect(await slider.getAttribute('min')).toBe('0');
    expect(await slider.getAttribute('max')).toBe(String(N));
    expect(await slider.inputValue()).toBe('0');
    expect(await text('#step-label')).toBe('initial state');
    expect(await page.locator('#prev').isDisabled()).toBe(true);
    expect(await page.locator('#step-violation').isVisible()).toBe(false);
    const a0 = R.violation.initialLedger.find((l) => l.memcg === 'A')!;
    expect(await text('[data-testid="ledger-ref-A"]')).toBe(String(a0.ref));
    expect(await text('[data-testid="ledger-holders-A"]')).toBe(String(a0.holders));
    expect(await text('[data-testid="ledger-status-A"]')).toBe('ok');
    const heads = await page.locator('#lanes thead th[data-lane]').allTextContents();
    expect(heads).toEqual([...Array.from({ length: R.cpus }, (_, c) => `cpu${c}`), 'no CPU']);
    expect(await page.locator('#lanes tbody tr[data-row]').count()).toBe(N + 1);
    expect(await page.locator('#lanes tr[aria-current="step"]').getAttribute('data-row')).toBe('0');
    for (const key of ['ref', 'holders']) {
      const points = await page.locator(`#plot-A polyline.${key}`).getAttribute('points');
      expect(points?.trim().split(/\s+/)).toHaveLength(N + 1);
    }
  });

  it('steps with next, prev and the arrow keys', async () => {
    const [s1, s2] = R.violation.trace;
    await page.locator('#next').click();
    expect(await text('#step-label')).toBe(`1. ${s1.label}`);
    expect(await page.locator('#step-changes li').allTextContents()).toEqual(s1.changes);
    expect(await page.locator('#step-slider').inputValue()).toBe('1');
    await page.keyboard.press('ArrowRight');
    expect(await text('#step-label')).toBe(`2. ${s2.label}`);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await text('#step-label')).toBe('initial state');
    await page.keyboard.press('End');
    expect(await text('#step-label')).toBe(`${N}. ${last.label}`);
    await page.locator('#prev').click();
    expect(await text('#step-label')).toBe(`${N - 1}. ${R.violation.trace[N - 2].label}`);
  });

  it('shows the MISMATCH on A at the last step, with the numbers of the JSON', async () => {
    await page.locator('#step-slider').fill('0');
    await page.locator('#step-slider').fill(String(N));
    expect(await text('#step-label')).toBe(`${N}. ${last.label}`);
    expect(await text('#step-counter')).toBe(`step ${N} of ${N}`);
    expect(await page.locator('#next').isDisabled()).toBe(true);
    expect(await page.locator('#step-changes li').allTextContents()).toEqual(last.changes);
    expect(await text('#step-violation')).toContain(R.violation.property);
    const a = last.ledger.find((l) => l.memcg === 'A')!;
    const d = a.ref - a.holders;
    expect(await text('[data-testid="ledger-ref-A"]')).toBe(String(a.ref));
    expect(await text('[data-testid="ledger-holders-A"]')).toBe(String(a.holders));
    expect(await text('[data-testid="ledger-status-A"]')).toBe(`MISMATCH (${d > 0 ? '+' : ''}${d})`);
    expect(await byTest('ledger-row-A').getAttribute('class')).toContain('mismatch');
    expect(await byTest('ledger-list-A').locator('li').allTextContents()).toEqual(
      a.list.map((h) => `${h.refs > 1 ? `${h.refs}x ` : ''}${h.who}`),
    );
    expect(await page.locator('#lanes tr[aria-current="step"]').getAttribute('data-row')).toBe(String(N));
    // The plot's marker sits on the last point of each line.
    const lastPoint = async (key: string) =>
      ((await page.locator(`#plot-A polyline.${key}`).getAttribute('points')) ?? '')
        .trim()
        .split(/\s+/)
        .pop()!
        .split(',')
        .map(Number);
    const attr = async (sel: string, name: string) => Number(await page.locator(sel).getAttribute(name));
    expect(await attr('#plot-A-marker', 'x1')).toBeCloseTo((await lastPoint('ref'))[0], 1);
    for (const key of ['ref', 'holders']) {
      const [x, y] = await lastPoint(key);
      expect(await attr(`#plot-A-${key}`, 'cx')).toBeCloseTo(x, 1);
      expect(await attr(`#plot-A-${key}`, 'cy')).toBeCloseTo(y, 1);
    }
    // The two dots part where the ledger does: refcount and holders differ on the plot too.
    expect(await attr('#plot-A-ref', 'cy')).not.toBe(await attr('#plot-A-holders', 'cy'));
    if (process.env.UPDATE_SCREENSHOT === '1')
      await page.screenshot({ path: join(ROOT, 'docs/report-screenshot.png'), fullPage: true });
  });

  it('puts each step in its lane; a click on a cell jumps to that step', async () => {
    const onCpu1 = R.violation.trace.find((s) => s.cpu === 1)!;
    const cell = byTest(`lane-cell-${onCpu1.step}`);
    expect(await cell.getAttribute('data-lane')).toBe('1');
    await cell.click();
    expect(await text('#step-label')).toBe(`${onCpu1.step}. ${onCpu1.label}`);
    expect(await page.locator('#step-slider').inputValue()).toBe(String(onCpu1.step));
    expect(await page.locator('#lanes tr[aria-current="step"]').getAttribute('data-row')).toBe(
      String(onCpu1.step),
    );
    // A work item has no CPU of its own (cpu -1) but runs on the CPU its argument names (the stock's).
    const work = R.violation.trace.find((s) => s.kind === 'drain_local_stock (work)')!;
    expect(work).toBeDefined();
    expect(work.cpu).toBe(-1);
    const workCell = byTest(`lane-cell-${work.step}`);
    expect(await workCell.getAttribute('data-lane')).toBe(String(work.arg));
    expect(await workCell.getAttribute('class')).toContain('work');
    await byTest('lane-cell-0').click();
    expect(await text('#step-label')).toBe('initial state');
  });
});

describe('HTML report of a run with no violation', () => {
  it('shows the summary and witnesses only', async () => {
    const html = join(tmp.dir, 'v.html');
    const json = join(tmp.dir, 'v.json');
    // One CPU: a fast run that finds no violation (vacuous, so it exits 1 all the same).
    const args = [
      'check',
      '--design',
      'new',
      '--scope',
      'tiny',
      '--cpus',
      '1',
      '--quiet',
      '--format',
      'json',
    ];
    const r = cli([...args, '--out', json, '--html', html]);
    expect(r.stderr).toBe('');
    const R = JSON.parse(readFileSync(json, 'utf8')) as {
      verdict: string;
      vacuous: boolean;
      stats: { distinct: number };
      witnesses: { name: string; reached: boolean; depth?: number }[];
    };
    expect(R.verdict).toBe('verified');
    const page = await open(html);
    expect(await page.locator('#verdict').textContent()).toBe('VERIFIED');
    expect(await page.locator('#stat-distinct').textContent()).toBe(R.stats.distinct.toLocaleString('en-US'));
    expect(await page.getByTestId('vacuous').count()).toBe(R.vacuous ? 1 : 0);
    expect(await page.locator('#witnesses tr').count()).toBe(R.witnesses.length);
    for (const w of R.witnesses)
      expect(await page.getByTestId(`witness-${w.name}`).textContent()).toContain(
        w.reached ? `reached at depth ${w.depth}` : 'NEVER reached',
      );
    for (const id of ['#step-slider', '#lanes', '#ledger', '#claim', 'svg', 'script:not([type])'])
      expect(await page.locator(id).count(), id).toBe(0);
  });
});

describe('the browser session', () => {
  it('fetched nothing but the report files and raised no page error', () => {
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
