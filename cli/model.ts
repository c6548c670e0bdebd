/**
 * The model a command checks, decided once: its flags become a ModelRef (properties/model-ref.ts),
 * and the ref becomes the spec and the words the reports use. Commands pass ModelRefs around,
 * never flags; the flags a ref stands for come back only for the lines a user copies (replay,
 * resume).
 */
import {
  type Config,
  ConfigError,
  DEFAULT_SCOPE,
  type FrameDecl,
  type MemcgDecl,
  parseFrames,
  parseMemcgs,
  SCOPES,
  scopeByName,
  validateConfig,
} from '../model/config.js';
import { type VariantDef, VariantError } from '../model/variant.js';
import { ClaimSelectionError } from '../properties/claim-info.js';
import {
  BUILTIN_VARIANTS,
  type DesignRef,
  type ModelRef,
  scopeLabel,
  specOf,
  variantOf,
} from '../properties/model-ref.js';
import type { MemcgSpec } from '../properties/spec.js';
import { loadVariantFile } from './load-variant.js';
import { claimSelection, count, type Flags } from './options.js';
import { UsageError } from './usage.js';

/** A ModelRef built, with what reports say about it. */
export interface OpenModel {
  readonly ref: ModelRef;
  readonly spec: MemcgSpec;
  readonly variant?: VariantDef;
  /** The design's name, or `K5 (variant of new)`. */
  readonly designLabel: string;
  /** The scope as reports name it: `tiny`, or `tiny+custom` under bounds of the user's. */
  readonly scope: string;
  /** The flags that rebuild it (`--variant K5 --scope tiny`), for replay and resume lines. */
  readonly args: string;
}

/** The flags that set a scope's bounds. */
export const BOUND_FLAGS = [
  'scope',
  'cpus',
  'memcgs',
  'pages',
  'batch',
  'drain-all',
  'reclaim',
  'split-page',
  'objects',
  'swap',
  'swap-slots',
  'migrate',
  'move',
] as const;
/** The flags that say which model and claims a run checks. */
export const MODEL_FLAGS = ['design', 'variant', ...BOUND_FLAGS, 'claims', 'skip-claims'] as const;

/** The model the flags name (a variant file is loaded here, once). */
export async function modelRef(flags: Flags): Promise<ModelRef> {
  const bounds = boundsOf(flags);
  const design = await designRefOf(flags);
  const claims = claimSelection(flags);
  return { design, ...bounds, ...(claims ? { claims } : {}) };
}

/** --scope and the bounds over it; exit 2 on an unknown scope or bounds past the limits. */
export function boundsOf(flags: Flags): Pick<ModelRef, 'scope' | 'bounds'> {
  const scope = flags.scope ?? DEFAULT_SCOPE;
  const info = scopeByName(scope);
  if (!info)
    throw new UsageError(`unknown scope "${scope}"; scopes are: ${SCOPES.map((s) => s.name).join(', ')}`);
  const bounds: { -readonly [K in keyof Config]?: Config[K] } = {};
  try {
    if (flags.cpus !== undefined) bounds.cpus = count('cpus', flags.cpus, 1);
    if (flags.memcgs !== undefined) bounds.memcgs = parseMemcgs(flags.memcgs);
    if (flags.pages !== undefined) bounds.frames = parseFrames(flags.pages);
    if (flags.batch !== undefined) bounds.batch = count('batch', flags.batch, 1);
    if (flags['drain-all'] !== undefined) bounds.drainAll = onOff('drain-all', flags['drain-all']);
    if (flags.reclaim !== undefined) bounds.reclaim = onOff('reclaim', flags.reclaim);
    if (flags['split-page'] !== undefined) bounds.splitPage = onOff('split-page', flags['split-page']);
    if (flags.objects !== undefined) bounds.objects = count('objects', flags.objects, 0);
    if (flags.swap !== undefined) bounds.swap = swapVersion(flags.swap);
    if (flags['swap-slots'] !== undefined) bounds.swapSlots = count('swap-slots', flags['swap-slots'], 1);
    if (flags.migrate !== undefined) bounds.migrate = onOff('migrate', flags.migrate);
    if (flags.move !== undefined) bounds.move = onOff('move', flags.move);
    validateConfig({ ...info.config, ...bounds });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
  return { scope, ...(Object.keys(bounds).length > 0 ? { bounds } : {}) };
}

/** --swap v1|v2|off: `off` leaves swap out, even at a swap scope. */
function swapVersion(v: string): 'v1' | 'v2' | 'off' {
  if (v === 'v1' || v === 'v2' || v === 'off') return v;
  throw new UsageError(`--swap must be v1, v2 or off, got "${v}"`);
}

function onOff(flag: string, v: string): boolean {
  if (v !== 'on' && v !== 'off') throw new UsageError(`--${flag} must be on or off, got "${v}"`);
  return v === 'on';
}

/** --variant NAME|FILE or --design old|new (default new); a --design that is not the variant's base is refused. */
export async function designRefOf(flags: Pick<Flags, 'design' | 'variant'>): Promise<DesignRef> {
  if (flags.variant !== undefined) {
    const { ref, name, base } = await variantRef(flags.variant);
    if (flags.design !== undefined && flags.design !== base) {
      throw new UsageError(
        `variant ${name} starts from design "${base}", not "${flags.design}"; drop --design`,
      );
    }
    return ref;
  }
  const name = flags.design ?? 'new';
  if (name !== 'old' && name !== 'new')
    throw new UsageError(`unknown design "${name}"; designs are: old, new`);
  return { kind: 'design', name };
}

/** A built-in variant by name, or a file (a path ending in .ts/.js/.mjs or containing a /), loaded. */
export async function variantRef(
  nameOrFile: string,
): Promise<{ ref: DesignRef; name: string; base: 'old' | 'new' }> {
  const builtin = BUILTIN_VARIANTS.find((v) => v.name === nameOrFile);
  if (builtin)
    return { ref: { kind: 'variant', name: builtin.name }, name: builtin.name, base: builtin.base };
  if (/\.(ts|js|mjs)$/.test(nameOrFile) || nameOrFile.includes('/')) return loadVariantFile(nameOrFile);
  throw new UsageError(
    `unknown variant "${nameOrFile}"; built-in variants are: ${BUILTIN_VARIANTS.map((v) => v.name).join(', ')}; or give a file path ending in .ts or .js`,
  );
}

/** Builds the spec of `ref`; a variant whose edits do not apply is exit 2. */
export async function openModel(ref: ModelRef): Promise<OpenModel> {
  let spec: MemcgSpec;
  let variant: VariantDef | undefined;
  try {
    variant = await variantOf(ref.design);
    spec = await specOf(ref);
  } catch (e) {
    if (e instanceof VariantError || e instanceof ConfigError || e instanceof ClaimSelectionError)
      throw new UsageError(e.message);
    throw e;
  }
  return {
    ref,
    spec,
    ...(variant ? { variant } : {}),
    designLabel: variant ? `${variant.name} (variant of ${variant.base})` : spec.design.name,
    scope: scopeLabel(ref),
    args: refArgs(ref),
  };
}

/** The flags that rebuild `ref`, in the order `check` takes them. */
export function refArgs(ref: ModelRef): string {
  const d = ref.design;
  const b = ref.bounds ?? {};
  const onOffText = (v: boolean) => (v ? 'on' : 'off');
  return [
    d.kind === 'design' ? `--design ${d.name}` : `--variant ${d.kind === 'variant' ? d.name : d.file}`,
    `--scope ${ref.scope}`,
    ...(b.cpus !== undefined ? [`--cpus ${b.cpus}`] : []),
    ...(b.memcgs !== undefined ? [`--memcgs ${memcgsText(b.memcgs)}`] : []),
    ...(b.frames !== undefined ? [`--pages ${pagesText(b.frames)}`] : []),
    ...(b.batch !== undefined ? [`--batch ${b.batch}`] : []),
    ...(b.drainAll !== undefined ? [`--drain-all ${onOffText(b.drainAll)}`] : []),
    ...(b.reclaim !== undefined ? [`--reclaim ${onOffText(b.reclaim)}`] : []),
    ...(b.splitPage !== undefined ? [`--split-page ${onOffText(b.splitPage)}`] : []),
    ...(b.objects !== undefined ? [`--objects ${b.objects}`] : []),
    ...(b.swap !== undefined ? [`--swap ${b.swap}`] : []),
    ...(b.swapSlots !== undefined ? [`--swap-slots ${b.swapSlots}`] : []),
    ...(b.migrate !== undefined ? [`--migrate ${onOffText(b.migrate)}`] : []),
    ...(b.move !== undefined ? [`--move ${onOffText(b.move)}`] : []),
    ...(ref.claims?.only ? [`--claims ${ref.claims.only.join(',')}`] : []),
    ...(ref.claims?.skip ? [`--skip-claims ${ref.claims.skip.join(',')}`] : []),
  ].join(' ');
}

/** `root/A,A/A1`, as --memcgs takes it (root is implicit). */
function memcgsText(memcgs: readonly MemcgDecl[]): string {
  return memcgs
    .slice(1)
    .map((m) => `${memcgs[m.parent].name}/${m.name}`)
    .join(',');
}

/** `2,thp:2,kmem:2`, as --pages takes it: a run of small pages as its count, a THP as thp:K, a kernel page as kmem:K. */
function pagesText(frames: readonly FrameDecl[]): string {
  const items: string[] = [];
  let small = 0;
  for (const f of frames) {
    if (f.kind === 'small') {
      small++;
      continue;
    }
    if (small > 0) items.push(String(small));
    small = 0;
    items.push(`${f.kind}:${f.subpages}`);
  }
  if (small > 0) items.push(String(small));
  return items.length > 0 ? items.join(',') : '0';
}
