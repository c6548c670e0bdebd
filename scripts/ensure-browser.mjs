#!/usr/bin/env node
/**
 * `npm test` runs this first (pretest): finds the browser test/html needs (scripts/browser.mjs) and,
 * if there is none, installs Debian's chromium when it can (root, apt-get), or exits 1 saying what
 * to install. The browser test is never skipped.
 */
import { spawnSync } from 'node:child_process';
import { findBrowser, plan, which } from './browser.mjs';

const p = plan({ found: findBrowser(), isRoot: process.getuid?.() === 0, hasApt: which('apt-get') !== null });

if (p.action === 'fail') {
  process.stderr.write(`memcg-check tests: ${p.message}\n`);
  process.exit(1);
}
if (p.action === 'install') {
  process.stderr.write(`memcg-check tests: ${p.message}\n`);
  const r = spawnSync('sh', ['-c', p.command], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const after = findBrowser();
  if (r.status !== 0 || !after.path) {
    process.stderr.write(
      `memcg-check tests: \`${p.command}\` ${r.status !== 0 ? `failed (exit ${r.status})` : `did not give a browser: ${after.reason}`}; install chromium by hand, or set CHROMIUM=/path/to/chromium\n`,
    );
    process.exit(1);
  }
  process.stderr.write(`memcg-check tests: using ${after.path}\n`);
}
