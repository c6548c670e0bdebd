/**
 * Runs the built command line the way a user does (`node dist/cli/main.js ...`) and checks what a
 * usage error must look like: exit 2, one `memcg-check: ...` message on stderr, no stack trace.
 * `npm test` builds first (pretest); run `npm run build` before calling vitest directly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MAIN = join(ROOT, 'dist/cli/main.js');

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One CLI run; a run that hangs fails the test instead of the suite. */
export function cli(args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): Run {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first`);
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.error) throw r.error;
  if (r.signal) throw new Error(`memcg-check ${args.join(' ')} was killed by ${r.signal}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What no user should ever see: a Node stack trace or an internal-error report. */
export function expectNoStackTrace(r: Run): void {
  for (const out of [r.stdout, r.stderr]) {
    expect(out).not.toMatch(/^\s+at .*:\d+:\d+\)?$/m);
    expect(out).not.toContain('internal error');
    expect(out).not.toMatch(/^Node\.js v\d+/m);
  }
}

/** A usage error: exit 2, nothing on stdout, one line on stderr naming each of `names`. */
export function expectUsageError(r: Run, ...names: readonly (string | RegExp)[]): void {
  expect(r.stderr).toMatch(/^memcg-check: \S/);
  expect(r.code, `stderr: ${r.stderr}`).toBe(2);
  expect(r.stdout).toBe('');
  expectNoStackTrace(r);
  for (const n of names) {
    if (typeof n === 'string') expect(r.stderr).toContain(n);
    else expect(r.stderr).toMatch(n);
  }
}

/** A fresh temporary folder, removed after the file's tests; `write` puts a file in it. */
export function scratch(prefix: string): { dir: string; write(name: string, text: string): string } {
  const dir = mkdtempSync(join(tmpdir(), `memcg-check-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
  };
}

/** Parses stdout, which must be exactly one JSON object and nothing else. */
export function onlyJson(r: Run): Record<string, unknown> {
  const v = JSON.parse(r.stdout) as unknown;
  expect(v).toBeTypeOf('object');
  expect(v).not.toBeNull();
  expect(Array.isArray(v)).toBe(false);
  return v as Record<string, unknown>;
}
