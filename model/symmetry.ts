/**
 * Symmetry reduction: interchangeable components are renamed to a canonical representative.
 *
 * - Sibling leaf memcgs under the same parent are interchangeable: every action treats memcgs by
 *   index only through guards and effects that do not depend on the index's value.
 * - Small page frames are interchangeable, and so are THPs of the same size.
 * - CPUs are NOT: drain_all_stock visits CPUs in ascending order (for_each_online_cpu), so renaming
 *   CPUs would change behaviour.
 *
 * Which bytes are pointers, and which groups a renaming reorders, is read off the state's schema.
 * The representative is exact: the permutation whose packed encoding is lexicographically
 * smallest, over all permutations of all groups. Tests check that verdicts agree with and without
 * it at small scopes, and a trace found with it replays without it.
 */
import { layoutCodec, leafPaths } from '../checker/index.js';
import { leaves } from './schema.js';
import type { Layout, State } from './state.js';
import { bytePerm, type Perm, smallestCompiled, smallestInterpreted } from './symmetry-bytes.js';

function permutations(items: readonly number[]): number[][] {
  if (items.length <= 1) return [[...items]];
  const out: number[][] = [];
  items.forEach((x, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) out.push([x, ...rest]);
  });
  return out;
}

/** All maps that permute each group among itself (identity first). */
function groupMaps(n: number, groups: readonly (readonly number[])[]): number[][] {
  let maps: number[][] = [Array.from({ length: n }, (_, i) => i)];
  for (const g of groups) {
    const next: number[][] = [];
    for (const base of maps) {
      for (const perm of permutations(g)) {
        const m = [...base];
        g.forEach((from, k) => {
          m[from] = perm[k];
        });
        next.push(m);
      }
    }
    maps = next;
  }
  return maps;
}

export function symmetryGroups(L: Layout): { memcgs: number[][]; frames: number[][] } {
  const memcgs: number[][] = [];
  L.children.forEach((kids) => {
    const leaves = kids.filter((k) => L.children[k].length === 0);
    if (leaves.length > 1) memcgs.push(leaves);
  });
  const byShape = new Map<string, number[]>();
  L.config.frames.forEach((f, i) => {
    const key = `${f.kind}:${f.subpages}`;
    byShape.set(key, [...(byShape.get(key) ?? []), i]);
  });
  const frames = [...byShape.values()].filter((g) => g.length > 1);
  return { memcgs, frames };
}

export interface Canonicalizer {
  /** The representative of s's orbit (s itself when it already is). */
  readonly canonical: (s: State) => State;
  /** Writes the representative's packed encoding into `out`, without building it. */
  readonly canonicalBytes: (s: State, out: Uint8Array) => void;
}

/**
 * How the representative is found: `compiled` (the default) runs straight-line code generated per
 * permutation; `interpreted` reads each byte through its kind, and is what the tests compare the
 * generated code with. Both pick the same permutation, so they give the same encoding.
 */
export type CanonicalMode = 'compiled' | 'interpreted';

/** A canonicalizer for the layout, or undefined when nothing is interchangeable. */
export function canonicalizer(
  L: Layout,
  template: State,
  mode: CanonicalMode = 'compiled',
): Canonicalizer | undefined {
  const groups = symmetryGroups(L);
  const memcgMaps = groupMaps(L.config.memcgs.length, groups.memcgs);
  const frameMaps = groupMaps(L.config.frames.length, groups.frames);
  const perms: Perm[] = [];
  for (const memcg of memcgMaps) {
    for (const frame of frameMaps) {
      const struct: number[] = [];
      L.structFrame.forEach((f, p) => {
        struct[p] = L.frameFirst[frame[f]] + (p - L.frameFirst[f]);
      });
      perms.push({ memcg, frame, struct });
    }
  }
  if (perms.length <= 1) return undefined;
  const codec = layoutCodec(template);
  const byLeaf = leaves(L.schema, L);
  // The schema's leaf order is the codec's byte order: a state not built from the schema is refused.
  const paths = leafPaths(template);
  if (paths.length !== byLeaf.length || paths.some((path, i) => path !== byLeaf[i].path))
    throw new Error('symmetry: the state does not have the shape its schema declares (model/schema.ts)');
  const bps = perms.map((p) => bytePerm(p, byLeaf));
  const n = codec.bytes;
  const buf = new Uint8Array(n);
  const write = mode === 'compiled' ? smallestCompiled(bps, buf, n) : smallestInterpreted(bps, buf, n);
  const out = new Uint8Array(n);
  return {
    canonical: (s: State) => {
      codec.encode(s, buf, 0);
      if (!write(out)) return s;
      return codec.decode(out, 0);
    },
    canonicalBytes: (s: State, into: Uint8Array) => {
      codec.encode(s, buf, 0);
      if (!write(into)) into.set(buf);
    },
  };
}
