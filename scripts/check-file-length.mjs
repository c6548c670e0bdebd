#!/usr/bin/env node
/**
 * CI's file-length rule (issue #12): a source file over 300 lines must say why in its first
 * comment. Run as `node scripts/check-file-length.mjs [--root DIR]` (`npm run check:length`;
 * .ci/run runs it after the lint step). Plain Node, no dependencies, so it runs before the build.
 *
 * The files: `git ls-files --cached --others --exclude-standard` (tracked, and untracked but not
 * ignored) ending in .ts, .mts, .mjs or .js under checker/, model/, properties/, report/, cli/,
 * bench/, scripts/ and test/, except data: any golden/ or data/ folder under test/ (the toy models
 * in test/checker/fixtures/ are code, and are checked). Lines are counted as `wc -l` does, plus an
 * unterminated last line.
 *
 * The convention: the file's first comment (the leading block comment or run of `//` lines, after
 * an optional shebang and blank lines) holds a sentence starting exactly "Long because",
 * at the start of the comment or of a paragraph, or after a `.`, `!` or `?`; for example
 * "Long because the twelve drain steps read best side by side." Nothing else counts ("Over 300
 * lines because" does not). The usual fix is to split the file (STYLE.md: one concept per file).
 *
 * Exit codes: 0 every long file has a reason (one OK line on stdout), 1 some do not (each listed
 * on stderr with its line count and what to do), 2 misuse (a bad option, or --root not in a git
 * work tree).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** A file may have this many lines without a reason. */
export const LIMIT = 300;
/** The folders whose sources are checked. */
export const DIRS = ['checker', 'model', 'properties', 'report', 'cli', 'bench', 'scripts', 'test'];
/** The words the reason sentence starts with. */
export const REASON = 'Long because';

const SOURCE = /\.(ts|mts|mjs|js)$/;
const DATA = /^test\/(.+\/)?(golden|data)\//;
const SENTENCE = /(?:^|[.!?]["')\]]?\s+)(Long because\s+[^.!?]*\w[^.!?]*[.!?]?)/;

/** Lines as `wc -l` counts them, plus a last line without its newline. */
export function countLines(text) {
  if (text === '') return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

/**
 * The text of the file's first comment without its markers (the block's opening and closing, a
 * leading `*` on each line, `//`), one string per line; null if the file does not start with a comment (after a shebang and blank lines).
 */
export function leadingComment(text) {
  let rest = text.replace(/^\uFEFF/, '');
  if (rest.startsWith('#!')) {
    const nl = rest.indexOf('\n');
    rest = nl < 0 ? '' : rest.slice(nl + 1);
  }
  rest = rest.replace(/^\s+/, '');
  if (rest.startsWith('/*')) {
    const end = rest.indexOf('*/', 2);
    if (end < 0) return null;
    return rest
      .slice(2, end)
      .split('\n')
      .map((l) => l.replace(/^\s*\*?/, '').trim());
  }
  if (rest.startsWith('//')) {
    const out = [];
    for (const line of rest.split('\n')) {
      const m = /^\s*\/\/\/?(.*)$/.exec(line);
      if (!m) break;
      out.push(m[1].trim());
    }
    return out;
  }
  return null;
}

/** The "Long because ..." sentence of the file's first comment, or null. */
export function reasonOf(text) {
  const comment = leadingComment(text);
  if (comment === null) return null;
  const paragraphs = comment.join('\n').split(/\n\s*\n/);
  for (const p of paragraphs) {
    const m = SENTENCE.exec(p.replace(/\s+/g, ' ').trim());
    if (m) return m[1].trim();
  }
  return null;
}

/** The checked source files of the git work tree at root, relative to it, sorted. */
export function sourceFiles(root) {
  const out = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...DIRS],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 },
  );
  const files = new Set(out.split('\0').filter((f) => f !== '' && SOURCE.test(f) && !DATA.test(f)));
  return [...files].sort();
}

/**
 * The rule itself. `files` (relative to root) defaults to sourceFiles(root); a listed file that no
 * longer exists (deleted in the work tree, not yet staged) is skipped. Returns how many files were
 * checked, every file over LIMIT with its reason (null if none), and those without one.
 */
export function checkFileLength({ root, files = sourceFiles(root) }) {
  const long = [];
  let checked = 0;
  for (const file of files) {
    let text;
    try {
      text = readFileSync(join(root, file), 'utf8');
    } catch (e) {
      if (e?.code === 'ENOENT') continue;
      throw e;
    }
    checked++;
    const lines = countLines(text);
    if (lines > LIMIT) long.push({ file, lines, reason: reasonOf(text) });
  }
  return { checked, long, offenders: long.filter((f) => f.reason === null) };
}

/** What the CLI prints for a result: { ok, text }. */
export function describe(result) {
  const { checked, long, offenders } = result;
  if (offenders.length === 0) {
    const over =
      long.length === 0
        ? `none over ${LIMIT} lines`
        : `${long.length} over ${LIMIT} lines, each with a "${REASON}" reason in its first comment`;
    const text = `check-file-length: OK, ${checked} source files, ${over}`;
    return { ok: true, text };
  }
  const width = Math.max(...offenders.map((f) => f.file.length));
  const n = offenders.length;
  const text = [
    `check-file-length: ${n} source file${n === 1 ? '' : 's'} over ${LIMIT} lines without a reason:`,
    ...offenders.map((f) => `  ${f.file.padEnd(width)}  ${f.lines} lines`),
    `Split ${n === 1 ? 'it' : 'each'} (STYLE.md: one concept per file, split before ~${LIMIT} lines), or, if it must stay`,
    `whole, say why in its first comment (the leading /** ... */ or // block, after any shebang):`,
    `a sentence starting "${REASON}", e.g. "${REASON} the drain steps read best side by side."`,
  ].join('\n');
  return { ok: false, text };
}

const USAGE =
  'usage: node scripts/check-file-length.mjs [--root DIR]  (DIR: a git work tree; default: this checkout)';

/** The CLI; returns the exit code. */
export function main(argv, { stdout = process.stdout, stderr = process.stderr } = {}) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { root: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    stderr.write(`check-file-length: ${e.message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    stdout.write(`${USAGE}\n`);
    return 0;
  }
  const root = values.root ?? fileURLToPath(new URL('..', import.meta.url));
  let files;
  try {
    files = sourceFiles(root);
  } catch (e) {
    const why = (e.stderr?.toString() || e.message).trim();
    stderr.write(
      `check-file-length: cannot list the files of ${root} with git (${why}); pass --root DIR, a git work tree\n`,
    );
    return 2;
  }
  const { ok, text } = describe(checkFileLength({ root, files }));
  (ok ? stdout : stderr).write(`${text}\n`);
  return ok ? 0 : 1;
}

/** Whether node was started on this file (not imported by a test). */
function isMain() {
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1] ?? '')).href;
  } catch {
    return false;
  }
}

if (isMain()) {
  process.exitCode = main(process.argv.slice(2));
}
