/**
 * After fast-check's shrinker, a second, cheaper reduction of a failing walk (delta debugging,
 * Zeller and Hildebrandt 2002, on whole steps): remove blocks of 4, 3, 2, then single steps, from
 * the end backwards, then pairs of steps apart, keeping a removal when the remaining actions, found again by their labels,
 * are still enabled in turn and the walk still violates an invariant (any: as fast-check keeps any
 * failure). Removing a step shifts the indices of the later choices, so the shrinker of the choice
 * list rarely removes a step in the middle; by label it can. Passes repeat until none removes a
 * step, or `stop()` says so.
 */
import type { Failure } from './claims.js';
import type { Walker, WalkOutcome } from './simulate-walk.js';

/** Steps removed at once, largest first. */
const BLOCKS = [4, 3, 2, 1] as const;

export function reduceWalk<S, A>(
  walker: Walker<S, A>,
  walk: WalkOutcome & { readonly failure: Failure },
  stop: () => boolean,
): { readonly outcome: WalkOutcome & { readonly failure: Failure }; readonly removed: number } {
  const i0 = walk.path[0];
  let best = walk;
  let labels = walker.labelsOf(walk.path);
  const before = labels.length;
  const attempt = (without: (k: number) => boolean): boolean => {
    const out = walker.walkLabels(
      i0,
      labels.filter((_, k) => !without(k)),
    );
    if (out?.failure === undefined) return false;
    best = { ...out, failure: out.failure };
    labels = walker.labelsOf(out.path);
    return true;
  };
  for (let changed = true; changed && !stop(); ) {
    changed = false;
    for (const size of BLOCKS) {
      for (let i = labels.length - size; i >= 0 && !stop(); i--) {
        if (!attempt((k) => k >= i && k < i + size)) continue;
        changed = true;
        i = Math.min(i, labels.length - size + 1);
      }
    }
    if (changed) continue;
    // Two steps apart (a step and the one it enables, on another CPU's path, say).
    for (let j = labels.length - 1; j > 0 && !changed && !stop(); j--) {
      for (let i = j - 2; i >= 0 && !changed && !stop(); i--) changed = attempt((k) => k === i || k === j);
    }
  }
  return { outcome: best, removed: before - labels.length };
}
