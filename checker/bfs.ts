/**
 * Exhaustive breadth-first exploration at one worker. States get dense ids in discovery order, so
 * the BFS queue is the id range itself and level boundaries give depths. Per state the explorer
 * keeps the parent id and the index of the action that reached it; the shortest trace is rebuilt
 * by re-execution. The first violating state found is at minimal depth, and among those the first
 * in discovery order: the result is deterministic.
 *
 * Expanding a state (successors, fire counts), the claims, the clock and the checkpoint marks are
 * the parallel explorer's own code too (checker/expand.ts, claims.ts, progress.ts, resume.ts):
 * this file only stores the states, in one table.
 */
import { checkpointCapacity, type Snapshot, writeCheckpointRows } from './checkpoint.js';
import { Claims } from './claims.js';
import { CheckerError } from './errors.js';
import { Expander, located } from './expand.js';
import { heapNearlyFull, JsonStore } from './json-store.js';
import { ParentLinks } from './links.js';
import { interruptedLimit, settings } from './options.js';
import { RunClock } from './progress.js';
import { type CheckRun, finishRun } from './result.js';
import { emptyMark, type Mark, Marks, resumeSnapshot, snapshotAt, snapshotMark } from './resume.js';
import { PackedStore, type StateStore } from './store.js';
import type { CheckOptions, CheckResult, Limit, Spec } from './types.js';

const NO_PARENT = -1;
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
  const started = performance.now();
  const { maxStates, maxDepth, timeoutMs, maxMemory, progressEveryMs, checkpointEveryMs } = settings(options);
  const store: StateStore<S> =
    spec.codec && !options.forceJsonStore ? new PackedStore(spec.codec) : new JsonStore<S>();
  const packed = store instanceof PackedStore ? store : undefined;
  const checkpointPath = options.checkpoint;
  const checkpointCap =
    checkpointPath !== undefined && spec.codec
      ? checkpointCapacity(spec.codec.bytes)
      : Number.POSITIVE_INFINITY;
  if ((checkpointPath !== undefined || options.resume !== undefined) && !packed) {
    throw new CheckerError(
      'E_BAD_OPTION',
      `checkpoint and resume need the packed store; spec "${spec.name}" ${spec.codec ? 'runs with forceJsonStore' : 'has no codec'}`,
    );
  }
  // Successors' encodings go straight into the store's probe buffer.
  const x = new Expander(spec, options.noSymmetry === true, packed?.scratch);
  const canonical = x.canonical;
  const claims = new Claims(spec);
  // Dropped once restored: the snapshot's arrays are copied into the store.
  let resumed = resumeSnapshot(spec as Spec<unknown, unknown>, options.resume, canonical !== undefined);
  const clock = new RunClock(started, resumed?.elapsedMs ?? 0, options.onProgress, progressEveryMs);
  const marks = new Marks(checkpointPath, checkpointEveryMs, started);

  const links = new ParentLinks();
  const witnessFound: number[] = Array.from({ length: claims.witnessCount }, () => -1);
  const witnessDepth: number[] = witnessFound.map(() => -1);
  let witnessesLeft = witnessFound.length;
  let depth = 0;
  let limit: Limit | undefined;
  let violation: { id: number; property: string; message: string } | undefined;

  // The loop's own counters (head, level) are passed in, never captured: a variable a closure uses
  // lives in a heap context, which would slow the hot loop.
  const markNow = (frontierStart: number, frontierLevel: number): Mark => ({
    count: store.count,
    frontierStart,
    level: frontierLevel,
    depth,
    transitions: x.transitions,
    fired: x.fired.record(spec.actionKinds),
    witnessFound: [...witnessFound],
    witnessDepth: [...witnessDepth],
    elapsedMs: clock.elapsed(),
  });
  const save = (m: Mark) => {
    let piece: Uint8Array | undefined;
    const head = snapshotAt(spec as Spec<unknown, unknown>, canonical !== undefined, m, links.initialSource);
    writeCheckpointRows(checkpointPath!, { ...head, parent: links.parent, via: links.via }, (first, n) => {
      piece = packed!.rowBytes(first, n, piece);
      return piece;
    });
    marks.wrote(m);
  };

  /** Checks claims on a freshly stored state; returns true if exploration must stop. */
  const examine = (s: S, id: number, d: number): boolean => {
    if (witnessesLeft > 0) witnessesLeft -= claims.reach(s, id, witnessFound, witnessDepth, d);
    const failed = claims.violated(s);
    if (failed === undefined) return false;
    violation = { id, property: failed.property, message: failed.message };
    return true;
  };

  /** Stores the state probed (`t`, or with a codec its encoding in the probe buffer) if new; returns its id, -1 if known, or -2 if a limit stopped the run. */
  const probe = (t: S | null) => (packed ? packed.findEncoded() : store.find(t as S));
  const visit = (t: S | null, from: number, actionIndex: number, d: number): number => {
    if (probe(t) >= 0) return -1;
    if (d > maxDepth) {
      limit ??= { kind: 'maxDepth', value: maxDepth };
      return -1;
    }
    if (store.count >= maxStates) {
      limit = { kind: 'maxStates', value: maxStates };
      return -2;
    }
    const growth = store.growthBytes() + (store.count === links.parent.length ? links.bytes() * 2 : 0);
    // A run that checkpoints also stops (as at the memory ceiling) where a checkpoint would no longer hold its states.
    const full = store.count >= checkpointCap || (!packed && heapNearlyFull());
    if (store.bytes() + links.bytes() + growth > maxMemory || full) {
      limit = { kind: 'memory', value: maxMemory };
      return -2;
    }
    // Re-probe after a possible resize; the JSON store has no table to resize (its growth is the entry).
    if (growth > 0 && packed) probe(t);
    const id = store.insert(t as S);
    links.ensure(id + 1);
    links.parent[id] = from;
    links.via[id] = actionIndex;
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
    links.restore(r);
    x.fired.add(r.fired);
    x.transitions = r.transitions;
    depth = r.depth;
    const m = snapshotMark(r, witnessFound, witnessDepth);
    witnessesLeft = witnessFound.filter((g) => g < 0).length;
    return m;
  };
  if (resumed && resumed.count > 0) {
    const m = restore(resumed);
    resumed = undefined;
    marks.resumed(m, options.resume!);
    head = m.frontierStart;
    levelEnd = m.count;
    level = m.level;
  } else {
    // Initial states, all canonicalised and encoded first (so a spec's throw there comes first).
    const rowSize = packed ? packed.rowSize : 0;
    const { states, rows } = x.initials(rowSize);
    for (let i = 0; i < states.length && !violation && !limit; i++) {
      if (packed) packed.scratch.set(rows.subarray(i * rowSize, (i + 1) * rowSize));
      const id = visit(states[i], NO_PARENT, 0, 0);
      if (id >= 0) {
        links.initialSource[id] = i;
        if (examine(states[i], id, 0)) break;
      }
    }
    levelEnd = store.count;
    // The first boundary: every initial state stored, none expanded. If a limit stopped the run
    // before, the checkpoint holds no state, and a run resumed from it starts afresh.
    if (checkpointPath !== undefined)
      marks.mark = limit ? emptyMark(witnessFound.length, clock.priorMs) : markNow(0, 0);
  }
  const signal = options.signal;
  // The loop's counters between two slices; `advance` works on its own copies (locals stay fast).
  const at = { head, levelEnd, level };
  /** Explores until time `until` (performance.now()) or the end; returns false if it paused. */
  const advance = (until: number): boolean => {
    let { head, levelEnd, level } = at;
    let paused = false;
    try {
      outer: while (
        head < store.count &&
        !violation &&
        limit?.kind !== 'maxStates' &&
        limit?.kind !== 'memory'
      ) {
        if (head === levelEnd) {
          // A level ends: a progress point, unless the check below just made one here.
          if ((head & 255) !== 0)
            clock.progress(performance.now(), store.count, x.transitions, store.count - head, depth);
          level++;
          levelEnd = store.count;
          if (checkpointPath !== undefined && !limit && marks.boundary(markNow(head, level)))
            save(marks.mark!);
          // An abort is seen at every level boundary too: a small level may never reach the check below.
          if (signal?.aborted) {
            limit = interruptedLimit(signal, clock.elapsed());
            break;
          }
        }
        const id = head++;
        const n = packed
          ? x.beginRow(id, packed.chunk(id), packed.rowAt(id))
          : x.beginState(id, store.load(id));
        for (let i = 0; i < n; i++) {
          const t = x.successor(i);
          const nid = visit(t, id, i, level + 1);
          if (nid === -2) break outer;
          // With canonicalBytes there is no successor object: the claims read the stored row.
          if (nid >= 0 && examine(t ?? x.stored(packed!.chunk(nid), packed!.rowAt(nid)), nid, level + 1))
            break outer;
        }
        // Every 256th id (PROGRESS_STRIDE in progress.ts): the clock, progress, an abort, a pause.
        if ((head & 255) === 0) {
          const now = performance.now();
          if (clock.sinceStart(now) > timeoutMs) {
            if (head < store.count) limit = { kind: 'timeout', value: timeoutMs };
            break;
          }
          clock.progress(now, store.count, x.transitions, store.count - head, depth);
          if (signal?.aborted) {
            if (head < store.count) limit = interruptedLimit(signal, clock.elapsed(now));
            break;
          }
          if (now >= until) {
            paused = true;
            break;
          }
        }
      }
    } catch (e) {
      throw located(spec, e, links, canonical);
    }
    at.head = head;
    at.levelEnd = levelEnd;
    at.level = level;
    return !paused;
  };
  while (!advance(performance.now() + sliceMs)) yield;
  head = at.head;
  if (!violation && !limit && head < store.count) limit = { kind: 'timeout', value: timeoutMs };
  // The last level ends with the run: its progress point, as at any level's end.
  if (!violation && (limit === undefined || limit.kind === 'maxDepth') && (head & 255) !== 0)
    clock.progress(performance.now(), store.count, x.transitions, 0, depth);
  const last = marks.final(limit !== undefined, violation !== undefined);
  if (last) save(last);

  const storeBytes = store.bytes() + links.bytes();
  return finishRun(spec, {
    figures: {
      distinct: store.count,
      transitions: x.transitions,
      depth,
      ms: clock.elapsed(),
      fired: x.fired.record(spec.actionKinds),
      bytesPerState: packed
        ? Math.round((packed.bytesPerState() + 6) * 10) / 10
        : Math.round(storeBytes / Math.max(1, store.count)),
      storeBytes,
      store: store.kind,
    },
    witnessFound,
    witnessDepth,
    violation,
    limit,
    links,
    stored: store,
    canonical,
  });
}
