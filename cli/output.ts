/** Writing a report: stdout, and with --out a file written whole (temp file, then rename) or not at all. */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './usage.js';

/** Fails before any work when `--flag FILE` cannot be written: a missing folder, or FILE is a folder. */
export function checkOutPath(out: string | undefined, flag = 'out'): void {
  if (out === undefined) return;
  const dir = dirname(resolve(out));
  if (!existsSync(dir)) throw new UsageError(`--${flag} ${out}: folder ${dir} does not exist`);
  if (existsSync(out) && statSync(out).isDirectory()) {
    throw new UsageError(`--${flag} ${out} is a folder; give a file name inside it`);
  }
}

export function emit(text: string, out: string | undefined): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  if (out !== undefined) writeWhole(out, text);
}

export function writeWhole(file: string, text: string): void {
  const tmp = `${resolve(file)}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text.endsWith('\n') ? text : `${text}\n`);
    renameSync(tmp, resolve(file));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UsageError(`cannot write ${file}: ${(e as Error).message}`);
  }
}
