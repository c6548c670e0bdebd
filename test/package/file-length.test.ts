/**
 * scripts/check-file-length.mjs, CI's file-length rule (issue #12): a source file over 300 lines
 * needs a sentence starting "Long because" in its first comment. The rule on hand-written files in
 * a temporary folder, then the CLI on a temporary git work tree (which files it lists, exit codes).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkFileLength,
  countLines,
  LIMIT,
  leadingComment,
  reasonOf,
} from '../../scripts/check-file-length.mjs';
import { ROOT, scratch } from '../cli/helpers.js';

const SCRIPT = join(ROOT, 'scripts/check-file-length.mjs');
const tmp = scratch('length');
let folders = 0;

/** A fresh empty folder under the file's temporary folder. */
function fresh(): string {
  const dir = join(tmp.dir, String(folders++));
  mkdirSync(dir);
  return dir;
}

/** A file of exactly `total` lines: `head`, then one statement per line, each line ending in \n. */
function source(total: number, head: string[] = []): string {
  const lines = [...head];
  for (let i = 0; lines.length < total; i++) lines.push(`export const x${i} = ${i};`);
  return `${lines.join('\n')}\n`;
}

function put(dir: string, file: string, text: string): void {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  writeFileSync(join(dir, file), text);
}

/** checkFileLength on files written to a fresh folder; returns the offenders' names. */
function offenders(files: Record<string, string>): string[] {
  const dir = fresh();
  for (const [name, text] of Object.entries(files)) put(dir, name, text);
  return checkFileLength({ root: dir, files: Object.keys(files) }).offenders.map((f) => f.file);
}

const NO_REASON = ['/**', ' * What this file does.', ' */'];
const REASON = [
  '/**',
  ' * What this file does.',
  ' *',
  ' * Long because the steps read best side by side.',
  ' */',
];

describe('the rule', () => {
  it('counts lines as wc -l does, plus an unterminated last line', () => {
    expect(LIMIT).toBe(300);
    expect(countLines('')).toBe(0);
    expect(countLines('a\n')).toBe(1);
    expect(countLines('a\nb')).toBe(2);
    expect(countLines(source(300))).toBe(300);
    expect(countLines(source(300).slice(0, -1))).toBe(300);
  });

  it('fails a 301-line file whose first comment gives no reason', () => {
    expect(offenders({ 'model/a.ts': source(301, NO_REASON) })).toEqual(['model/a.ts']);
    expect(offenders({ 'model/a.ts': source(301) })).toEqual(['model/a.ts']);
  });

  it('passes a 301-line file whose first comment says "Long because ..."', () => {
    const dir = fresh();
    put(dir, 'model/a.ts', source(301, REASON));
    expect(checkFileLength({ root: dir, files: ['model/a.ts'] })).toEqual({
      checked: 1,
      long: [{ file: 'model/a.ts', lines: 301, reason: 'Long because the steps read best side by side.' }],
      offenders: [],
    });
  });

  it('passes a 300-line file without a reason', () => {
    expect(offenders({ 'model/a.ts': source(300, NO_REASON), 'model/b.ts': source(300) })).toEqual([]);
  });

  it('reads the first comment after a shebang, as a block or a run of // lines', () => {
    expect(offenders({ 'scripts/a.mjs': source(301, ['#!/usr/bin/env node', ...REASON]) })).toEqual([]);
    expect(offenders({ 'scripts/a.mjs': source(301, ['#!/usr/bin/env node', '', ...REASON]) })).toEqual([]);
    expect(offenders({ 'scripts/a.mjs': source(301, ['#!/usr/bin/env node', ...NO_REASON]) })).toEqual([
      'scripts/a.mjs',
    ]);
    const slashes = ['#!/usr/bin/env node', '// What this does.', '// Long because it must.'];
    expect(offenders({ 'scripts/b.mjs': source(301, slashes) })).toEqual([]);
    expect(leadingComment('#!/usr/bin/env node\n// a\n//  b\nx;\n// c\n')).toEqual(['a', 'b']);
    expect(leadingComment('/**\n * a\n *\n * b */\nx;')).toEqual(['', 'a', '', 'b']);
    expect(leadingComment('import x from "y";\n/** Long because. */')).toBeNull();
  });

  it('takes only the first comment, and only a sentence starting exactly "Long because"', () => {
    const second = [...NO_REASON, '', '/** Long because it must. */'];
    expect(offenders({ 'model/a.ts': source(301, second) })).toEqual(['model/a.ts']);
    const after = ['import { x } from "y";', '/** Long because it must. */'];
    expect(offenders({ 'model/a.ts': source(301, after) })).toEqual(['model/a.ts']);
    expect(reasonOf('/** Over 300 lines because it must. */')).toBeNull();
    expect(reasonOf('/** long because it must. */')).toBeNull();
    expect(reasonOf('/** It is not Long because it must. */')).toBeNull();
    expect(reasonOf('/** Long because */')).toBeNull();
    expect(reasonOf('/** What it does. Long because it must. More. */')).toBe('Long because it must.');
    expect(reasonOf('/** What it does (see x). Long because it\n * must. */')).toBe('Long because it must.');
    expect(reasonOf('/**\n * What it does\n *\n * Long because it must\n */')).toBe('Long because it must');
  });

  it('skips a listed file that no longer exists', () => {
    const dir = fresh();
    put(dir, 'model/a.ts', source(10));
    expect(checkFileLength({ root: dir, files: ['model/a.ts', 'model/gone.ts'] }).checked).toBe(1);
  });
});

describe('node scripts/check-file-length.mjs --root DIR', () => {
  const run = (root: string) => spawnSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8' });

  it('lists tracked and untracked, not ignored, sources under the checked folders, and no data', () => {
    const dir = fresh();
    execFileSync('git', ['init', '-q', dir]);
    const long = source(301, NO_REASON);
    for (const f of [
      'checker/tracked.ts',
      'test/model/untracked.test.ts',
      'scripts/a.mjs',
      'scripts/a.d.mts',
      'bench/b.js',
      'test/reports/golden/K2.ts',
      'test/x/data/big.js',
      'model/ignored.ts',
      'docs/other.ts',
      'model/notes.txt',
    ])
      put(dir, f, long);
    put(dir, '.gitignore', 'model/ignored.ts\n');
    execFileSync('git', ['add', 'checker/tracked.ts'], { cwd: dir });

    const r = run(dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const listed = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('  '))
      .map((l) => l.trim().split(/\s+/));
    expect(listed).toEqual([
      ['bench/b.js', '301', 'lines'],
      ['checker/tracked.ts', '301', 'lines'],
      ['scripts/a.d.mts', '301', 'lines'],
      ['scripts/a.mjs', '301', 'lines'],
      ['test/model/untracked.test.ts', '301', 'lines'],
    ]);
    expect(r.stderr).toContain('5 source files over 300 lines without a reason');
    expect(r.stderr).toContain('a sentence starting "Long because"');

    for (const f of [
      'checker/tracked.ts',
      'test/model/untracked.test.ts',
      'scripts/a.mjs',
      'scripts/a.d.mts',
    ])
      put(dir, f, source(301, REASON));
    put(dir, 'bench/b.js', source(300));
    const ok = run(dir);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe(
      'check-file-length: OK, 5 source files, 4 over 300 lines, each with a "Long because" reason in its first comment\n',
    );
    expect(ok.status).toBe(0);
  });

  it('exits 2 on a folder outside git or an unknown option', () => {
    const dir = fresh();
    const r = run(dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('pass --root DIR, a git work tree');
    const bad = spawnSync(process.execPath, [SCRIPT, '--bogus'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('usage: node scripts/check-file-length.mjs [--root DIR]');
  });
});
