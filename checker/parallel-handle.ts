/**
 * One worker thread of the parallel explorer (checker/parallel.ts), seen from the main thread:
 * spawning it on the worker entry (checker/parallel-worker.ts) and its single outstanding request,
 * answered by one message of the expected kind, or failed with a CheckerError.
 */
import { Worker } from 'node:worker_threads';
import { CheckerError } from './errors.js';
import { type FromWorker, type ToWorker, WORKER_ROLE } from './parallel-protocol.js';

export type Msg<T extends FromWorker['t']> = Extract<FromWorker, { t: T }>;

/** One worker thread and its single outstanding request. */
export class Handle {
  private pending: { resolve: (m: FromWorker) => void; reject: (e: Error) => void } | undefined;
  private failed: Error | undefined;
  readonly worker: Worker;

  constructor(readonly index: number) {
    this.worker = spawn();
    this.worker.on('message', (m: FromWorker) => {
      const p = this.pending;
      this.pending = undefined;
      if (!p) return;
      if (m.t === 'error') {
        if (m.code === undefined) {
          p.reject(new Error(`worker ${index}: ${m.message}`));
          return;
        }
        const err = new CheckerError(m.code, m.message);
        if (m.stateId !== undefined) err.stateId = m.stateId;
        if (m.where !== undefined) err.where = m.where;
        p.reject(err);
      } else p.resolve(m);
    });
    const fail = (e: Error) => {
      this.failed ??= e;
      const p = this.pending;
      this.pending = undefined;
      p?.reject(this.failed);
    };
    this.worker.on('error', (e) =>
      fail(
        new CheckerError('E_WORKER', `worker ${index} failed: ${e instanceof Error ? e.message : String(e)}`),
      ),
    );
    this.worker.on('exit', (code) =>
      fail(new CheckerError('E_WORKER', `worker ${index} exited (code ${code})`)),
    );
  }

  request<T extends FromWorker['t']>(m: ToWorker, expect: T): Promise<Msg<T>> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<FromWorker>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(m);
    }).then((r) => {
      if (r.t !== expect)
        throw new CheckerError('E_WORKER', `worker ${this.index} answered ${r.t}, expected ${expect}`);
      return r as Msg<T>;
    });
  }
}

/** The worker entry: the compiled .js beside this file, or (running from source) the .ts through tsx. */
function spawn(): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const url = new URL('./parallel-worker.ts', here).href;
    const boot = `import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(url)}, ${JSON.stringify(here)}))`;
    return new Worker(boot, { eval: true, workerData: { role: WORKER_ROLE } });
  }
  return new Worker(new URL('./parallel-worker.js', here), { workerData: { role: WORKER_ROLE } });
}
