/** Writing a report: stdout, and with --out a file written whole (temp file, then rename) or not at all. */
import {
  accessSync,
  constants,
  existsSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { styleText } from 'node:util';
import type { Mark, Marker } from '../report/text.js';
import { UsageError } from './usage.js';

/**
 * Fails before any work when `--flag FILE` cannot be written: its folder is missing, is a file, or
 * cannot be written (access W_OK: permissions, a read-only file system), or FILE is a folder.
 */
export function checkOutPath(out: string | undefined, flag = 'out'): void {
  if (out === undefined) return;
  if (out === '') throw new UsageError(`--${flag} needs a file name`);
  const dir = dirname(resolve(out));
  if (!existsSync(dir)) {
    let up = dir;
    while (!existsSync(up) && dirname(up) !== up) up = dirname(up);
    if (existsSync(up) && !statSync(up).isDirectory())
      throw new UsageError(`--${flag} ${out}: ${up} is a file, not a folder; give a path in a folder`);
    throw new UsageError(
      `--${flag} ${out}: folder ${dir} does not exist; create it first, or give a path in an existing folder`,
    );
  }
  if (!statSync(dir).isDirectory())
    throw new UsageError(`--${flag} ${out}: ${dir} is a file, not a folder; give a path in a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new UsageError(
      `--${flag} ${out}: folder ${dir} cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give a path in a folder you can write to`,
    );
  }
  if (existsSync(out) && statSync(out).isDirectory()) {
    throw new UsageError(`--${flag} ${out} is a folder; give a file name inside it`);
  }
}

/** The file a path names, for comparisons: its folder's real path (links resolved) and its name. */
function identity(file: string): string {
  const full = resolve(file);
  try {
    return resolve(realpathSync(dirname(full)), basename(full));
  } catch {
    return full;
  }
}

/**
 * Every output flag of a command checked before any work (`checkOutPath`), and no two naming the
 * same file; `inputs` (e.g. --resume, a manifest) must not be overwritten by a report either.
 * `same` lists pairs of flags that may name the same file (--checkpoint and --resume).
 */
export function checkOutputs(
  outputs: readonly (readonly [flag: string, file: string | undefined])[],
  inputs: readonly (readonly [flag: string, file: string | undefined])[] = [],
  same: readonly (readonly [string, string])[] = [],
): void {
  for (const [flag, file] of outputs) checkOutPath(file, flag);
  const given = (list: typeof outputs) =>
    list.filter((o): o is readonly [string, string] => o[1] !== undefined);
  const outs = given(outputs);
  const allowed = (a: string, b: string) =>
    same.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  for (let i = 0; i < outs.length; i++) {
    for (let j = i + 1; j < outs.length; j++) {
      if (identity(outs[i][1]) === identity(outs[j][1]))
        throw new UsageError(
          `--${outs[i][0]} ${outs[i][1]} and --${outs[j][0]} ${outs[j][1]} are the same file; give each output its own file`,
        );
    }
    for (const [flag, file] of given(inputs)) {
      if (!allowed(outs[i][0], flag) && identity(outs[i][1]) === identity(file))
        throw new UsageError(
          `--${outs[i][0]} ${outs[i][1]} is ${flag === 'manifest' ? 'the manifest' : `the file --${flag} reads`}; this output would overwrite it; give another file`,
        );
    }
  }
}

/** Colour on a terminal only, and never when NO_COLOR is set (no-color.org). */
export function useColor(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR;
}

const COLORS: Record<Mark, Parameters<typeof styleText>[0]> = {
  verified: ['bold', 'green'],
  violated: ['bold', 'red'],
  incomplete: ['bold', 'yellow'],
  vacuous: ['bold', 'red'],
  claim: ['bold', 'red'],
  blame: 'yellow',
  bug: ['bold', 'red'],
  mismatch: ['bold', 'red'],
};

/** The text report's key words in colour, for a terminal (files never get colour). */
export const colorMarker: Marker = (mark, text) => styleText(COLORS[mark], text);

/** Prints `shown` (the report, perhaps coloured) and writes `text` (plain) to `out`. */
export function emit(text: string, out: string | undefined, shown = text): void {
  process.stdout.write(shown.endsWith('\n') ? shown : `${shown}\n`);
  if (out !== undefined) writeWhole(out, text, 'out');
}

/**
 * Writes `file` whole: a temporary file beside it, then a rename. A failed write (a full disk, a
 * folder gone) removes the temporary file and is a one-line UsageError (exit 2) naming `flag`.
 */
export function writeWhole(file: string, text: string, flag?: string): void {
  const tmp = `${resolve(file)}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text.endsWith('\n') ? text : `${text}\n`);
    renameSync(tmp, resolve(file));
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // Nothing was created there (e.g. the folder is now a file).
    }
    const why = (e as Error).message.split('\n')[0].replace(`'${tmp}'`, `'${file}'`);
    throw new UsageError(`cannot write ${flag !== undefined ? `--${flag} ` : ''}${file}: ${why}`);
  }
}
