/**
 * The entry of a parallel explorer's worker thread (checker/parallel.ts spawns this file, see
 * checker/parallel-handle.ts): it builds the spec from its WorkerSource and answers the main
 * thread's requests with its `Partition` (checker/partition.ts), one message at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CheckerError } from './errors.js';
import { type FromWorker, type ToWorker, WORKER_ROLE } from './parallel-protocol.js';
import { identity, loadSource } from './parallel-source.js';
import { type AnySpec, Partition } from './partition.js';

// Only as an explorer worker: this module is also loaded where parentPort belongs to someone else.
if (parentPort && (workerData as { role?: string } | undefined)?.role === WORKER_ROLE) {
  const port = parentPort;
  let part: Partition | undefined;
  let spec: AnySpec | undefined;
  port.on('message', async (m: ToWorker) => {
    try {
      let reply: FromWorker | undefined;
      switch (m.t) {
        case 'init':
          spec = await loadSource(m.source);
          part = new Partition(spec, m.index, m.workers, m.noSymmetry, new Int32Array(m.fence));
          reply = {
            t: 'ready',
            name: spec.name,
            stateBytes: spec.codec!.bytes,
            identity: identity(spec),
          };
          break;
        case 'initial':
          reply = part!.initial(m.witnessesLeft);
          break;
        case 'expand':
          reply = part!.expand(
            m.g0,
            m.g1,
            new Int32Array(m.abort),
            m.tables,
            new Uint8Array(m.where.owner),
            new Int32Array(m.where.local),
          );
          break;
        case 'insert':
          reply = part!.insert(m.inboxes, m.store, m.witnessesLeft);
          break;
        case 'number':
          reply = part!.number(
            m.keyLists,
            m.base,
            m.parent,
            m.via,
            m.overflowGid,
            new Uint8Array(m.where.owner),
            new Int32Array(m.where.local),
          );
          break;
        case 'recount':
          reply = part!.recount(m.g0, m.pg, m.a);
          break;
        case 'rows':
          reply = part!.rows(m.gids);
          break;
        case 'dump':
          reply = part!.dump(m.below);
          break;
        case 'load':
          reply = part!.load(
            m.states,
            m.count,
            m.frontierStart,
            new Uint8Array(m.where.owner),
            new Int32Array(m.where.local),
          );
          break;
        case 'stop':
          process.exit(0);
      }
      if (reply) port.postMessage(reply);
    } catch (e) {
      // A spec's exception is a CheckerError already (checker/expand.ts, claims.ts); a failure to
      // build the spec is E_WORKER; anything else is the explorer's own bug and stays a plain
      // Error, as it is at one worker.
      const err =
        m.t === 'init' && !(e instanceof CheckerError)
          ? new CheckerError(
              'E_WORKER',
              `worker source ${m.source.module} (${m.source.exportName}) failed: ${e instanceof Error ? e.message : String(e)}`,
            )
          : e;
      port.postMessage(
        err instanceof CheckerError
          ? {
              t: 'error',
              code: err.code,
              message: err.detail,
              ...(err.stateId !== undefined ? { stateId: err.stateId } : {}),
              ...(err.where !== undefined ? { where: err.where } : {}),
            }
          : { t: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) },
      );
    }
  });
}
