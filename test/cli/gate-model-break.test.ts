/**
 * A proof gate must be able to fail when the model changes, not only when a number is edited:
 * a gate over a model with one step broken (here: a variant file that drops the css_get of
 * commit_charge, the way a careless edit of model/design/new.ts would) fails, naming the gate and
 * the difference; the same gate over the unbroken step passes again. Pins come from a check run in
 * the test, never from hand-written numbers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli, scratch } from './helpers.js';

const tmp = scratch('gate-break');

const variant = (broken: boolean) => `export default ({ defineVariant }) => defineVariant({
  name: 'tiny-thp-${broken ? 'broken' : 'intact'}',
  base: 'new',
  description: 'v5.9 ${broken ? 'with commit_charge missing its css_get' : 'unchanged'}',
  edit: (d) => { ${broken ? "d.remove('commit_charge', 'css_get(memcg)');" : ''} },
});
`;

describe('gate catches a broken model step', () => {
  it('fails naming the gate and the verdict, passes once the step is restored', () => {
    const intact = tmp.write('intact.mjs', variant(false));
    const broken = tmp.write('broken.mjs', variant(true));
    // Pin the intact model's numbers from a real run: gate --update at the tiny scope.
    const manifest = (file: string) =>
      tmp.write(
        'm.json',
        JSON.stringify({
          version: 1,
          gates: [{ name: 'v59-tiny', variant: file, scope: 'tiny', expect: 'verified' }],
        }),
      );
    const m = manifest(intact);
    expect(cli(['gate', m, '--update', '--quiet'], { timeoutMs: 120_000 }).code).toBe(0);
    const pinned = JSON.parse(readFileSync(m, 'utf8')).gates[0];
    expect(pinned.distinct).toBeGreaterThan(0);

    // Break the step: the same gate, the same pins, the broken model.
    writeFileSync(m, JSON.stringify({ version: 1, gates: [{ ...pinned, variant: broken }] }));
    const bad = cli(['gate', m, '--quiet'], { timeoutMs: 120_000 });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('FAIL v59-tiny: expected verified, got violated: refcount_ledger');
    expect(bad.stdout).toMatch(/FAIL v59-tiny: distinct drifted: pinned \d+, got \d+/);
    expect(bad.stdout).toContain('0 passed, 1 failed');

    // Restore it: passes again with the very same pins.
    writeFileSync(m, JSON.stringify({ version: 1, gates: [{ ...pinned, variant: intact }] }));
    const good = cli(['gate', m, '--quiet'], { timeoutMs: 120_000 });
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('1 passed, 0 failed');
  });
});
