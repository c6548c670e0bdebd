/**
 * `memcg-check check`: the three verdicts and their exit codes, the JSON report, `--out`, and
 * determinism of the counterexample. Runs stay small: K5 and K9 are found within three steps, the
 * verified run is the new design at scope tiny with only its THP (about a sixth of scope tiny), the
 * incomplete ones stop at a limit.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectNoStackTrace, expectUsageError, onlyJson, scratch } from './helpers.js';

const tmp = scratch('check');

interface Step {
  readonly step: number;
  readonly label: string;
  readonly kind: string;
  readonly changes: readonly string[];
}
interface Violation {
  readonly property: string;
  readonly message: string;
  readonly path: string;
  readonly trace: readonly Step[];
}

describe('exit codes: 0 verified, 1 violated, 3 incomplete', () => {
  // The full `--scope tiny --design new` run is in gate.test.ts; this smaller model (the THP alone)
  // is verified with every witness reached in a fraction of the time.
  it('0: the new design with the THP alone is verified, every witness reached; --out holds the same text', () => {
    const out = join(tmp.dir, 'verified.txt');
    const r = cli([...'check --design new --scope tiny --pages thp:2 --quiet --out'.split(' '), out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^memcg-check: design new, scope tiny\+custom: VERIFIED\n/);
    expect(r.stdout).toMatch(/witnesses reached: (\d+)\/\1\n/);
    expect(r.stdout).not.toContain('never');
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
  });

  it('1: a verified run that never reaches a witness is vacuous, and names the witness', () => {
    // v5.9's slab fixed at one CPU: two objcg corners need a second CPU (model/config.ts slab-nested).
    const r = cli(['check', '--variant', 'slab-fixed', '--scope', 'slab-nested', '--quiet']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      /^memcg-check: design slab-fixed \(variant of new\), scope slab-nested: VERIFIED \(VACUOUS: .*\)\n/,
    );
    expect(r.stdout).toMatch(/^ {4}never reached: \w+$/m);
  });

  it('1: K5 at scope tiny is violated, with the claim, a numbered trace, the ledger and a replay line', () => {
    const r = cli(['check', '--variant', 'K5', '--scope', 'tiny']);
    expect(r.code, r.stderr).toBe(1);
    expectNoStackTrace(r);
    expect(r.stdout).toMatch(/^memcg-check: design K5 \(variant of new\), scope tiny: VIOLATED\n/);
    expect(r.stdout).toContain('\nViolated: refcount_ledger\n');
    expect(r.stdout).toMatch(/Shortest counterexample \(\d+ steps\):\n {2}1 {2}cpu\d /);
    expect(r.stdout).toContain('Ledger at the last step:');
    expect(r.stdout).toMatch(/MISMATCH/);
    expect(r.stdout).toMatch(/\nReplay: memcg-check replay --variant K5 --scope tiny --path \d+(\/\d+)*\n/);
    expect(r.stdout).toContain('The variant expects a violation of refcount_ledger: as expected.');
  });

  it('3: --max-states 100 stops the run, and the report says which limit', () => {
    const r = cli(['check', '--scope', 'tiny', '--max-states', '100', '--quiet']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toMatch(/^memcg-check: design new, scope tiny: INCOMPLETE\n/);
    expect(r.stdout).toContain('stopped by --max-states (100): the state space was not exhausted');
  });

  it('3: --max-depth names --max-depth', () => {
    const r = cli(['check', '--scope', 'tiny', '--max-depth', '2', '--quiet']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain('stopped by --max-depth (2)');
  });

  it('a violation found before the limit is still a violation (exit 1, not 3)', () => {
    const r = cli(['check', '--variant', 'K9', '--scope', 'tiny', '--max-states', '100000', '--quiet']);
    expect(r.code, r.stderr).toBe(1);
  });
});

describe('--format json', () => {
  it('a violation: one object with verdict, spec, options, stats, and the violation with its trace', () => {
    const r = cli(['check', '--variant', 'K5', '--scope', 'tiny', '--format', 'json', '--quiet']);
    expect(r.code, r.stderr).toBe(1);
    const j = onlyJson(r);
    expect(j.verdict).toBe('violated');
    expect(j.spec).toBeTypeOf('string');
    expect(j.variant).toBe('K5');
    expect(j.scope).toBe('tiny');
    expect(j.options).toEqual({});
    const stats = j.stats as Record<string, unknown>;
    for (const k of ['distinct', 'transitions', 'depth', 'ms']) expect(stats[k], k).toBeTypeOf('number');
    const v = j.violation as Violation;
    expect(v.property).toBe('refcount_ledger');
    expect(v.message).toMatch(/^A: refcount \d+, holders \d+/);
    expect(v.path).toMatch(/^\d+(\/\d+)*$/);
    expect(v.trace.length).toBeGreaterThan(0);
    expect(v.trace.length).toBe(v.path.split('/').length - 1);
    v.trace.forEach((s, i) => {
      expect(s.step).toBe(i + 1);
      expect(s.label).toMatch(/^cpu\d /);
      expect(s.kind).toBeTypeOf('string');
      expect(Array.isArray(s.changes)).toBe(true);
    });
  });

  it('an incomplete run: the limit is data, and the options echo the flags', () => {
    const r = cli(['check', '--scope', 'tiny', '--max-states', '100', '--format', 'json', '--quiet']);
    expect(r.code, r.stderr).toBe(3);
    const j = onlyJson(r);
    expect(j.verdict).toBe('incomplete');
    expect(j.limit).toEqual({ kind: 'maxStates', value: 100 });
    expect(j.options).toEqual({ maxStates: 100 });
    expect(j).not.toHaveProperty('violation');
  });

  it('nothing but the JSON on stdout even without --quiet', () => {
    const r = cli(['check', '--variant', 'K9', '--scope', 'tiny', '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    expect(onlyJson(r).verdict).toBe('violated');
  });
});

describe('--out FILE', () => {
  it('holds exactly what stdout printed, JSON included, and replaces an older file whole', () => {
    const out = join(tmp.dir, 'k5.json');
    writeFileSync(out, 'an older, longer report that must not survive in any part\n'.repeat(50));
    const r = cli([...'check --variant K5 --scope tiny --format json --quiet --out'.split(' '), out]);
    expect(r.code, r.stderr).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a folder that does not exist is a usage error before the run, and creates nothing', () => {
    const r = cli(['check', '--variant', 'K5', '--scope', 'tiny', '--out', '/nonexistent-dir/x.json']);
    expectUsageError(r, '--out /nonexistent-dir/x.json', 'does not exist');
    expect(existsSync('/nonexistent-dir')).toBe(false);
  });

  const badWithOut: readonly [string, readonly string[]][] = [
    ['an unknown flag', ['--bogus']],
    ['an unknown variant', ['--variant', 'K99']],
    ['a bad format', ['--format', 'xml']],
    ['a bad bound', ['--cpus', '9']],
    ['a bad limit', ['--max-states', 'abc']],
  ];
  for (const [what, args] of badWithOut) {
    it(`${what} together with --out creates no file`, () => {
      const out = join(tmp.dir, `bad-${args[0].slice(2)}.json`);
      expectUsageError(cli(['check', '--scope', 'tiny', '--out', out, ...args]));
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(tmp.dir).filter((f) => f.startsWith(`bad-${args[0].slice(2)}`))).toEqual([]);
    });
  }

  // FIXME (cli/output.ts): --out naming an existing folder passes checkOutPath, runs the whole check,
  // then renameSync throws EISDIR: exit 70 with a stack trace and a leftover DIR.tmp-PID file.
  // When checkOutPath rejects folders, this starts passing: drop the `.fails`.
  it('--out naming an existing folder is a usage error before the run, leaving nothing', () => {
    const folder = join(tmp.dir, 'a-folder');
    mkdirSync(folder);
    const r = cli(['check', '--variant', 'K5', '--scope', 'tiny', '--quiet', '--out', folder]);
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('a-folder.tmp-'))).toEqual([]);
    expectUsageError(r, folder);
  });
});

describe('determinism', () => {
  it('two JSON runs of the same violated variant give the same counts, path and trace', () => {
    const args = ['check', '--variant', 'K5', '--scope', 'tiny', '--format', 'json', '--quiet'];
    const [a, b] = [onlyJson(cli(args)), onlyJson(cli(args))];
    const pick = (j: Record<string, unknown>) => {
      const v = j.violation as Violation;
      const s = j.stats as Record<string, number>;
      return {
        counts: [s.distinct, s.transitions, s.depth],
        path: v.path,
        labels: v.trace.map((t) => t.label),
        changes: v.trace.map((t) => t.changes),
      };
    };
    expect(pick(b)).toEqual(pick(a));
  });
});
