/**
 * A symmetry permutation as a map on packed encodings (model/symmetry.ts chooses the permutations):
 * byte j of the renamed state is a byte of the original with pointer values renamed, derived from
 * the schema's field kinds. Two ways to find the smallest encoding of an orbit: interpreted (each
 * byte through its kind: the reference) and compiled (straight-line code per permutation, compared
 * lazily), which a fast-check property ties together (test/model/symmetry-compiled.test.ts).
 */
import type { Domain, FieldKind, Leaf } from './schema.js';

/** A renaming: new index of each memcg, page struct and frame. */
export interface Perm {
  /** New index of memcg i. */
  readonly memcg: readonly number[];
  /** New index of page struct p, and of frame f. */
  readonly struct: readonly number[];
  readonly frame: readonly number[];
}

/** How one byte of the permuted encoding is made from the original encoding. */
const Kind = { Same: 0, MemcgPtr: 1, StructPtr: 2, StructMask: 3 } as const;

export interface BytePerm {
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
export function bytePerm(p: Perm, leaves: readonly Leaf[]): BytePerm {
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
    // objcg i is the one made for memcg i: reordered with the memcgs (its pointers are `memcg` kind).
    objcg: inv(p.memcg),
    objcgCpu: undefined,
    object: undefined,
    // v5.8: kmem_cache i is the one memcg_create_kmem_cache made for memcg i (the same renaming).
    kmemCache: inv(p.memcg),
    kmemCacheCpu: undefined,
    slabPage: undefined,
    // swapCounter i is memcg i's swap (v2) or memsw (v1) counter: reordered with the memcgs.
    swapMemcg: inv(p.memcg),
    swapSlot: undefined,
    swapCpu: undefined,
    branch2: undefined,
    mc: undefined,
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

/**
 * The JS expression of byte j of the permuted encoding, read from `buf` (straight-line code, no
 * switch per byte): a plain copy, a renamed pointer (`mp`/`sp`: the permutation's pointer maps),
 * or a page set with each bit moved.
 */
function byteExpr(bp: BytePerm, j: number): string {
  const v = `buf[${bp.src[j]}]`;
  switch (bp.kind[j]) {
    case Kind.Same:
      return v;
    case Kind.MemcgPtr:
      return `mp[${v}]`;
    case Kind.StructPtr:
      return `sp[${v}]`;
    default: {
      const bits = bp.struct.map((to, i) => `(((${v} >> ${i}) & 1) << ${to})`);
      return bits.length ? bits.join(' | ') : '0';
    }
  }
}

/** Byte j of the permuted encoding, interpreted: the reference the generated code is tested against. */
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

/** A permutation compiled: its image of an encoding, and its comparison with the identity. */
interface CompiledPerm {
  /** Writes the permuted encoding of `buf` into `out`. */
  readonly image: (buf: Uint8Array, out: Uint8Array) => void;
  /** Sign of (permuted encoding - `buf`) in lexicographic order, stopping at the first differing byte. */
  readonly vsIdentity: (buf: Uint8Array) => number;
  /** Sign of (permuted encoding - `best`), the same way: `best` is another permutation's image. */
  readonly vsImage: (buf: Uint8Array, best: Uint8Array) => number;
}

function compile(bp: BytePerm, n: number): CompiledPerm {
  const image: string[] = [];
  const cmp: string[] = [];
  const vsImage: string[] = [];
  for (let j = 0; j < n; j++) {
    const e = byteExpr(bp, j);
    image.push(`out[${j}] = ${e};`);
    vsImage.push(`a = ${e}; if (a !== best[${j}]) return a < best[${j}] ? -1 : 1;`);
    // Bytes the permutation leaves alone compare equal: no code.
    if (bp.kind[j] === Kind.Same && bp.src[j] === j) continue;
    cmp.push(`a = ${e}; if (a !== buf[${j}]) return a < buf[${j}] ? -1 : 1;`);
  }
  const make = (body: string, args: string) =>
    new Function('mp', 'sp', `return function (${args}) {\n${body}\n}`)(bp.memcgPtr, bp.structPtr);
  return {
    image: make(image.join('\n'), 'buf, out'),
    vsIdentity: make(`let a;\n${cmp.join('\n')}\nreturn 0;`, 'buf'),
    vsImage: make(`let a;\n${vsImage.join('\n')}\nreturn 0;`, 'buf, best'),
  };
}

/** Index of the permutation with the smallest encoding of `buf` (0 = identity), interpreted. */
function bestPermReference(bps: readonly BytePerm[], buf: Uint8Array, n: number): number {
  let best = 0;
  for (let k = 1; k < bps.length; k++) {
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
}

/**
 * Writes the smallest encoding of `buf`'s orbit into `into` and returns true, or returns false when
 * it is `buf` itself (the identity, permutation 0, is the smallest). The first permutation of the
 * smallest encoding wins, as in `bestPermReference`.
 */
export type Smallest = (into: Uint8Array) => boolean;

export function smallestInterpreted(bps: readonly BytePerm[], buf: Uint8Array, n: number): Smallest {
  return (into) => {
    const best = bestPermReference(bps, buf, n);
    if (best === 0) return false;
    for (let j = 0; j < n; j++) into[j] = byteAt(bps[best], buf, j);
    return true;
  };
}

export function smallestCompiled(bps: readonly BytePerm[], buf: Uint8Array, n: number): Smallest {
  const perms = bps.map((bp) => compile(bp, n));
  return (into) => {
    // Each permutation is compared lazily (most states differ early) with the best so far: `buf`
    // while that is the identity, else the best image, kept in `into`; an image is written only
    // when it wins.
    let best = 0;
    for (let k = 1; k < perms.length; k++) {
      const p = perms[k];
      if (best === 0 ? p.vsIdentity(buf) < 0 : p.vsImage(buf, into) < 0) {
        p.image(buf, into);
        best = k;
      }
    }
    return best !== 0;
  };
}
