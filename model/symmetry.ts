/**
 * Symmetry reduction: interchangeable components are renamed to a canonical representative.
 *
 * - Sibling leaf memcgs under the same parent are interchangeable: every action treats memcgs by
 *   index only through guards and effects that do not depend on the index's value.
 * - Small page frames are interchangeable, and so are THPs of the same size.
 * - CPUs are NOT: drain_all_stock visits CPUs in ascending order (for_each_online_cpu), so renaming
 *   CPUs would change behaviour.
 *
 * The representative is exact: the permutation whose packed encoding is lexicographically
 * smallest, over all permutations of all groups. Tests check that verdicts agree with and without
 * it at small scopes, and a trace found with it replays without it.
 */
import { layoutCodec } from '../checker/index.js';
import type { Layout, State } from './state.js';

interface Perm {
  /** New index of memcg i. */
  readonly memcg: readonly number[];
  /** New index of page struct p, and of frame f. */
  readonly struct: readonly number[];
  readonly frame: readonly number[];
}

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

function permuteState(s: State, p: Perm, L: Layout): State {
  const ptr = (v: number) => (v === 0 ? 0 : p.memcg[v - 1] + 1);
  const bits = (mask: number) => {
    let out = 0;
    for (let i = 0; i < p.struct.length; i++) if ((mask >> i) & 1) out |= 1 << p.struct[i];
    return out;
  };
  const memcg = new Array(s.memcg.length);
  s.memcg.forEach((m, i) => {
    memcg[p.memcg[i]] = { ...m };
  });
  const page = new Array(s.page.length);
  s.page.forEach((v, i) => {
    page[p.struct[i]] = ptr(v);
  });
  const split = new Array(s.split.length);
  s.split.forEach((v, i) => {
    split[p.frame[i]] = v;
  });
  void L;
  return {
    memcg,
    page,
    split,
    stock: s.stock.map((st) => ({ ...st, cached: ptr(st.cached) })),
    cpu: s.cpu.map((c) => ({
      ...c,
      memcg: ptr(c.memcg),
      page: c.page === 0 ? 0 : p.struct[c.page - 1] + 1,
      ugMemcg: ptr(c.ugMemcg),
      pages: bits(c.pages),
      seen: ptr(c.seen),
    })),
    mutex: s.mutex,
    oops: s.oops,
    oopsMemcg: ptr(s.oopsMemcg),
  };
}

/** A canonicalizer for the layout, or undefined when nothing is interchangeable. */
export function canonicalizer(L: Layout, template: State): ((s: State) => State) | undefined {
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
  const best = new Uint8Array(codec.bytes);
  const cand = new Uint8Array(codec.bytes);
  return (s: State) => {
    codec.encode(s, best, 0);
    let chosen = s;
    for (let k = 1; k < perms.length; k++) {
      const t = permuteState(s, perms[k], L);
      codec.encode(t, cand, 0);
      if (less(cand, best)) {
        best.set(cand);
        chosen = t;
      }
    }
    return chosen;
  };
}

function less(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}
