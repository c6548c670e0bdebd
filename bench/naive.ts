/**
 * The baseline the checker is measured against: the explorer one writes first. Plain BFS over the
 * reference path (`spec.next`, a fresh object per successor), visited states keyed by
 * `JSON.stringify` in a Set, parent links (child key -> parent key) in a Map, invariants checked on
 * each new state like the checker does. No codec, no in-place apply, no typed arrays.
 */
import type { Spec } from '../checker/index.js';

export interface NaiveRun {
  readonly distinct: number;
  readonly transitions: number;
  readonly depth: number;
  readonly ms: number;
  /** The first invariant that failed, if any (exploration stops there). */
  readonly violated?: string;
  /** The structures that survive the run, returned so that the caller can weigh them. */
  readonly visited: Set<string>;
  readonly parent: Map<string, string | null>;
}

export function naiveBfs<S, A>(spec: Spec<S, A>): NaiveRun {
  const started = performance.now();
  const visited = new Set<string>();
  const parent = new Map<string, string | null>();
  let frontier: { s: S; key: string }[] = [];
  let violated: string | undefined;
  const firstFailing = (s: S): string | undefined => spec.invariants.find((inv) => !inv.holds(s))?.name;

  for (const s of spec.initial()) {
    const key = JSON.stringify(s);
    if (visited.has(key)) continue;
    visited.add(key);
    parent.set(key, null);
    frontier.push({ s, key });
    violated ??= firstFailing(s);
  }
  let transitions = 0;
  let depth = 0;
  while (frontier.length > 0 && violated === undefined) {
    const next: { s: S; key: string }[] = [];
    for (const { s, key } of frontier) {
      for (const a of spec.actions(s)) {
        const t = spec.next(s, a);
        transitions++;
        const k = JSON.stringify(t);
        if (visited.has(k)) continue;
        visited.add(k);
        parent.set(k, key);
        next.push({ s: t, key: k });
        violated = firstFailing(t);
        if (violated !== undefined) break;
      }
      if (violated !== undefined) break;
    }
    if (next.length > 0) depth++;
    frontier = next;
  }
  const ms = performance.now() - started;
  return {
    distinct: visited.size,
    transitions,
    depth,
    ms,
    visited,
    parent,
    ...(violated !== undefined ? { violated } : {}),
  };
}
