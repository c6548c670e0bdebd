/** An action's kind, for fire counts and coverage: `spec.kind`, else `a.kind` if it is a string, else the label. */
import type { Spec } from './types.js';

export function actionKindFn<S, A>(spec: Spec<S, A>): (a: A) => string {
  if (spec.kind) return spec.kind.bind(spec);
  return (a: A) => {
    if (a !== null && typeof a === 'object' && typeof (a as { kind?: unknown }).kind === 'string') {
      return (a as unknown as { kind: string }).kind;
    }
    return spec.label(a);
  };
}

/**
 * Fire counts in a fixed order, whatever order the explorer met the kinds in (one worker or many):
 * the spec's `actionKinds` order first, then any other kind alphabetically.
 */
export function orderedFired(
  counts: Iterable<readonly [string, number]>,
  actionKinds: readonly string[] | undefined,
): Record<string, number> {
  const rank = new Map((actionKinds ?? []).map((k, i) => [k, i]));
  const entries = [...counts].sort(([a], [b]) => {
    const ra = rank.get(a) ?? Number.POSITIVE_INFINITY;
    const rb = rank.get(b) ?? Number.POSITIVE_INFINITY;
    return ra !== rb ? ra - rb : a < b ? -1 : a > b ? 1 : 0;
  });
  return Object.fromEntries(entries);
}
