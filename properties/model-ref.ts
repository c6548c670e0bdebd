/**
 * A model reference: which design or variant, at which scope and bounds, against which claims, as
 * plain data. A command decides it once (cli/model.ts, from flags or a gate); `specOf` builds the
 * spec from it, the same function in the command's thread and in every parallel worker, which
 * receives the reference itself (structured cloning keeps it whole: no functions in it).
 *
 * A user's variant is code, so it travels as the text of its module: cli/load-variant.ts reads and
 * bundles the file once, and whoever builds the spec evaluates that text, never the file again.
 */
import type { WorkerSource } from '../checker/index.js';
import { type Config, ConfigError, SCOPES, scopeByName, validateConfig } from '../model/config.js';
import type { Design } from '../model/design/types.js';
import {
  buildVariant,
  DESIGNS,
  type VariantDef,
  VariantError,
  validateVariant,
  variantApi,
} from '../model/variant.js';
import { HISTORY_VARIANTS } from '../model/variants/history.js';
import { KMEM_VARIANTS } from '../model/variants/kmem.js';
import { KNOWN_BUGS } from '../model/variants/known-bugs.js';
import { MOVE_VARIANTS } from '../model/variants/move.js';
import { SLAB_VARIANTS } from '../model/variants/slab.js';
import { SLAB_V58_VARIANTS } from '../model/variants/slab-v58.js';
import { SWAP_VARIANTS } from '../model/variants/swap.js';
import type { ClaimSelection } from './claim-info.js';
import { type MemcgSpec, memcgSpec } from './spec.js';

/** What runs: a built-in design, a built-in variant, or a user's variant given by its module text. */
export type DesignRef =
  | { readonly kind: 'design'; readonly name: 'old' | 'new' }
  | { readonly kind: 'variant'; readonly name: string }
  | {
      readonly kind: 'variant-file';
      /** The file as the user named it (for messages and replay lines; never read again). */
      readonly file: string;
      /** The file bundled into one ES module (its own imports inlined), evaluated in place of it. */
      readonly module: string;
    };

export interface ModelRef {
  readonly design: DesignRef;
  /** A scope's name (model/config.ts SCOPES). */
  readonly scope: string;
  /** Bounds that replace the scope's own (--cpus, --memcgs, ...); absent: the scope as it is. */
  readonly bounds?: Partial<Config>;
  /** The claims checked; absent: all of them (witnesses are always checked). */
  readonly claims?: ClaimSelection;
}

/** The built-in variants (the known bugs), by name. */
export const BUILTIN_VARIANTS: readonly VariantDef[] = [
  ...KNOWN_BUGS,
  ...HISTORY_VARIANTS,
  ...KMEM_VARIANTS,
  ...SLAB_VARIANTS,
  ...SLAB_V58_VARIANTS,
  ...SWAP_VARIANTS,
  ...MOVE_VARIANTS,
];

/** The spec a reference names: the one function both a command and a parallel worker build it with. */
export async function specOf(ref: ModelRef): Promise<MemcgSpec> {
  return memcgSpec(configOf(ref), await designOf(ref.design), ref.claims);
}

/** Where a parallel worker gets its spec: `specOf(ref)`, from this module. */
export function workerSourceOf(ref: ModelRef): WorkerSource {
  return { module: import.meta.url, exportName: 'specOf', arg: ref };
}

/** The scope's config with the reference's bounds over it, checked against the limits. */
export function configOf(ref: Pick<ModelRef, 'scope' | 'bounds'>): Config {
  const scope = scopeByName(ref.scope);
  if (!scope)
    throw new ConfigError(
      `unknown scope "${ref.scope}"; scopes are: ${SCOPES.map((s) => s.name).join(', ')}`,
    );
  const config = { ...scope.config, ...ref.bounds };
  validateConfig(config);
  return config;
}

/** How reports name the bounds: the scope, marked `+custom` when bounds replace some of its own. */
export function scopeLabel(ref: Pick<ModelRef, 'scope' | 'bounds'>): string {
  return ref.bounds && Object.keys(ref.bounds).length > 0 ? `${ref.scope}+custom` : ref.scope;
}

/** The variant a reference names, if any (a user's is evaluated from its module text). */
export async function variantOf(d: DesignRef): Promise<VariantDef | undefined> {
  return d.kind === 'design' ? undefined : variantDef(d);
}

/** The design a reference names: a built-in one, or a variant applied to its base. */
export async function designOf(d: DesignRef): Promise<Design> {
  return d.kind === 'design' ? DESIGNS[d.name] : buildVariant(await variantDef(d));
}

async function variantDef(d: Exclude<DesignRef, { kind: 'design' }>): Promise<VariantDef> {
  if (d.kind === 'variant-file') return variantFromModule(d.module);
  const v = BUILTIN_VARIANTS.find((b) => b.name === d.name);
  if (!v)
    throw new VariantError(
      `unknown built-in variant "${d.name}"; built-ins are: ${BUILTIN_VARIANTS.map((b) => b.name).join(', ')}`,
    );
  return v;
}

/**
 * Evaluates a variant module's text (an ES module whose default export is a variant, or a function
 * of the variant API returning one) and checks what it gives (VariantError if it is no variant).
 * Importing the same text again gives the same module: its top level runs once per thread.
 */
export async function variantFromModule(module: string): Promise<VariantDef> {
  let mod: { default?: unknown };
  try {
    mod = await import(`data:text/javascript;base64,${Buffer.from(module).toString('base64')}`);
  } catch (e) {
    throw new VariantModuleError('throws-on-load', e);
  }
  let exported: unknown = mod.default;
  // A CommonJS file that set exports.default (TypeScript compiled to CommonJS): one level more.
  if (exported && typeof exported === 'object' && 'default' in exported && !('name' in exported)) {
    exported = (exported as { default: unknown }).default;
  }
  if (exported === undefined) throw new VariantModuleError('no-default-export');
  const def =
    typeof exported === 'function' ? (exported as (api: typeof variantApi) => unknown)(variantApi) : exported;
  validateVariant(def);
  return def;
}

/** A variant module that could not give a variant; the loader words the message for the file. */
export class VariantModuleError extends Error {
  override name = 'VariantModuleError';
  constructor(
    readonly reason: 'throws-on-load' | 'no-default-export',
    readonly thrown?: unknown,
  ) {
    super(
      reason === 'no-default-export'
        ? 'the variant module has no default export'
        : `the variant module threw while it loaded: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
    );
  }
}
