/**
 * Loads a user's variant file, once: esbuild bundles it (.ts, .js or .mjs, with the files it
 * imports) into one ES module, whose text is what a model reference carries
 * (properties/model-ref.ts) and every thread evaluates. The file's default export is a variant
 * object (made with defineVariant) or a function receiving the variant API and returning one, so
 * the file needs no import of this package. See docs/variants.md.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { build, type Message } from 'esbuild';
import { VariantError } from '../model/variant.js';
import { type DesignRef, VariantModuleError, variantFromModule } from '../properties/model-ref.js';
import { UsageError } from './usage.js';

/** The reference to a variant file (checked: it loads and gives a variant), and its base design. */
export async function loadVariantFile(
  file: string,
): Promise<{ ref: Extract<DesignRef, { kind: 'variant-file' }>; name: string; base: 'old' | 'new' }> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`variant file ${file} does not exist`);
  let module: string;
  try {
    const out = await build({
      entryPoints: [path],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    });
    module = out.outputFiles[0].text;
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    const why = errors?.length
      ? errors.map((m) => where(m, path, file)).join('; ')
      : (e as Error).message.split('\n')[0];
    throw new UsageError(`variant file ${file} failed to load: ${why}`);
  }
  try {
    const def = await variantFromModule(module);
    return { ref: { kind: 'variant-file', file, module }, name: def.name, base: def.base };
  } catch (e) {
    if (e instanceof VariantModuleError && e.reason === 'no-default-export')
      throw new UsageError(
        `variant file ${file} has no default export; export default defineVariant({...}) or (api) => ({...})`,
      );
    if (e instanceof VariantModuleError)
      throw new UsageError(`variant file ${file} failed to load: ${oneLine(e.thrown)}`);
    if (e instanceof VariantError) throw new UsageError(`variant file ${file}: ${e.message}`);
    throw new UsageError(`variant file ${file}: ${(e as Error).message}`);
  }
}

const oneLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).trim().replace(/\s*\n\s*/g, ' ');

/** One esbuild message: `file:line:column: text`, the file as the user named it when it is theirs. */
function where(m: Message, path: string, file: string): string {
  if (!m.location) return m.text;
  const at = resolve(m.location.file) === path ? file : m.location.file;
  return `${at}:${m.location.line}:${m.location.column}: ${m.text}`;
}
