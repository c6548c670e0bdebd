/**
 * Every report names a limit in the flag's own unit, as the user gave it: `--max-memory 1` is
 * "1 MB" (never bytes), `--timeout 1` is "1 s" (never milliseconds). JSON keeps its documented
 * units (`limit.value` in bytes and milliseconds, like `options`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, onlyJson, scratch } from './helpers.js';

const tmp = scratch('limits');

describe('limit text', () => {
  it('--max-memory 1: "1 MB" in the text, JUnit, Markdown and HTML reports; bytes in JSON', () => {
    const f = (n: string) => join(tmp.dir, n);
    const r = cli([
      'check',
      '--scope',
      'tiny',
      '--max-memory',
      '1',
      '--quiet',
      '--junit',
      f('r.xml'),
      '--markdown',
      f('r.md'),
      '--html',
      f('r.html'),
    ]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain('stopped by --max-memory (1 MB): the state space was not exhausted');
    expect(readFileSync(f('r.xml'), 'utf8')).toContain('the run was stopped by --max-memory 1 MB');
    expect(readFileSync(f('r.md'), 'utf8')).toContain('incomplete (--max-memory 1 MB)');
    expect(readFileSync(f('r.html'), 'utf8')).toContain('stopped early: --max-memory (1 MB)');
    const j = onlyJson(cli(['check', '--scope', 'tiny', '--max-memory', '1', '--quiet', '--format', 'json']));
    expect(j.limit).toEqual({ kind: 'memory', value: 2 ** 20 });
  });

  it('--timeout 1: "1 s"', () => {
    const r = cli(['check', '--scope', 'small', '--timeout', '1', '--quiet']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain('stopped by --timeout (1 s): the state space was not exhausted');
  });
});
