/** How a worker of the parallel explorer builds its spec, and how the main thread checks it is the same one. */
import { pathToFileURL } from 'node:url';
import { CheckerError } from './errors.js';
import type { WorkerSource } from './parallel-protocol.js';
import type { Spec } from './types.js';

type AnySpec = Spec<unknown, unknown>;

/** Loads a worker source module; a `.ts` file goes through tsx. */
export async function loadSource(source: WorkerSource): Promise<AnySpec> {
  const url = /^file:/.test(source.module) ? source.module : pathToFileURL(source.module).href;
  let mod: Record<string, unknown>;
  if (/\.ts$/.test(url)) {
    const { tsImport } = await import('tsx/esm/api');
    mod = (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  } else {
    mod = (await import(url)) as Record<string, unknown>;
  }
  const exported = mod[source.exportName];
  if (typeof exported === 'function')
    return (await (exported as (arg: unknown) => unknown)(source.arg)) as AnySpec;
  if (exported !== null && typeof exported === 'object') return exported as AnySpec;
  throw new CheckerError(
    'E_BAD_OPTION',
    `worker source ${source.module} exports no spec or spec factory named ${source.exportName}`,
  );
}

/**
 * What must agree between the command's spec and a worker's: claims, action kinds and the initial
 * states' encodings. (Not `spec.fingerprint`: it hashes function sources, which differ when the
 * main thread and the worker load the same TypeScript through different transpilers.)
 */
export function identity(spec: AnySpec): string {
  const codec = spec.codec!;
  const enc = new Uint8Array(codec.bytes);
  const inits = spec.initial().map((s) => {
    codec.encode(s, enc, 0);
    return Array.from(enc).join(',');
  });
  return JSON.stringify([
    spec.name,
    codec.bytes,
    spec.invariants.map((i) => i.name),
    (spec.witnesses ?? []).map((w) => w.name),
    spec.actionKinds ?? [],
    inits,
  ]);
}
