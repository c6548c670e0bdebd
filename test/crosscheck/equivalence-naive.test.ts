/**
 * Cross-check of the equivalence product (properties/equivalence.ts over checker/product.ts): its
 * pair counts under the checker against a second, naive product written from the semantics alone
 * (bench/naive-equivalence.ts). The naive product does not import checker/product.ts: it keeps
 * pairs (left state, right state, mark) as JSON strings in a Set, computes successors with the
 * sides' immer reference path `spec.next` only (never the codec, `apply` or the pair codec),
 * computes each side's internal closure by its own BFS, and explores level by level.
 *
 * For each case both sides are built with `specOf` at the same small custom bounds, and the test
 * asserts that `explore(equivalenceSpec(...), { noSymmetry: true })` and the naive product find
 * the same number of distinct pairs, the same number of transitions (successors generated,
 * duplicates included) and the same depth; and that the checker's verdict is `verified` exactly
 * when the naive product found no pair breaking same_projection or same_enabled. No number is
 * copied from either side: both are computed here, on the same specs.
 *
 * Cases: old vs new at tiny with 1 CPU and at 2 CPUs with one small page (so that the mark's
 * actor tells two CPUs apart), and new vs the K3 variant (references only) at tiny with 1 CPU. K3
 * at 2 CPUs is left out: its leaked css reference grows along the runs and the product does not
 * finish in a test's time.
 */
import { describe, expect, it } from 'vitest';
import { naiveEquivalence } from '../../bench/naive-equivalence.js';
import { explore } from '../../checker/index.js';
import { loadVariantFile } from '../../cli/load-variant.js';
import type { Config } from '../../model/config.js';
import { equivalenceSpec } from '../../properties/equivalence.js';
import { type DesignRef, specOf } from '../../properties/model-ref.js';

type Named = Extract<DesignRef, { name: string }>;
const OLD: Named = { kind: 'design', name: 'old' };
const NEW: Named = { kind: 'design', name: 'new' };
const K3: Named = { kind: 'variant', name: 'K3' };

/** tiny with 1 CPU: root/A, one small page, one 2-subpage THP, batch 2, every path. */
const ONE_CPU: Partial<Config> = { cpus: 1 };
/** tiny with one small page only: 2 CPUs, root/A, batch 2, every path. */
const TWO_CPUS_ONE_PAGE: Partial<Config> = { cpus: 2, frames: [{ kind: 'small', subpages: 1 }] };

const CASES: readonly [string, Named, Named, Partial<Config>][] = [
  ['old vs new, tiny --cpus 1', OLD, NEW, ONE_CPU],
  ['old vs new, tiny --cpus 2 --pages 1', OLD, NEW, TWO_CPUS_ONE_PAGE],
  ['new vs K3, tiny --cpus 1', NEW, K3, ONE_CPU],
];

describe.each(CASES)('%s: checker (no symmetry) = naive product', (_, leftRef, rightRef, bounds) => {
  it('same distinct pairs, transitions and depth; the same verdict', async () => {
    const left = await specOf({ design: leftRef, scope: 'tiny', bounds });
    const right = await specOf({ design: rightRef, scope: 'tiny', bounds });
    const naive = naiveEquivalence(left, right, { maxStates: 200_000 });
    const run = explore(
      equivalenceSpec({ name: leftRef.name, spec: left }, { name: rightRef.name, spec: right }),
      {
        noSymmetry: true,
      },
    );
    const r = run.result;
    // The checker stops at a violation, so its counts are complete only when it verifies.
    expect(r.verdict === 'verified').toBe(naive.firstViolation === undefined);
    expect({ distinct: r.stats.distinct, transitions: r.stats.transitions, depth: r.stats.depth }).toEqual({
      distinct: naive.distinct,
      transitions: naive.transitions,
      depth: naive.depth,
    });
    // The runs part (divergence sinks) in both or in neither: the checker's witness agrees.
    expect(r.witnesses.find((w) => w.name === 'sides_diverged')?.reached).toBe(naive.diverged > 0);
  });
});

describe('new vs a variant that changes accounting (docs/examples/refill-one-fewer.ts)', () => {
  it("the checker's shortest counterexample is as long as the naive BFS's first violating level", async () => {
    const left = await specOf({ design: NEW, scope: 'tiny', bounds: ONE_CPU });
    const file = await loadVariantFile('docs/examples/refill-one-fewer.ts');
    const right = await specOf({ design: file.ref, scope: 'tiny', bounds: ONE_CPU });
    const naive = naiveEquivalence(left, right, { maxStates: 200_000, stopAtViolation: true });
    const r = explore(equivalenceSpec({ name: 'new', spec: left }, { name: file.name, spec: right }), {
      noSymmetry: true,
    }).result;
    expect(naive.firstViolation?.property).toBe('same_projection');
    expect(r.violation?.property).toBe('same_projection');
    expect(r.violation?.trace.steps.length).toBe(naive.firstViolation?.depth);
  });
});
