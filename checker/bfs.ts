/**
 * Exhaustive breadth-first exploration. States get dense ids in discovery order, so the BFS queue
 * is the id range itself and level boundaries give depths. Per state the explorer keeps the parent
 * id and the index of the action that reached it; the shortest trace is rebuilt by re-execution.
 * The first violating state found is at minimal depth, and among those the first in discovery
 * order: the result is deterministic.
 */
import { resolve } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { type Snapshot, writeCheckpointRows } from './checkpoint.js';
import { CheckerError, specThrew } from './errors.js';
import { JsonStore } from './json-store.js';
import { actionKindFn, orderedFired } from './kind.js';
import { defaultMemoryCeiling, interruptedLimit, validateOptions } from './options.js';
import { locateThrow } from './rebuild.js';
import { type CheckRun, finishRun, pathTo } from './result.js';
import { emptyMark, type Mark, readCheckpointFor, runFingerprint } from './resume.js';
import { PackedStore, type StateStore } from './store.js';
import type { CheckOptions, CheckResult, Invariant, Limit, Spec } from './types.js';

const NO_PARENT = -1;
const AUX_START = 1 << 12;
/** Milliseconds `exploreAsync` explores between two turns of the event loop. */
const SLICE_MS = 50;

export function check<S, A>(spec: Spec<S, A>, options: CheckOptions = {}): CheckResult<S, A> {
  return explore(spec, options).result;
}

export function explore<S, A>(spec: Spec<S, A>, options: CheckOptions = {}): CheckRun<S, A> {
  const step = exploration(spec, options, Number.POSITIVE_INFINITY).next();
  if (!step.done) throw new Error('unreachable: an unbounded slice never pauses');
  return step.value;
}

/**
 * `explore`, giving the event loop a turn about every 50 ms: timers and signal handlers run
 * meanwhile, so `options.signal` may be aborted from outside. The same search, the same result.
 */
export async function exploreAsync<S, A>(
  spec: Spec<S, A>,
  options: CheckOptions = {},
): Promise<CheckRun<S, A>> {
  const run = exploration(spec, options, SLICE_MS);
  for (let step = run.next(); ; step = run.next()) {
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The search; it pauses (yields) every `sliceMs` milliseconds of exploring, and returns the run. */
function* exploration<S, A>(
  spec: Spec<S, A>,
  options: CheckOptions,
  sliceMs: number,
): Generator<void, CheckRun<S, A>, void> {
  validateOptions(options);
  const started = performance.now();
  const maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  const timeoutMs = options.timeoutMs ?? Number.POSITIVE_INFINITY;
  const maxMemory = options.maxMemoryBytes ?? defaultMemoryCeiling();
  const progressEvery = options.progressEveryMs ?? 1000;
  const canonical = !options.noSymmetry && spec.canonical ? spec.canonical.bind(spec) : undefined;
  const store: StateStore<S> =
    spec.codec && !options.forceJsonStore ? new PackedStore(spec.codec) : new JsonStore<S>();
  const fast = store.kind === 'packed' && spec.apply !== undefined && store.loadInto !== undefined;
  const packed = store instanceof PackedStore ? store : undefined;
  // Fastest path: the canonical encoding is written straight into the store's probe buffer.
  const canonicalBytes =
    fast && canonical && spec.canonicalBytes && packed ? spec.canonicalBytes.bind(spec) : undefined;
  const kindOf = actionKindFn(spec);
  const checkpointPath = options.checkpoint;
  if ((checkpointPath !== undefined || options.resume !== undefined) && !packed) {
    throw new CheckerError(
      'E_BAD_OPTION',
      `checkpoint and resume need the packed store; spec "${spec.name}" ${spec.codec ? 'runs with forceJsonStore' : 'has no codec'}`,
    );
  }
  const fingerprint = packed
    ? runFingerprint(spec.fingerprint, spec.codec!.bytes, canonical !== undefined)
    : '';
  // Dropped once restored: the snapshot's arrays are copied into the store.
  let resumed =
    options.resume !== undefined
      ? readCheckpointFor(options.resume, {
          spec: spec.name,
          fingerprint,
          stateBytes: spec.codec!.bytes,
          witnesses: spec.witnesses?.length ?? 0,
        })
      : undefined;
  const priorMs = resumed?.elapsedMs ?? 0;

  let parent = new Int32Array(AUX_START);
  let via = new Uint16Array(AUX_START);
  const initialSource: number[] = [];
  const kindCells = new Map<string, { n: number }>();
  const witnessFound: number[] = (spec.witnesses ?? []).map(() => -1);
  const witnessDepth: number[] = witnessFound.map(() => -1);
  let witnessesLeft = witnessFound.length;
  let transitions = 0;
  let depth = 0;
  let limit: Limit | undefined;
  let violation: { id: number; inv: Invariant<S>; message: string } | undefined;

  const ensureAux = (n: number) => {
    if (n <= parent.length) return;
    const p = new Int32Array(parent.length * 2);
    p.set(parent);
    parent = p;
    const v = new Uint16Array(via.length * 2);
    v.set(via);
    via = v;
  };
  const auxBytes = () => parent.byteLength + via.byteLength;

  // Checkpoints: `mark` is the last level boundary reached before any limit, `written` the mark the
  // checkpoint file holds. A run stopped mid-level writes `mark`, never the half-expanded level.
  let mark: Mark | undefined;
  let written: Mark | undefined;
  let lastWrite = started;
  const checkpointEvery = options.checkpointEveryMs ?? 60_000;
  // The loop's own counters (head, level, transitions) are passed in, never captured: a variable a
  // closure uses lives in a heap context, which would slow the hot loop.
  const markNow = (frontierStart: number, frontierLevel: number, transitionsNow: number): Mark => ({
    count: store.count,
    frontierStart,
    level: frontierLevel,
    depth,
    transitions: transitionsNow,
    fired: Object.fromEntries([...kindCells].map(([k, cell]) => [k, cell.n])),
    witnessFound: [...witnessFound],
    witnessDepth: [...witnessDepth],
    elapsedMs: priorMs + performance.now() - started,
  });
  const save = (m: Mark) => {
    let piece: Uint8Array | undefined;
    writeCheckpointRows(
      checkpointPath!,
      {
        format: 1,
        spec: spec.name,
        fingerprint,
        stateBytes: spec.codec!.bytes,
        ...m,
        initialSource: initialSource.slice(0, m.count),
        parent,
        via,
      },
      (first, n) => {
        piece = packed!.rowBytes(first, n, piece);
        return piece;
      },
    );
    written = m;
    lastWrite = performance.now();
  };

  /** A spec's exception, with a path to the state it threw from (concrete: it replays without symmetry). */
  const located = (err: CheckerError): CheckerError =>
    err.stateId === undefined
      ? err
      : locateThrow(spec, err, pathTo({ parent, via, initialSource }, err.stateId), canonical);

  /** Checks claims on a freshly stored state; returns true if exploration must stop. */
  const examine = (s: S, id: number, d: number): boolean => {
    if (witnessesLeft > 0) {
      const ws = spec.witnesses!;
      for (let i = 0; i < ws.length; i++) {
        if (witnessFound[i] < 0 && ws[i].holds(s)) {
          witnessFound[i] = id;
          witnessDepth[i] = d;
          witnessesLeft--;
        }
      }
    }
    for (const inv of spec.invariants) {
      if (!inv.holds(s)) {
        violation = { id, inv, message: inv.explain ? inv.explain(s) : `${inv.name} does not hold` };
        return true;
      }
    }
    return false;
  };

  /** Stores `s` if new; returns its id, -1 if known, or -2 if a limit stopped the run. */
  // With `s === null` the state's encoding is already in the packed store's scratch buffer.
  const probe = (s: S | null) => (s === null ? packed!.findEncoded() : store.find(s));
  const visit = (s: S | null, from: number, actionIndex: number, d: number): number => {
    if (probe(s) >= 0) return -1;
    if (d > maxDepth) {
      limit ??= { kind: 'maxDepth', value: maxDepth };
      return -1;
    }
    if (store.count >= maxStates) {
      limit = { kind: 'maxStates', value: maxStates };
      return -2;
    }
    const growth = store.growthBytes() + (store.count === parent.length ? auxBytes() * 2 : 0);
    if (store.bytes() + auxBytes() + growth > maxMemory || heapNearlyFull(store.kind)) {
      limit = { kind: 'memory', value: maxMemory };
      return -2;
    }
    // Re-probe after a possible resize; the JSON store has no table to resize (its growth is the entry).
    if (growth > 0 && store.kind === 'packed') probe(s);
    const id = store.insert(s as S);
    ensureAux(id + 1);
    parent[id] = from;
    via[id] = actionIndex;
    if (d > depth) depth = d;
    return id;
  };

  // Breadth-first expansion; the queue is the id range [head, store.count), the frontier level
  // [head, levelEnd) at depth `level`.
  let head = 0;
  let levelEnd = 0;
  let level = 0;
  /** Resumes from checkpoint `r`: its states get their ids back; returns the boundary it holds. */
  const restore = (r: Snapshot): Mark => {
    const repeated = packed!.importRows(r.states, r.count);
    if (repeated >= 0) {
      throw new CheckerError(
        'E_BAD_CHECKPOINT',
        `checkpoint ${options.resume} is corrupt: its state ${repeated} repeats an earlier one`,
      );
    }
    let aux = AUX_START;
    while (aux < r.count) aux *= 2;
    parent = new Int32Array(aux);
    parent.set(r.parent.subarray(0, r.count));
    via = new Uint16Array(aux);
    via.set(r.via.subarray(0, r.count));
    for (let i = 0; i < r.initialSource.length; i++) initialSource[i] = r.initialSource[i];
    for (const [k, n] of Object.entries(r.fired)) kindCells.set(k, { n });
    for (let i = 0; i < witnessFound.length; i++) {
      witnessFound[i] = r.witnessFound[i];
      witnessDepth[i] = r.witnessDepth[i];
      if (witnessFound[i] >= 0) witnessesLeft--;
    }
    depth = r.depth;
    return {
      count: r.count,
      frontierStart: r.frontierStart,
      level: r.level,
      depth: r.depth,
      transitions: r.transitions,
      fired: r.fired,
      witnessFound: r.witnessFound,
      witnessDepth: r.witnessDepth,
      elapsedMs: r.elapsedMs,
    };
  };
  if (resumed && resumed.count > 0) {
    mark = restore(resumed);
    resumed = undefined;
    transitions = mark.transitions;
    head = mark.frontierStart;
    levelEnd = mark.count;
    level = mark.level;
    if (checkpointPath !== undefined && resolve(checkpointPath) === resolve(options.resume!)) written = mark;
  } else {
    // Initial states.
    const inits = spec.initial();
    if (inits.length === 0)
      throw new CheckerError('E_SPEC_NO_INITIAL', `spec "${spec.name}" has no initial state`);
    for (let i = 0; i < inits.length && !violation && !limit; i++) {
      const s0 = canonical ? canonical(inits[i]) : inits[i];
      const id = visit(s0, NO_PARENT, 0, 0);
      if (id >= 0) {
        initialSource[id] = i;
        if (examine(s0, id, 0)) break;
      }
    }
    levelEnd = store.count;
    // The first boundary: every initial state stored, none expanded. If a limit stopped the run
    // before, the checkpoint holds no state, and a run resumed from it starts afresh.
    if (checkpointPath !== undefined)
      mark = limit ? emptyMark(witnessFound.length, priorMs) : markNow(0, 0, 0);
  }
  let lastReport = started;
  // Only once something is stored: slot 0 of an empty store holds no state to decode.
  const scratch: S | undefined = fast && store.count > 0 ? store.load(0) : undefined;
  const loadInto = fast ? store.loadInto! : undefined;
  const parentScratch: S | undefined = fast && store.count > 0 ? store.load(0) : undefined;
  const newScratch: S | undefined = fast && store.count > 0 ? store.load(0) : undefined;
  const apply = spec.apply;
  const signal = options.signal;
  // The loop's counters between two slices; `advance` works on its own copies (locals stay fast).
  const at = { head, levelEnd, level, transitions };
  /** Explores until time `until` (performance.now()) or the end; returns false if it paused. */
  const advance = (until: number): boolean => {
    let { head, levelEnd, level, transitions } = at;
    let lastKind: string | undefined;
    let lastCell: { n: number } | undefined;
    let paused = false;
    outer: while (
      head < store.count &&
      !violation &&
      limit?.kind !== 'maxStates' &&
      limit?.kind !== 'memory'
    ) {
      if (head === levelEnd) {
        level++;
        levelEnd = store.count;
        if (checkpointPath !== undefined && !limit) {
          mark = markNow(head, level, transitions);
          if (performance.now() - lastWrite >= checkpointEvery) save(mark);
        }
        // An abort is seen at every level boundary too: a small level may never reach the check below.
        if (signal?.aborted) {
          limit = interruptedLimit(signal, priorMs + performance.now() - started);
          break;
        }
      }
      const id = head++;
      // On the fast path the parent is decoded into a reusable object: guards only read it.
      let s: S;
      if (parentScratch) {
        loadInto!(id, parentScratch);
        s = parentScratch;
      } else s = store.load(id);
      let index = 0;
      let enabled: Iterable<A>;
      try {
        // Materialised here: a generator's guards run while it is iterated, and must be caught too.
        enabled = [...spec.actions(s)];
      } catch (e) {
        throw located(specThrew(spec, 'actions', id, undefined, e));
      }
      for (const a of enabled) {
        if (index > 0xffff) {
          throw new CheckerError('E_TOO_MANY_ACTIONS', `state ${id} has more than 65536 enabled actions`);
        }
        let t: S | null;
        try {
          if (canonicalBytes) {
            loadInto!(id, scratch!);
            apply!(scratch!, a);
            canonicalBytes(scratch!, packed!.scratch);
            t = null;
          } else if (fast) {
            loadInto!(id, scratch!);
            apply!(scratch!, a);
            t = scratch!;
            if (canonical) t = canonical(t);
          } else {
            t = spec.next(s, a);
            if (canonical) t = canonical(t);
          }
        } catch (e) {
          throw located(specThrew(spec, 'next', id, a, e));
        }
        transitions++;
        // Fire counts: consecutive actions often share a kind; look the counter up only on a change.
        const k = kindOf(a);
        if (k !== lastKind) {
          lastKind = k;
          lastCell = kindCells.get(k);
          if (lastCell === undefined) {
            lastCell = { n: 0 };
            kindCells.set(k, lastCell);
          }
        }
        lastCell!.n++;
        const nid = visit(t, id, index, level + 1);
        index++;
        if (nid === -2) break outer;
        if (nid >= 0) {
          let fresh = t;
          if (fresh === null) {
            loadInto!(nid, newScratch!);
            fresh = newScratch!;
          }
          if (examine(fresh, nid, level + 1)) break outer;
        }
      }
      if ((head & 255) === 0) {
        const now = performance.now();
        if (now - started > timeoutMs) {
          if (head < store.count) limit = { kind: 'timeout', value: timeoutMs };
          break;
        }
        if (options.onProgress && now - lastReport >= progressEvery) {
          lastReport = now;
          const ms = priorMs + now - started;
          options.onProgress({
            distinct: store.count,
            transitions,
            queue: store.count - head,
            depth,
            ms,
            statesPerSecond: Math.round((store.count / ms) * 1000),
          });
        }
        if (signal?.aborted) {
          if (head < store.count) limit = interruptedLimit(signal, priorMs + now - started);
          break;
        }
        if (now >= until) {
          paused = true;
          break;
        }
      }
    }
    at.head = head;
    at.levelEnd = levelEnd;
    at.level = level;
    at.transitions = transitions;
    return !paused;
  };
  while (!advance(performance.now() + sliceMs)) yield;
  ({ head, transitions } = at);
  if (!violation && !limit && head < store.count) limit = { kind: 'timeout', value: timeoutMs };
  if (checkpointPath !== undefined && limit && !violation && mark && mark !== written) save(mark);

  const ms = priorMs + performance.now() - started;
  const fired = orderedFired(
    [...kindCells].map(([k, cell]) => [k, cell.n] as const),
    spec.actionKinds,
  );
  const storeBytes = store.bytes() + auxBytes();
  return finishRun(spec, {
    figures: {
      distinct: store.count,
      transitions,
      depth,
      ms,
      fired,
      bytesPerState:
        store instanceof PackedStore
          ? Math.round((store.bytesPerState() + 6) * 10) / 10
          : Math.round(storeBytes / Math.max(1, store.count)),
      storeBytes,
      store: store.kind,
    },
    witnessFound,
    witnessDepth,
    violation: violation && { id: violation.id, property: violation.inv.name, message: violation.message },
    limit,
    links: { parent, via, initialSource },
    stored: store,
    canonical,
  });
}

let heapCheckCounter = 0;
/** The JSON store lives in the JS heap: stop before V8 runs out of it. */
function heapNearlyFull(kind: 'packed' | 'json'): boolean {
  if (kind !== 'json' || (++heapCheckCounter & 4095) !== 0) return false;
  const h = getHeapStatistics();
  return h.used_heap_size > h.heap_size_limit * 0.8;
}
