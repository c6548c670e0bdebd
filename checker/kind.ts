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

/**
 * Transitions fired per action kind, as both explorers count them. `count` is on the hot path:
 * consecutive actions often share a kind, so the counter is looked up only when the kind changes.
 */
export class FireCounts {
  private readonly cells = new Map<string, { n: number }>();
  private lastKind: string | undefined;
  private lastCell: { n: number } | undefined;

  count(kind: string): void {
    let cell = this.lastCell;
    if (kind !== this.lastKind || cell === undefined) {
      cell = this.cells.get(kind);
      if (cell === undefined) {
        cell = { n: 0 };
        this.cells.set(kind, cell);
      }
      this.lastKind = kind;
      this.lastCell = cell;
    }
    cell.n++;
  }

  /** Adds counts given as a record (a worker's, a checkpoint's). */
  add(counts: Readonly<Record<string, number>>): void {
    for (const [k, n] of Object.entries(counts)) {
      const cell = this.cells.get(k);
      if (cell) cell.n += n;
      else this.cells.set(k, { n });
    }
  }

  /** The counts in the fixed order of `orderedFired`. */
  record(actionKinds?: readonly string[]): Record<string, number> {
    return orderedFired(
      [...this.cells].map(([k, cell]) => [k, cell.n] as const),
      actionKinds,
    );
  }

  /** The counts so far (in a fixed order), and zero from now on. */
  take(): Record<string, number> {
    const out = this.record();
    this.cells.clear();
    this.lastKind = undefined;
    this.lastCell = undefined;
    return out;
  }
}
