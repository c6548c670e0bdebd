/** `memcg-check replay --path 0/3/1`: re-executes a path against the model and shows the trace. */
import { CheckerError, parsePath, replayPath, type Trace } from '../checker/index.js';
import type { MemcgAction } from '../model/machine.js';
import type { State } from '../model/state.js';
import { layoutOf } from '../model/state.js';
import { memcgSpec } from '../properties/spec.js';
import { renderLedger, renderTrace } from '../report/text.js';
import { parse, resolveModel } from './options.js';
import { UsageError } from './usage.js';

export async function replayCommand(argv: string[]): Promise<number> {
  const { flags } = parse(argv, [
    'design',
    'variant',
    'scope',
    'cpus',
    'memcgs',
    'pages',
    'batch',
    'drain-all',
    'path',
  ]);
  if (flags.path === undefined)
    throw new UsageError('replay needs --path, e.g. --path 0/3/1 (printed under a counterexample)');
  const model = await resolveModel(flags);
  const spec = memcgSpec(model.config, model.design);
  let t: Trace<State, MemcgAction>;
  try {
    t = replayPath(spec, parsePath(flags.path));
  } catch (e) {
    if (e instanceof CheckerError) throw new UsageError(`the path does not replay: ${e.message}`);
    throw e;
  }
  const info = {
    design: model.design.name,
    scheme: model.design.scheme,
    scope: model.scopeName,
    L: layoutOf(model.config),
  };
  const last = t.steps.length ? t.steps[t.steps.length - 1].state : t.initial;
  const broken = spec.invariants.filter((inv) => !inv.holds(last));
  const lines = [
    `Replay of ${flags.path} on design ${model.designLabel}, scope ${model.scopeName}: ${t.steps.length} steps`,
  ];
  lines.push(...renderTrace(info, t), '', 'Ledger at the last step:', ...renderLedger(info, last), '');
  if (broken.length === 0) lines.push('Every claim holds in the last state.');
  for (const inv of broken)
    lines.push(`Violated in the last state: ${inv.name}: ${inv.explain ? inv.explain(last) : ''}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return broken.length > 0 ? 1 : 0;
}
