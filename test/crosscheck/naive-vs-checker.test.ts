/**
 * Cross-check 1: the checker without symmetry (packed store, codec, in-place `apply`) against a
 * plain BFS over JSON strings that computes successors with the immer reference path `spec.next`
 * only (reference.ts). Every expected figure below is obtained by running that reference on the
 * same spec; no number is copied from the checker or the manifest.
 *
 * On the exhaustive reachable sets the reference builds, the test also checks, per state: the
 * layout codec round trip, and that the ledger's fast count (`holderRefs`) equals the explained
 * list (`sumRefs(holders(...))`) under both schemes.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import type { Config } from '../../model/config.js';
import { nrPagesOf } from '../../model/geometry.js';
import { layoutOf, type State } from '../../model/state.js';
import { DESIGNS } from '../../model/variant.js';
import {
  danglingPointers,
  hasDanglingPointer,
  holderRefs,
  holders,
  localCharges,
  sumRefs,
} from '../../properties/holders.js';
import { memcgSpec } from '../../properties/spec.js';
import { naiveBfs, stableKey } from '../checker/naive.js';
import { type BfsResult, cfg, firstBroken, kindOf, minDepth, plainBfs } from './reference.js';

/** 2 CPUs, root/A, one small page, batch 2, with drain_all_stock: no symmetry at all. */
const ONE_MEMCG = cfg(2, 'root/A', '1', true);
/** 1 CPU, root/A,root/B, a small page and a 2-subpage THP, no standalone drain_all_stock. */
const TWO_MEMCGS_THP = cfg(1, 'root/A,root/B', '1,thp:2', false);

/** 2 CPUs, root/A, an order-0 and an order-1 kernel page (issue #14), no drain_all_stock caller but offline. */
const KERNEL_PAGES: Config = { ...cfg(2, 'root/A', 'kmem:1,kmem:2', false), reclaim: false };

/** 1 CPU, root/A, a 2-subpage THP, cgroup v1 swap with two slots (issue #15): swap-out, slot free, swap-in. */
const SWAP_V1: Config = { ...cfg(1, 'root/A', 'thp:2', false), reclaim: false, swap: 'v1', swapSlots: 2 };

const CASES: readonly [string, Config, 'old' | 'new'][] = [
  ['1 cpu, root/A, thp:2, --swap v1', SWAP_V1, 'old'],
  ['1 cpu, root/A, thp:2, --swap v1', SWAP_V1, 'new'],
  ['2 cpus, root/A, kmem:1,kmem:2', KERNEL_PAGES, 'old'],
  ['2 cpus, root/A, kmem:1,kmem:2', KERNEL_PAGES, 'new'],
  ['2 cpus, root/A, 1 page, drainAll', ONE_MEMCG, 'old'],
  ['2 cpus, root/A, 1 page, drainAll', ONE_MEMCG, 'new'],
  ['1 cpu, root/A,root/B, 1,thp:2', TWO_MEMCGS_THP, 'old'],
  ['1 cpu, root/A,root/B, 1,thp:2', TWO_MEMCGS_THP, 'new'],
];

describe('the fast reference BFS', () => {
  it('finds exactly the states naive.ts finds (the hand-checked reference)', () => {
    // Both are run here on the same small spec; they must agree on the set of states (keyed by the
    // key-sorting serialiser of naive.ts), on transitions and on depth.
    const spec = memcgSpec(cfg(2, 'root/A', '1', false), DESIGNS.new);
    const mine = plainBfs(spec);
    const theirs = naiveBfs(spec);
    expect(mine.nodes.length).toBe(theirs.nodes.length);
    expect([mine.transitions, mine.depth]).toEqual([theirs.transitions, theirs.depth]);
    const keys = new Set(theirs.nodes.map((n) => stableKey(n.state)));
    expect(mine.nodes.every((n) => keys.has(stableKey(n.state)))).toBe(true);
  });
});

describe.each(CASES)('%s, design %s: checker (no symmetry) = reference BFS', (_, config, design) => {
  const spec = memcgSpec(config, DESIGNS[design]);
  // The reference's full exploration through spec.next (immer), computed once for both tests.
  let memo: BfsResult<State> | undefined;
  const reference = () => {
    memo ??= plainBfs(spec, { kind: kindOf });
    return memo;
  };

  it('same distinct states, transitions, depth, fire counts, witness depths; verified', () => {
    // Expected: the reference's figures.
    const ref = reference();
    const r = check(spec, { noSymmetry: true });
    // The checker really ran its fast path: packed store, codec and in-place apply.
    expect(r.stats.store).toBe('packed');
    expect(spec.apply).toBeDefined();
    expect({ distinct: r.stats.distinct, transitions: r.stats.transitions, depth: r.stats.depth }).toEqual({
      distinct: ref.nodes.length,
      transitions: ref.transitions,
      depth: ref.depth,
    });
    expect(r.stats.fired).toEqual(ref.fired);
    // Verdict: the reference itself finds no reachable state breaking any claim.
    expect(ref.nodes.filter((n) => firstBroken(spec.invariants, n.state) !== undefined)).toEqual([]);
    expect(r.verdict).toBe('verified');
    // Witnesses: reached iff some reachable state satisfies them, at the smallest such depth.
    const want = (spec.witnesses ?? []).map((w) => {
      const d = minDepth(ref, w.holds);
      return d === undefined ? { name: w.name, reached: false } : { name: w.name, reached: true, depth: d };
    });
    expect(r.witnesses).toEqual(want);
  });

  it('every reachable state: codec round trip, and holderRefs = sumRefs(holders) for both schemes, the dangling test = its list, localCharges = the pages written out', () => {
    const L = layoutOf(config);
    const codec = spec.codec!;
    const buf = new Uint8Array(codec.bytes);
    // decodeInto must overwrite every field: start from a state decoded from all-ones bytes.
    const into = codec.decode(new Uint8Array(codec.bytes).fill(1), 0);
    const bad: string[] = [];
    const nodes = reference().nodes;
    for (const { state } of nodes) {
      codec.encode(state, buf, 0);
      if (!isDeepStrictEqual(codec.decode(buf, 0), state)) bad.push(`decode: ${JSON.stringify(state)}`);
      codec.decodeInto!(buf, 0, into);
      if (!isDeepStrictEqual(into, state)) bad.push(`decodeInto: ${JSON.stringify(state)}`);
      for (let m = 1; m < config.memcgs.length; m++) {
        for (const scheme of ['old', 'new'] as const) {
          const fast = holderRefs(state, L, m, scheme);
          const listed = sumRefs(holders(state, L, m, scheme));
          if (fast !== listed) bad.push(`${scheme} m${m}: ${fast} vs ${listed} in ${JSON.stringify(state)}`);
          // The claim's fast test against the explained list, also with m marked freed (so that
          // the pointers naming it dangle).
          const freed = { ...state, memcg: state.memcg.map((x, i) => (i === m ? { ...x, freed: 1 } : x)) };
          for (const t of [state, freed]) {
            if (hasDanglingPointer(t, L, scheme) !== danglingPointers(t, L, scheme).length > 0)
              bad.push(`dangling ${scheme} m${m}: ${JSON.stringify(t)}`);
          }
        }
        // Pages charged to m itself, written out here from the state's fields (not the schema).
        const c = state.cpu;
        let want = 0;
        state.page.forEach((pm, p) => {
          if (pm === m + 1) want += nrPagesOf(state, L, p);
        });
        for (const st of state.stock) if (st.cached === m + 1) want += st.nr;
        for (const x of c) {
          if (x.ugMemcg === m + 1) want += x.ugNr;
          if (x.memcg === m + 1 && x.op !== 0) want += x.nr;
        }
        if (localCharges(state, L, m) !== want) bad.push(`charges m${m}: ${JSON.stringify(state)}`);
      }
    }
    expect(bad).toEqual([]);
    expect(nodes.length).toBeGreaterThan(0);
  });
});
