/**
 * `memcg-check gate` end to end on a small manifest: a K9 gate (violated in two steps) and a "new"
 * gate at scope tiny (verified, a few seconds). Its pinned counts come from `check --format json` run
 * here, not from numbers written by hand. The cycle: passes; one count edited by hand fails, naming
 * the gate and the field; `--update` re-pins it and says what changed; then it passes again.
 * Two runs of the tiny "new" check (the check that pins it, the first gate), so this file takes the
 * longest of test/cli; the rest of the cycle runs `--only k9-tiny`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, onlyJson, scratch } from './helpers.js';

const tmp = scratch('gate');

interface Pins {
  distinct: number;
  transitions: number;
  depth: number;
  traceLength?: number;
}

/** The counts `check --format json` reports, as a gate pins them. */
function pinsFromCheck(args: readonly string[], code: number): Pins {
  const out = join(tmp.dir, 'check.json');
  const r = cli(['check', ...args, '--format', 'json', '--quiet', '--out', out]);
  expect(r.code, r.stderr).toBe(code);
  expect(readFileSync(out, 'utf8')).toBe(r.stdout);
  const j = onlyJson(r);
  expect(j.verdict).toBe(code === 0 ? 'verified' : 'violated');
  if (code === 0) {
    const witnesses = j.witnesses as { name: string; reached: boolean }[];
    expect(witnesses.length).toBeGreaterThan(0);
    expect(witnesses.filter((w) => !w.reached)).toEqual([]);
  }
  const s = j.stats as { distinct: number; transitions: number; depth: number };
  const v = j.violation as { trace: unknown[] } | undefined;
  return {
    distinct: s.distinct,
    transitions: s.transitions,
    depth: s.depth,
    ...(v ? { traceLength: v.trace.length } : {}),
  };
}

describe('gate', () => {
  it('passes, fails on a drifted pin naming gate and field, re-pins with --update, passes again', () => {
    const newPins = pinsFromCheck(['--design', 'new', '--scope', 'tiny'], 0);
    const k9Pins = pinsFromCheck(['--variant', 'K9', '--scope', 'tiny'], 1);
    expect(k9Pins.traceLength).toBeGreaterThan(0);

    const file = tmp.write(
      'proofs.json',
      JSON.stringify(
        {
          version: 1,
          gates: [
            {
              name: 'k9-tiny',
              variant: 'K9',
              scope: 'tiny',
              expect: { violated: 'refcount_ledger' },
              ...k9Pins,
            },
            { name: 'new-tiny', design: 'new', scope: 'tiny', expect: 'verified', ...newPins },
          ],
        },
        null,
        2,
      ),
    );

    // 1. Every gate as pinned: exit 0.
    const pass = cli(['gate', file]);
    expect(pass.code, pass.stdout + pass.stderr).toBe(0);
    expect(pass.stdout).toContain('2 passed, 0 failed');
    expect(pass.stdout).toMatch(/^k9-tiny\s+violated: refcount_ledger\s+violated: refcount_ledger\s.*\sok$/m);
    expect(pass.stdout).toMatch(/^new-tiny\s+verified\s+verified\s.*\sok$/m);
    expect(pass.stderr).toContain('gate new-tiny...');

    // 2. One pinned count edited by hand: exit 1, the message names the gate, the field and both numbers.
    const edited = JSON.parse(readFileSync(file, 'utf8'));
    edited.gates[0].transitions = k9Pins.transitions + 1;
    writeFileSync(file, JSON.stringify(edited, null, 2));
    const fail = cli(['gate', file, '--only', 'k9-tiny', '--quiet']);
    expect(fail.code, fail.stderr).toBe(1);
    expect(fail.stdout).toContain(
      `FAIL k9-tiny: transitions drifted: pinned ${k9Pins.transitions + 1}, got ${k9Pins.transitions}`,
    );
    expect(fail.stdout).toContain('0 passed, 1 failed');
    expect(fail.stdout).not.toContain('new-tiny');

    // 3. --update re-pins what drifted, prints it, and leaves the other gate's pins as they were.
    const update = cli(['gate', file, '--only', 'k9-tiny', '--update', '--quiet']);
    expect(update.code, update.stderr).toBe(0);
    expect(update.stdout).toContain(`Updated ${file}:`);
    expect(update.stdout).toContain(
      `k9-tiny.transitions: ${k9Pins.transitions + 1} -> ${k9Pins.transitions}`,
    );
    expect(update.stdout).not.toMatch(/k9-tiny\.(distinct|depth|traceLength):/);
    const rewritten = JSON.parse(readFileSync(file, 'utf8'));
    expect(rewritten.gates[0]).toMatchObject(k9Pins);
    expect(rewritten.gates[1]).toMatchObject(newPins);

    // 4. And the edited gate passes again (the other one was not touched: its pins are checked above).
    const again = cli(['gate', file, '--only', 'k9-tiny', '--quiet']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('1 passed, 0 failed');
  });
});
