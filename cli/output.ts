/** Writing a report: stdout, and with --out a file written whole (temp file, then rename) or not at all. */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './usage.js';

export function checkOutPath(out: string | undefined): void {
  if (out === undefined) return;
  const dir = dirname(resolve(out));
  if (!existsSync(dir)) throw new UsageError(`--out ${out}: folder ${dir} does not exist`);
}

export function emit(text: string, out: string | undefined): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  if (out !== undefined) writeWhole(out, text);
}

export function writeWhole(file: string, text: string): void {
  const tmp = `${resolve(file)}.tmp-${process.pid}`;
  writeFileSync(tmp, text.endsWith('\n') ? text : `${text}\n`);
  renameSync(tmp, resolve(file));
}
