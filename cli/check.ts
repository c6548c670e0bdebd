/** `memcg-check check`: one design or variant at one scope. */
import { existsSync, statSync } from 'node:fs';
import { CheckerError, type CheckOptions, type CheckResult } from '../checker/index.js';
import type { MemcgAction } from '../model/machine.js';
import type { Layout, State } from '../model/state.js';
import { htmlReport } from '../report/html.js';
import { toItf } from '../report/itf.js';
import { resultJson } from '../report/json.js';
import { type JUnitCase, junitXml } from '../report/junit.js';
import { markdownSummary } from '../report/markdown.js';
import { type Marker, renderResult } from '../report/text.js';
import { onInterrupt } from './interrupt.js';
import { MODEL_FLAGS, modelRef, type OpenModel, openModel } from './model.js';
import { checkOptions, format, parse, workerCount } from './options.js';
import { checkOutputs, colorMarker, emit, useColor, writeWhole } from './output.js';
import { progressReporter } from './progress.js';
import { runModel } from './run.js';
import { EXIT, UsageError } from './usage.js';

const ALLOWED = [
  ...MODEL_FLAGS,
  'max-states',
  'max-depth',
  'timeout',
  'max-memory',
  'no-symmetry',
  'workers',
  'checkpoint',
  'checkpoint-every',
  'resume',
  'format',
  'out',
  'quiet',
  'html',
  'itf',
  'view',
  'junit',
  'markdown',
] as const;

export async function checkCommand(argv: string[]): Promise<number> {
  // Until the outputs are written: a first Ctrl-C or SIGTERM stops the run (cli/interrupt.ts).
  const interrupt = onInterrupt();
  try {
    return await checkRun(argv, interrupt.signal);
  } finally {
    interrupt.dispose();
  }
}

async function checkRun(argv: string[], signal: AbortSignal): Promise<number> {
  const { flags, positionals } = parse(argv, ALLOWED);
  if (positionals.length > 0)
    throw new UsageError(`check takes no positional arguments, got "${positionals[0]}"`);
  const fmt = format(flags);
  checkResumePath(flags.resume);
  checkOutputs(
    OUTPUTS.map((k) => [k, flags[k]] as const),
    [['resume', flags.resume]],
    [['checkpoint', 'resume']],
  );
  const view = flags.view ?? 'steps';
  if (view !== 'steps' && view !== 'timeline')
    throw new UsageError(`--view must be steps or timeline, got "${view}"`);
  const model = await openModel(await modelRef(flags));
  const { spec } = model;
  const options = checkOptions(flags);
  const progress = progressReporter(flags.quiet === true);
  const r = await runCheck(model, workerCount(flags), {
    ...options,
    signal,
    ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
  });
  progress.done();
  const info = {
    design: spec.design.name,
    scheme: spec.design.scheme,
    scope: model.scope,
    L: spec.machine.L,
    config: spec.config,
    ...(model.variant ? { variant: model.variant.name } : {}),
    // The claims this run checks, when --claims or --skip-claims narrowed them.
    ...(model.ref.claims ? { claims: spec.invariants.map((c) => c.name) } : {}),
  };
  // A run a limit stopped left a checkpoint (the last level boundary): say how to go on from it.
  const resume =
    r.verdict === 'incomplete' && flags.checkpoint !== undefined
      ? `\nResume: memcg-check check ${model.args}${flags['no-symmetry'] ? ' --no-symmetry' : ''} --resume ${flags.checkpoint}`
      : '';
  const textReport = (v: 'steps' | 'timeline', mark?: Marker) =>
    renderResult({ ...info, design: model.designLabel, replayArgs: model.args }, r, v, mark) + resume;
  const text = fmt === 'json' ? JSON.stringify(resultJson(info, options, r)) : textReport(view);
  const expected = model.variant?.expect;
  const unchecked =
    expected !== undefined &&
    expected !== 'verified' &&
    !spec.invariants.some((c) => c.name === expected.violated);
  const note =
    fmt === 'text' && expected
      ? `\nThe variant expects ${expected === 'verified' ? 'verified' : `a violation of ${expected.violated}`}: ${
          unchecked
            ? 'a claim this run does not check (--claims/--skip-claims).'
            : (
                  expected === 'verified'
                    ? r.verdict === 'verified'
                    : r.violation?.property === expected.violated
                )
              ? 'as expected.'
              : 'NOT what this run gave.'
        }`
      : '';
  emit(
    text + note,
    flags.out,
    fmt === 'text' && useColor() ? textReport(view, colorMarker) + note : undefined,
  );
  if (flags.html !== undefined) {
    const runsOn = r.violation?.trace.steps.map((st) => st.action.onCpu) ?? [];
    writeWhole(flags.html, htmlReport(resultJson(info, options, r), runsOn), 'html');
  }
  const title = `memcg-check check: design ${model.designLabel}, scope ${model.scope}`;
  if (flags.junit !== undefined)
    writeWhole(
      flags.junit,
      junitXml(title, junitCases(model, r, textReport('steps')), r.stats.ms / 1000),
      'junit',
    );
  if (flags.markdown !== undefined)
    writeWhole(flags.markdown, checkMarkdown(title, model, info.L, r), 'markdown');
  if (flags.itf !== undefined) {
    if (!r.violation)
      throw new UsageError(`--itf: the run was ${r.verdict}; there is no counterexample to write`);
    const itf = toItf(r.violation.trace, {
      design: spec.design.name,
      ...(model.variant ? { variant: model.variant.name } : {}),
      scope: model.scope,
      config: spec.config,
      property: r.violation.property,
      message: r.violation.message,
      ...(info.claims ? { claims: info.claims } : {}),
    });
    writeWhole(flags.itf, JSON.stringify(itf, null, 1), 'itf');
  }
  if (r.verdict === 'violated' || r.vacuous) return EXIT.violated;
  if (r.verdict === 'incomplete') return EXIT.incomplete;
  return EXIT.verified;
}

type Result = CheckResult<State, MemcgAction>;

/** The flags that name a file the command writes, checked before any work. */
const OUTPUTS = ['out', 'html', 'itf', 'junit', 'markdown', 'checkpoint'] as const;

/** --resume FILE must be a file before any work; whether it is a checkpoint of this model, the checker says. */
function checkResumePath(file: string | undefined): void {
  if (file === undefined) return;
  if (!existsSync(file)) {
    throw new UsageError(`--resume ${file}: no such file; give a checkpoint file that --checkpoint wrote`);
  }
  if (statSync(file).isDirectory())
    throw new UsageError(`--resume ${file} is a folder; give a checkpoint file`);
}

/** The checker's checkpoint errors name the file; here they name the flag too (exit 2). */
async function runCheck(model: OpenModel, workers: number, options: CheckOptions): Promise<Result> {
  try {
    return await runModel(model, options, workers);
  } catch (e) {
    if (!(e instanceof CheckerError) || e.code !== 'E_BAD_CHECKPOINT') throw e;
    const fault = e.checkpoint;
    if (fault?.op === 'write') throw new UsageError(`--checkpoint: ${e.detail}`);
    throw new UsageError(
      fault?.op === 'resume'
        ? `--resume: cannot resume from ${fault.file}: ${fault.reason}; resume with the model flags (and --no-symmetry or not) it was written with, or start afresh without it`
        : `--resume: ${e.detail}; give a checkpoint file that --checkpoint wrote, or run without --resume`,
    );
  }
}

const LIMIT_FLAGS: Record<string, (v: number) => string> = {
  maxStates: (v) => `--max-states ${v}`,
  maxDepth: (v) => `--max-depth ${v}`,
  timeout: (v) => `--timeout ${v / 1000}`,
  memory: (v) => `--max-memory ${Math.round(v / 2 ** 20)} MB`,
};
/** A limit in the user's words: the flag and its value as given (MB, seconds), or the interrupt. */
const limitText = (l: NonNullable<Result['limit']>) =>
  l.kind === 'interrupted'
    ? `interrupted by ${l.reason ?? 'a signal'}`
    : (LIMIT_FLAGS[l.kind]?.(l.value) ?? `${l.kind} ${l.value}`);

/**
 * `--junit`: a case per claim, then a case per witness (docs/output.md, "JUnit"). The violated claim
 * fails; a claim or witness that a stopped run (a violation, a limit) could not judge is skipped;
 * a witness a complete run never reached fails (the claims may hold vacuously).
 */
function junitCases(model: OpenModel, r: Result, report: string): JUnitCase[] {
  const { spec } = model;
  const cls = `memcg-check.${model.variant?.name ?? spec.design.name}.${model.scope}`;
  const unjudged = r.violation
    ? 'not checked to completion: the run stopped at the first violation'
    : r.limit
      ? `not checked to completion: the run was ${r.limit.kind === 'interrupted' ? '' : 'stopped by '}${limitText(r.limit)}`
      : undefined;
  const claims = spec.invariants.map(
    (inv): JUnitCase => ({
      name: inv.name,
      classname: `${cls}.claim`,
      seconds: 0,
      ...(r.violation?.property === inv.name
        ? { failure: { message: `${inv.name}: ${r.violation.message}`, detail: report } }
        : unjudged !== undefined
          ? { skipped: unjudged }
          : {}),
    }),
  );
  const witnesses = r.witnesses.map(
    (w): JUnitCase => ({
      name: w.name,
      classname: `${cls}.witness`,
      seconds: 0,
      ...(w.reached
        ? {}
        : unjudged !== undefined
          ? { skipped: unjudged }
          : {
              failure: {
                message: `${w.name} was never reached: the claims may hold only vacuously`,
                detail: report,
              },
            }),
    }),
  );
  return [...claims, ...witnesses];
}

/** `--markdown`: the gate table with one row (expected: the variant's expectation, else verified), and the diagram of a violation. */
function checkMarkdown(title: string, model: OpenModel, L: Layout, r: Result): string {
  const expect = model.variant?.expect ?? 'verified';
  const want = expect === 'verified' ? 'verified' : `violated: ${expect.violated}`;
  const got = r.violation
    ? `violated: ${r.violation.property}`
    : r.limit
      ? `incomplete (${limitText(r.limit)})`
      : r.verdict;
  const problems: string[] = [];
  if (got !== want) problems.push(`expected ${want}, got ${got}`);
  if (r.vacuous)
    problems.push(
      `witnesses never reached: ${r.witnesses
        .filter((w) => !w.reached)
        .map((w) => w.name)
        .join(', ')}`,
    );
  return markdownSummary(
    title,
    [
      {
        gate: `${model.variant?.name ?? model.spec.design.name} at ${model.scope}`,
        expected: want,
        got,
        states: r.stats.distinct,
        depth: r.stats.depth,
        seconds: r.stats.ms / 1000,
        ok: problems.length === 0,
        problems,
        ...(r.violation
          ? {
              trace: {
                L,
                trace: r.violation.trace,
                claim: r.violation.property,
                message: r.violation.message,
              },
            }
          : {}),
      },
    ],
    'checks',
  );
}
