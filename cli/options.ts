/** Command-line parsing (node:util parseArgs) and resolution of design, variant and scope. */
import { parseArgs } from 'node:util';
import type { CheckOptions } from '../checker/index.js';
import {
  type Config,
  ConfigError,
  DEFAULT_SCOPE,
  parseFrames,
  parseMemcgs,
  SCOPES,
  scopeByName,
  validateConfig,
} from '../model/config.js';
import type { Design } from '../model/design/types.js';
import { buildVariant, DESIGNS, type VariantDef, VariantError } from '../model/variant.js';
import { KNOWN_BUGS } from '../model/variants/known-bugs.js';
import { type ClaimSelection, ClaimSelectionError, validateSelection } from '../properties/claim-info.js';
import { loadVariantFile } from './load-variant.js';
import { UsageError } from './usage.js';

export const OPTION_SPEC = {
  design: { type: 'string' },
  variant: { type: 'string' },
  scope: { type: 'string' },
  cpus: { type: 'string' },
  memcgs: { type: 'string' },
  pages: { type: 'string' },
  batch: { type: 'string' },
  'drain-all': { type: 'string' },
  reclaim: { type: 'string' },
  'max-states': { type: 'string' },
  'max-depth': { type: 'string' },
  timeout: { type: 'string' },
  'max-memory': { type: 'string' },
  'no-symmetry': { type: 'boolean' },
  claims: { type: 'string' },
  'skip-claims': { type: 'string' },
  workers: { type: 'string' },
  checkpoint: { type: 'string' },
  'checkpoint-every': { type: 'string' },
  resume: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  quiet: { type: 'boolean' },
  path: { type: 'string' },
  only: { type: 'string' },
  junit: { type: 'string' },
  html: { type: 'string' },
  itf: { type: 'string' },
  view: { type: 'string' },
  markdown: { type: 'string' },
  update: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type Flags = {
  [K in keyof typeof OPTION_SPEC]?: (typeof OPTION_SPEC)[K]['type'] extends 'boolean' ? boolean : string;
};

export function parse(
  argv: string[],
  allowed: readonly (keyof typeof OPTION_SPEC)[],
): { flags: Flags; positionals: string[] } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinDashValues(argv),
      options: OPTION_SPEC,
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${parseArgsMessage(e as Error)}; see "memcg-check help"`);
  }
  const flags = parsed.values as Flags;
  for (const k of Object.keys(flags)) {
    if (!allowed.includes(k as keyof typeof OPTION_SPEC) && k !== 'help') {
      throw new UsageError(`option --${k} does not apply to this command; see "memcg-check help"`);
    }
  }
  return { flags, positionals: parsed.positionals };
}

const isOurFlag = (t: string): boolean =>
  t === '--' || t === '-h' || (t.startsWith('--') && Object.hasOwn(OPTION_SPEC, t.slice(2).split('=')[0]));

/**
 * `--pages -1`: parseArgs takes a value that starts with "-" for a flag, and refuses it in three
 * lines. A flag that takes a value, followed by such a word that is no flag of ours, gets it (as
 * `--pages=-1`), so that the value's own check answers in one line ("must be a whole number").
 */
function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    const spec = a.startsWith('--')
      ? (OPTION_SPEC as Record<string, { type: string }>)[a.slice(2)]
      : undefined;
    if (spec?.type === 'string' && next !== undefined && next.startsWith('-') && !isOurFlag(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** parseArgs' message in one line, saying what to do. */
function parseArgsMessage(e: Error): string {
  const first = e.message.split('\n')[0];
  const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(first);
  if (ambiguous) return `option ${ambiguous[1]} needs a value, but a flag follows it`;
  const missing = /^Option '(--[\w-]+) <value>' argument missing/.exec(first);
  if (missing) return `option ${missing[1]} needs a value`;
  return first.replace(/\. To specify.*$/, '').replace(/\.$/, '');
}

function count(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min)
    throw new UsageError(`--${flag} must be a whole number >= ${min}, got "${v}"`);
  return Number(v);
}

export interface Resolved {
  readonly design: Design;
  readonly designLabel: string;
  readonly variant?: VariantDef;
  readonly scopeName: string;
  readonly config: Config;
  /** The claims checked (--claims, --skip-claims); undefined: all of them. */
  readonly claims?: ClaimSelection;
  /** The flags that reproduce this model, for replay lines. */
  readonly modelArgs: string;
}

/** --claims A,B / --skip-claims C: names checked against the claims' table (exit 2 on an unknown one). */
export function claimSelection(flags: Flags): ClaimSelection | undefined {
  const list = (flag: 'claims' | 'skip-claims'): string[] | undefined => {
    const v = flags[flag];
    if (v === undefined) return undefined;
    const names = v.split(',').map((n) => n.trim());
    if (names.some((n) => n === ''))
      throw new UsageError(`--${flag} takes claim names separated by commas, got "${v}" (an empty name)`);
    return names;
  };
  const only = list('claims');
  const skip = list('skip-claims');
  if (!only && !skip) return undefined;
  const sel: ClaimSelection = { ...(only ? { only } : {}), ...(skip ? { skip } : {}) };
  try {
    validateSelection(sel);
  } catch (e) {
    if (e instanceof ClaimSelectionError) throw new UsageError(e.message);
    throw e;
  }
  return sel;
}

export const BUILTIN_VARIANTS: readonly VariantDef[] = KNOWN_BUGS;

/** The flags that set a scope's bounds. */
export const BOUND_FLAGS = ['scope', 'cpus', 'memcgs', 'pages', 'batch', 'drain-all', 'reclaim'] as const;
/** The flags that say which model and claims a run checks (what a worker or a replay rebuilds). */
export const MODEL_FLAGS = ['design', 'variant', ...BOUND_FLAGS, 'claims', 'skip-claims'] as const;

export async function resolveModel(flags: Flags): Promise<Resolved> {
  const scopeName = flags.scope ?? DEFAULT_SCOPE;
  const scope = scopeByName(scopeName);
  if (!scope)
    throw new UsageError(`unknown scope "${scopeName}"; scopes are: ${SCOPES.map((s) => s.name).join(', ')}`);
  let config: Config = scope.config;
  const args: string[] = [];
  try {
    if (flags.cpus !== undefined) config = { ...config, cpus: count('cpus', flags.cpus, 1)! };
    if (flags.memcgs !== undefined) config = { ...config, memcgs: parseMemcgs(flags.memcgs) };
    if (flags.pages !== undefined) config = { ...config, frames: parseFrames(flags.pages) };
    if (flags.batch !== undefined) config = { ...config, batch: count('batch', flags.batch, 1)! };
    if (flags['drain-all'] !== undefined) {
      if (flags['drain-all'] !== 'on' && flags['drain-all'] !== 'off') {
        throw new UsageError(`--drain-all must be on or off, got "${flags['drain-all']}"`);
      }
      config = { ...config, drainAll: flags['drain-all'] === 'on' };
    }
    if (flags.reclaim !== undefined) {
      if (flags.reclaim !== 'on' && flags.reclaim !== 'off') {
        throw new UsageError(`--reclaim must be on or off, got "${flags.reclaim}"`);
      }
      config = { ...config, reclaim: flags.reclaim === 'on' };
    }
    validateConfig(config);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  for (const k of ['cpus', 'memcgs', 'pages', 'batch', 'drain-all', 'reclaim'] as const) {
    if (flags[k] !== undefined) args.push(`--${k} ${flags[k]}`);
  }
  const custom = args.length > 0;
  let design: Design;
  let variant: VariantDef | undefined;
  if (flags.variant !== undefined) {
    variant = await findVariant(flags.variant);
    if (flags.design !== undefined && flags.design !== variant.base) {
      throw new UsageError(
        `variant ${variant.name} starts from design "${variant.base}", not "${flags.design}"; drop --design`,
      );
    }
    try {
      design = buildVariant(variant);
    } catch (e) {
      if (e instanceof VariantError) throw new UsageError(e.message);
      throw e;
    }
  } else {
    const name = flags.design ?? 'new';
    if (name !== 'old' && name !== 'new')
      throw new UsageError(`unknown design "${name}"; designs are: old, new`);
    design = DESIGNS[name];
  }
  const claims = claimSelection(flags);
  const modelArgs = [
    flags.variant !== undefined ? `--variant ${flags.variant}` : `--design ${design.name}`,
    `--scope ${scopeName}`,
    ...args,
    ...(flags.claims !== undefined ? [`--claims ${flags.claims}`] : []),
    ...(flags['skip-claims'] !== undefined ? [`--skip-claims ${flags['skip-claims']}`] : []),
  ].join(' ');
  return {
    ...(claims ? { claims } : {}),
    design,
    designLabel: variant ? `${variant.name} (variant of ${variant.base})` : design.name,
    ...(variant ? { variant } : {}),
    scopeName: custom ? `${scopeName}+custom` : scopeName,
    config,
    modelArgs,
  };
}

async function findVariant(nameOrFile: string): Promise<VariantDef> {
  const builtin = BUILTIN_VARIANTS.find((v) => v.name === nameOrFile);
  if (builtin) return builtin;
  if (/\.(ts|js|mjs)$/.test(nameOrFile) || nameOrFile.includes('/')) return loadVariantFile(nameOrFile);
  throw new UsageError(
    `unknown variant "${nameOrFile}"; built-in variants are: ${BUILTIN_VARIANTS.map((v) => v.name).join(', ')}; or give a file path ending in .ts or .js`,
  );
}

export function checkOptions(flags: Flags): CheckOptions {
  // --timeout 0 would stop at once, after the first 256 states: refused (leave the flag out for none).
  const timeout = count('timeout', flags.timeout, 1);
  const maxMemory = count('max-memory', flags['max-memory'], 1);
  const maxStates = count('max-states', flags['max-states'], 0);
  const maxDepth = count('max-depth', flags['max-depth'], 0);
  const every = count('checkpoint-every', flags['checkpoint-every'], 0);
  if (every !== undefined && flags.checkpoint === undefined) {
    throw new UsageError('--checkpoint-every needs --checkpoint FILE (the file to write the checkpoints to)');
  }
  return {
    ...(maxStates !== undefined ? { maxStates } : {}),
    ...(maxDepth !== undefined ? { maxDepth } : {}),
    ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
    ...(maxMemory !== undefined ? { maxMemoryBytes: maxMemory * 2 ** 20 } : {}),
    ...(flags['no-symmetry'] ? { noSymmetry: true } : {}),
    ...(flags.checkpoint !== undefined ? { checkpoint: flags.checkpoint } : {}),
    ...(every !== undefined ? { checkpointEveryMs: every * 1000 } : {}),
    ...(flags.resume !== undefined ? { resume: flags.resume } : {}),
  };
}

/** --workers N: worker threads (1, the default, runs the one-worker explorer). */
export function workerCount(flags: Flags): number {
  const n = count('workers', flags.workers, 1) ?? 1;
  if (n > 256) throw new UsageError(`--workers must be at most 256, got ${n}`);
  return n;
}

export function format(flags: Flags): 'text' | 'json' {
  const f = flags.format ?? 'text';
  if (f !== 'text' && f !== 'json') throw new UsageError(`--format must be text or json, got "${f}"`);
  return f;
}
