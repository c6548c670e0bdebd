/**
 * Parent links: per stored id, its parent's id (-1 for an initial state) and the index of the
 * action that reached it, so that a path, and by re-execution a trace, leads back to an initial
 * state. `ParentLinks` is the one-worker explorer's growing copy; the parallel explorer keeps its
 * links in shared arrays (checker/parallel-pool.ts).
 */
import type { Snapshot } from './checkpoint.js';

const NO_PARENT = -1;
const START = 1 << 12;

/** Per stored id: its parent's id (-1 for an initial state) and the index of the action that reached it. */
export interface Links {
  readonly parent: Int32Array;
  readonly via: Uint16Array;
  /** Per initial state's id: its index among `spec.initial()`. */
  readonly initialSource: readonly number[];
}

/** The stored ids from the initial state to `id`, in order. */
export function idsTo(links: Links, id: number): number[] {
  const { parent } = links;
  const ids: number[] = [];
  for (let cur = id; cur !== NO_PARENT; cur = parent[cur]) ids.push(cur);
  return ids.reverse();
}

/** The path (initial index, then action indices) to stored state `id`. */
export function pathTo(links: Links, id: number): number[] {
  const { parent, via, initialSource } = links;
  const path: number[] = [];
  let cur = id;
  while (parent[cur] !== NO_PARENT) {
    path.push(via[cur]);
    cur = parent[cur];
  }
  path.push(initialSource[cur]);
  return path.reverse();
}

/** Links that grow with the store (by doubling), or restored from a checkpoint. */
export class ParentLinks implements Links {
  parent = new Int32Array(START);
  via = new Uint16Array(START);
  readonly initialSource: number[] = [];

  /** Room for ids below `n`. */
  ensure(n: number): void {
    if (n <= this.parent.length) return;
    const p = new Int32Array(this.parent.length * 2);
    p.set(this.parent);
    this.parent = p;
    const v = new Uint16Array(this.via.length * 2);
    v.set(this.via);
    this.via = v;
  }

  bytes(): number {
    return this.parent.byteLength + this.via.byteLength;
  }

  /** The links of a checkpoint's `r.count` states, with room to grow as if inserted one by one. */
  restore(r: Snapshot): void {
    let n = START;
    while (n < r.count) n *= 2;
    this.parent = new Int32Array(n);
    this.parent.set(r.parent.subarray(0, r.count));
    this.via = new Uint16Array(n);
    this.via.set(r.via.subarray(0, r.count));
    for (let i = 0; i < r.initialSource.length; i++) this.initialSource[i] = r.initialSource[i];
  }
}
