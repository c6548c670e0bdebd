/**
 * `check --checkpoint FILE` and `--resume FILE`: a run stopped by a limit and resumed gives what one
 * run gives (JSON figures, witnesses, the counterexample); the text report of a stopped run says
 * how to resume; and bad input is exit 2 naming the flag and the file.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectUsageError, onlyJson, scratch } from './helpers.js';

const tmp = scratch('checkpoint');

/** A JSON report without what differs between runs by nature: timing, and the options given. */
function figures(j: Record<string, unknown>) {
  const {
    ms: _ms,
    statesPerSecond: _s,
    transitionsPerSecond: _t,
    ...stats
  } = j.stats as Record<string, unknown>;
  const { options: _o, ...rest } = j;
  return { ...rest, stats };
}

function json(args: string, code: number): Record<string, unknown> {
  const r = cli(['check', ...args.split(' '), '--quiet', '--format', 'json']);
  expect(r.code, r.stderr).toBe(code);
  return onlyJson(r);
}

describe('check --checkpoint, then --resume', () => {
  it('tiny, new: stopped at 3000 states and resumed to 30000 is one run to 30000; the report says how to resume', () => {
    const f = join(tmp.dir, 'tiny.ckpt');
    const first = cli([
      'check',
      '--scope',
      'tiny',
      '--design',
      'new',
      '--max-states',
      '3000',
      '--checkpoint',
      f,
      '--quiet',
    ]);
    expect(first.code, first.stderr).toBe(3);
    expect(first.stdout).toContain('stopped by --max-states (3000)');
    expect(
      first.stdout.endsWith(`\nResume: memcg-check check --design new --scope tiny --resume ${f}\n`),
    ).toBe(true);
    expect(existsSync(f)).toBe(true);
    const resumed = json(`--scope tiny --design new --max-states 30000 --resume ${f}`, 3);
    const whole = json('--scope tiny --design new --max-states 30000', 3);
    expect(resumed.options).toMatchObject({ resume: f, maxStates: 30000 });
    expect((resumed.stats as { distinct: number }).distinct).toBe(30000);
    expect(figures(resumed)).toEqual(figures(whole));
  });

  it('the THP alone at tiny: stopped at 20000 states and resumed to the end is the verified run', () => {
    const f = join(tmp.dir, 'thp.ckpt');
    const model = '--scope tiny --design new --pages thp:2';
    json(`${model} --max-states 20000 --checkpoint ${f} --checkpoint-every 0`, 3);
    const resumed = json(`${model} --resume ${f}`, 0);
    const whole = json(model, 0);
    expect(resumed.verdict).toBe('verified');
    expect(figures(resumed)).toEqual(figures(whole));
  });

  it('K2: stopped before its violation and resumed, the same counterexample', () => {
    const f = join(tmp.dir, 'k2.ckpt');
    json(`--variant K2 --scope tiny --max-states 100 --checkpoint ${f}`, 3);
    const resumed = json(`--variant K2 --scope tiny --resume ${f}`, 1);
    const whole = json('--variant K2 --scope tiny', 1);
    expect((resumed.violation as { path: string }).path).toBe((whole.violation as { path: string }).path);
    expect(figures(resumed)).toEqual(figures(whole));
  });

  it('a run that ends verified or violated prints no resume line', () => {
    const f = join(tmp.dir, 'done.ckpt');
    const r = cli(['check', '--variant', 'K2', '--scope', 'tiny', '--checkpoint', f, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('Resume:');
  });
});

describe('bad checkpoint input exits 2, naming the flag and the file', () => {
  const junk = tmp.write('junk.ckpt', 'not a checkpoint\n');
  const tiny = join(tmp.dir, 'tiny-small.ckpt');
  const small = join(tmp.dir, 'small.ckpt');

  it('--checkpoint-every that is not a whole number of seconds, or without --checkpoint', () => {
    const f = join(tmp.dir, 'x.ckpt');
    expectUsageError(
      cli(['check', '--scope', 'tiny', '--checkpoint', f, '--checkpoint-every', 'abc']),
      '--checkpoint-every',
      '"abc"',
      'whole number',
    );
    expectUsageError(
      cli(['check', '--scope', 'tiny', '--checkpoint-every', '5']),
      '--checkpoint-every',
      '--checkpoint FILE',
    );
    expect(existsSync(f)).toBe(false);
  });

  it('--checkpoint in a folder that does not exist, or naming a folder', () => {
    const f = join(tmp.dir, 'no/such/dir/f.ckpt');
    expectUsageError(cli(['check', '--scope', 'tiny', '--checkpoint', f]), '--checkpoint', 'does not exist');
    expectUsageError(
      cli(['check', '--scope', 'tiny', '--checkpoint', tmp.dir]),
      '--checkpoint',
      'is a folder',
    );
  });

  it('--resume of a missing file, a folder, or a file that is not a checkpoint', () => {
    const missing = join(tmp.dir, 'missing.ckpt');
    expectUsageError(
      cli(['check', '--scope', 'tiny', '--resume', missing]),
      '--resume',
      missing,
      'no such file',
    );
    expectUsageError(cli(['check', '--scope', 'tiny', '--resume', tmp.dir]), '--resume', 'is a folder');
    expectUsageError(
      cli(['check', '--scope', 'tiny', '--resume', junk, '--quiet']),
      '--resume',
      junk,
      'not a checkpoint',
      'give a checkpoint file that --checkpoint wrote',
    );
  });

  it('--resume of a checkpoint of another model: design, bounds, symmetry', () => {
    expect(
      cli(['check', '--scope', 'tiny', '--max-states', '100', '--checkpoint', tiny, '--quiet']).code,
    ).toBe(3);
    expect(
      cli(['check', '--scope', 'small', '--max-states', '100', '--checkpoint', small, '--quiet']).code,
    ).toBe(3);
    expectUsageError(
      cli(['check', '--scope', 'tiny', '--design', 'old', '--resume', tiny, '--quiet']),
      `--resume: cannot resume from ${tiny}`,
      'spec "memcg/new", this run checks "memcg/old"',
      'model flags',
    );
    expectUsageError(
      cli(['check', '--scope', 'tiny', '--drain-all', 'off', '--resume', tiny, '--quiet']),
      '--resume',
      tiny,
      'another version of spec "memcg/new"',
    );
    expectUsageError(
      cli(['check', '--scope', 'small', '--no-symmetry', '--resume', small, '--quiet']),
      '--resume',
      small,
      'symmetry reduction on, this run has it off',
    );
  });
});

describe('a checkpoint that cannot be written', () => {
  it('exits 2 naming --checkpoint and the file, and leaves the file there untouched', () => {
    const f = join(tmp.dir, 'blocked.ckpt');
    writeFileSync(f, 'previous');
    mkdirSync(`${f}.tmp`); // the temporary file cannot be created
    const r = cli(['check', '--scope', 'tiny', '--max-states', '100', '--checkpoint', f, '--quiet']);
    expectUsageError(r, '--checkpoint: cannot write checkpoint', f);
    expect(readFileSync(f, 'utf8')).toBe('previous');
  });
});
