/**
 * Loads a user's variant file (.ts through tsx, .js/.mjs natively). The file's default export is a
 * variant object (made with defineVariant) or a function receiving the variant API and returning
 * one, so the file needs no import of this package. See docs/variants.md.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type VariantDef, VariantError, validateVariant, variantApi } from '../model/variant.js';
import { UsageError } from './usage.js';

export async function loadVariantFile(file: string): Promise<VariantDef> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`variant file ${file} does not exist`);
  let mod: Record<string, unknown>;
  try {
    if (/\.ts$/.test(path)) {
      const { tsImport } = await import('tsx/esm/api');
      mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
    } else {
      mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    }
  } catch (e) {
    throw new UsageError(
      `variant file ${file} failed to load: ${(e as Error).message.trim().replace(/\s*\n\s*/g, ' ')}`,
    );
  }
  let exported: unknown = mod.default;
  // tsx may wrap a default export once more (CommonJS interop).
  if (exported && typeof exported === 'object' && 'default' in exported && !('name' in exported)) {
    exported = (exported as { default: unknown }).default;
  }
  if (exported === undefined) {
    throw new UsageError(
      `variant file ${file} has no default export; export default defineVariant({...}) or (api) => ({...})`,
    );
  }
  try {
    const def =
      typeof exported === 'function'
        ? (exported as (api: typeof variantApi) => unknown)(variantApi)
        : exported;
    validateVariant(def);
    return def;
  } catch (e) {
    if (e instanceof VariantError) throw new UsageError(`variant file ${file}: ${e.message}`);
    throw new UsageError(`variant file ${file}: ${(e as Error).message}`);
  }
}
