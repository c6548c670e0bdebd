/**
 * `--workers N` on the command line: the JSON report of a parallel run equals the one-worker
 * report (timing and store figures aside), counterexample included; a variant file is loaded in
 * every worker; a bad count is exit 2 naming the flag.
 */
import { describe, expect, it } from 'vitest';
import { cli, expectUsageError, onlyJson, ROOT } from './helpers.js';

/** The report without what differs by nature: timing, and the store's own byte figures. */
function figures(j: Record<string, unknown>) {
  const {
    ms: _ms,
    statesPerSecond: _s,
    transitionsPerSecond: _t,
    bytesPerState: _b,
    storeBytes: _sb,
    ...stats
  } = j.stats as Record<string, unknown>;
  return { ...j, stats };
}

function json(args: readonly string[], code: number): Record<string, unknown> {
  const r = cli(['check', ...args, '--quiet', '--format', 'json'], { timeoutMs: 120_000 });
  expect(r.code, r.stderr).toBe(code);
  return onlyJson(r);
}

describe('check --workers', () => {
  it('old at small with one small page: the same violation, trace and figures at 1 and 2 workers', () => {
    const model = ['--design', 'old', '--scope', 'small', '--pages', '1'];
    const one = json(model, 1);
    const two = json([...model, '--workers', '2'], 1);
    expect((one.verdict as string) === 'violated').toBe(true);
    expect(figures(two)).toEqual(figures(one));
  }, 120_000);

  it('a variant file: every worker loads it, and the result is the one-worker result', () => {
    const model = ['--variant', `${ROOT}docs/examples/my-patch.ts`, '--scope', 'tiny', '--pages', '1'];
    expect(figures(json([...model, '--workers', '2'], 1))).toEqual(figures(json(model, 1)));
  }, 120_000);

  it.each(['0', '-1', 'two', '1.5', '257'])('--workers %s is a usage error', (n) => {
    expectUsageError(cli(['check', '--scope', 'tiny', '--workers', n]), '--workers');
  });
});

describe('gate --workers', () => {
  it('passes a pinned gate with 2 workers (the pins hold at any worker count)', () => {
    const r = cli(['gate', '--only', 'K2-tiny', '--workers', '2', '--quiet'], { timeoutMs: 120_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('K2-tiny');
  }, 120_000);
});
