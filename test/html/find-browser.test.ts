/**
 * scripts/browser.mjs: which browser test/html drives (the same answer for `npm test`'s pretest,
 * scripts/ensure-browser.mjs, and for report.test.ts), with fake PATHs in a temporary folder; and
 * what ensure-browser does when it finds one, or is given a wrong CHROMIUM (it never installs then).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBrowser, INSTALL, plan } from '../../scripts/browser.mjs';
import { ROOT, scratch } from '../cli/helpers.js';

const tmp = scratch('browser');
let n = 0;

/** A folder holding the given files; `exec: false` makes them not executable. */
function bin(names: readonly string[], exec = true): string {
  const dir = join(tmp.dir, `bin${n++}`);
  mkdirSync(dir);
  for (const name of names) {
    const file = join(dir, name);
    writeFileSync(file, '#!/bin/sh\nexit 0\n');
    chmodSync(file, exec ? 0o755 : 0o644);
  }
  return dir;
}
const path = (...dirs: string[]) => ({ PATH: dirs.join(delimiter) });

describe('findBrowser', () => {
  it('takes CHROMIUM first, over a chromium on PATH', () => {
    const mine = join(bin(['my-chrome']), 'my-chrome');
    expect(findBrowser({ env: { ...path(bin(['chromium'])), CHROMIUM: mine }, fallbacks: [] })).toEqual({
      path: mine,
      source: 'CHROMIUM',
    });
  });

  it('a CHROMIUM that is not an executable file is an error, with no fallback to PATH', () => {
    for (const bad of [join(tmp.dir, 'nowhere'), tmp.dir, join(bin(['x'], false), 'x')]) {
      const f = findBrowser({ env: { ...path(bin(['chromium'])), CHROMIUM: bad }, fallbacks: [] });
      expect(f).toEqual({ path: null, reason: `CHROMIUM=${bad} is not an executable file` });
    }
  });

  it('finds chromium, chromium-browser, google-chrome on PATH, in that order of names', () => {
    const chrome = bin(['google-chrome']);
    const both = bin(['chromium-browser', 'google-chrome']);
    expect(findBrowser({ env: path(chrome, both), fallbacks: [] }).path).toBe(join(both, 'chromium-browser'));
    expect(findBrowser({ env: path(chrome), fallbacks: [] }).path).toBe(join(chrome, 'google-chrome'));
    const c = bin(['chromium']);
    expect(findBrowser({ env: path(both, c), fallbacks: [] })).toEqual({
      path: join(c, 'chromium'),
      source: 'PATH',
    });
  });

  it('skips files that are not executable and folders named like a browser', () => {
    const dirs = join(tmp.dir, `bin${n++}`);
    mkdirSync(join(dirs, 'chromium'), { recursive: true });
    const later = bin(['chromium']);
    expect(findBrowser({ env: path(bin(['chromium'], false), dirs, '', later), fallbacks: [] }).path).toBe(
      join(later, 'chromium'),
    );
  });

  it('falls back to the fixed paths, then says what it looked for', () => {
    const fixed = join(bin(['chromium']), 'chromium');
    expect(findBrowser({ env: path(bin([])), fallbacks: [fixed] })).toEqual({
      path: fixed,
      source: 'fallback',
    });
    const none = findBrowser({ env: path(bin(['firefox'])), fallbacks: [join(tmp.dir, 'nowhere')] });
    expect(none.path).toBeNull();
    expect(none).toHaveProperty(
      'reason',
      expect.stringMatching(
        /^no chromium found \(looked for CHROMIUM, chromium, chromium-browser, google-chrome/,
      ),
    );
    expect(findBrowser({ env: {}, fallbacks: [] }).path).toBeNull();
  });
});

describe('plan: install only as root with apt-get, otherwise fail saying what to install', () => {
  const none = findBrowser({ env: {}, fallbacks: [] });

  it('nothing to do when a browser is found', () => {
    const found = { path: '/x/chromium', source: 'PATH' } as const;
    expect(plan({ found, isRoot: true, hasApt: true })).toEqual({ action: 'none', path: '/x/chromium' });
  });

  it('root with apt-get: installs Debian chromium, and says so', () => {
    const p = plan({ found: none, isRoot: true, hasApt: true });
    expect(p).toMatchObject({ action: 'install', command: INSTALL });
    expect(INSTALL).toBe('apt-get update -qq && apt-get install -y -qq chromium');
    expect(p).toHaveProperty('message', expect.stringContaining('installing'));
  });

  it('not root, or no apt-get: fails with the package to install and the CHROMIUM variable', () => {
    for (const [isRoot, hasApt, why] of [
      [false, true, 'needs root'],
      [true, false, 'no apt-get'],
      [false, false, 'no apt-get'],
    ] as const) {
      const p = plan({ found: none, isRoot, hasApt });
      expect(p.action).toBe('fail');
      expect(p).toHaveProperty('message', expect.stringContaining(why));
      expect(p).toHaveProperty('message', expect.stringContaining('apt-get install -y chromium'));
      expect(p).toHaveProperty('message', expect.stringContaining('CHROMIUM='));
    }
  });

  it('a wrong CHROMIUM fails even as root: it is never overridden by an install', () => {
    const found = findBrowser({ env: { CHROMIUM: '/nowhere/chrome' }, fallbacks: [] });
    const p = plan({ found, isRoot: true, hasApt: true });
    expect(p.action).toBe('fail');
    expect(p).toHaveProperty(
      'message',
      expect.stringContaining('CHROMIUM=/nowhere/chrome is not an executable file'),
    );
  });
});

describe('scripts/ensure-browser.mjs', () => {
  const ensure = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [join(ROOT, 'scripts/ensure-browser.mjs')], { encoding: 'utf8', env });

  it('exits 0 and prints nothing when the browser is there', () => {
    const r = ensure({ PATH: process.env.PATH, CHROMIUM: join(bin(['chrome']), 'chrome') });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).toBe('');
  });

  it('exits 1 with what to do when CHROMIUM is wrong, and installs nothing', () => {
    const r = ensure({ PATH: process.env.PATH, CHROMIUM: join(tmp.dir, 'nowhere') });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^memcg-check tests: CHROMIUM=\S+ is not an executable file\. .*apt-get install -y chromium/,
    );
    expect(r.stderr).not.toContain('installing');
  });
});
