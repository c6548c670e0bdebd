/**
 * The state graph a liveness check needs (checker/liveness.ts): every reachable state, breadth
 * first, without symmetry, and for each expanded state its out-edges (target id and the fairness
 * class of the action, in the order of the enabled actions, so an edge's index is its action's)
 * and the fairness classes enabled in it. The invariant explorer (checker/bfs.ts) keeps only
 * parent links; a cycle needs every edge.
 *
 * Symmetry is off: a fairness class names a process (a CPU, a memcg's work item), and a canonical
 * representative may rename it from one state to the next, so a cycle of representatives is not
 * a cycle of the spec with the same classes taken. Without symmetry the graph is the spec's own.
 *
 * Limits (states, depth, time, memory, an aborted signal) stop the search cleanly: the states
 * stored but not expanded are left out of every cycle (`expanded`), so a cycle found in a partial
 * graph is still a cycle of the spec, with exactly its enabled classes.
 */
import { CheckerError } from './errors.js';
import { Expander, located } from './expand.js';
import { heapNearlyFull, JsonStore } from './json-store.js';
import { ParentLinks } from './links.js';
import { interruptedLimit, settings } from './options.js';
import { RunClock } from './progress.js';
import { PackedStore, type StateStore } from './store.js';
import type { CheckOptions, Limit, Spec } from './types.js';

/**
 * What cut the graph: a limit of the options, or `range`: a successor's value does not fit the
 * spec's codec (a count that grows without bound: liveness checks no invariant that would stop it
 * first); such successors are dropped, as those past maxDepth are, and the search goes on. `value`
 * is the depth of the first one, `reason` the codec's message.
 */
export type GraphLimit = Limit | { readonly kind: 'range'; readonly value: number; readonly reason: string };

/** A weak or strong fairness class (TLA+'s WF and SF over the actions of that class). */
export interface FairClass {
  readonly name: string;
  readonly strong: boolean;
}

/** The fairness class of action `a` taken from `s`, or null: the action is not fair (an environment's choice). */
export type Fairness<S, A> = (s: S, a: A) => FairClass | null;

/** A layout codec's value out of range (checker/layout.ts): the graph is cut there, not the run. */
function outOfRange(e: unknown): boolean {
  return e instanceof CheckerError && e.code === 'E_CODEC_MISMATCH' && e.message.includes('layout codec:');
}

/** A growable Int32 column. */
class Column {
  data: Int32Array;
  length = 0;
  constructor(n = 1 << 12) {
    this.data = new Int32Array(n);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export interface LivenessGraph<S> {
  readonly store: StateStore<S>;
  readonly links: ParentLinks;
  /** States stored; those with id < `expanded` have their edges. */
  readonly count: number;
  readonly expanded: number;
  /** Edges of state u: [edgeStart[u], edgeStart[u + 1]); the k-th is enabled action k - edgeStart[u]. */
  readonly edgeStart: Int32Array;
  /** Target id, or -1 for a successor the limits did not store. */
  readonly edgeTo: Int32Array;
  /** Index into `classes`, or -1 for an action that is not fair. */
  readonly edgeClass: Int32Array;
  /** Classes enabled in state u: enabledClass[enabledStart[u] .. enabledStart[u + 1]). */
  readonly enabledStart: Int32Array;
  readonly enabledClass: Int32Array;
  readonly classes: readonly FairClass[];
  readonly depth: number;
  readonly transitions: number;
  readonly limit: GraphLimit | undefined;
  readonly ms: number;
}

/** Explores `spec` breadth first (no symmetry) and keeps every edge with its fairness class. */
export function buildGraph<S, A>(
  spec: Spec<S, A>,
  fairness: Fairness<S, A>,
  options: CheckOptions = {},
): LivenessGraph<S> {
  const step = graphSearch(spec, fairness, options, Number.POSITIVE_INFINITY).next();
  if (!step.done) throw new Error('unreachable: an unbounded slice never pauses');
  return step.value;
}

/** `buildGraph`, giving the event loop a turn every 50 ms (so that a signal handler can abort it). */
export async function buildGraphAsync<S, A>(
  spec: Spec<S, A>,
  fairness: Fairness<S, A>,
  options: CheckOptions = {},
): Promise<LivenessGraph<S>> {
  const search = graphSearch(spec, fairness, options, 50);
  for (let step = search.next(); ; step = search.next()) {
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

function* graphSearch<S, A>(
  spec: Spec<S, A>,
  fairness: Fairness<S, A>,
  options: CheckOptions,
  sliceMs: number,
): Generator<void, LivenessGraph<S>, void> {
  const started = performance.now();
  const { maxStates, maxDepth, timeoutMs, maxMemory, progressEveryMs } = settings(options);
  const store: StateStore<S> =
    spec.codec && !options.forceJsonStore ? new PackedStore(spec.codec) : new JsonStore<S>();
  const packed = store instanceof PackedStore ? store : undefined;
  const x = new Expander(spec, true, packed?.scratch);
  const clock = new RunClock(started, 0, options.onProgress, progressEveryMs);
  const links = new ParentLinks();
  const levelDepth = new Column();
  const edgeStart = new Column();
  const edgeTo = new Column();
  const edgeClass = new Column();
  const enabledStart = new Column();
  const enabledClass = new Column();
  const classes: FairClass[] = [];
  const classIds = new Map<string, number>();
  const classOf = (c: FairClass | null): number => {
    if (c === null) return -1;
    let id = classIds.get(c.name);
    if (id === undefined) {
      id = classes.length;
      classIds.set(c.name, id);
      classes.push(c);
    } else if (classes[id].strong !== c.strong) {
      throw new CheckerError('E_SPEC_THROWS', `fairness class "${c.name}" is given as both weak and strong`);
    }
    return id;
  };
  let depth = 0;
  let limit: GraphLimit | undefined;
  // A full column doubles on its next push, with the old and the new array alive during the copy.
  const grown = (c: Column) => (c.length === c.data.length ? 3 : 1) * c.data.length;
  const columnsBytes = () =>
    4 *
    (grown(edgeTo) +
      grown(edgeClass) +
      grown(enabledClass) +
      grown(edgeStart) +
      grown(enabledStart) +
      grown(levelDepth));

  /** The id of successor `t` (stored now if new and the limits allow), or -1 when it is not stored. */
  const visit = (t: S | null, from: number, actionIndex: number, d: number): number => {
    const known = packed ? packed.findEncoded() : store.find(t as S);
    if (known >= 0) return known;
    if (d > maxDepth) {
      limit ??= { kind: 'maxDepth', value: maxDepth };
      return -1;
    }
    if (store.count >= maxStates) {
      limit ??= { kind: 'maxStates', value: maxStates };
      return -1;
    }
    const growth = store.growthBytes() + (store.count === links.parent.length ? links.bytes() * 2 : 0);
    if (
      store.bytes() + links.bytes() + columnsBytes() + growth > maxMemory ||
      (!packed && heapNearlyFull())
    ) {
      limit ??= { kind: 'memory', value: maxMemory };
      return -1;
    }
    if (growth > 0 && packed) packed.findEncoded();
    const id = store.insert(t as S);
    links.ensure(id + 1);
    links.parent[id] = from;
    links.via[id] = actionIndex;
    levelDepth.push(d);
    if (d > depth) depth = d;
    return id;
  };

  const rowSize = packed ? packed.rowSize : 0;
  const { states, rows } = x.initials(rowSize);
  for (let i = 0; i < states.length; i++) {
    if (packed) packed.scratch.set(rows.subarray(i * rowSize, (i + 1) * rowSize));
    const id = visit(states[i], -1, 0, 0);
    if (id >= 0 && links.initialSource[id] === undefined) links.initialSource[id] = i;
  }
  let head = 0;
  const stopped = () => limit !== undefined && limit.kind !== 'maxDepth' && limit.kind !== 'range';
  let sliceEnd = performance.now() + sliceMs;
  while (head < store.count && !stopped()) {
    try {
      head = expandSome();
    } catch (e) {
      throw located(spec, e, links, undefined);
    }
    if (head < store.count && !stopped() && performance.now() >= sliceEnd) {
      yield;
      sliceEnd = performance.now() + sliceMs;
    }
  }
  /** Expands states until a limit, the end, or 256 states; returns the next head. */
  function expandSome(): number {
    const stop = head + 256;
    while (head < store.count && !stopped() && head < stop) {
      if ((head & 255) === 0) {
        const now = performance.now();
        if (now - started > timeoutMs) {
          limit = { kind: 'timeout', value: timeoutMs };
          break;
        }
        if (options.signal?.aborted) {
          limit = interruptedLimit(options.signal, clock.elapsed());
          break;
        }
        clock.progress(now, store.count, x.transitions, store.count - head, depth);
      }
      const id = head;
      const n = packed
        ? x.beginRow(id, packed.chunk(id), packed.rowAt(id))
        : x.beginState(id, store.load(id));
      const d = levelDepth.data[id] + 1;
      const s = x.current();
      edgeStart.push(edgeTo.length);
      enabledStart.push(enabledClass.length);
      const first = enabledClass.length;
      const cls: number[] = [];
      for (let i = 0; i < n; i++) cls.push(classOf(fairness(s, x.action(i))));
      for (let i = 0; i < n; i++) {
        const c = cls[i];
        if (c < 0) continue;
        let seen = false;
        for (let k = first; k < enabledClass.length; k++) if (enabledClass.data[k] === c) seen = true;
        if (!seen) enabledClass.push(c);
      }
      for (let i = 0; i < n && !stopped(); i++) {
        let t: S | null;
        try {
          t = x.successor(i);
        } catch (e) {
          if (!outOfRange(e)) throw e;
          // As a successor past maxDepth: the edge is dropped (a missing edge only makes a set
          // less fair), the state stays expanded, and the search goes on.
          limit ??= { kind: 'range', value: d, reason: (e as Error).message };
          edgeTo.push(-1);
          edgeClass.push(cls[i]);
          continue;
        }
        edgeTo.push(visit(t, id, i, d));
        edgeClass.push(cls[i]);
      }
      head++;
      // A state whose successors a hard limit dropped is not expanded: it stays out of every cycle.
      if (stopped()) {
        head--;
        edgeTo.length = edgeStart.data[id];
        edgeClass.length = edgeTo.length;
        enabledClass.length = first;
        edgeStart.length--;
        enabledStart.length--;
      }
    }
    return head;
  }
  edgeStart.push(edgeTo.length);
  enabledStart.push(enabledClass.length);
  return {
    store,
    links,
    count: store.count,
    expanded: head,
    edgeStart: edgeStart.view(),
    edgeTo: edgeTo.view(),
    edgeClass: edgeClass.view(),
    enabledStart: enabledStart.view(),
    enabledClass: enabledClass.view(),
    classes,
    depth,
    transitions: edgeTo.length,
    limit,
    ms: performance.now() - started,
  };
}
