/**
 * `memcg-check replay`: the replay line printed under a counterexample, run as printed, reproduces the
 * violation; a path that does not fit the model is a usage error.
 */
import { describe, expect, it } from 'vitest';
import { cli, expectUsageError, onlyJson } from './helpers.js';

/** Runs a violated check and returns the arguments of its `Replay: memcg-check ...` line. */
function replayLineOf(checkArgs: readonly string[]): { args: string[]; steps: number } {
  const r = cli(['check', ...checkArgs, '--quiet']);
  expect(r.code, r.stderr).toBe(1);
  const line = /^Replay: memcg-check (replay .*)$/m.exec(r.stdout);
  expect(line, r.stdout).not.toBeNull();
  const steps = Number(/Shortest counterexample \((\d+) steps\)/.exec(r.stdout)?.[1]);
  return { args: line![1].split(' '), steps };
}

describe('replay', () => {
  it('the replay line printed by a violated check reproduces the violation (exit 1, names the claim)', () => {
    const { args, steps } = replayLineOf(['--variant', 'K5', '--scope', 'tiny']);
    const r = cli(args);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      new RegExp(`^Replay of \\S+ on design K5 \\(variant of new\\), scope tiny: ${steps} steps\n`),
    );
    expect(r.stdout).toContain('Violated in the last state: refcount_ledger: A: refcount');
  });

  it('the replay line carries custom bounds, so it replays the same model', () => {
    const { args } = replayLineOf(['--variant', 'K9', '--scope', 'tiny', '--memcgs', 'root/A,A/A1']);
    expect(args).toContain('--memcgs');
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
    const { args } = replayLineOf(['--variant', 'K9', '--scope', 'tiny']);
    const path = args[args.indexOf('--path') + 1];
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
