/**
 * bench/spin-core.ts without the long runs: reading spin-core.sh's JSON line and our result JSON,
 * medians over rounds, the issue #13 targets (met, not met, not measured) and the printed report.
 * The figures below are written out by hand, not computed with the code under test; the SPIN lines
 * carry the counts of one run of spin-core.sh (SPIN 6.5.2), the old one's assertion text is made up.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Machine } from '../../bench/report.js';
import {
  type CoreRun,
  combine,
  median,
  parseOurResult,
  parseSpinLine,
  renderSpinCore,
  spinCoreMissing,
  spinCoreScript,
  targets,
  unexpected,
} from '../../bench/spin-core.js';
import { ROOT } from '../cli/helpers.js';

const SPIN_NEW =
  '{"tool":"spin","model":"memcg-core.pml","design":"new","states":8525366,"transitions":38787912,"errors":0,"depth":26944,"violation":null,"seconds":47.99}';
const SPIN_OLD =
  '{"tool":"spin","model":"memcg-core.pml","design":"old","states":3093070,"transitions":11870344,"errors":1,"depth":39,"violation":"assertion violated (!(freed[m])||UAF_css_get_on_freed_memcg)","seconds":12.99}';

const row = (r: Partial<CoreRun> & Pick<CoreRun, 'tool' | 'design'>): CoreRun => ({
  verdict: r.design === 'new' ? 'verified' : 'violated',
  states: 10,
  transitions: 20,
  depth: 3,
  seconds: 1,
  ...r,
});

/** SPIN new 40 s; ours new 50 s (search 48) at 1 worker, 25 s (24) at 2; SPIN old 18 s, ours old 12 s (11). */
const ROWS: CoreRun[] = [
  row({ tool: 'spin', design: 'new', seconds: 40 }),
  row({ tool: 'spin', design: 'old', seconds: 18 }),
  row({ tool: 'ours', design: 'new', workers: 1, seconds: 50, searchSeconds: 48 }),
  row({ tool: 'ours', design: 'new', workers: 2, seconds: 25, searchSeconds: 24 }),
  row({ tool: 'ours', design: 'old', workers: 1, seconds: 12, searchSeconds: 11, traceSteps: 32 }),
];

const MACHINE: Machine = {
  nproc: 2,
  cpu: 'Test CPU',
  memoryGiB: 8,
  node: 'v22.0.0',
  spin: 'Spin Version 6.5.2 -- 6 December 2019',
  loadAverage: 1.25,
};

describe('spin-core.sh output', () => {
  it('reads the last line: no errors is verified, an error is violated with its assertion', () => {
    expect(parseSpinLine(`compiling\n${SPIN_NEW}\n`, 'new')).toEqual({
      tool: 'spin',
      design: 'new',
      verdict: 'verified',
      states: 8_525_366,
      transitions: 38_787_912,
      depth: 26_944,
      seconds: 47.99,
    });
    const old = parseSpinLine(SPIN_OLD, 'old');
    expect(old.verdict).toBe('violated');
    expect(old.violation).toBe('assertion violated (!(freed[m])||UAF_css_get_on_freed_memcg)');
    expect(old.depth).toBe(39);
  });

  it('refuses a line without a count', () => {
    expect(() => parseSpinLine('{"states":1,"transitions":2,"errors":0,"seconds":1}', 'new')).toThrow(
      /"depth" is not a number/,
    );
  });
});

describe('our result JSON', () => {
  it('takes counts, depth and search time from stats, and the wall clock given', () => {
    const out = '{"verdict":"verified","stats":{"distinct":100,"transitions":400,"depth":86,"ms":2500}}';
    expect(parseOurResult(out, 'new', 2, 2.75)).toEqual({
      tool: 'ours',
      design: 'new',
      workers: 2,
      verdict: 'verified',
      states: 100,
      transitions: 400,
      depth: 86,
      seconds: 2.75,
      searchSeconds: 2.5,
    });
  });

  it('a violation gives its claim and the trace length', () => {
    const out = JSON.stringify({
      verdict: 'violated',
      stats: { distinct: 5, transitions: 9, depth: 3, ms: 10 },
      violation: { property: 'no_use_after_free', trace: [{}, {}, {}] },
    });
    const r = parseOurResult(out, 'old', 1, 0.5);
    expect(r.traceSteps).toBe(3);
    expect(r.violation).toBe('no_use_after_free');
  });
});

describe('rounds', () => {
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('combine takes median times and refuses counts that drift between rounds', () => {
    const a = row({ tool: 'ours', design: 'new', workers: 1, seconds: 9, searchSeconds: 8 });
    const b = { ...a, seconds: 5, searchSeconds: 4 };
    const c = { ...a, seconds: 7, searchSeconds: 6 };
    expect(combine([a, b, c])).toEqual({ ...a, seconds: 7, searchSeconds: 6 });
    expect(() => combine([a, { ...a, states: 11 }])).toThrow(/ours new 1w differs between rounds/);
  });
});

describe('targets', () => {
  it('time over time, judged on wall clock', () => {
    expect(targets(ROWS)).toEqual([
      { name: 'SPIN new / ours new, 1 worker', value: 0.8, search: 40 / 48, target: 1, met: false },
      { name: 'SPIN new / ours new, 2 workers', value: 1.6, search: 40 / 24, target: 1, met: true },
      { name: 'ours new 1 worker / 2 workers', value: 2, search: 2, target: 1.8, met: true },
      { name: 'SPIN old / ours old, 1 worker', value: 1.5, search: 18 / 11, target: 1, met: true },
    ]);
  });

  it('without SPIN rows the SPIN targets are not measured, neither met nor not met', () => {
    const t = targets(ROWS.filter((r) => r.tool === 'ours'));
    expect(t.map((x) => x.met)).toEqual([undefined, undefined, true, undefined]);
  });

  it('a verdict other than new verified, old violated is listed; ours only at scope ci', () => {
    expect(unexpected(ROWS, 'ci')).toEqual([]);
    const wrong = ROWS.map((r) => (r.design === 'old' ? { ...r, verdict: 'verified' as const } : r));
    expect(unexpected(wrong, 'ci')).toEqual(['spin old: verified', 'ours old 1w: verified']);
    // At tiny, old@tiny verifies: ours is not held to the expected verdict there, SPIN still is.
    expect(unexpected(wrong, 'tiny')).toEqual(['spin old: verified']);
    expect(
      unexpected(
        wrong.filter((r) => r.tool === 'ours'),
        'tiny',
      ),
    ).toEqual([]);
  });
});

describe('report', () => {
  it('prints load, the table and each target as met or not met', () => {
    const text = renderSpinCore(MACHINE, 1.5, { scope: 'ci', rounds: 1 }, ROWS);
    expect(text).toContain('load average (1 min) at start 1.25, at end 1.5');
    expect(text).toContain('machine: 2 cpus (Test CPU), 8 GiB, node v22.0.0, Spin Version 6.5.2');
    expect(text).toMatch(
      /tool +design +workers +verdict +states +transitions +depth +trace +wall s +search s/,
    );
    expect(text).toMatch(/memcg-check ci +old +1 +violated +10 +20 +3 +32 +12\.00 +11\.00/);
    expect(text).toContain(
      'SPIN new / ours new, 1 worker: 0.800x (on our search time 0.833x), target >= 1.0: not met',
    );
    expect(text).toContain(
      'ours new 1 worker / 2 workers: 2.000x (on our search time 2.000x), target >= 1.8: met',
    );
    expect(text).toContain('verdicts as expected (new verified, old violated)');
  });

  it('says why SPIN rows are missing, and that their targets were not measured', () => {
    const ours = ROWS.filter((r) => r.tool === 'ours');
    const text = renderSpinCore(MACHINE, 1.5, { scope: 'tiny', rounds: 3 }, ours, 'spin not found');
    expect(text).toContain('note: spin not found');
    expect(text).toContain('median of 3 rounds');
    expect(text).toContain('SPIN old / ours old, 1 worker: -, target >= 1.0: not measured');
    expect(text).toContain("our verdicts not checked: SPIN's question is ours at ci, not tiny");
  });
});

describe('locating spin-core.sh', () => {
  it('MEMCG_SPIN_CORE, else ../shared/bench/spin-core.sh from the repository root', () => {
    expect(spinCoreScript({ MEMCG_SPIN_CORE: '/opt/x/spin-core.sh' })).toBe('/opt/x/spin-core.sh');
    expect(spinCoreScript({})).toBe(resolve(ROOT, '../shared/bench/spin-core.sh'));
  });

  it('a missing script is a note that says what to set, not an error', () => {
    expect(spinCoreMissing('/nonexistent/spin-core.sh')).toMatch(/not found \(set MEMCG_SPIN_CORE/);
  });
});
