/**
 * Cross-checks 4 and 5 on random walks through the `ci` scope (2 CPUs, root/A,root/B, two small
 * pages and a 2-subpage THP, batch 2, drain_all_stock), too big to compare exhaustively here.
 *
 * A walk is a list of numbers; step k fires enabled action (n_k mod #enabled) from the current
 * state, following the reference path `spec.next` (immer). At every step:
 *   4. the fast path (`spec.apply` on a structuredClone copy) gives a deep-equal state, `next` leaves
 *      its input alone, and the layout codec round-trips the state (decode and decodeInto);
 *   5. the ledger's fast count `holderRefs` equals `sumRefs(holders(...))`, the explained list, for
 *      every non-root memcg under both schemes.
 * Expected values are the reference path's own states and the explained list: nothing is compared
 * against a number computed by the code under test alone. A failure prints fast-check's seed and
 * the shrunk walk.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scopeByName } from '../../model/config.js';
import type { Design } from '../../model/design/types.js';
import { layoutOf, type State } from '../../model/state.js';
import { buildVariant, DESIGNS } from '../../model/variant.js';
import { KNOWN_BUGS } from '../../model/variants/known-bugs.js';
import { holderRefs, holders, sumRefs } from '../../properties/holders.js';
import { type MemcgSpec, memcgSpec } from '../../properties/spec.js';

const CI = scopeByName('ci')!.config;
// size 'max': lengths spread over 0..40 (the default size keeps arrays to about 10 elements, and
// walks that short never reach offline, release or free; with it, 200 walks fire every step kind).
const walkArb = fc.array(fc.nat({ max: 1 << 16 }), { maxLength: 40, size: 'max' });

/** Follows `choices` with spec.next from the initial state, calling `visit` on each state. */
function walk(spec: MemcgSpec, choices: readonly number[], visit: (s: State, step: number) => void): void {
  let s = spec.initial()[0];
  visit(s, 0);
  for (let k = 0; k < choices.length; k++) {
    const enabled = [...spec.actions(s)];
    if (enabled.length === 0) return;
    s = spec.next(s, enabled[choices[k] % enabled.length]);
    visit(s, k + 1);
  }
}

const DESIGN_CASES: readonly [string, Design][] = [
  ['old', DESIGNS.old],
  ['new', DESIGNS.new],
];
const VARIANT_CASES: readonly [string, Design][] = KNOWN_BUGS.map((v) => [v.name, buildVariant(v)]);

describe.each([...DESIGN_CASES, ...VARIANT_CASES])('ci scope, %s: random walks', (name, design) => {
  const spec = memcgSpec(CI, design);
  const L = layoutOf(CI);
  // The designs get the full 200 walks; the variants share their code and get fewer.
  const numRuns = name === 'old' || name === 'new' ? 200 : 50;

  it('apply on a copy = next, next leaves its input alone, codec round trip', () => {
    const codec = spec.codec!;
    const buf = new Uint8Array(codec.bytes);
    // decodeInto must overwrite every field: start from a state decoded from all-ones bytes.
    const into = codec.decode(new Uint8Array(codec.bytes).fill(1), 0);
    fc.assert(
      fc.property(walkArb, (choices) => {
        let s = spec.initial()[0];
        const roundTrip = (t: State) => {
          codec.encode(t, buf, 0);
          expect(codec.decode(buf, 0)).toStrictEqual(t);
          codec.decodeInto!(buf, 0, into);
          expect(into).toStrictEqual(t);
        };
        roundTrip(s);
        for (const c of choices) {
          const enabled = [...spec.actions(s)];
          if (enabled.length === 0) break;
          const a = enabled[c % enabled.length];
          const before = structuredClone(s);
          const ref = spec.next(s, a);
          expect(s).toStrictEqual(before);
          const fast = structuredClone(s);
          spec.apply!(fast, a);
          expect(fast, spec.label(a)).toStrictEqual(ref);
          roundTrip(ref);
          s = ref;
        }
      }),
      { numRuns },
    );
  });

  it('holderRefs = sumRefs(holders) on every state, both schemes', () => {
    fc.assert(
      fc.property(walkArb, (choices) => {
        walk(spec, choices, (s, step) => {
          for (let m = 1; m < CI.memcgs.length; m++) {
            for (const scheme of ['old', 'new'] as const) {
              expect(holderRefs(s, L, m, scheme), `step ${step}, memcg ${m}, ${scheme}`).toBe(
                sumRefs(holders(s, L, m, scheme)),
              );
            }
          }
        });
      }),
      { numRuns },
    );
  });
});
