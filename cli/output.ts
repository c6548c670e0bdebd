/** Writing a report: stdout, and with --out a file written whole (temp file, then rename) or not at all. */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { styleText } from 'node:util';
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

/** Colour on a terminal only, and never when NO_COLOR is set (no-color.org). */
export function useColor(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR;
}

/** Highlights a text report's key words; the report itself stays plain (files never get colour). */
export function colorize(text: string): string {
  return text
    .replace(/: (VERIFIED)\b/, (_m, w) => `: ${styleText(['bold', 'green'], w)}`)
    .replace(/: (VIOLATED|VACUOUS)\b/, (_m, w) => `: ${styleText(['bold', 'red'], w)}`)
    .replace(/: (INCOMPLETE)\b/, (_m, w) => `: ${styleText(['bold', 'yellow'], w)}`)
    .replace(/^(Violated: .*)$/m, (m) => styleText(['bold', 'red'], m))
    .replace(/^(Blame: .*)$/m, (m) => styleText('yellow', m))
    .replace(/BUG: [^\n]*/g, (m) => styleText(['bold', 'red'], m))
    .replace(/MISMATCH \([+-]?\d+\)/g, (m) => styleText(['bold', 'red'], m));
}

export function emit(text: string, out: string | undefined, color = false): void {
  const shown = color ? colorize(text) : text;
  process.stdout.write(shown.endsWith('\n') ? shown : `${shown}\n`);
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
