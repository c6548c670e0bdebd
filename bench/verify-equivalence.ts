/**
 * Re-counts an equivalence gate's pins with the naive product (bench/naive-equivalence.ts: pairs
 * of JSON strings, the immer reference path, its own closures), independently of checker/product.ts.
 *
 *   node --max-old-space-size=16000 dist/bench/verify-equivalence.js LEFT RIGHT SCOPE
 *
 * LEFT and RIGHT are old, new or a built-in variant. Prints distinct, transitions and depth (and
 * the first violation's depth, if any) to compare with the gate in proofs.json. Slow (about 20 µs
 * per transition and side) and memory-hungry: a tool for pinning, not a test.
 */
import { specOf } from '../properties/model-ref.js';
import { naiveEquivalence } from './naive-equivalence.js';

const [left, right, scope] = process.argv.slice(2);
if (!left || !right || !scope) {
  process.stderr.write('usage: verify-equivalence LEFT RIGHT SCOPE\n');
  process.exit(2);
}
const ref = (n: string) =>
  n === 'old' || n === 'new'
    ? ({ kind: 'design', name: n } as const)
    : ({ kind: 'variant', name: n } as const);
const t = Date.now();
const r = naiveEquivalence(
  await specOf({ design: ref(left), scope }),
  await specOf({ design: ref(right), scope }),
  {
    stopAtViolation: true,
  },
);
process.stdout.write(
  `${left} vs ${right} at ${scope}: distinct ${r.distinct}, transitions ${r.transitions}, depth ${r.depth}, diverged ${r.diverged}${r.firstViolation ? `, first violation ${r.firstViolation.property} at depth ${r.firstViolation.depth}` : ''} (${((Date.now() - t) / 1000).toFixed(0)} s)\n`,
);
