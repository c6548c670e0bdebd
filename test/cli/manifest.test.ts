/**
 * `memcg-check gate MANIFEST` on manifests that are wrong: exit 2 with a message naming the file,
 * the gate and the field, before any check runs. Plus what `--only` and `--update` do with small
 * K9 manifests (K9 is violated in two steps, so these run in well under a second).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectUsageError, scratch } from './helpers.js';

const tmp = scratch('manifest');

const k9Gate = (extra: Record<string, unknown> = {}) => ({
  name: 'k9-tiny',
  variant: 'K9',
  scope: 'tiny',
  expect: { violated: 'refcount_ledger' },
  ...extra,
});
const manifest = (...gates: unknown[]) => JSON.stringify({ version: 1, gates }, null, 2);

describe('a malformed manifest is a usage error naming what is wrong', () => {
  const cases: readonly [string, string, readonly string[]][] = [
    ['bad JSON', '{ "version": 1, "gates": [', ['bad-json.json', 'not valid JSON']],
    ['not an object', '[]', ['top level', '"version" and "gates"']],
    ['a wrong version', JSON.stringify({ version: 2, gates: [k9Gate()] }), ['version', 'must be 1', '2']],
    ['no gates', manifest(), ['gates', 'non-empty']],
    [
      'a scope that does not exist',
      manifest(k9Gate({ scope: 'huge' })),
      ['gates[0] (k9-tiny).scope', '"huge"', 'tiny'],
    ],
    [
      'a pinned count that is not a number',
      manifest(k9Gate({ distinct: 'x' })),
      ['(k9-tiny).distinct', 'whole number', '"x"'],
    ],
    ['a negative pinned count', manifest(k9Gate({ depth: -1 })), ['(k9-tiny).depth', '-1']],
    [
      'an unknown field',
      manifest(k9Gate({ distinctt: 3 })),
      ['gates[0].distinctt', 'unknown field', 'distinct, transitions'],
    ],
    ['a misspelt expectation', manifest(k9Gate({ expect: 'verifed' })), ['(k9-tiny).expect', '"verifed"']],
    [
      'an unknown design',
      manifest({ name: 'g', design: 'mid', scope: 'tiny', expect: 'verified' }),
      ['(g).design', '"mid"'],
    ],
    ['an unknown variant', manifest(k9Gate({ variant: 'K99' })), ['(k9-tiny).variant', '"K99"']],
    ['two gates with one name', manifest(k9Gate(), k9Gate()), ['gates[1].name', '"k9-tiny"', 'twice']],
    [
      'traceLength on a verified gate',
      manifest({ name: 'g', design: 'new', scope: 'tiny', expect: 'verified', traceLength: 3 }),
      ['(g).traceLength'],
    ],
    ['an unknown kind', manifest(k9Gate({ kind: 'bisim' })), ['(k9-tiny).kind', '"equivalence"', '"bisim"']],
    [
      'left/right on a gate that is not an equivalence',
      manifest(k9Gate({ left: 'old' })),
      ['(k9-tiny)', '"left" and "right"', 'equivalence'],
    ],
    [
      'an equivalence gate with a design',
      manifest({ name: 'e', kind: 'equivalence', design: 'old', scope: 'tiny', expect: 'verified' }),
      ['(e).design', '"left" and "right"'],
    ],
    [
      'an equivalence gate with an unknown side',
      manifest({ name: 'e', kind: 'equivalence', left: 'mid', scope: 'tiny', expect: 'verified' }),
      ['(e).left', '"mid"'],
    ],
    [
      'an equivalence gate expecting a claim of check',
      manifest({ name: 'e', kind: 'equivalence', scope: 'tiny', expect: { violated: 'refcount_ledger' } }),
      ['(e).expect', 'same_projection', 'refcount_ledger'],
    ],
  ];
  cases.forEach(([what, text, names], i) => {
    it(what, () => {
      const file = tmp.write(i === 0 ? 'bad-json.json' : `bad-${i}.json`, text);
      expectUsageError(cli(['gate', file]), file, ...names);
    });
  });

  it('--only naming a gate the manifest lacks', () => {
    const file = tmp.write('only.json', manifest(k9Gate()));
    expectUsageError(cli(['gate', file, '--only', 'nope']), '--only', 'nope', file);
  });

  it('a flag gate does not take', () => {
    const file = tmp.write('flag.json', manifest(k9Gate()));
    expectUsageError(cli(['gate', file, '--scope', 'tiny']), '--scope', 'does not apply');
  });
});

describe('a gate of kind equivalence', () => {
  it('runs the product and checks its verdict and shortest sequence (refill-one-fewer at tiny: 2 steps)', () => {
    const gate = {
      name: 'refill-one-fewer-tiny',
      kind: 'equivalence',
      left: 'new',
      variant: 'docs/examples/refill-one-fewer.ts',
      scope: 'tiny',
      expect: { violated: 'same_projection' },
      traceLength: 2,
    };
    const file = tmp.write('equivalence.json', manifest(gate));
    const r = cli(['gate', file, '--quiet']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const wrong = tmp.write(
      'equivalence-wrong.json',
      manifest({ ...gate, expect: 'verified', traceLength: undefined }),
    );
    const w = cli(['gate', wrong, '--quiet']);
    expect(w.code).toBe(1);
    expect(w.stdout + w.stderr).toContain('expected verified, got violated: same_projection');
  });
});

describe('gate on a violated-by-design gate (fast)', () => {
  it('passes with no pins; --update pins distinct, transitions, depth and traceLength', () => {
    const file = tmp.write('k9.json', manifest(k9Gate()));
    const pass = cli(['gate', file, '--quiet']);
    expect(pass.code, pass.stderr).toBe(0);
    expect(pass.stdout).toContain('1 passed, 0 failed');

    const up = cli(['gate', file, '--update', '--quiet']);
    expect(up.code, up.stderr).toBe(0);
    for (const k of ['distinct', 'transitions', 'depth', 'traceLength'])
      expect(up.stdout).toMatch(new RegExp(`k9-tiny\\.${k}: unpinned -> \\d+`));
    const gate = JSON.parse(readFileSync(file, 'utf8')).gates[0];
    for (const k of ['distinct', 'transitions', 'depth', 'traceLength'])
      expect(gate[k], k).toBeTypeOf('number');

    const again = cli(['gate', file, '--update', '--quiet']);
    expect(again.stdout).toContain('No pinned number changed');
  });

  it('a gate expecting the wrong verdict fails with exit 1 and says expected vs got', () => {
    const file = tmp.write('k9-wrong.json', manifest(k9Gate({ expect: { violated: 'no_use_after_free' } })));
    const r = cli(['gate', file, '--quiet']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(
      'FAIL k9-tiny: expected violated: no_use_after_free, got violated: refcount_ledger',
    );
    expect(r.stdout).toContain('0 passed, 1 failed');
  });

  it('--junit and --markdown write reports naming the gate', () => {
    const file = tmp.write('k9-reports.json', manifest(k9Gate()));
    const junit = join(tmp.dir, 'gates.xml');
    const md = join(tmp.dir, 'gates.md');
    const r = cli(['gate', file, '--quiet', '--junit', junit, '--markdown', md]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(junit, 'utf8')).toMatch(/^<\?xml [\s\S]*<testcase name="k9-tiny"/);
    expect(readFileSync(md, 'utf8')).toContain('| k9-tiny |');
  });

  it('--junit into a folder that does not exist is a usage error before any gate runs', () => {
    const file = tmp.write('k9-junit.json', manifest(k9Gate()));
    expectUsageError(
      cli(['gate', file, '--junit', '/nonexistent-dir/j.xml']),
      '/nonexistent-dir',
      'does not exist',
    );
  });

  // FIXME (cli/output.ts checkOutPath): the message says "--out /nonexistent-dir/j.xml" for --junit
  // (and --markdown): checkOutPath hard-codes the flag name. Drop the `.fails` once it names --junit.
  it('--junit into a missing folder names --junit, not --out', () => {
    const file = tmp.write('k9-junit2.json', manifest(k9Gate()));
    expectUsageError(cli(['gate', file, '--junit', '/nonexistent-dir/j.xml']), '--junit');
  });

  // FIXME (cli/gate.ts, --update): a gate that expects `verified` but got a violation is re-pinned
  // anyway, traceLength included, and a verified gate with traceLength no longer validates: the next
  // `gate` is exit 2 instead of the honest exit 1. Fix: skip pinning a gate whose verdict is wrong.
  // When fixed, this starts passing: drop the `.fails`.
  it('--update after a wrong verdict leaves a manifest that still loads', () => {
    const file = tmp.write('k9-verified.json', manifest(k9Gate({ expect: 'verified' })));
    expect(cli(['gate', file, '--update', '--quiet']).code).toBe(1);
    const next = cli(['gate', file, '--quiet']);
    expect(next.stderr).toBe('');
    expect(next.code).toBe(1);
  });
});
