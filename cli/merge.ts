/**
 * `memcg-check merge A.json B.json ...`: the `simulate --shard I/N --format json` results of one
 * simulation merged into the result of the unsharded run (checker/simulate-merge.ts): coverage
 * summed, the violation of the smallest run index, the exit code of the merged verdict (so a CI
 * job gates on it). Results of other models, seeds, runs, depth or swarm setting, a shard given
 * twice or a shard missing are refused, exit 2, saying which. The JSON needs no model; the text
 * report replays the violation's path in the model the results name (their `args`), as `replay`
 * does, to render it as `simulate` does.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CheckerError,
  mergeSimulations,
  parsePath,
  replayPath,
  type SimulationFigures,
  type SimulationViolation,
} from '../checker/index.js';
import type { MemcgAction } from '../model/machine.js';
import type { State } from '../model/state.js';
import {
  renderSimulation,
  SIMULATE_SCHEMA,
  SIMULATE_SCHEMA_VERSION,
  type SimulationModel,
  simulationJson,
} from '../report/simulate.js';
import { MODEL_FLAGS, modelRef, openModel } from './model.js';
import { format, parse } from './options.js';
import { checkOutputs, colorMarker, emit, useColor } from './output.js';
import { exitCode, runInfo, variantNote } from './simulate.js';
import { UsageError } from './usage.js';

/** A violation as a shard's JSON holds it (report/simulate.ts `violationJson`). */
interface ViolationJson {
  readonly run: number;
  readonly runSeed: number;
  readonly property: string;
  readonly message: string;
  readonly shortest: boolean;
  readonly path: string;
  readonly walk: Omit<SimulationViolation<State, MemcgAction>['walk'], 'path'> & { readonly path: string };
  readonly search?: SimulationViolation<State, MemcgAction>['search'];
  readonly weights?: Readonly<Record<string, number>>;
}

/** The fields of the model that every shard must name alike. */
const MODEL_FIELDS = ['design', 'scheme', 'variant', 'scope', 'config', 'claims', 'args'] as const;

export async function mergeCommand(argv: string[]): Promise<number> {
  const { flags, positionals: files } = parse(argv, ['format', 'out']);
  const fmt = format(flags);
  if (files.length === 0)
    throw new UsageError("merge needs the shards' results: memcg-check merge A.json B.json ...");
  checkOutputs([['out', flags.out]]);
  if (flags.out !== undefined && files.some((f) => resolve(f) === resolve(flags.out!)))
    throw new UsageError(`--out ${flags.out} is one of the results to merge; give another file`);
  const read = files.map(readResult);
  const first = read[0];
  read.forEach((r, i) => {
    for (const k of MODEL_FIELDS) {
      if (JSON.stringify(r[k]) !== JSON.stringify(first[k]))
        throw new UsageError(
          `merge: ${files[i]} has ${k} ${JSON.stringify(r[k]) ?? '(none)'} but ${files[0]} has ${JSON.stringify(first[k]) ?? '(none)'}: not shards of one simulation`,
        );
    }
  });
  let merged: SimulationFigures<ViolationJson>;
  try {
    merged = mergeSimulations(
      read.map((r) => figures(r)),
      files,
    );
  } catch (e) {
    if (e instanceof CheckerError && e.code === 'E_BAD_MERGE') throw new UsageError(`merge: ${e.detail}`);
    throw e;
  }
  const model = first as unknown as SimulationModel;
  if (fmt === 'json') {
    emit(JSON.stringify(simulationJson(model, merged, merged.violation)), flags.out);
    return exitCode(merged.verdict);
  }
  const open = await openModel(
    await modelRef(parse(model.args.split(' ').filter(Boolean), MODEL_FLAGS).flags),
  );
  const info = runInfo(open);
  const v = merged.violation;
  const violation: SimulationViolation<State, MemcgAction> | undefined = v && {
    ...v,
    walk: { ...v.walk, path: parsePath(v.walk.path) },
    trace: replayPath(open.spec, parsePath(v.path)),
  };
  const text = (mark?: Parameters<typeof renderSimulation>[3]) =>
    renderSimulation(info, merged, violation, mark) + variantNote(open, merged);
  emit(text(), flags.out, useColor() ? text(colorMarker) : undefined);
  return exitCode(merged.verdict);
}

/** A file that must be one `simulate --format json` result (exit 2 otherwise, naming the file). */
function readResult(file: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`merge: cannot read ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const r = raw as Record<string, unknown>;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || r.schema !== SIMULATE_SCHEMA)
    throw new UsageError(
      `merge: ${file} is not a memcg-check simulate result; give the files "simulate --format json --out FILE" wrote`,
    );
  if (r.version !== SIMULATE_SCHEMA_VERSION)
    throw new UsageError(
      `merge: ${file} is version ${String(r.version)} of ${SIMULATE_SCHEMA}; this memcg-check reads version ${SIMULATE_SCHEMA_VERSION}`,
    );
  for (const k of ['seed', 'runs', 'depth', 'shortestStates'] as const)
    if (typeof r[k] !== 'number') throw new UsageError(`merge: ${file} has no number ${k}`);
  const c = r.coverage as Record<string, unknown> | undefined;
  if (typeof c !== 'object' || c === null || typeof c.steps !== 'number' || !Array.isArray(c.witnesses))
    throw new UsageError(`merge: ${file} has no coverage figures`);
  checkFields(file, r, c);
  return r;
}

/** Every other field merge reads, with its type (exit 2 naming the file and the field). */
function checkFields(file: string, r: Record<string, unknown>, c: Record<string, unknown>): void {
  const bad = (field: string, what: string): never => {
    throw new UsageError(
      `merge: ${file}: ${field} ${what}; give the files "simulate --format json --out FILE" wrote`,
    );
  };
  const whole = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (!Array.isArray(r.actionKinds) || !r.actionKinds.every((k) => typeof k === 'string'))
    bad('actionKinds', 'must be a list of names');
  for (const k of ['runsDone', 'violatingRuns', 'deadEnds'] as const)
    if (!whole(c[k])) bad(`coverage.${k}`, 'must be a whole number');
  const fired = c.fired as Record<string, unknown> | undefined;
  if (
    typeof fired !== 'object' ||
    fired === null ||
    Array.isArray(fired) ||
    !Object.values(fired).every(whole)
  )
    bad('coverage.fired', 'must map action kinds to whole numbers');
  if (!Array.isArray(c.neverFired)) bad('coverage.neverFired', 'must be a list');
  for (const w of c.witnesses as unknown[]) {
    const x = w as Record<string, unknown> | null;
    if (typeof x !== 'object' || x === null || typeof x.name !== 'string' || !whole(x.runs))
      bad('coverage.witnesses', 'must be a list of { name, runs }');
  }
  const shard = r.shard as Record<string, unknown> | undefined;
  if (shard !== undefined) {
    const ok =
      typeof shard === 'object' &&
      shard !== null &&
      Number.isInteger(shard.index) &&
      Number.isInteger(shard.count) &&
      (shard.index as number) >= 1 &&
      (shard.index as number) <= (shard.count as number);
    if (!ok) bad('shard', 'must be { index, count } with 1 <= index <= count');
  }
  const v = r.violation as Record<string, unknown> | undefined;
  if (v !== undefined) {
    if (typeof v !== 'object' || v === null || !whole(v.run) || (v.run as number) >= (r.runs as number))
      bad('violation.run', 'must be a run index below runs');
    if (shard && ((v.run as number) % (shard.count as number)) + 1 !== shard.index)
      bad(
        'violation.run',
        `is run ${String(v.run)}, which is not one of shard ${String(shard.index)}/${String(shard.count)}'s`,
      );
    if (typeof v.path !== 'string' || typeof v.property !== 'string')
      bad('violation', 'must have a path and a property');
  }
}

/** The figures of a result's JSON (field for field the checker's, with `merged` as `mergedShards`). */
function figures(r: Record<string, unknown>): SimulationFigures<ViolationJson> {
  const { merged, ...rest } = r as Record<string, unknown> & { merged?: { shards: number } };
  return {
    ...(rest as unknown as SimulationFigures<ViolationJson>),
    ...(merged ? { mergedShards: merged.shards } : {}),
  };
}
