/**
 * Parallel breadth-first exploration with worker_threads (docs/parallel.md).
 *
 * Each worker owns the states whose hash maps to it. A level is explored in rounds over ranges of
 * its global ids: in phase A every worker expands the frontier states it owns and addresses each
 * successor to its owner with its discovery key (parent id, action index); in phase B every owner
 * inserts what it received in key order. At the end of the level, phase C gives the level's new
 * states their global ids in key order: exactly the ids the one-worker explorer gives them, since
 * it discovers a level's states in that very order. So the parent links, the first violation, the
 * witnesses' first states, the counts and the shortest counterexample are the same at any worker
 * count. When a level holds a violation (or a state past maxStates), the one-worker explorer would
 * have stopped inside it: the figures are recounted up to that state's key, so they agree too.
 */
import { resolve } from 'node:path';
import { checkpointFits, writeCheckpoint } from './checkpoint.js';
import { CheckerError } from './errors.js';
import { orderedFired } from './kind.js';
import { defaultMemoryCeiling, interruptedLimit, validateOptions } from './options.js';
import { Handle, type Msg } from './parallel-handle.js';
import {
  ensureShared,
  type FromWorker,
  type InsertReport,
  type Key,
  keyBefore,
  type ToWorker,
  type WorkerSource,
} from './parallel-protocol.js';
import { identity } from './parallel-source.js';
import { locateThrow } from './rebuild.js';
import { type CheckRun, finishRun, idsTo, pathTo } from './result.js';
import { type Mark, readCheckpointFor, runFingerprint } from './resume.js';
import type { SharedParts } from './shared-table.js';
import type { CheckOptions, Limit, Spec } from './types.js';

export type { WorkerSource } from './parallel-protocol.js';

export interface ParallelOptions extends CheckOptions {
  /** Worker threads (at least 1). */
  readonly workers: number;
  /** How a worker builds the same spec. */
  readonly workerSource: WorkerSource;
  /** Frontier states per round (bounds the successor buffers). Default 65536. */
  readonly roundSize?: number;
}

/** `old`, or a larger shared buffer holding its bytes, of at least `bytes` bytes. */
function growShared(old: SharedArrayBuffer, bytes: number): SharedArrayBuffer {
  return ensureShared(old, Math.ceil(bytes / 4), old.byteLength / 4);
}

function addFired(into: Map<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [k, n] of Object.entries(from)) into.set(k, (into.get(k) ?? 0) + n);
}

interface Stop {
  readonly kind: 'violation' | 'maxStates';
  readonly key: Key;
  /** Global id of the violating state, or maxStates (the id the refused state would have had). */
  readonly gid: number;
  readonly property?: string;
  readonly message?: string;
}

export async function exploreParallel<S, A>(
  spec: Spec<S, A>,
  options: ParallelOptions,
): Promise<CheckRun<S, A>> {
  const W = options.workers;
  if (!Number.isInteger(W) || W < 1 || W > 256) {
    throw new CheckerError('E_BAD_OPTION', `workers must be a whole number from 1 to 256, got ${String(W)}`);
  }
  validateOptions(options);
  if (!spec.codec) {
    throw new CheckerError(
      'E_BAD_OPTION',
      `spec "${spec.name}" has no codec: parallel exploration needs the packed store`,
    );
  }
  const codec = spec.codec;
  const started = performance.now();
  const maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
  const maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
  const timeoutMs = options.timeoutMs ?? Number.POSITIVE_INFINITY;
  const maxMemory = options.maxMemoryBytes ?? defaultMemoryCeiling();
  const roundSize = options.roundSize ?? 1 << 16;
  const progressEvery = options.progressEveryMs ?? 1000;
  const canonical = !options.noSymmetry && spec.canonical ? spec.canonical.bind(spec) : undefined;
  const witnessDefs = spec.witnesses ?? [];
  const checkpointEvery = options.checkpointEveryMs ?? 60_000;
  const fingerprint = runFingerprint(spec.fingerprint, codec.bytes, canonical !== undefined);
  let resumed =
    options.resume !== undefined
      ? readCheckpointFor(options.resume, {
          spec: spec.name,
          fingerprint,
          stateBytes: codec.bytes,
          witnesses: witnessDefs.length,
        })
      : undefined;
  const priorMs = resumed?.elapsedMs ?? 0;

  const handles = Array.from({ length: W }, (_, i) => new Handle(i));
  const fence = new SharedArrayBuffer(4);
  // Set by a timeout's timer or an abort of options.signal: the workers stop the round they expand.
  const abortSab = new SharedArrayBuffer(4);
  const abort = new Int32Array(abortSab);
  const signal = options.signal;
  const onAbort = () => Atomics.store(abort, 0, 1);
  signal?.addEventListener('abort', onAbort, { once: true });
  /** Each worker's store as its last report gave it: what phase A probes. */
  let tables: readonly SharedParts[] = [];
  // Every worker answers before a failure is thrown, and the failure thrown is the one at the lowest
  // state id: each worker expands a contiguous piece of ids in order, so that is the state the
  // one-worker explorer throws from (same error, same state, at any worker count).
  const all = async <T extends FromWorker['t']>(m: (i: number) => ToWorker, expect: T): Promise<Msg<T>[]> => {
    const settled = await Promise.allSettled(handles.map((h, i) => h.request(m(i), expect)));
    const failed = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failed.length > 0) {
      const at = (e: unknown) =>
        e instanceof CheckerError && e.stateId !== undefined ? e.stateId : Number.POSITIVE_INFINITY;
      throw failed.reduce((best, e) => (at(e) < at(best) ? e : best));
    }
    return settled.map((r) => (r as PromiseFulfilledResult<Msg<T>>).value);
  };
  // Set once the parent links exist: a path to the state a spec threw from (see the catch below).
  let locate: ((err: CheckerError) => CheckerError) | undefined;
  try {
    const readies = await all(
      (index) => ({
        t: 'init',
        index,
        workers: W,
        source: options.workerSource,
        noSymmetry: options.noSymmetry === true,
        fence,
      }),
      'ready',
    );
    const mine = identity(spec as Spec<unknown, unknown>);
    for (const r of readies) {
      if (r.identity !== mine) {
        throw new CheckerError(
          'E_WORKER',
          `the worker source built spec "${r.name}" (${r.stateBytes} bytes per state), which differs from "${spec.name}" (${codec.bytes}) in its claims, action kinds or initial states: workerSource must build the same spec`,
        );
      }
    }

    let parentSab = new SharedArrayBuffer(1 << 14);
    let viaSab = new SharedArrayBuffer(1 << 13);
    // Where each state lives (owner, row), by global id: phase A reads any frontier state.
    let whereOwner = new SharedArrayBuffer(1 << 12);
    let whereLocal = new SharedArrayBuffer(1 << 14);
    const where = () => ({ owner: whereOwner, local: whereLocal });
    const mainBytes = (): number =>
      parentSab.byteLength + viaSab.byteLength + whereOwner.byteLength + whereLocal.byteLength;
    const growMain = (n: number) => {
      parentSab = growShared(parentSab, n * 4);
      viaSab = growShared(viaSab, n * 2);
      whereOwner = growShared(whereOwner, n);
      whereLocal = growShared(whereLocal, n * 4);
    };
    const initialSource: number[] = [];
    locate = (err) =>
      locateThrow(
        spec,
        err,
        pathTo(
          { parent: new Int32Array(parentSab), via: new Uint16Array(viaSab), initialSource },
          err.stateId!,
        ),
        canonical,
      );
    const witnessFound: number[] = witnessDefs.map(() => -1);
    const witnessDepth: number[] = witnessDefs.map(() => -1);
    const firedDone = new Map<string, number>();
    let transitionsDone = 0;
    let count = 0;
    let depth = 0;
    let limit: Limit | undefined;
    let stop: Stop | undefined;
    let workerBytes = 0;

    /** Phase C and the bookkeeping of a finished level; `frontierStart` is undefined at level 0. */
    const finishLevel = async (
      reports: readonly InsertReport[],
      newDepth: number,
      frontierStart: number | undefined,
    ): Promise<void> => {
      const newTotal = reports.reduce((n, r) => n + r.newInLevel, 0);
      growMain(count + newTotal);
      const overflowGid = count + newTotal > maxStates ? maxStates : -1;
      const numbered = await all(
        () => ({
          t: 'number',
          keyLists: reports.map((r) => r.keys),
          base: count,
          parent: parentSab,
          via: viaSab,
          overflowGid,
          where: where(),
        }),
        'numbered',
      );
      for (const n of numbered) for (const [g, i] of n.initials) initialSource[g] = i;
      // The first violation in key order, and its global id from its owner.
      let v: { key: Key; property: string; message: string; gid: number } | undefined;
      reports.forEach((r, w) => {
        if (r.violation && (!v || keyBefore(r.violation.key, v.key))) {
          const gid = numbered[w].gidOf.find(([code]) => code === 0)![2];
          v = { ...r.violation, gid };
        }
      });
      const overflowKey = numbered.find((n) => n.overflowKey)?.overflowKey ?? null;
      if (overflowKey && (!v || v.gid >= maxStates)) {
        stop = { kind: 'maxStates', key: overflowKey, gid: maxStates };
      } else if (v) {
        stop = { kind: 'violation', key: v.key, gid: v.gid, property: v.property, message: v.message };
      }
      // Witnesses: the first satisfying state of the level (smallest global id), if the one-worker
      // explorer would have stored and examined it before stopping.
      const bound = stop ? (stop.kind === 'violation' ? stop.gid : stop.gid - 1) : Number.POSITIVE_INFINITY;
      witnessDefs.forEach((_, i) => {
        if (witnessFound[i] >= 0) return;
        let best = -1;
        for (const n of numbered) {
          for (const [code, which, g] of n.gidOf) {
            if (code === 1 && which === i && (best < 0 || g < best)) best = g;
          }
        }
        if (best >= 0 && best <= bound) {
          witnessFound[i] = best;
          witnessDepth[i] = newDepth;
        }
      });
      if (!stop) {
        count += newTotal;
        if (newTotal > 0) depth = newDepth;
        return;
      }
      const stored = stop.kind === 'violation' ? stop.gid + 1 : maxStates;
      if (stored > count) depth = newDepth;
      count = stored;
      if (frontierStart !== undefined) {
        const [pg, a] = stop.key;
        const recounted = await all(() => ({ t: 'recount', g0: frontierStart, pg, a }), 'recounted');
        for (const r of recounted) {
          transitionsDone += r.transitions;
          addFired(firedDone, r.fired);
        }
      }
      if (stop.kind === 'maxStates') limit = { kind: 'maxStates', value: maxStates };
    };

    const witnessesLeft = () => witnessFound.map((g) => g < 0);
    let frontierStart = 0;
    let frontierEnd = 0;
    let level = 0;
    if (resumed && resumed.count > 0) {
      const r = resumed;
      const states = new SharedArrayBuffer(Math.max(4, r.count * codec.bytes));
      new Uint8Array(states).set(r.states.subarray(0, r.count * codec.bytes));
      resumed = undefined;
      growMain(r.count);
      const loaded = await all(
        () => ({ t: 'load', states, count: r.count, frontierStart: r.frontierStart, where: where() }),
        'loaded',
      );
      tables = loaded.map((l) => l.parts);
      new Int32Array(parentSab).set(r.parent.subarray(0, r.count));
      new Uint16Array(viaSab).set(r.via.subarray(0, r.count));
      r.initialSource.forEach((i, g) => {
        initialSource[g] = i;
      });
      addFired(firedDone, r.fired);
      r.witnessFound.forEach((g, i) => {
        witnessFound[i] = g;
        witnessDepth[i] = r.witnessDepth[i];
      });
      count = r.count;
      depth = r.depth;
      transitionsDone = r.transitions;
      frontierStart = r.frontierStart;
      level = r.level;
    } else {
      // Level 0: the initial states.
      const initialReports = await all(() => ({ t: 'initial', witnessesLeft: witnessesLeft() }), 'inserted');
      if (initialReports.every((r) => r.newInLevel === 0)) {
        throw new CheckerError('E_SPEC_NO_INITIAL', `spec "${spec.name}" has no initial state`);
      }
      tables = initialReports.map((r) => r.parts);
      await finishLevel(initialReports, 0, undefined);
    }
    frontierEnd = count;

    // Checkpoints: `mark` is the last level boundary reached before any limit, `written` the one
    // the file holds; a run a limit stops writes `mark`, never a half-explored level.
    let mark: Mark | undefined;
    let written: Mark | undefined;
    let lastWrite = performance.now();
    const markNow = (): Mark => ({
      count,
      frontierStart,
      level,
      depth,
      transitions: transitionsDone,
      fired: orderedFired(firedDone, spec.actionKinds),
      witnessFound: [...witnessFound],
      witnessDepth: [...witnessDepth],
      elapsedMs: priorMs + performance.now() - started,
    });
    const save = async (m: Mark) => {
      checkpointFits(options.checkpoint!, m.count, codec.bytes);
      const states = new Uint8Array(m.count * codec.bytes);
      const dumps = await all(() => ({ t: 'dump', below: m.count }), 'dump');
      for (const d of dumps) {
        d.gids.forEach((g, i) => {
          states.set(d.rows.subarray(i * codec.bytes, (i + 1) * codec.bytes), g * codec.bytes);
        });
      }
      writeCheckpoint(options.checkpoint!, {
        format: 1,
        spec: spec.name,
        fingerprint,
        stateBytes: codec.bytes,
        ...m,
        initialSource: initialSource.slice(0, m.count),
        states,
        parent: new Int32Array(parentSab),
        via: new Uint16Array(viaSab),
      });
      written = m;
      lastWrite = performance.now();
    };
    if (options.checkpoint !== undefined && !stop && !limit) {
      mark = markNow();
      if (options.resume !== undefined && resolve(options.checkpoint) === resolve(options.resume))
        written = mark;
    }

    let lastReport = started;
    let pastDepth = false;
    levels: while (!stop && frontierStart < frontierEnd) {
      const storeNew = level + 1 <= maxDepth;
      const levelFired = new Map<string, number>();
      let levelTransitions = 0;
      let reports: readonly InsertReport[] = [];
      for (let g0 = frontierStart; g0 < frontierEnd; g0 += roundSize) {
        if (signal?.aborted) {
          limit = interruptedLimit(signal, priorMs + performance.now() - started);
          break levels;
        }
        const g1 = Math.min(frontierEnd, g0 + roundSize);
        const left = timeoutMs - (performance.now() - started);
        const timer = Number.isFinite(timeoutMs)
          ? setTimeout(() => Atomics.store(abort, 0, 1), Math.max(0, left))
          : undefined;
        // Worker w expands the w-th contiguous piece of the round, whoever owns its states.
        const piece = (w: number) => g0 + Math.floor(((g1 - g0) * w) / W);
        const expanded = await all(
          (w) => ({ t: 'expand', g0: piece(w), g1: piece(w + 1), abort: abortSab, tables, where: where() }),
          'expanded',
        );
        if (timer) clearTimeout(timer);
        if (expanded.some((e) => e.aborted) || performance.now() - started > timeoutMs) {
          limit = signal?.aborted
            ? interruptedLimit(signal, priorMs + performance.now() - started)
            : { kind: 'timeout', value: timeoutMs };
          break levels;
        }
        for (const e of expanded) {
          levelTransitions += e.transitions;
          addFired(levelFired, e.fired);
        }
        reports = await all(
          (d) => ({
            t: 'insert',
            inboxes: expanded.map((e) => e.outboxes[d]),
            store: storeNew,
            witnessesLeft: witnessesLeft(),
          }),
          'inserted',
        );
        tables = reports.map((r) => r.parts);
        if (reports.some((r) => r.pastDepth)) pastDepth = true;
        workerBytes = reports.reduce((n, r) => n + r.bytes, 0);
        const held = reports.reduce((n, r) => n + r.newInLevel, 0);
        if (reports.some((r) => r.full) || workerBytes + mainBytes() > maxMemory) {
          limit = { kind: 'memory', value: maxMemory };
          break levels;
        }
        const now = performance.now();
        if (options.onProgress && now - lastReport >= progressEvery) {
          lastReport = now;
          const ms = now - started;
          options.onProgress({
            distinct: count + held,
            transitions: transitionsDone + levelTransitions,
            queue: frontierEnd - g1 + held,
            depth: held > 0 ? level + 1 : depth,
            ms,
            statesPerSecond: Math.round(((count + held) / ms) * 1000),
          });
        }
        // Keys of later rounds come after this round's: a violation or a state past maxStates
        // found here is the level's first.
        if (reports.some((r) => r.violation) || count + held > maxStates) break;
      }
      await finishLevel(reports, level + 1, frontierStart);
      if (stop) break;
      transitionsDone += levelTransitions;
      for (const [k, n] of levelFired) firedDone.set(k, (firedDone.get(k) ?? 0) + n);
      frontierStart = frontierEnd;
      frontierEnd = count;
      level++;
      if (options.checkpoint !== undefined && !pastDepth) {
        mark = markNow();
        if (performance.now() - lastWrite >= checkpointEvery) await save(mark);
      }
    }
    if (pastDepth && !stop) limit ??= { kind: 'maxDepth', value: maxDepth };
    if (options.checkpoint !== undefined && limit && stop?.kind !== 'violation' && mark && mark !== written) {
      await save(mark);
    }

    const ms = priorMs + performance.now() - started;
    const links = { parent: new Int32Array(parentSab), via: new Uint16Array(viaSab), initialSource };
    // Fetch the stored rows along every trace the result may need, before the workers go.
    const wanted = new Set<number>();
    if (stop?.kind === 'violation') for (const g of idsTo(links, stop.gid)) wanted.add(g);
    for (const g of witnessFound) if (g >= 0) for (const x of idsTo(links, g)) wanted.add(x);
    const rows = new Map<number, Uint8Array>();
    if (wanted.size > 0) {
      const got = await all(() => ({ t: 'rows', gids: [...wanted] }), 'rows');
      for (const r of got) {
        r.gids.forEach((g, i) => {
          rows.set(g, r.rows.subarray(i * codec.bytes, (i + 1) * codec.bytes));
        });
      }
    }
    const enc = new Uint8Array(Math.max(4, Math.ceil(codec.bytes / 4) * 4));
    const stored = {
      equals: (id: number, s: S): boolean => {
        const row = rows.get(id);
        if (!row) return false;
        codec.encode(s, enc, 0);
        for (let i = 0; i < codec.bytes; i++) if (enc[i] !== row[i]) return false;
        return true;
      },
    };
    const storeBytes = workerBytes + mainBytes();
    return finishRun(spec, {
      figures: {
        distinct: count,
        transitions: transitionsDone,
        depth,
        ms,
        fired: orderedFired(firedDone, spec.actionKinds),
        bytesPerState: Math.round((storeBytes / Math.max(1, count)) * 10) / 10,
        storeBytes,
        store: 'packed',
      },
      witnessFound,
      witnessDepth,
      violation:
        stop?.kind === 'violation'
          ? { id: stop.gid, property: stop.property!, message: stop.message! }
          : undefined,
      limit,
      links,
      stored,
      canonical,
    });
  } catch (e) {
    // A spec that threw in a worker: the state's id is global, so the links give its path.
    if (e instanceof CheckerError && e.stateId !== undefined && locate) throw locate(e);
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(handles.map((h) => h.worker.terminate()));
  }
}
