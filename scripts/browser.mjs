/**
 * Where the browser that test/html drives is: the one place that decides it, used by
 * scripts/ensure-browser.mjs (`npm test` runs it first, and installs Debian's chromium if none is
 * found) and by test/html/report.test.ts. Plain JavaScript so that it runs before the build.
 *
 * Order: the CHROMIUM environment variable (if set, it must name an executable file; there is no
 * fallback past a wrong CHROMIUM), then chromium, chromium-browser, google-chrome,
 * google-chrome-stable on PATH, then /usr/bin/chromium.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
export const FALLBACKS = ['/usr/bin/chromium'];

/** An executable regular file (or a link to one). */
function executable(file) {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` on env.PATH, or null. */
export function which(name, env = process.env) {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, name);
    if (executable(file)) return file;
  }
  return null;
}

/**
 * The browser: `{ path, source }`, or `{ path: null, reason }` saying what was looked for.
 * `env` and `fallbacks` are parameters so that tests can give a fake PATH.
 */
export function findBrowser({ env = process.env, fallbacks = FALLBACKS } = {}) {
  if (env.CHROMIUM) {
    if (executable(env.CHROMIUM)) return { path: env.CHROMIUM, source: 'CHROMIUM' };
    return { path: null, reason: `CHROMIUM=${env.CHROMIUM} is not an executable file` };
  }
  for (const name of NAMES) {
    const file = which(name, env);
    if (file) return { path: file, source: 'PATH' };
  }
  for (const file of fallbacks) if (executable(file)) return { path: file, source: 'fallback' };
  return {
    path: null,
    reason: `no chromium found (looked for CHROMIUM, ${NAMES.join(', ')} on PATH, ${fallbacks.join(', ') || 'no fallback'})`,
  };
}

export const INSTALL = 'apt-get update -qq && apt-get install -y -qq chromium';

/**
 * What to do when no browser is found: install it (root, with apt-get), or fail with what to do.
 * `found` is findBrowser's answer.
 */
export function plan({ found, isRoot, hasApt }) {
  if (found.path) return { action: 'none', path: found.path };
  const how =
    'test/html drives a real chromium (playwright-core). Install one, e.g. `sudo apt-get install -y chromium` ' +
    '(Debian, Ubuntu), or set CHROMIUM=/path/to/chromium-or-chrome, then run `npm test` again.';
  if (found.reason.startsWith('CHROMIUM=')) return { action: 'fail', message: `${found.reason}. ${how}` };
  if (isRoot && hasApt)
    return {
      action: 'install',
      command: INSTALL,
      message: `${found.reason}; installing Debian's chromium: ${INSTALL}`,
    };
  const why = !hasApt ? 'this machine has no apt-get' : 'installing it needs root';
  return { action: 'fail', message: `${found.reason}, and ${why}. ${how}` };
}
