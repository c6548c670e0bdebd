/**
 * The generated symmetry code (model/symmetry.ts `compiled`) against the interpreted reference,
 * which reads each byte through its field kind: on random states whose pointers are in range
 * (fast-check), both write the same canonical encoding, at bounds with one, two and three groups
 * of interchangeable things (so 2, 4 and 24 permutations). And the representative is one per
 * orbit: a state and its image under a transposition of two sibling memcgs, made by hand from the
 * schema here, get the same encoding.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { layoutCodec } from '../../checker/index.js';
import { parseFrames, parseMemcgs } from '../../model/config.js';
import { leaves } from '../../model/schema.js';
import { initialState, layoutOf, type State } from '../../model/state.js';
import { canonicalizer } from '../../model/symmetry.js';

const BOUNDS = [
  ['root/A,root/B, 1,thp:2', 'root/A,root/B', '1,thp:2'],
  ['root/A,root/B, 2,thp:2', 'root/A,root/B', '2,thp:2'],
  ['root/A,root/B,root/C, 2,thp:2,thp:2', 'root/A,root/B,root/C', '2,thp:2,thp:2'],
] as const;

describe.each(BOUNDS)('symmetry at %s: compiled = interpreted', (_, memcgs, frames) => {
  const L = layoutOf({
    cpus: 2,
    memcgs: parseMemcgs(memcgs),
    frames: parseFrames(frames),
    batch: 2,
    drainAll: true,
    reclaim: true,
  });
  const init = initialState(L);
  const codec = layoutCodec(init);
  const compiled = canonicalizer(L, init, 'compiled')!;
  const interpreted = canonicalizer(L, init, 'interpreted')!;
  const pages = L.structFrame.length;
  // Each byte drawn in its field's range: pointers name a memcg or page (or NULL), masks a set of pages.
  const byte = leaves(L.schema, L).map((l) => {
    switch (l.field.kind) {
      case 'memcg':
        return fc.integer({ min: 0, max: L.config.memcgs.length });
      case 'page':
        return fc.integer({ min: 0, max: pages });
      case 'pageMask':
        return fc.integer({ min: 0, max: (1 << pages) - 1 });
      default:
        // Small values, so that two permutations often tie on a prefix.
        return fc.integer({ min: 0, max: 2 });
    }
  });

  it('writes the same encoding for random states, and canonical() agrees', () => {
    expect(compiled).toBeDefined();
    let renamed = 0;
    fc.assert(
      fc.property(fc.tuple(...byte), (bytes) => {
        const s: State = codec.decode(Uint8Array.from(bytes), 0);
        const a = new Uint8Array(codec.bytes);
        const b = new Uint8Array(codec.bytes);
        compiled.canonicalBytes(s, a);
        interpreted.canonicalBytes(s, b);
        expect([...a]).toEqual([...b]);
        if (a.some((v, j) => v !== bytes[j])) renamed++;
        const c = new Uint8Array(codec.bytes);
        codec.encode(compiled.canonical(s), c, 0);
        expect([...c]).toEqual([...b]);
      }),
      { numRuns: 2000, seed: 42 },
    );
    // Not vacuous: many random states are not their own representative.
    expect(renamed).toBeGreaterThan(200);
  });

  it('is one per orbit: a state and its sibling-swapped image get the same encoding', () => {
    // The transposition of memcgs 1 and 2 (siblings under root in every bound here), written
    // independently of model/symmetry.ts: memcg records trade places, memcg pointers (index + 1)
    // 2 and 3 trade values.
    const ls = leaves(L.schema, L);
    const at = new Map(ls.map((l, j) => [`${l.group.key}/${l.index}/${l.name}`, j]));
    const swap = (i: number) => (i === 1 ? 2 : i === 2 ? 1 : i);
    const image = (bytes: readonly number[]) =>
      ls.map((l, j) => {
        const from = l.group.domain === 'memcg' ? at.get(`${l.group.key}/${swap(l.index)}/${l.name}`)! : j;
        const v = bytes[from];
        return l.field.kind === 'memcg' ? (v === 2 ? 3 : v === 3 ? 2 : v) : v;
      });
    fc.assert(
      fc.property(fc.tuple(...byte), (bytes) => {
        const a = new Uint8Array(codec.bytes);
        const b = new Uint8Array(codec.bytes);
        compiled.canonicalBytes(codec.decode(Uint8Array.from(bytes), 0), a);
        compiled.canonicalBytes(codec.decode(Uint8Array.from(image(bytes)), 0), b);
        expect([...b]).toEqual([...a]);
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
