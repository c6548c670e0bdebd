/** `memcg-check check`: one design or variant at one scope. */
import { check } from '../checker/index.js';
import { layoutOf } from '../model/state.js';
import { memcgSpec } from '../properties/spec.js';
import { htmlReport } from '../report/html.js';
import { toItf } from '../report/itf.js';
import { resultJson } from '../report/json.js';
import { renderResult } from '../report/text.js';
import { checkOptions, format, parse, resolveModel } from './options.js';
import { checkOutPath, emit, useColor, writeWhole } from './output.js';
import { progressReporter } from './progress.js';
import { EXIT, UsageError } from './usage.js';

const ALLOWED = [
  'design',
  'variant',
  'scope',
  'cpus',
  'memcgs',
  'pages',
  'batch',
  'drain-all',
  'max-states',
  'max-depth',
  'timeout',
  'max-memory',
  'no-symmetry',
  'format',
  'out',
  'quiet',
  'html',
  'itf',
  'view',
] as const;

export async function checkCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parse(argv, ALLOWED);
  if (positionals.length > 0)
    throw new UsageError(`check takes no positional arguments, got "${positionals[0]}"`);
  const fmt = format(flags);
  checkOutPath(flags.out);
  checkOutPath(flags.html, 'html');
  checkOutPath(flags.itf, 'itf');
  const view = flags.view ?? 'steps';
  if (view !== 'steps' && view !== 'timeline')
    throw new UsageError(`--view must be steps or timeline, got "${view}"`);
  const model = await resolveModel(flags);
  const options = checkOptions(flags);
  const spec = memcgSpec(model.config, model.design);
  const progress = progressReporter(flags.quiet === true);
  const r = check(spec, { ...options, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) });
  progress.done();
  const info = {
    design: model.design.name,
    scheme: model.design.scheme,
    scope: model.scopeName,
    L: layoutOf(model.config),
    config: model.config,
    ...(model.variant ? { variant: model.variant.name } : {}),
  };
  const text =
    fmt === 'json'
      ? JSON.stringify(resultJson(info, options, r))
      : renderResult({ ...info, design: model.designLabel }, r, view).replace(
          /Replay: memcg-check replay .*/,
          `Replay: memcg-check replay ${model.modelArgs} --path ${r.violation?.trace.path.join('/')}`,
        );
  const expected = model.variant?.expect;
  const note =
    fmt === 'text' && expected
      ? `\nThe variant expects ${expected === 'verified' ? 'verified' : `a violation of ${expected.violated}`}: ${
          (expected === 'verified' ? r.verdict === 'verified' : r.violation?.property === expected.violated)
            ? 'as expected.'
            : 'NOT what this run gave.'
        }`
      : '';
  emit(text + note, flags.out, fmt === 'text' && useColor());
  if (flags.html !== undefined) writeWhole(flags.html, htmlReport(resultJson(info, options, r)));
  if (flags.itf !== undefined) {
    if (!r.violation)
      throw new UsageError(`--itf: the run was ${r.verdict}; there is no counterexample to write`);
    const itf = toItf(r.violation.trace, {
      design: model.design.name,
      ...(model.variant ? { variant: model.variant.name } : {}),
      scope: model.scopeName,
      config: model.config,
      property: r.violation.property,
      message: r.violation.message,
    });
    writeWhole(flags.itf, JSON.stringify(itf, null, 1));
  }
  if (r.verdict === 'violated' || r.vacuous) return EXIT.violated;
  if (r.verdict === 'incomplete') return EXIT.incomplete;
  return EXIT.verified;
}
