/**
 * `memcg-check simulate` and `memcg-check merge` as a user runs them: the verdicts and exit codes,
 * the replay line (run as printed), the JSON against docs/simulate.schema.json, the same seed
 * giving the same output, shards merged giving the unsharded output (JSON and text, apart from the
 * times and the shard), and the usage errors of both commands.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import {
  cli,
  expectNoStackTrace,
  expectUsageError,
  MAIN,
  onlyJson,
  ROOT,
  type Run,
  scratch,
} from './helpers.js';

const tmp = scratch('simulate');
const read = (f: string) => JSON.parse(readFileSync(join(ROOT, f), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
ajv.addSchema(read('docs/result.schema.json'));
const validate = ajv.compile(read('docs/simulate.schema.json'));

/** K3 at 3 CPUs with a grandchild: a 13-step bug at tiny, too deep for the search here. */
const K3 = ['--variant', 'K3', '--scope', 'tiny', '--cpus', '3', '--memcgs', 'root/A,A/A1'];
const RUN = ['--runs', '120', '--depth', '60', '--seed', '9', '--shortest-states', '2000'];

/** A result's JSON without what may differ between a shard split and one run: times, shard. */
function comparable(j: Record<string, unknown>) {
  const { stats: _s, shard: _h, merged: _m, ...rest } = j;
  return rest;
}

describe('simulate', () => {
  it('a known bug: VIOLATED, exit 1, the counterexample in kernel words and a replay line that replays', () => {
    const r = cli([
      'simulate',
      '--variant',
      'K2',
      '--scope',
      'tiny',
      '--cpus',
      '3',
      '--runs',
      '100',
      '--seed',
      '1',
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      /^memcg-check simulate: design K2 \(variant of new\), scope tiny\+custom: VIOLATED$/m,
    );
    expect(r.stdout).toMatch(/^ {2}seed 1: 100 runs of at most 60 steps, swarm on$/m);
    expect(r.stdout).toMatch(/^Violated: refcount_ledger, first in run \d+ \(run seed \d+\)$/m);
    // K2's 5 steps at tiny (gate K2-tiny); a third CPU gives no shorter one, and the search finds it.
    expect(r.stdout).toMatch(/^Shortest counterexample \(5 steps; /m);
    expect(r.stdout).toContain('mem_cgroup_split_huge_fixup');
    expect(r.stdout).toContain('The variant expects a violation of refcount_ledger: found.');
    const replay = /^Replay: memcg-check (replay .*)$/m.exec(r.stdout)?.[1];
    expect(replay).toBeDefined();
    const again = cli(replay!.split(' '));
    expect(again.stdout).toContain('Violated in the last state: refcount_ledger');
  });

  it('no violation: exit 0, NO VIOLATION, and says it is not a proof; no progress off a terminal', () => {
    const r = cli(['simulate', '--design', 'new', '--scope', 'large', '--runs', '50', '--seed', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/: NO VIOLATION$/m);
    expect(r.stdout).toContain('is not a proof');
    expect(r.stdout).toMatch(/^ {2}50 runs walked, 3,000 steps, /m);
  });

  it('--format json: one object, valid against docs/simulate.schema.json; the same seed, the same JSON', () => {
    const a = onlyJson(cli(['simulate', ...K3, ...RUN, '--format', 'json']));
    expect(validate(a), ajv.errorsText(validate.errors)).toBe(true);
    expect(a).toMatchObject({ schema: 'memcg-check/simulate', version: 1, verdict: 'violated', seed: 9 });
    const b = onlyJson(cli(['simulate', ...K3, ...RUN, '--format', 'json']));
    expect(comparable(b)).toEqual(comparable(a));
    const v = a.violation as Record<string, unknown>;
    const replay = cli(['replay', ...K3, '--path', v.path as string]);
    expect(replay.stdout).toContain(`Violated in the last state: ${v.property}`);
    const none = onlyJson(
      cli(['simulate', '--design', 'new', '--scope', 'tiny', '--runs', '5', '--format', 'json']),
    );
    expect(validate(none), ajv.errorsText(validate.errors)).toBe(true);
    expect(none.verdict).toBe('no-violation');
    // No --seed: a random one, printed in the result.
    expect(typeof none.seed).toBe('number');
  });

  it('--timeout: stops cleanly with INCOMPLETE, exit 3', () => {
    const r = cli([
      'simulate',
      '--design',
      'new',
      '--scope',
      'large',
      '--runs',
      '100000000',
      '--timeout',
      '1',
    ]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/: INCOMPLETE$/m);
    expect(r.stdout).toContain('stopped by --timeout (1 s)');
    expectNoStackTrace(r);
  });
});

/** The CLI, sent SIGINT after `ms` (and SIGKILL after 30 s, should it not stop). */
function interrupted(args: readonly string[], ms: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const sigint = setTimeout(() => child.kill('SIGINT'), ms);
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(sigint);
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('simulate: Ctrl-C', () => {
  it('SIGINT stops the runs: INCOMPLETE, interrupted by SIGINT, exit 3', async () => {
    const r = await interrupted(
      ['simulate', '--design', 'new', '--scope', 'large', '--runs', '100000000'],
      1500,
    );
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/: INCOMPLETE$/m);
    expect(r.stdout).toContain('interrupted by SIGINT');
    expectNoStackTrace(r);
  });
});

describe('shards and merge', () => {
  it('3 shards merged: the unsharded JSON (apart from times and shard) and text, exit 1', () => {
    const whole = tmp.write('whole.json', '');
    expect(cli(['simulate', ...K3, ...RUN, '--format', 'json', '--out', whole]).code).toBe(1);
    const files = [1, 2, 3].map((i) => {
      const f = join(tmp.dir, `shard-${i}.json`);
      const r = cli(['simulate', ...K3, ...RUN, '--shard', `${i}/3`, '--format', 'json', '--out', f]);
      expect([0, 1]).toContain(r.code);
      return f;
    });
    const m = cli(['merge', ...files.reverse(), '--format', 'json']);
    expect(m.code, m.stderr).toBe(1);
    const merged = onlyJson(m);
    expect(validate(merged), ajv.errorsText(validate.errors)).toBe(true);
    expect(merged.merged).toEqual({ shards: 3 });
    expect(comparable(merged)).toEqual(comparable(JSON.parse(readFileSync(whole, 'utf8'))));
    // The text: the unsharded one's, but the seed line (merged from 3 shards) and the times.
    const timesAndShard = (t: string) =>
      t
        .split('\n')
        .filter((l) => !/^ {2}(seed \d+:|\d[\d,]* runs walked)/.test(l))
        .join('\n')
        .trimEnd();
    const text = cli(['merge', ...files]);
    expect(text.stdout).toContain('merged from 3 shards');
    expect(timesAndShard(text.stdout)).toBe(timesAndShard(cli(['simulate', ...K3, ...RUN]).stdout));
  });

  it('merge refuses other seeds, a shard twice, a missing shard, a file that is no result: exit 2', () => {
    const shard = (i: number, n: number, seed = '9') => {
      const f = join(tmp.dir, `m-${i}-${n}-${seed}.json`);
      cli([
        'simulate',
        '--variant',
        'K5',
        '--scope',
        'tiny',
        '--runs',
        '6',
        '--seed',
        seed,
        '--shard',
        `${i}/${n}`,
        '--format',
        'json',
        '--out',
        f,
      ]);
      return f;
    };
    const [a, b] = [shard(1, 2), shard(2, 2)];
    expectUsageError(cli(['merge', a, shard(2, 2, '10')]), 'seed', 'not shards of one simulation');
    expectUsageError(cli(['merge', a, a]), 'both shard 1/2');
    expectUsageError(cli(['merge', a]), 'shard 2/2 missing');
    expectUsageError(cli(['merge', a, shard(2, 3)]), 'shard 2/3');
    expectUsageError(
      cli(['merge', a, tmp.write('x.json', '{"schema":"memcg-check/result"}')]),
      'not a memcg-check simulate result',
    );
    expectUsageError(cli(['merge']), 'merge needs');
    // A result with the right header but fields missing or out of range: exit 2 naming the field.
    const header =
      '"schema":"memcg-check/simulate","version":1,"seed":9,"runs":6,"depth":60,"shortestStates":0';
    expectUsageError(
      cli(['merge', a, tmp.write('partial.json', `{${header},"coverage":{"steps":0,"witnesses":[]}}`)]),
      'partial.json: actionKinds',
    );
    const full = JSON.parse(readFileSync(b, 'utf8'));
    expectUsageError(
      cli(['merge', a, tmp.write('shard5.json', JSON.stringify({ ...full, shard: { index: 5, count: 2 } }))]),
      'shard must be { index, count } with 1 <= index <= count',
    );
    expectUsageError(cli(['merge', a, b, '--out', a]), 'one of the results');
    const other = join(tmp.dir, 'other-model.json');
    cli([
      'simulate',
      '--variant',
      'K9',
      '--scope',
      'tiny',
      '--runs',
      '6',
      '--seed',
      '9',
      '--shard',
      '2/2',
      '--format',
      'json',
      '--out',
      other,
    ]);
    expectUsageError(cli(['merge', a, other]), 'design');
  });
});

describe('simulate: usage errors exit 2', () => {
  const cases: readonly [string, readonly string[], readonly string[]][] = [
    ['shard 0', ['--shard', '0/3', '--seed', '1'], ['--shard', '1 <= I <= N']],
    ['shard past N', ['--shard', '4/3', '--seed', '1'], ['--shard', '4/3']],
    ['shard without N', ['--shard', '3', '--seed', '1'], ['--shard', 'I/N']],
    ['shard without a seed', ['--shard', '1/2'], ['--shard needs --seed']],
    ['no runs', ['--runs', '0'], ['--runs', 'whole number >= 1']],
    ['a negative seed', ['--seed', '-1'], ['--seed', 'whole number']],
    ['a seed past 32 bits', ['--seed', '4294967296'], ['--seed must be at most 4294967295']],
    ['a depth that is no number', ['--depth', 'abc'], ['--depth', '"abc"']],
    ['a flag of check', ['--max-states', '5'], ['--max-states', 'does not apply']],
    ['a positional argument', ['tiny'], ['"tiny"', 'no positional']],
  ];
  it.each(cases)('%s', (_what, args, names) => {
    expectUsageError(cli(['simulate', '--design', 'new', '--scope', 'tiny', ...args]), ...names);
  });
});
