/**
 * `memcg-check equivalence`: two designs (or a design and a variant) driven by the same kernel
 * events, their accounting compared after every one (properties/equivalence.ts). One worker, no
 * symmetry (the product would need the same permutation on both sides): the result is the same
 * on every run.
 */
import { type CheckOptions, type CheckRun, exploreAsync } from '../checker/index.js';
import {
  EquivalenceError,
  equivalenceSpec,
  type MemcgPair,
  type MemcgPairAction,
} from '../properties/equivalence.js';
import type { DesignRef } from '../properties/model-ref.js';
import {
  type EquivalenceInfo,
  type EquivalenceResult,
  equivalenceJson,
  renderEquivalence,
} from '../report/equivalence.js';
import { onInterrupt } from './interrupt.js';
import { BOUND_FLAGS, boundsOf, designRefOf, type OpenModel, openModel } from './model.js';
import { checkOptions, type Flags, format, parse } from './options.js';
import { checkOutputs, emit } from './output.js';
import { progressReporter } from './progress.js';
import { withReplay } from './run.js';
import { EXIT, UsageError } from './usage.js';

const ALLOWED = [
  'left',
  'right',
  'variant',
  ...BOUND_FLAGS,
  'max-states',
  'max-depth',
  'timeout',
  'max-memory',
  'format',
  'out',
  'quiet',
] as const;

/** The scope when none is given: tiny (the product has no symmetry reduction; small is larger). */
export const EQUIVALENCE_SCOPE = 'tiny';

export interface EquivalenceRef {
  readonly left: DesignRef;
  readonly right: DesignRef;
  readonly scope: string;
  readonly bounds?: OpenModel['ref']['bounds'];
}

export interface OpenEquivalence {
  readonly info: EquivalenceInfo;
}

/** A side by name: old, new, a built-in variant, or a variant file. */
async function sideRef(name: string): Promise<DesignRef> {
  return name === 'old' || name === 'new' ? designRefOf({ design: name }) : designRefOf({ variant: name });
}

export async function equivalenceRef(flags: Flags): Promise<EquivalenceRef> {
  if (flags.variant !== undefined && flags.right !== undefined)
    throw new UsageError('give --right or --variant (the right side), not both');
  const left = await sideRef(flags.left ?? 'old');
  const right = await sideRef(flags.variant ?? flags.right ?? 'new');
  const b = boundsOf({ ...flags, scope: flags.scope ?? EQUIVALENCE_SCOPE });
  return { left, right, ...b };
}

/** Both sides' specs and the product; a side that cannot be compared is exit 2. */
export async function openEquivalence(ref: EquivalenceRef): Promise<EquivalenceInfo> {
  const side = async (design: DesignRef) => {
    const m = await openModel({ design, scope: ref.scope, ...(ref.bounds ? { bounds: ref.bounds } : {}) });
    return { label: m.designLabel, spec: m.spec, args: m.args, scope: m.scope };
  };
  const l = await side(ref.left);
  const r = await side(ref.right);
  try {
    const spec = equivalenceSpec({ name: l.label, spec: l.spec }, { name: r.label, spec: r.spec });
    return { left: l, right: r, scope: l.scope, config: l.spec.config, spec };
  } catch (e) {
    if (e instanceof EquivalenceError) throw new UsageError(e.message);
    throw e;
  }
}

/** The run, with the shortest parting of the runs when it is reached and nothing failed. */
export async function runEquivalence(
  info: EquivalenceInfo,
  options: CheckOptions,
): Promise<{ r: EquivalenceResult; diverged: ReturnType<typeof divergedTrace> }> {
  try {
    const run = await exploreAsync(info.spec, { ...options, noSymmetry: true });
    return { r: run.result, diverged: divergedTrace(run) };
  } catch (e) {
    throw withReplay(e, `${info.left.args} (equivalence with ${info.right.label})`);
  }
}

function divergedTrace(run: CheckRun<MemcgPair, MemcgPairAction>) {
  return run.result.violation ? undefined : run.witnessTrace('sides_diverged');
}

export async function equivalenceCommand(argv: string[]): Promise<number> {
  const interrupt = onInterrupt();
  try {
    const { flags, positionals } = parse(argv, ALLOWED);
    if (positionals.length > 0)
      throw new UsageError(`equivalence takes no positional arguments, got "${positionals[0]}"`);
    const fmt = format(flags);
    checkOutputs([['out', flags.out]], [], []);
    const info = await openEquivalence(await equivalenceRef(flags));
    const options = checkOptions(flags);
    const progress = progressReporter(flags.quiet === true);
    const { r, diverged } = await runEquivalence(info, {
      ...options,
      signal: interrupt.signal,
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
    });
    progress.done();
    const text =
      fmt === 'json'
        ? JSON.stringify(equivalenceJson(info, options, r, diverged))
        : renderEquivalence(info, r, diverged);
    emit(text, flags.out);
    if (r.verdict === 'violated') return EXIT.violated;
    if (r.verdict === 'incomplete') return EXIT.incomplete;
    return EXIT.verified;
  } finally {
    interrupt.dispose();
  }
}
