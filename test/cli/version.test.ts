/** `memcg-check --version` (and `-V`): the version of package.json, read beside the built CLI. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELP } from '../../cli/usage.js';
import { cli, expectNoStackTrace, ROOT } from './helpers.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('--version', () => {
  for (const flag of ['--version', '-V']) {
    it(`${flag} prints the package.json version and exits 0`, () => {
      const r = cli([flag], { cwd: '/' });
      expectNoStackTrace(r);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`${VERSION}\n`);
      expect(r.stderr).toBe('');
    });
  }

  it('is in the help text', () => {
    expect(HELP).toMatch(/^ {2}memcg-check --version\b/m);
  });
});
