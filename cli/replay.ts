/**
 * `memcg-check replay`: re-executes a counterexample against the model and says where and why it
 * diverges, or that it reproduces.
 *
 *   replay --path 0/3/1 [model flags]   a path printed under a counterexample
 *   replay FILE [model flags]           a saved JSON result (--format json) or ITF trace (--itf)
 *
 * A file is replayed by its states: at each step the enabled action whose successor is exactly the
 * saved state. The model comes from the file (design or built-in variant, config); flags override.
 */
import { readFileSync } from 'node:fs';
import { CheckerError, parsePath, replayPath, type Trace } from '../checker/index.js';
import type { Config } from '../model/config.js';
import { validateConfig } from '../model/config.js';
import type { MemcgAction } from '../model/machine.js';
import type { State } from '../model/state.js';
import type { ModelRef } from '../properties/model-ref.js';
import { changes, formatChange } from '../report/diff.js';
import { fromItf } from '../report/itf.js';
import { renderLedger, renderTrace } from '../report/text.js';
import {
  BOUND_FLAGS,
  boundsOf,
  designRefOf,
  MODEL_FLAGS,
  modelRef,
  type OpenModel,
  openModel,
  variantRef,
} from './model.js';
import { claimSelection, type Flags, parse } from './options.js';
import { UsageError } from './usage.js';

interface Saved {
  readonly states: State[];
  readonly labels: string[];
  readonly design?: string;
  readonly variant?: string;
  readonly config?: Config;
  readonly scope?: string;
  /** The claims the saved run checked, when --claims or --skip-claims narrowed them. */
  readonly claims?: string[];
}

/** What replay reads, for messages about a file that is not one. */
const SAVED_KINDS =
  'give a result saved with "check --format json --out FILE" or a trace saved with "check --itf FILE", or use --path';

function readSaved(file: string): Saved {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`replay: cannot read ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `replay: ${file} is not JSON (${(e as Error).message.split('\n')[0]}); ${SAVED_KINDS}`,
    );
  }
  // A memcg-check result names its schema; an ITF trace has a list of states.
  const isResult =
    raw !== null && typeof raw === 'object' && !Array.isArray(raw) && raw.schema === 'memcg-check/result';
  const isItf = raw !== null && typeof raw === 'object' && Array.isArray(raw.states);
  if (!isResult && !isItf)
    throw new UsageError(`replay: ${file} is not a memcg-check JSON result or ITF trace; ${SAVED_KINDS}`);
  try {
    if (Array.isArray(raw.states)) {
      const meta = (raw['#meta'] ?? {}) as Record<string, unknown>;
      const { states, labels } = fromItf(raw);
      return {
        states,
        labels,
        design: meta.design as string,
        variant: meta.variant as string,
        config: meta.config as Config,
        scope: meta.scope as string,
        ...(Array.isArray(meta.claims) ? { claims: meta.claims as string[] } : {}),
      };
    }
    const v = raw.violation as { initial: State; trace: { label: string; state: State }[] } | undefined;
    if (!v) throw new Error('this JSON result has no violation (a verified run has no trace to replay)');
    return {
      states: [v.initial, ...v.trace.map((t) => t.state)],
      labels: ['init', ...v.trace.map((t) => t.label)],
      design: raw.design as string,
      variant: raw.variant as string,
      config: raw.config as Config,
      scope: raw.scope as string,
      ...(Array.isArray(raw.claims) ? { claims: raw.claims as string[] } : {}),
    };
  } catch (e) {
    throw new UsageError(`replay: ${file}: ${(e as Error).message}`);
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export async function replayCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parse(argv, [...MODEL_FLAGS, 'path']);
  if (positionals.length > 1) throw new UsageError('replay takes at most one file');
  if (flags.path === undefined && positionals.length === 0) {
    throw new UsageError(
      'replay needs --path 0/3/1 (printed under a counterexample) or a saved JSON/ITF file',
    );
  }
  if (flags.path !== undefined && positionals.length > 0)
    throw new UsageError('give either --path or a file, not both');
  if (positionals.length > 0) return replayFile(positionals[0], flags);

  const model = await openModel(await modelRef(flags));
  const { spec } = model;
  let t: Trace<State, MemcgAction>;
  try {
    t = replayPath(spec, parsePath(flags.path!));
  } catch (e) {
    if (e instanceof CheckerError) throw new UsageError(`the path does not replay: ${e.message}`);
    throw e;
  }
  return show(model, model.scope, t, `Replay of ${flags.path}`);
}

async function replayFile(file: string, flags: Flags): Promise<number> {
  const saved = readSaved(file);
  const model = await openModel(await savedRef(file, saved, flags));
  const { spec } = model;
  // The scope as the saved run named it (`tiny+custom` too), unless --scope chooses another.
  const scope = saved.scope !== undefined && flags.scope === undefined ? saved.scope : model.scope;
  const L = spec.machine.L;
  if (!same(spec.initial()[0], saved.states[0])) {
    const diff = changes(L, spec.initial()[0], saved.states[0]).map(formatChange);
    process.stdout.write(
      `DIVERGES at the initial state: the model's initial state differs: ${diff.join(', ')}\n`,
    );
    return 1;
  }
  let s = spec.initial()[0];
  const steps: { action: MemcgAction; label: string; state: State }[] = [];
  const path = [0];
  for (let i = 1; i < saved.states.length; i++) {
    const enabled = [...spec.actions(s)];
    const j = enabled.findIndex((a) => same(spec.next(s, a), saved.states[i]));
    if (j < 0) {
      const byLabel = enabled.find((a) => spec.label(a) === saved.labels[i]);
      const lines = [
        `DIVERGES at step ${i} (${saved.labels[i]}): no enabled action reaches the saved state.`,
      ];
      if (byLabel) {
        const got = spec.next(s, byLabel);
        lines.push(
          `  The model's ${spec.label(byLabel)} gives: ${changes(L, s, got).map(formatChange).join('  ') || '(no change)'}`,
          `  The file says:   ${changes(L, s, saved.states[i]).map(formatChange).join('  ') || '(no change)'}`,
        );
      } else {
        lines.push(
          `  "${saved.labels[i]}" is not enabled here; enabled: ${enabled.map((a) => spec.label(a)).join(', ')}`,
        );
      }
      lines.push(`  The first ${i - 1} steps reproduce.`);
      process.stdout.write(`${lines.join('\n')}\n`);
      return 1;
    }
    s = spec.next(s, enabled[j]);
    path.push(j);
    steps.push({ action: enabled[j], label: spec.label(enabled[j]), state: s });
  }
  return show(model, scope, { initial: spec.initial()[0], steps, path }, `Replay of ${file} (reproduces)`);
}

/**
 * The model a saved run replays against: the one it names (design or built-in variant, bounds,
 * claims), each part of which the flags may choose instead.
 */
async function savedRef(file: string, saved: Saved, flags: Flags): Promise<ModelRef> {
  // The file names its model; --design or --variant replays it against another one instead.
  const design =
    flags.design !== undefined || flags.variant !== undefined || (!saved.variant && !saved.design)
      ? await designRefOf(flags)
      : saved.variant
        ? (await variantRef(saved.variant)).ref
        : await designRefOf({ design: saved.design });
  // Its bounds (its whole config), unless the flags give bounds.
  let bounds = boundsOf(flags);
  if (saved.config && !BOUND_FLAGS.some((k) => flags[k] !== undefined)) {
    try {
      validateConfig(saved.config);
    } catch (e) {
      throw new UsageError(`replay: ${file}: its config is not valid: ${(e as Error).message}`);
    }
    bounds = { ...bounds, bounds: saved.config };
  }
  // The claims the saved run checked, unless the flags choose others.
  const chosen = claimSelection(flags);
  const claims = chosen ?? (saved.claims ? { only: saved.claims } : undefined);
  return { design, ...bounds, ...(claims ? { claims } : {}) };
}

function show(model: OpenModel, scope: string, t: Trace<State, MemcgAction>, title: string): number {
  const { spec } = model;
  const info = { design: spec.design.name, scheme: spec.design.scheme, scope, L: spec.machine.L };
  const last = t.steps.length ? t.steps[t.steps.length - 1].state : t.initial;
  const broken = spec.invariants.filter((inv) => !inv.holds(last));
  const lines = [`${title} on design ${model.designLabel}, scope ${scope}: ${t.steps.length} steps`];
  lines.push(...renderTrace(info, t), '', 'Ledger at the last step:', ...renderLedger(info, last), '');
  if (broken.length === 0) lines.push('Every claim holds in the last state.');
  for (const inv of broken)
    lines.push(`Violated in the last state: ${inv.name}: ${inv.explain ? inv.explain(last) : ''}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return broken.length > 0 ? 1 : 0;
}
