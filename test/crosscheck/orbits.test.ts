/**
 * Cross-check 2: symmetry reduction. The expected reduced count is the number of orbits of the
 * full reachable set, computed independently: the reference BFS (reference.ts, spec.next only, no
 * reduction) gives every reachable state; each is renamed by every hand-written permutation of the
 * interchangeable memcgs and page frames (`rename`, at the level of the state's objects), and the
 * smallest JSON string is its orbit key. The checker with symmetry on must store exactly one state
 * per orbit. The renamings are written out per config below, not taken from model/symmetry.ts.
 *
 * The renamings also have to be symmetries of the model for the reduction to be sound: the test
 * checks that the reachable set is closed under each of them.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../checker/index.js';
import type { Config } from '../../model/config.js';
import type { State } from '../../model/state.js';
import { buildVariant, DESIGNS } from '../../model/variant.js';
import { BUILTIN_VARIANTS } from '../../properties/model-ref.js';
import { memcgSpec } from '../../properties/spec.js';
import {
  cfg,
  minDepth,
  orbitKey,
  permutationsOf,
  plainBfs,
  type Renaming,
  rename,
  renamings,
} from './reference.js';

const ID2 = { frame: [0, 1], struct: [0, 1] };

interface Case {
  readonly title: string;
  readonly config: Config;
  readonly renamings: readonly Renaming[];
}

const CASES: readonly Case[] = [
  {
    // A <-> B (memcgs 1 and 2) and P0 <-> P1 (frames = structs 0 and 1): 4 renamings.
    title: '1 cpu, root/A,root/B, 2 small pages, drainAll',
    config: cfg(1, 'root/A,root/B', '2', true),
    renamings: renamings(
      [
        [0, 1, 2],
        [0, 2, 1],
      ],
      [ID2, { frame: [1, 0], struct: [1, 0] }],
    ),
  },
  {
    // Two 2-subpage THPs swap as wholes: frame 0 <-> 1, structs (0,1) <-> (2,3), head to head.
    title: '1 cpu, root/A, thp:2,thp:2, drainAll',
    config: cfg(1, 'root/A', 'thp:2,thp:2', true),
    renamings: renamings(
      [[0, 1]],
      [
        { frame: [0, 1], struct: [0, 1, 2, 3] },
        { frame: [1, 0], struct: [2, 3, 0, 1] },
      ],
    ),
  },
  {
    // Migration (issue #15 part 2) between the two THP frames: the same frame swap.
    title: '1 cpu, root/A, thp:2,thp:2, --migrate on',
    config: { ...cfg(1, 'root/A', 'thp:2,thp:2', false), reclaim: false, migrate: true },
    renamings: renamings(
      [[0, 1]],
      [
        { frame: [0, 1], struct: [0, 1, 2, 3] },
        { frame: [1, 0], struct: [2, 3, 0, 1] },
      ],
    ),
  },
  {
    // Three sibling leaves A, B, C: the 6 permutations of memcgs 1..3, root fixed.
    title: '1 cpu, root/A,root/B,root/C, 1 small page, drainAll',
    config: cfg(1, 'root/A,root/B,root/C', '1', true),
    renamings: renamings(
      permutationsOf([1, 2, 3]).map((p) => [0, ...p]),
      [{ frame: [0], struct: [0] }],
    ),
  },
  {
    // A <-> B only: the small page and the THP have different shapes and never swap.
    title: '1 cpu, root/A,root/B, 1,thp:2, no drainAll',
    config: cfg(1, 'root/A,root/B', '1,thp:2', false),
    renamings: renamings(
      [
        [0, 1, 2],
        [0, 2, 1],
      ],
      [{ frame: [0, 1], struct: [0, 1, 2] }],
    ),
  },
  {
    // A <-> B and the two order-0 kernel pages (frames = structs 0 and 1): 4 renamings.
    title: '1 cpu, root/A,root/B, kmem:1,kmem:1, no drainAll, no reclaim',
    config: { ...cfg(1, 'root/A,root/B', 'kmem:1,kmem:1', false), reclaim: false },
    renamings: renamings(
      [
        [0, 1, 2],
        [0, 2, 1],
      ],
      [ID2, { frame: [1, 0], struct: [1, 0] }],
    ),
  },
];

/**
 * Slab objects with two memcgs: objcg i and kmem_cache i move with memcg i. The unmodified designs
 * stop at their slab findings (F3, F7), so the slab case runs the variants with those fixed.
 */
const SLAB: Case = {
  title: '1 cpu, root/A,root/B, 1 slab object, no pages, no drainAll, no reclaim',
  config: { ...cfg(1, 'root/A,root/B', '1', false), frames: [], reclaim: false, objects: 1 },
  renamings: renamings(
    [
      [0, 1, 2],
      [0, 2, 1],
    ],
    [{ frame: [], struct: [] }],
  ),
};
const SLAB_FIXED = { old: 'slab-v58-fixed', new: 'slab-fixed' } as const;

const RUNS = [
  ...CASES.flatMap((c) => (['old', 'new'] as const).map((d) => [c.title, d, c, DESIGNS[d]] as const)),
  ...(['old', 'new'] as const).map(
    (d) =>
      [
        SLAB.title,
        SLAB_FIXED[d],
        SLAB,
        buildVariant(BUILTIN_VARIANTS.find((v) => v.name === SLAB_FIXED[d])!),
      ] as const,
  ),
];

describe.each(RUNS)('%s, design %s', (_, _name, c, design) => {
  it('checker with symmetry stores one state per orbit; verdict, depth and witnesses agree', () => {
    const spec = memcgSpec(c.config, design);
    expect(spec.canonical).toBeDefined();
    const ref = plainBfs(spec);
    // The identity renaming rebuilds the very JSON string the reference keyed the state by.
    const reachable = new Set(ref.nodes.map((n) => JSON.stringify(n.state)));
    expect(reachable.size).toBe(ref.nodes.length);
    const notClosed: string[] = [];
    const orbits = new Set<string>();
    for (const { state } of ref.nodes) {
      for (const r of c.renamings) {
        if (!reachable.has(JSON.stringify(rename(state as State, r)))) {
          notClosed.push(`${JSON.stringify(r.memcg)}/${JSON.stringify(r.struct)}: ${JSON.stringify(state)}`);
        }
      }
      orbits.add(orbitKey(state as State, c.renamings));
    }
    expect(notClosed.slice(0, 3)).toEqual([]);

    const reduced = check(spec);
    const full = check(spec, { noSymmetry: true });
    // Expected: the number of distinct orbit keys over the reference's reachable set.
    expect(reduced.stats.distinct).toBe(orbits.size);
    expect(full.stats.distinct).toBe(ref.nodes.length);
    expect(orbits.size).toBeLessThan(ref.nodes.length);
    // Renaming fixes the initial state and preserves distance from it, so the deepest orbit is as
    // deep as the deepest state, and each witness is first met at the same depth.
    expect(reduced.stats.depth).toBe(ref.depth);
    expect([reduced.verdict, full.verdict]).toEqual(['verified', 'verified']);
    const want = (spec.witnesses ?? []).map((w) => [w.name, minDepth(ref, w.holds) ?? 'unreached']);
    const seen = (r: typeof reduced) => r.witnesses.map((w) => [w.name, w.reached ? w.depth : 'unreached']);
    expect(seen(reduced)).toEqual(want);
    expect(seen(full)).toEqual(want);
  });
});
