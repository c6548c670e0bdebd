/**
 * Parallel breadth-first exploration with worker_threads (docs/parallel.md).
 *
 * Each worker owns the states whose hash maps to it. A level is explored in rounds over ranges of
 * its global ids: in phase A every worker expands a piece of the round with the one-worker
 * explorer's successor function (checker/expand.ts) and addresses each successor to its owner with
 * its discovery key (parent id, action index); in phase B every owner inserts what it received in
 * key order and checks the claims (checker/claims.ts). At the end of the level, phase C gives the
 * level's new states their global ids in key order: exactly the ids the one-worker explorer gives
 * them, since it discovers a level's states in that very order. So the parent links, the first
 * violation, the witnesses' first states, the counts and the shortest counterexample are the same
 * at any worker count. When a level holds a violation (or a state past maxStates), the one-worker
 * explorer would have stopped inside it: the figures are recounted up to that state's key.
 * Options, the clock and progress, checkpoint marks and resume are the one-worker explorer's too.
 */
import { checkpointCapacity, checkpointFits, writeCheckpoint } from './checkpoint.js';
import { CheckerError } from './errors.js';
import { Expander, located } from './expand.js';
import { FireCounts } from './kind.js';
import { idsTo } from './links.js';
import { interruptedLimit, settings } from './options.js';
import { finishLevel, Tally } from './parallel-level.js';
import { Pool } from './parallel-pool.js';
import type { InsertReport, WorkerSource } from './parallel-protocol.js';
import { identity } from './parallel-source.js';
import { PROGRESS_STRIDE, RunClock } from './progress.js';
import { type CheckRun, finishRun } from './result.js';
import { emptyMark, type Mark, Marks, resumeSnapshot, snapshotAt } from './resume.js';
import type { SharedParts } from './shared-table.js';
import type { CheckOptions, Spec } from './types.js';

export type { WorkerSource } from './parallel-protocol.js';

export interface ParallelOptions extends CheckOptions {
  /** Worker threads (at least 1). */
  readonly workers: number;
  /** How a worker builds the same spec. */
  readonly workerSource: WorkerSource;
  /** Frontier states per round (bounds the successor buffers). Default 65536. */
  readonly roundSize?: number;
}

export async function exploreParallel<S, A>(
  spec: Spec<S, A>,
  options: ParallelOptions,
): Promise<CheckRun<S, A>> {
  const started = performance.now();
  const W = options.workers;
  if (!Number.isInteger(W) || W < 1 || W > 256) {
    throw new CheckerError('E_BAD_OPTION', `workers must be a whole number from 1 to 256, got ${String(W)}`);
  }
  const roundSize = options.roundSize ?? 1 << 16;
  if (!Number.isInteger(roundSize) || roundSize < 1) {
    throw new CheckerError(
      'E_BAD_OPTION',
      `roundSize must be a whole number of states, got ${String(roundSize)}`,
    );
  }
  const { maxStates, maxDepth, timeoutMs, maxMemory, progressEveryMs, checkpointEveryMs } = settings(options);
  if (!spec.codec) {
    throw new CheckerError(
      'E_BAD_OPTION',
      `spec "${spec.name}" has no codec: parallel exploration needs the packed store`,
    );
  }
  const codec = spec.codec;
  const rowSize = Math.max(1, Math.ceil(codec.bytes / 4)) * 4;
  const x = new Expander(spec, options.noSymmetry === true, new Uint8Array(rowSize));
  const canonical = x.canonical;
  let resumed = resumeSnapshot(spec as Spec<unknown, unknown>, options.resume, canonical !== undefined);
  // The initial states, here first, as the one-worker explorer meets them: E_SPEC_NO_INITIAL, or
  // an exception from initial(), canonical or the codec, before any worker starts.
  if (!resumed || resumed.count === 0) x.initials(rowSize);
  const clock = new RunClock(started, resumed?.elapsedMs ?? 0, options.onProgress, progressEveryMs);
  const marks = new Marks(options.checkpoint, checkpointEveryMs, started);
  const signal = options.signal;
  const pool = new Pool(W, signal);
  const tally = new Tally(spec.witnesses?.length ?? 0, maxStates);
  try {
    const readies = await pool.all(
      (index) => ({
        t: 'init',
        index,
        workers: W,
        source: options.workerSource,
        noSymmetry: options.noSymmetry === true,
        fence: pool.fence,
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

    /** Each worker's store as its last report gave it: what phase A probes. */
    let tables: readonly SharedParts[] = [];
    let workerBytes = 0;
    let frontierStart = 0;
    let level = 0;
    const markNow = (): Mark => tally.mark(frontierStart, level, clock.elapsed(), spec.actionKinds);
    if (resumed && resumed.count > 0) {
      const r = resumed;
      const states = new SharedArrayBuffer(Math.max(4, r.count * codec.bytes));
      new Uint8Array(states).set(r.states.subarray(0, r.count * codec.bytes));
      resumed = undefined;
      pool.grow(r.count);
      const loaded = await pool.all(
        () => ({ t: 'load', states, count: r.count, frontierStart: r.frontierStart, where: pool.where() }),
        'loaded',
      );
      tables = loaded.map((l) => l.parts);
      new Int32Array(pool.parentSab).set(r.parent.subarray(0, r.count));
      new Uint16Array(pool.viaSab).set(r.via.subarray(0, r.count));
      r.initialSource.forEach((i, g) => {
        pool.initialSource[g] = i;
      });
      marks.resumed(tally.restore(r), options.resume!);
      frontierStart = r.frontierStart;
      level = r.level;
    } else {
      // Level 0: the initial states.
      const initialReports = await pool.all(
        () => ({ t: 'initial', witnessesLeft: tally.witnessesLeft() }),
        'inserted',
      );
      tables = initialReports.map((r) => r.parts);
      await finishLevel(pool, tally, initialReports, 0, undefined);
      // The first boundary; if a limit stopped the run already, a checkpoint of no state (as at one worker).
      if (options.checkpoint !== undefined)
        marks.mark = tally.limit ? emptyMark(tally.witnessFound.length, clock.priorMs) : markNow();
    }
    let frontierEnd = tally.count;

    const save = async (m: Mark) => {
      checkpointFits(options.checkpoint!, m.count, codec.bytes);
      const states = await pool.states(m.count, codec.bytes);
      const { parent, via } = pool.links();
      const head = snapshotAt(spec as Spec<unknown, unknown>, canonical !== undefined, m, pool.initialSource);
      writeCheckpoint(options.checkpoint!, { ...head, states, parent, via });
      marks.wrote(m);
    };

    let pastDepth = false;
    levels: while (!tally.stop && frontierStart < frontierEnd) {
      const storeNew = level + 1 <= maxDepth;
      const levelFired = new FireCounts();
      let levelTransitions = 0;
      let reports: readonly InsertReport[] = [];
      // A round of up to roundSize ids ends at the last progress point of the one-worker explorer
      // in it (a multiple of 256 ids), or at the level's end: as many rounds as without the cut,
      // but for the level's last round, cut only when short (then one more round, a cheap one).
      // So with roundSize 256 the reports are the one-worker explorer's, point for point.
      for (let g0 = frontierStart, g1 = 0; g0 < frontierEnd; g0 = g1) {
        if (signal?.aborted) {
          tally.limit = interruptedLimit(signal, clock.elapsed());
          break levels;
        }
        g1 = Math.min(frontierEnd, g0 + roundSize);
        const point = g1 - (g1 % PROGRESS_STRIDE);
        if (point > g0 && point < g1 && (g1 < frontierEnd || g1 - g0 <= PROGRESS_STRIDE)) g1 = point;
        const timer = Number.isFinite(timeoutMs)
          ? setTimeout(pool.stopRound, Math.max(0, timeoutMs - clock.sinceStart()))
          : undefined;
        // Worker w expands the w-th contiguous piece of the round, whoever owns its states.
        const piece = (w: number) => g0 + Math.floor(((g1 - g0) * w) / W);
        const expanded = await pool.all(
          (w) => ({
            t: 'expand',
            g0: piece(w),
            g1: piece(w + 1),
            abort: pool.abortSab,
            tables,
            where: pool.where(),
          }),
          'expanded',
        );
        if (timer) clearTimeout(timer);
        if (expanded.some((e) => e.aborted) || clock.sinceStart() > timeoutMs) {
          tally.limit = signal?.aborted
            ? interruptedLimit(signal, clock.elapsed())
            : { kind: 'timeout', value: timeoutMs };
          break levels;
        }
        for (const e of expanded) {
          levelTransitions += e.transitions;
          levelFired.add(e.fired);
        }
        reports = await pool.all(
          (d) => ({
            t: 'insert',
            inboxes: expanded.map((e) => e.outboxes[d]),
            store: storeNew,
            witnessesLeft: tally.witnessesLeft(),
          }),
          'inserted',
        );
        tables = reports.map((r) => r.parts);
        if (reports.some((r) => r.pastDepth)) pastDepth = true;
        workerBytes = reports.reduce((n, r) => n + r.bytes, 0);
        const held = reports.reduce((n, r) => n + r.newInLevel, 0);
        // A run that checkpoints stops where a checkpoint would no longer hold its states.
        const pastCheckpoint =
          options.checkpoint !== undefined && tally.count + held > checkpointCapacity(codec.bytes);
        if (reports.some((r) => r.full) || workerBytes + pool.bytes() > maxMemory || pastCheckpoint) {
          tally.limit = { kind: 'memory', value: maxMemory };
          break levels;
        }
        // Keys of later rounds come after this round's: a violation or a state past maxStates
        // found here is the level's first, and the one-worker explorer stops inside this round.
        if (reports.some((r) => r.violation) || tally.count + held > maxStates) break;
        const now = performance.now();
        clock.progress(
          now,
          tally.count + held,
          tally.transitions + levelTransitions,
          frontierEnd - g1 + held,
          held > 0 ? level + 1 : tally.depth,
        );
      }
      await finishLevel(pool, tally, reports, level + 1, frontierStart);
      if (tally.stop) break;
      tally.transitions += levelTransitions;
      tally.fired.add(levelFired.take());
      frontierStart = frontierEnd;
      frontierEnd = tally.count;
      level++;
      if (options.checkpoint !== undefined && !pastDepth && marks.boundary(markNow()))
        await save(marks.mark!);
    }
    if (pastDepth && !tally.stop) tally.limit ??= { kind: 'maxDepth', value: maxDepth };
    const last = marks.final(tally.limit !== undefined, tally.stop?.kind === 'violation');
    if (last) await save(last);

    const links = pool.links();
    // Fetch the stored rows along every trace the result may need, before the workers go.
    const wanted = new Set<number>();
    const stop = tally.stop;
    if (stop?.kind === 'violation') for (const g of idsTo(links, stop.gid)) wanted.add(g);
    for (const g of tally.witnessFound) if (g >= 0) for (const id of idsTo(links, g)) wanted.add(id);
    const rows = await pool.rows([...wanted], codec.bytes);
    const enc = new Uint8Array(rowSize);
    const stored = {
      equals: (id: number, s: S): boolean => {
        const row = rows.get(id);
        if (!row) return false;
        codec.encode(s, enc, 0);
        for (let i = 0; i < codec.bytes; i++) if (enc[i] !== row[i]) return false;
        return true;
      },
    };
    const storeBytes = workerBytes + pool.bytes();
    return finishRun(spec, {
      figures: {
        distinct: tally.count,
        transitions: tally.transitions,
        depth: tally.depth,
        ms: clock.elapsed(),
        fired: tally.fired.record(spec.actionKinds),
        bytesPerState: Math.round((storeBytes / Math.max(1, tally.count)) * 10) / 10,
        storeBytes,
        store: 'packed',
      },
      witnessFound: tally.witnessFound,
      witnessDepth: tally.witnessDepth,
      violation:
        stop?.kind === 'violation'
          ? { id: stop.gid, property: stop.property!, message: stop.message! }
          : undefined,
      limit: tally.limit,
      links,
      stored,
      canonical,
    });
  } catch (e) {
    // A spec that threw in a worker: the state's id is global, so the links give its path.
    throw located(spec, e, pool.links(), canonical);
  } finally {
    await pool.close();
  }
}
