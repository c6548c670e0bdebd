/**
 * The reference explorer the checker's figures are pinned against: a plain breadth-first search
 * over a Set of JSON strings. It imports nothing from checker/ and is slow and simple on purpose,
 * so that agreeing with it means something. It is itself checked against hand counts in
 * `naive.test.ts`.
 *
 * Semantics it shares with the checker's contract (types.ts, bfs.ts header), written out here
 * independently: initial states in the order given, then states expanded first-in first-out, the
 * actions of a state in the order the model enumerates them; a state is examined when first
 * discovered, so with `stopAt` the search stops at the first matching state in discovery order.
 */

/** The part of a spec the reference needs (a checker `Spec` fits it). */
export interface NaiveModel<S, A> {
  initial(): readonly S[];
  actions(s: S): Iterable<A>;
  next(s: S, a: A): S;
}

export interface NaiveNode<S> {
  readonly state: S;
  /** Steps from an initial state (BFS distance). */
  readonly depth: number;
  /** Index of the node it was discovered from, or -1 for an initial state. */
  readonly parent: number;
  /** Index of the action among its parent's enabled actions, or of the state in `initial()`. */
  readonly via: number;
}

export interface NaiveResult<S> {
  /** Distinct states in discovery order. */
  readonly nodes: readonly NaiveNode<S>[];
  /** Successors computed (including those that led to known states). */
  readonly transitions: number;
  /** The largest depth of a stored node. */
  readonly depth: number;
  /** Index of the node `stopAt` matched, if it did. */
  readonly stoppedAt?: number;
  /** True when `maxDepth` left some new state unstored. */
  readonly cutByDepth: boolean;
}

export interface NaiveOptions<S> {
  /** Stop as soon as a newly discovered state matches. */
  readonly stopAt?: (s: S) => boolean;
  /** Do not store states deeper than this. */
  readonly maxDepth?: number;
}

/** A JSON serialisation with object keys sorted, so equal states give equal strings. */
export function stableKey(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableKey).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const fields = Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableKey(o[k])}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(v);
}

export function naiveBfs<S, A>(m: NaiveModel<S, A>, options: NaiveOptions<S> = {}): NaiveResult<S> {
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  const seen = new Set<string>();
  const nodes: NaiveNode<S>[] = [];
  let transitions = 0;
  let depth = 0;
  let cutByDepth = false;

  const discover = (state: S, d: number, parent: number, via: number): boolean => {
    const key = stableKey(state);
    if (seen.has(key)) return false;
    if (d > maxDepth) {
      cutByDepth = true;
      return false;
    }
    seen.add(key);
    nodes.push({ state, depth: d, parent, via });
    depth = Math.max(depth, d);
    return options.stopAt?.(state) ?? false;
  };
  const done = () => ({ nodes, transitions, depth, cutByDepth, stoppedAt: nodes.length - 1 });

  const inits = m.initial();
  for (let i = 0; i < inits.length; i++) {
    if (discover(inits[i], 0, -1, i)) return done();
  }
  for (let head = 0; head < nodes.length; head++) {
    const { state, depth: d } = nodes[head];
    let index = 0;
    for (const a of m.actions(state)) {
      transitions++;
      if (discover(m.next(state, a), d + 1, head, index)) return done();
      index++;
    }
  }
  return { nodes, transitions, depth, cutByDepth };
}

/** The path (initial index, then action indices) the reference took to node `i`. */
export function naivePath<S>(r: NaiveResult<S>, i: number): number[] {
  const path: number[] = [];
  for (let cur = i; cur >= 0; cur = r.nodes[cur].parent) path.push(r.nodes[cur].via);
  return path.reverse();
}

/** The BFS distance to the nearest state satisfying `p`, or undefined if none is reachable. */
export function nearest<S>(r: NaiveResult<S>, p: (s: S) => boolean): number | undefined {
  return r.nodes.find((n) => p(n.state))?.depth;
}
