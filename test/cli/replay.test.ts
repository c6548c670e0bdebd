/**
 * `memcg-check replay`: the replay line printed under a counterexample, run as printed, reproduces the
 * violation; a path that does not fit the model is a usage error.
 */
import { describe, expect, it } from 'vitest';
import { cli, expectUsageError, onlyJson } from './helpers.js';

/**
 * A violated check's `Replay:` line, which must be the model's flags and the path of its JSON
 * report (the path and the length are read from the JSON, not from the text); returns its words.
 */
function replayLineOf(checkArgs: readonly string[]): { args: string[]; path: string; steps: number } {
  const j = onlyJson(cli(['check', ...checkArgs, '--quiet', '--format', 'json']));
  const { path, trace } = j.violation as { path: string; trace: unknown[] };
  const r = cli(['check', ...checkArgs, '--quiet']);
  expect(r.code, r.stderr).toBe(1);
  const args = ['replay', ...checkArgs, '--path', path];
  expect(r.stdout).toContain(`\nReplay: memcg-check ${args.join(' ')}\n`);
  return { args, path, steps: trace.length };
}

describe('replay', () => {
  it('the replay line printed by a violated check reproduces the violation (exit 1, names the claim)', () => {
    const { args, path, steps } = replayLineOf(['--variant', 'K5', '--scope', 'tiny']);
    const r = cli(args);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe('');
    expect(
      r.stdout.startsWith(`Replay of ${path} on design K5 (variant of new), scope tiny: ${steps} steps\n`),
    ).toBe(true);
    expect(r.stdout).toContain('Violated in the last state: refcount_ledger: A: refcount');
  });

  it('the replay line carries custom bounds, so it replays the same model', () => {
    const { args } = replayLineOf(['--variant', 'K9', '--scope', 'tiny', '--memcgs', 'root/A,A/A1']);
    const r = cli(args);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('scope tiny+custom');
    expect(r.stdout).toContain('Violated in the last state: refcount_ledger');
  });

  it('the path of the JSON report replays too', () => {
    const j = onlyJson(cli(['check', '--variant', 'K9', '--scope', 'tiny', '--format', 'json', '--quiet']));
    const path = (j.violation as { path: string }).path;
    const r = cli(['replay', '--variant', 'K9', '--scope', 'tiny', '--path', path]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(`Replay of ${path} on design K9`);
  });

  it('the same path on the fixed design shows every claim holding (exit 0)', () => {
    const { path } = replayLineOf(['--variant', 'K9', '--scope', 'tiny']);
    const r = cli(['replay', '--design', 'new', '--scope', 'tiny', '--path', path]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Every claim holds in the last state.');
  });

  it('a bogus path (an action index that is not enabled) is a usage error', () => {
    expectUsageError(
      cli(['replay', '--variant', 'K5', '--scope', 'tiny', '--path', '0/99']),
      'does not replay',
      '99',
    );
  });

  it('a path that is not numbers is a usage error', () => {
    expectUsageError(
      cli(['replay', '--variant', 'K5', '--scope', 'tiny', '--path', 'abc']),
      '"abc"',
      '0/3/1',
    );
  });
});
