/**
 * The model's verdicts through the test-runner helpers (expectVerified / expectViolation), at the
 * `tiny` scope so the suite stays quick. Larger scopes and pinned counts are the proof gates
 * (proofs.json, `memcg-check gate`). Trace lengths here are checked independently by the naive BFS
 * in test/crosscheck.
 */
import { describe, expect, it } from 'vitest';
import { expectVerified, expectViolation } from '../../checker/index.js';
import { scopeByName } from '../../model/config.js';
import { buildVariant, DESIGNS } from '../../model/variant.js';
import { KNOWN_BUGS } from '../../model/variants/known-bugs.js';
import { memcgSpec } from '../../properties/spec.js';

const tiny = scopeByName('tiny')!.config;

describe('designs at the tiny scope', () => {
  for (const name of ['old', 'new'] as const) {
    it(`${name} is verified, every witness reached, every action fired`, () => {
      const r = expectVerified(memcgSpec(tiny, DESIGNS[name]));
      expect(r.neverFired).toEqual([]);
    });
  }
});

describe('every known bug is found', () => {
  for (const v of KNOWN_BUGS) {
    it(`${v.name}: ${v.description}`, () => {
      const r = expectViolation(memcgSpec(tiny, buildVariant(v)), 'refcount_ledger');
      expect(r.violation.trace.steps.length).toBeGreaterThan(0);
      expect(r.violation.message).toMatch(/refcount \d+, holders \d+/);
    });
  }
});

describe('the helpers fail loudly', () => {
  it('expectVerified throws the counterexample of a violated spec', () => {
    expect(() => expectVerified(memcgSpec(tiny, buildVariant(KNOWN_BUGS[0])))).toThrow(
      /refcount_ledger[\s\S]*replay path/,
    );
  });
  it('expectViolation names the claims when asked for one that does not exist', () => {
    expect(() => expectViolation(memcgSpec(tiny, DESIGNS.new), 'no_such_claim')).toThrow(
      /has no invariant named/,
    );
  });
});
