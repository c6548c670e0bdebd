/**
 * Misuse of the command line, as a new user makes it: each is exit 2 with a one-line message on
 * stderr naming what is wrong (and, where there is a list, what would be right), never a stack trace
 * and never a half-run check. All of these stop before any state is explored.
 */
import { describe, expect, it } from 'vitest';
import { cli, expectUsageError } from './helpers.js';

describe('usage errors exit 2 with a message naming what is wrong', () => {
  const cases: readonly [string, readonly string[], readonly (string | RegExp)[]][] = [
    [
      'unknown subcommand',
      ['chek'],
      ['"chek"', 'check, equivalence, gate, list, liveness, merge, replay, simulate, summary, help'],
    ],
    ['unknown flag', ['check', '--scop', 'tiny'], ['--scop', 'memcg-check help']],
    ['flag of another subcommand', ['check', '--path', '0/1'], ['--path', 'does not apply']],
    ['positional argument to check', ['check', 'tiny'], ['"tiny"', 'no positional']],
    ['flag without its value', ['check', '--max-states'], ['--max-states']],
    ['non-numeric limit', ['check', '--max-states', 'abc'], ['--max-states', '"abc"', 'whole number']],
    ['fractional timeout', ['check', '--timeout', '1.5'], ['--timeout', '"1.5"']],
    [
      'timeout of 0 seconds (leave --timeout out for none)',
      ['check', '--timeout', '0'],
      ['--timeout', '>= 1', '"0"'],
    ],
    ['negative page count', ['check', '--pages', '-1'], ['--pages', '"-1"', 'thp:2']],
    ['negative state limit', ['check', '--max-states', '-5'], ['--max-states', 'whole number', '"-5"']],
    [
      'negative limit written --flag=-N',
      ['check', '--max-depth=-2'],
      ['--max-depth', 'whole number', '"-2"'],
    ],
    ['a flag where a value belongs', ['check', '--max-states', '--quiet'], ['--max-states needs a value']],
    [
      'memcg list with an empty item',
      ['check', '--memcgs', 'root/A,,root/B'],
      ['--memcgs', 'empty item', 'root/A,root/B'],
    ],
    ['memcg list ending in a comma', ['check', '--memcgs', 'root/A,'], ['--memcgs', 'empty item']],
    ['page list with an empty item', ['check', '--pages', '1,,thp:2'], ['--pages', 'empty item', '2,thp:2']],
    ['unknown design', ['check', '--design', 'mid'], ['"mid"', 'old, new']],
    ['unknown variant', ['check', '--variant', 'K99'], ['"K99"', 'K5', '.ts or .js']],
    [
      'design that contradicts the variant',
      ['check', '--variant', 'K5', '--design', 'old'],
      ['K5', '"new"', '"old"'],
    ],
    [
      'unknown scope',
      ['check', '--scope', 'huge'],
      [
        '"huge"',
        'tiny, small, reclaim, ci, kmem, kmem-split, kmem-ci, slab, slab-ci, slab-nested, swap, swap-v1, swap-nested, swap-v1-nested, migrate, move, large',
      ],
    ],
    ['memcg without parent/child', ['check', '--memcgs', 'root-A'], ['--memcgs', '"root-A"', 'root/A']],
    ['memcg whose parent is undeclared', ['check', '--memcgs', 'root/A,B/C'], ['"B/C"', 'parent "B"']],
    ['THP of one subpage', ['check', '--pages', 'thp:1'], ['--pages', '"thp:1"', 'thp:2']],
    ['more CPUs than the model allows', ['check', '--cpus', '9'], ['--cpus 9', '1..4']],
    ['zero CPUs', ['check', '--cpus', '0'], ['--cpus', '"0"']],
    ['batch over the limit', ['check', '--batch', '99'], ['--batch 99', '1..8']],
    ['drain-all neither on nor off', ['check', '--drain-all', 'yes'], ['--drain-all', 'on or off', '"yes"']],
    ['unknown report format', ['check', '--format', 'xml'], ['--format', 'text or json', '"xml"']],
    [
      'missing variant file',
      ['check', '--variant', 'no/such/variant.ts'],
      ['no/such/variant.ts', 'does not exist'],
    ],
    ['replay without --path', ['replay', '--variant', 'K5', '--scope', 'tiny'], ['--path', '0/3/1']],
    [
      'replay of a JSON file that is not a result',
      ['replay', 'package.json'],
      ['package.json', 'not a memcg-check JSON result or ITF trace', '--format json', '--itf'],
    ],
    ['replay of a file that is not JSON', ['replay', 'README.md'], ['README.md', 'is not JSON', '--itf']],
    ['replay of a missing file', ['replay', 'no-such-result.json'], ['no-such-result.json', 'cannot read']],
    [
      'list of an unknown thing',
      ['list', 'bogus'],
      ['"bogus"', 'designs, variants, scopes, claims, witnesses, ops'],
    ],
    ['summary at an unknown scope', ['summary', '--scope', 'huge'], ['"huge"']],
    [
      'gate on a missing manifest',
      ['gate', 'no-such-proofs.json'],
      ['no-such-proofs.json', 'cannot be read'],
    ],
    ['gate with two manifests', ['gate', 'a.json', 'b.json'], ['at most one manifest']],
  ];

  for (const [what, args, names] of cases) {
    it(`${what}: memcg-check ${args.join(' ')}`, () => {
      const r = cli(args);
      expectUsageError(r, ...names);
      expect(r.stderr.trimEnd().split('\n'), 'one line').toHaveLength(1);
    });
  }
});

describe('help', () => {
  it('help, --help and a subcommand with --help print the usage text and exit 0', () => {
    for (const args of [['help'], ['--help'], ['-h'], ['check', '--help']]) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage:');
      expect(r.stdout).toContain('Exit codes: 0 verified, 1 violated');
      for (const cmd of ['check', 'list', 'replay', 'summary', 'gate', 'help'])
        expect(r.stdout).toContain(`memcg-check ${cmd}`);
      expect(r.stderr).toBe('');
    }
  });

  it('no subcommand at all is a usage error (exit 2) that still shows the usage', () => {
    const r = cli([]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain('Usage:');
  });
});
