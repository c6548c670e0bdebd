/**
 * `memcg-check liveness`: is every dying memcg eventually freed on every fair run (spec §3.3,
 * properties/liveness.ts)? The whole graph is explored at one worker without symmetry
 * (checker/liveness-graph.ts says why); `--fair stock` adds the stock fairness. Exit codes as
 * `check`: 0 live, 1 a fair cycle keeps a dying memcg alive, 2 usage, 3 a limit cut the graph and
 * no such cycle was found in it.
 */
import type { CheckOptions } from '../checker/index.js';
import { checkLivenessAsync } from '../checker/liveness.js';
import { type FairMode, findings, memcgLivenessClaim } from '../properties/liveness.js';
import { type LivenessInfo, type LivenessReport, livenessJson, renderLiveness } from '../report/liveness.js';
import { onInterrupt } from './interrupt.js';
import { BOUND_FLAGS, boundsOf, designRefOf, type OpenModel, openModel } from './model.js';
import { checkOptions, type Flags, format, parse } from './options.js';
import { checkOutputs, colorMarker, emit, useColor } from './output.js';
import { progressReporter } from './progress.js';
import { withReplay } from './run.js';
import { EXIT, UsageError } from './usage.js';

const ALLOWED = [
  'design',
  'variant',
  ...BOUND_FLAGS,
  'fair',
  'max-states',
  'max-depth',
  'timeout',
  'max-memory',
  'format',
  'out',
  'quiet',
] as const;

/** The scope when none is given: tiny (no symmetry, and every edge kept: small takes 18 M states). */
export const LIVENESS_SCOPE = 'tiny';

export function fairMode(flags: Pick<Flags, 'fair'>): FairMode {
  const f = flags.fair;
  if (f === undefined) return 'default';
  if (f === 'stock') return 'stock';
  throw new UsageError(
    `--fair must be "stock" (every CPU's stock is eventually drained or switched), got "${f}"; leave it out for the default fairness`,
  );
}

export async function openLiveness(flags: Flags): Promise<{ model: OpenModel; info: LivenessInfo }> {
  const fair = fairMode(flags);
  const design = await designRefOf(flags);
  const model = await openModel({ design, ...boundsOf({ ...flags, scope: flags.scope ?? LIVENESS_SCOPE }) });
  const { spec } = model;
  const info: LivenessInfo = {
    design: model.designLabel,
    scheme: spec.design.scheme,
    scope: model.scope,
    L: spec.machine.L,
    config: spec.config,
    ...(model.variant ? { variant: model.variant.name } : {}),
    fair,
    args: model.args,
  };
  return { model, info };
}

export async function runLiveness(
  model: OpenModel,
  info: LivenessInfo,
  options: CheckOptions,
): Promise<LivenessReport> {
  try {
    const run = await checkLivenessAsync(model.spec, memcgLivenessClaim(model.spec, info.fair), options);
    return { run, findings: findings(model.spec, run) };
  } catch (e) {
    throw withReplay(e, model.args);
  }
}

export async function livenessCommand(argv: string[]): Promise<number> {
  const interrupt = onInterrupt();
  try {
    const { flags, positionals } = parse(argv, ALLOWED);
    if (positionals.length > 0)
      throw new UsageError(`liveness takes no positional arguments, got "${positionals[0]}"`);
    const fmt = format(flags);
    checkOutputs([['out', flags.out]], [], []);
    const { model, info } = await openLiveness(flags);
    const options = checkOptions(flags);
    const progress = progressReporter(flags.quiet === true);
    const rep = await runLiveness(model, info, {
      ...options,
      signal: interrupt.signal,
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    });
    progress.done();
    const text =
      fmt === 'json' ? JSON.stringify(livenessJson(info, options, rep)) : renderLiveness(info, rep);
    const shown =
      fmt === 'json' || flags.out !== undefined || !useColor()
        ? text
        : renderLiveness(info, rep, colorMarker);
    emit(text, flags.out, shown);
    if (rep.run.verdict === 'violated') return EXIT.violated;
    if (rep.run.verdict === 'incomplete') return EXIT.incomplete;
    return EXIT.verified;
  } finally {
    interrupt.dispose();
  }
}
