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
import { type Domain, type FieldKind, type Leaf, leaves } from './schema.js';
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

/** How one byte of the permuted encoding is made from the original encoding. */
const Kind = { Same: 0, MemcgPtr: 1, StructPtr: 2, StructMask: 3 } as const;

interface BytePerm {
  readonly src: Int32Array;
  readonly kind: Uint8Array;
  readonly memcgPtr: Int32Array;
  readonly structPtr: Int32Array;
  readonly struct: readonly number[];
}

/**
 * The permutation as a map on encodings: byte j of the renamed state is byte src[j] of the
 * original, with pointer values renamed. Derived from the schema (model/schema.ts): a group indexed
 * by memcg, page or frame is reordered, and a field of kind `memcg`, `page` or `pageMask` renamed.
 */
function bytePerm(p: Perm, leaves: readonly Leaf[]): BytePerm {
  const inv = (map: readonly number[]) => {
    const out: number[] = [];
    map.forEach((to, from) => {
      out[to] = from;
    });
    return out;
  };
  const invOf: Record<Domain, readonly number[] | undefined> = {
    memcg: inv(p.memcg),
    page: inv(p.struct),
    frame: inv(p.frame),
    cpu: undefined,
    global: undefined,
  };
  const at = new Map(leaves.map((l, i) => [`${l.group.key}/${l.index}/${l.name}`, i]));
  const src = new Int32Array(leaves.length);
  const kind = new Uint8Array(leaves.length);
  leaves.forEach((l, j) => {
    const from = invOf[l.group.domain];
    src[j] = from ? at.get(`${l.group.key}/${from[l.index]}/${l.name}`)! : j;
    kind[j] = KIND_OF[l.field.kind];
  });
  const memcgPtr = Int32Array.from([0, ...p.memcg.map((m) => m + 1)]);
  const structPtr = Int32Array.from([0, ...p.struct.map((x) => x + 1)]);
  return { src, kind, memcgPtr, structPtr, struct: p.struct };
}

/** How a field's value is renamed: only pointers and sets of pages name a permuted thing. */
const KIND_OF: Record<FieldKind, number> = {
  count: Kind.Same,
  flag: Kind.Same,
  code: Kind.Same,
  cpu: Kind.Same,
  cpuMask: Kind.Same,
  memcg: Kind.MemcgPtr,
  page: Kind.StructPtr,
  pageMask: Kind.StructMask,
};

function byteAt(bp: BytePerm, buf: Uint8Array, j: number): number {
  const v = buf[bp.src[j]];
  switch (bp.kind[j]) {
    case Kind.Same:
      return v;
    case Kind.MemcgPtr:
      return bp.memcgPtr[v];
    case Kind.StructPtr:
      return bp.structPtr[v];
    default: {
      let out = 0;
      for (let i = 0; i < bp.struct.length; i++) if ((v >> i) & 1) out |= 1 << bp.struct[i];
      return out;
    }
  }
}

export interface Canonicalizer {
  /** The representative of s's orbit (s itself when it already is). */
  readonly canonical: (s: State) => State;
  /** Writes the representative's packed encoding into `out`, without building it. */
  readonly canonicalBytes: (s: State, out: Uint8Array) => void;
}

/** A canonicalizer for the layout, or undefined when nothing is interchangeable. */
export function canonicalizer(L: Layout, template: State): Canonicalizer | undefined {
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
  const out = new Uint8Array(n);
  /** Index of the permutation with the smallest encoding of `buf` (0 = identity). */
  const bestPerm = (): number => {
    let best = 0;
    for (let k = 1; k < bps.length; k++) {
      // Lexicographic comparison of permutation k's encoding with the best one so far, byte by byte.
      for (let j = 0; j < n; j++) {
        const a = byteAt(bps[k], buf, j);
        const b = byteAt(bps[best], buf, j);
        if (a !== b) {
          if (a < b) best = k;
          break;
        }
      }
    }
    return best;
  };
  return {
    canonical: (s: State) => {
      codec.encode(s, buf, 0);
      const best = bestPerm();
      if (best === 0) return s;
      for (let j = 0; j < n; j++) out[j] = byteAt(bps[best], buf, j);
      return codec.decode(out, 0);
    },
    canonicalBytes: (s: State, into: Uint8Array) => {
      codec.encode(s, buf, 0);
      const best = bestPerm();
      if (best === 0) into.set(buf);
      else for (let j = 0; j < n; j++) into[j] = byteAt(bps[best], buf, j);
    },
  };
}
