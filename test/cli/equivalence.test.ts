/**
 * `memcg-check equivalence` (issue #16) as a user runs it: the verdicts and exit codes of the
 * acceptance (a variant that changes accounting is reported with a shortest sequence, one that
 * changes only references is equivalent), the two timelines, the JSON result, and bad input.
 * The bounds are tiny with one CPU, where the product's counts are cross-checked against a naive
 * product BFS (test/crosscheck/equivalence-naive.test.ts); the full tiny and the gated scopes are
 * proofs.json gates of kind "equivalence".
 */
import { describe, expect, it } from 'vitest';
import { cli, expectNoStackTrace, expectUsageError } from './helpers.js';

const ONE_CPU = ['--scope', 'tiny', '--cpus', '1', '--quiet'];

describe('memcg-check equivalence', () => {
  it('old vs new: equivalent (exit 0), and the first runs that part are shown', () => {
    const r = cli(['equivalence', ...ONE_CPU]);
    expectNoStackTrace(r);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/old vs new, scope tiny\+custom: EQUIVALENT/);
    // The v5.9 stock's pointer keeps a dying memcg's count above zero: the lookup's css_tryget
    // succeeds in new and fails in old, and the runs part there.
    expect(r.stdout).toContain('The first runs that part');
    expect(r.stdout).toMatch(/get_mem_cgroup_from_mm\(P0, A\)\s+│ cpu0 get_mem_cgroup_from_mm\(P0, A\)\s*$/m);
  });

  it('K3 changes only references: equivalent to new', () => {
    const r = cli(['equivalence', '--left', 'new', '--variant', 'K3', ...ONE_CPU]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('new vs K3 (variant of new)');
    expect(r.stdout).toContain('EQUIVALENT');
  });

  it('a variant that changes accounting: not equivalent (exit 1), the shortest sequence side by side', () => {
    const r = cli([
      'equivalence',
      '--left',
      'new',
      '--variant',
      'docs/examples/refill-one-fewer.ts',
      ...ONE_CPU,
    ]);
    expectNoStackTrace(r);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('NOT EQUIVALENT');
    expect(r.stdout).toContain(
      'same_projection: the projections differ: stock[cpu0].nr_pages is 1 in new, 0 in refill-one-fewer (variant of new)',
    );
    // Two steps: the lookup, then try_charge's refill (the naive BFS finds its first violating pair
    // at that depth too: test/crosscheck/equivalence-naive.test.ts).
    expect(r.stdout).toContain('Shortest sequence (2 steps)');
    expect(r.stdout).toMatch(/≠ stock\[cpu0\]\.nr_pages 0→1/);
    expect(r.stdout).toMatch(
      /memcg-check replay --variant docs\/examples\/refill-one-fewer.ts .*--path 0\/1\/0/,
    );
  });

  it('--format json: one object with the verdict, the projection and both sides of each step', () => {
    const r = cli([
      'equivalence',
      '--left',
      'new',
      '--variant',
      'docs/examples/refill-one-fewer.ts',
      ...ONE_CPU,
      '--format',
      'json',
    ]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.schema).toBe('memcg-check/equivalence');
    expect(j.verdict).toBe('not-equivalent');
    expect(j.projection).toContain('stock[cpu0].nr_pages');
    expect(j.violation.property).toBe('same_projection');
    expect(j.violation.steps).toHaveLength(2);
    expect(j.violation.steps[1].leftChanges).toContainEqual({
      field: 'stock[cpu0].nr_pages',
      from: '0',
      to: '1',
      differs: true,
    });
    expect(j.violation.sides.right).toEqual([0, 1, 0]);
  });

  it('a limit stops it cleanly: incomplete, exit 3', () => {
    const r = cli(['equivalence', ...ONE_CPU, '--max-states', '100']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain('INCOMPLETE');
  });

  it.each([
    ['slab accounting', ['equivalence', '--scope', 'slab'], ['--objects', 'different code']],
    ['an unknown side', ['equivalence', '--left', 'mid'], ['"mid"']],
    [
      'both --right and --variant',
      ['equivalence', '--right', 'new', '--variant', 'K3'],
      ['--right or --variant'],
    ],
    ['a flag of check only', ['equivalence', '--workers', '2'], ['--workers', 'does not apply']],
  ])('bad input: %s is exit 2', (_, args, words) => {
    expectUsageError(cli(args), ...words);
  });
});
