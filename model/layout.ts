/** Static facts derived from the bounds (never part of the state), and the schema of the state. */
import type { Config } from './config.js';
import type { Schema } from './schema.js';

export interface Layout {
  readonly config: Config;
  /** The state's fields (model/state.ts, and the fields a path adds): what the codec, symmetry and claims read. */
  readonly schema: Schema;
  /** For each page struct: its frame, and whether it is a THP head or tail. */
  readonly structFrame: readonly number[];
  readonly structIsHead: readonly boolean[];
  readonly structIsTail: readonly boolean[];
  /** For each frame: its first page struct and count. */
  readonly frameFirst: readonly number[];
  readonly frameSize: readonly number[];
  readonly isThp: readonly boolean[];
  /** For each memcg: its parent index (-1 for root) and its ancestors (self first). */
  readonly parent: readonly number[];
  readonly ancestors: readonly (readonly number[])[];
  readonly children: readonly (readonly number[])[];
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
      structIsHead.push(f.kind === 'thp' && k === 0);
      structIsTail.push(f.kind === 'thp' && k > 0);
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
    parent,
    ancestors,
    children,
  };
}
