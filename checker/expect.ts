/**
 * Assertions for projects that keep proofs in their own test suite (vitest, jest, node:test): each
 * throws an Error carrying the formatted report, so any runner shows the counterexample.
 *
 *   expectVerified(spec, { maxStates: 1e6 });
 *   const r = expectViolation(spec, 'refcount_ledger'); expect(r.violation.trace.steps).toHaveLength(4);
 */
import { formatResult } from './assert.js';
import { check } from './bfs.js';
import type { CheckOptions, CheckResult, Spec, ViolatedResult } from './types.js';

/** The spec is verified: complete run, no violation, every witness reached. Returns the result. */
export function expectVerified<S, A>(spec: Spec<S, A>, options: CheckOptions = {}): CheckResult<S, A> {
  const r = check(spec, options);
  if (r.verdict !== 'verified' || r.vacuous) {
    throw new Error(`expected ${spec.name} to be verified\n${formatResult(r)}`);
  }
  return r;
}

/** The spec violates `property` (and no other claim first). Returns the result, with its violation. */
export function expectViolation<S, A>(
  spec: Spec<S, A>,
  property: string,
  options: CheckOptions = {},
): ViolatedResult<S, A> {
  if (!spec.invariants.some((i) => i.name === property)) {
    throw new Error(
      `${spec.name} has no invariant named "${property}"; it has ${spec.invariants.map((i) => i.name).join(', ')}`,
    );
  }
  const r = check(spec, options);
  if (r.verdict !== 'violated' || r.violation.property !== property) {
    throw new Error(`expected ${spec.name} to violate ${property}\n${formatResult(r)}`);
  }
  return r;
}
