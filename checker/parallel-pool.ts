/**
 * The worker threads of one parallel run, seen from the main thread (checker/parallel.ts): one
 * request to all of them at a time (`all`), the shared flag that stops a round, and the shared
 * arrays every worker writes in phase C and reads in phase A: each state's parent link and action
 * index, and where it lives (owner, row), by global id.
 */
import { CheckerError } from './errors.js';
import type { Links } from './links.js';
import { Handle, type Msg } from './parallel-handle.js';
import { ensureShared, type FromWorker, type ToWorker, type Where } from './parallel-protocol.js';

/** `old`, or a larger shared buffer holding its bytes, of at least `bytes` bytes. */
function growShared(old: SharedArrayBuffer, bytes: number): SharedArrayBuffer {
  return ensureShared(old, Math.ceil(bytes / 4), old.byteLength / 4);
}

export class Pool {
  readonly handles: readonly Handle[];
  /** One Int32 the workers add to after phase B and read before phase A. */
  readonly fence = new SharedArrayBuffer(4);
  /** Set by a timeout's timer or an abort of the run's signal: the workers stop the round they expand. */
  readonly abortSab = new SharedArrayBuffer(4);
  private readonly abort = new Int32Array(this.abortSab);
  parentSab = new SharedArrayBuffer(1 << 14);
  viaSab = new SharedArrayBuffer(1 << 13);
  private whereOwner = new SharedArrayBuffer(1 << 12);
  private whereLocal = new SharedArrayBuffer(1 << 14);
  /** Per initial state's global id: its index among `spec.initial()`. */
  readonly initialSource: number[] = [];

  constructor(
    readonly size: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.handles = Array.from({ length: size }, (_, i) => new Handle(i));
    signal?.addEventListener('abort', this.stopRound, { once: true });
  }

  /** Stops the round the workers expand (they answer `aborted`). */
  readonly stopRound = (): void => {
    Atomics.store(this.abort, 0, 1);
  };

  /**
   * Asks every worker and waits for every answer. If some fail, throws the failure at the lowest
   * state id: each worker expands a contiguous piece of ids in order, so that is the state the
   * one-worker explorer throws from (same error, same state, at any worker count).
   */
  async all<T extends FromWorker['t']>(m: (i: number) => ToWorker, expect: T): Promise<Msg<T>[]> {
    const settled = await Promise.allSettled(this.handles.map((h, i) => h.request(m(i), expect)));
    const failed = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failed.length > 0) {
      const at = (e: unknown) =>
        e instanceof CheckerError && e.stateId !== undefined ? e.stateId : Number.POSITIVE_INFINITY;
      throw failed.reduce((best, e) => (at(e) < at(best) ? e : best));
    }
    return settled.map((r) => (r as PromiseFulfilledResult<Msg<T>>).value);
  }

  where(): Where {
    return { owner: this.whereOwner, local: this.whereLocal };
  }

  /** Room for `n` states in the shared arrays. */
  grow(n: number): void {
    this.parentSab = growShared(this.parentSab, n * 4);
    this.viaSab = growShared(this.viaSab, n * 2);
    this.whereOwner = growShared(this.whereOwner, n);
    this.whereLocal = growShared(this.whereLocal, n * 4);
  }

  /** Bytes the shared arrays hold. */
  bytes(): number {
    return (
      this.parentSab.byteLength +
      this.viaSab.byteLength +
      this.whereOwner.byteLength +
      this.whereLocal.byteLength
    );
  }

  links(): Links {
    return {
      parent: new Int32Array(this.parentSab),
      via: new Uint16Array(this.viaSab),
      initialSource: this.initialSource,
    };
  }

  /** The states with global ids below `count`, in id order, `bytes` each (a checkpoint's states section). */
  async states(count: number, bytes: number): Promise<Uint8Array> {
    const states = new Uint8Array(count * bytes);
    for (const d of await this.all(() => ({ t: 'dump', below: count }), 'dump')) {
      d.gids.forEach((g, i) => {
        states.set(d.rows.subarray(i * bytes, (i + 1) * bytes), g * bytes);
      });
    }
    return states;
  }

  /** The stored rows of these global ids. */
  async rows(gids: readonly number[], bytes: number): Promise<Map<number, Uint8Array>> {
    const rows = new Map<number, Uint8Array>();
    if (gids.length === 0) return rows;
    for (const r of await this.all(() => ({ t: 'rows', gids }), 'rows')) {
      r.gids.forEach((g, i) => {
        rows.set(g, r.rows.subarray(i * bytes, (i + 1) * bytes));
      });
    }
    return rows;
  }

  async close(): Promise<void> {
    this.signal?.removeEventListener('abort', this.stopRound);
    await Promise.all(this.handles.map((h) => h.worker.terminate()));
  }
}
