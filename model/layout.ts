/** Static facts derived from the bounds (never part of the state), and the schema of the state. */
import type { Config } from './config.js';
import type { Schema } from './schema.js';

export interface Layout {
  readonly config: Config;
  /** The state's fields (model/state.ts, and the fields a path adds): what the codec, symmetry and claims read. */
  readonly schema: Schema;
  /**
   * For each page struct: its frame, and whether it is the head or a tail of a THP or of a
   * high-order kernel page (the first page struct and the others; a kernel page is not compound,
   * but until split_page its first struct stands for the whole allocation).
   */
  readonly structFrame: readonly number[];
  readonly structIsHead: readonly boolean[];
  readonly structIsTail: readonly boolean[];
  /** For each frame: its first page struct and count. */
  readonly frameFirst: readonly number[];
  readonly frameSize: readonly number[];
  readonly isThp: readonly boolean[];
  /** For each frame: a kernel page (__GFP_ACCOUNT), charged by the kmem paths only. */
  readonly isKmem: readonly boolean[];
  /** For each memcg: its parent index (-1 for root) and its ancestors (self first). */
  readonly parent: readonly number[];
  readonly ancestors: readonly (readonly number[])[];
  readonly children: readonly (readonly number[])[];
  /**
   * The design's reference-counting scheme (from its schema; `new` when the schema names none): the
   * slab state differs, v5.9's obj_cgroup groups or v5.8's per-memcg kmem_cache groups (schema.ts).
   */
  readonly scheme: 'old' | 'new';
}

export function layoutFor(config: Config, schema: Schema): Layout {
  const structFrame: number[] = [];
  const structIsHead: boolean[] = [];
  const structIsTail: boolean[] = [];
  const frameFirst: number[] = [];
  config.frames.forEach((f, fi) => {
    frameFirst.push(structFrame.length);
    for (let k = 0; k < f.subpages; k++) {
      structFrame.push(fi);
      const multi = f.kind === 'thp' || (f.kind === 'kmem' && f.subpages > 1);
      structIsHead.push(multi && k === 0);
      structIsTail.push(multi && k > 0);
    }
  });
  const parent = config.memcgs.map((m) => m.parent);
  const ancestors = parent.map((_, i) => {
    const chain: number[] = [];
    for (let j = i; j >= 0; j = parent[j]) chain.push(j);
    return chain;
  });
  const children = parent.map((_, i) => parent.flatMap((p, j) => (p === i ? [j] : [])));
  return {
    config,
    schema,
    structFrame,
    structIsHead,
    structIsTail,
    frameFirst,
    frameSize: config.frames.map((f) => f.subpages),
    isThp: config.frames.map((f) => f.kind === 'thp'),
    isKmem: config.frames.map((f) => f.kind === 'kmem'),
    parent,
    ancestors,
    children,
    scheme: schema.scheme ?? 'new',
  };
}
