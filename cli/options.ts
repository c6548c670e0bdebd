/** Command-line parsing (node:util parseArgs) and the options of a run; the model's flags: cli/model.ts. */
import { parseArgs } from 'node:util';
import type { CheckOptions } from '../checker/index.js';
import { type ClaimSelection, ClaimSelectionError, validateSelection } from '../properties/claim-info.js';
import { UsageError } from './usage.js';

export const OPTION_SPEC = {
  design: { type: 'string' },
  left: { type: 'string' },
  right: { type: 'string' },
  variant: { type: 'string' },
  scope: { type: 'string' },
  cpus: { type: 'string' },
  memcgs: { type: 'string' },
  pages: { type: 'string' },
  batch: { type: 'string' },
  'drain-all': { type: 'string' },
  reclaim: { type: 'string' },
  'split-page': { type: 'string' },
  objects: { type: 'string' },
  swap: { type: 'string' },
  'swap-slots': { type: 'string' },
  migrate: { type: 'string' },
  move: { type: 'string' },
  fair: { type: 'string' },
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
  runs: { type: 'string' },
  depth: { type: 'string' },
  seed: { type: 'string' },
  shard: { type: 'string' },
  'no-swarm': { type: 'boolean' },
  'shortest-states': { type: 'string' },
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

/** A whole-number flag's value (`undefined` when the flag is left out); exit 2 below `min`. */
export function count(flag: string, v: string, min: number): number;
export function count(flag: string, v: string | undefined, min: number): number | undefined;
export function count(flag: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min)
    throw new UsageError(`--${flag} must be a whole number >= ${min}, got "${v}"`);
  return Number(v);
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
