/**
 * The package as a user gets it: `npm pack` from a fresh clone (the checkout's files without dist/
 * or node_modules, so the tarball must build itself on pack), installed into an empty project, then
 * run through `npx memcg-check`; the same from the clone as a git URL (npm installs its
 * devDependencies and runs `prepare`). Also: the tarball ships what runs and no tests.
 *
 * The clone links the checkout's node_modules (pack needs the devDependencies to build). The
 * tarball is installed with no network at all: `npm ci --offline` in a project whose lockfile
 * names the tarball and, copied from this checkout's package-lock.json, the runtime dependencies
 * (immer, tsx, esbuild and its platform binary), whose tarballs `npm ci` left in npm's cache. (A
 * plain `npm install --offline TARBALL` would need the registry's full metadata, which `npm ci`
 * does not cache: ENOTCACHED.) The git-URL install resolves the clone's devDependencies for
 * `prepare` from the clone's lockfile, with `--prefer-offline`: a git-URL install is a networked
 * install by nature.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, scratch } from '../cli/helpers.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const tmp = scratch('pack');
const clone = join(tmp.dir, 'clone');
const packs = join(tmp.dir, 'packs');
const user = join(tmp.dir, 'user');

/** The parent `npm test` exports npm_* settings (lifecycle, config); a user's npm does not see them. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1' };
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return env;
}

function run(cmd: string, args: readonly string[], cwd: string, timeoutMs = 120_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: cleanEnv() });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, all: `${r.stdout}\n${r.stderr}` };
}

/**
 * A fresh clone: every file git knows in the checkout (tracked, or new and not ignored), committed
 * in a repository of its own for the git-URL install, then the checkout's node_modules linked in.
 */
function freshClone(): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(ROOT, f)));
  for (const f of files) {
    mkdirSync(dirname(join(clone, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(clone, f));
  }
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], {
      cwd: clone,
      stdio: 'ignore',
    });
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '--no-verify', '-m', 'fresh clone');
  symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
}

let tarball = '';
let listed: string[] = [];

beforeAll(() => {
  freshClone();
  expect(existsSync(join(clone, 'dist'))).toBe(false);
  mkdirSync(packs);
  const p = run('npm', ['pack', '--pack-destination', packs], clone);
  expect(p.code, p.all).toBe(0);
  const tgz = readdirSync(packs).filter((f) => f.endsWith('.tgz'));
  expect(tgz).toEqual([`memcg-check-${VERSION}.tgz`]);
  tarball = join(packs, tgz[0]!);
  // What the tarball holds, as npm lists it (dist/ is built now, so the listing needs no scripts).
  const d = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], clone);
  expect(d.code, d.all).toBe(0);
  listed = (JSON.parse(d.stdout) as { files: { path: string; mode: number }[] }[])[0]!.files.map(
    (f) => f.path,
  );
}, 180_000);

describe('npm pack', () => {
  it('ships the built CLI, its runtime files and docs, and no tests, bench or source maps', () => {
    expect(listed).toContain('package.json');
    expect(listed).toContain('README.md');
    expect(listed).toContain('dist/cli/main.js');
    expect(listed).toContain('dist/checker/parallel-worker.js');
    expect(listed).toContain('proofs.json');
    expect(listed).toContain('docs/result.schema.json');
    expect(listed).toContain('docs/proofs.schema.json');
    expect(listed).toContain('docs/model.md');
    expect(listed).toContain('docs/variants.md');
    expect(listed).toContain('docs/examples/my-patch.ts');
    expect(listed.filter((f) => /^(test|bench|dist\/test|dist\/bench)\//.test(f))).toEqual([]);
    expect(
      listed.filter((f) => /\.(map|png)$/.test(f) || /^(cli|checker|model|properties|report)\//.test(f)),
    ).toEqual([]);
  });

  it('the bin file starts with its shebang and is executable', () => {
    const bin = join(clone, 'dist/cli/main.js');
    expect(readFileSync(bin, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    const t = run('tar', ['-tvzf', tarball], tmp.dir);
    expect(t.code, t.all).toBe(0);
    expect(t.stdout).toMatch(/^-rwxr-xr-x .* package\/dist\/cli\/main\.js$/m);
  });
});

type LockEntry = Record<string, unknown> & {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

/**
 * A lockfile for a project that depends on the tarball only: the tarball's entry, and the entries
 * of its runtime dependencies (their closure, nested paths first as npm resolves them) copied from
 * this checkout's package-lock.json, which `npm ci` installed from: so every tarball is cached.
 */
function userLock(tgz: string): Record<string, unknown> {
  const ours = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const pkgs = ours.packages;
  const root = pkgs[''];
  const taken = new Map<string, LockEntry>();
  const visit = (name: string, from: string) => {
    const key = [`${from}/node_modules/${name}`, `node_modules/${name}`].find((k) => pkgs[k]);
    if (!key || taken.has(key)) return;
    const { dev: _d, devOptional: _o, ...entry } = pkgs[key];
    taken.set(key, entry);
    for (const d of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) visit(d, key);
  };
  for (const d of Object.keys(root.dependencies ?? {})) visit(d, '');
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`;
  return {
    name: 'user',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'user', version: '1.0.0', dependencies: { 'memcg-check': `file:${tgz}` } },
      'node_modules/memcg-check': {
        version: VERSION,
        resolved: `file:${tgz}`,
        integrity,
        license: root.license,
        dependencies: root.dependencies,
        bin: root.bin,
        engines: root.engines,
      },
      ...Object.fromEntries(taken),
    },
  };
}

describe('installed from the tarball, offline', () => {
  beforeAll(() => {
    mkdirSync(user);
    writeFileSync(
      join(user, 'package.json'),
      `${JSON.stringify({ name: 'user', version: '1.0.0', private: true, dependencies: { 'memcg-check': `file:${tarball}` } })}\n`,
    );
    writeFileSync(join(user, 'package-lock.json'), `${JSON.stringify(userLock(tarball), null, 2)}\n`);
    const i = run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], user);
    expect(i.code, i.all).toBe(0);
  }, 180_000);

  it('npx memcg-check check --design new --scope tiny: exit 0, verified', () => {
    const r = run('npx', ['--offline', 'memcg-check', 'check', '--design', 'new', '--scope', 'tiny'], user);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toMatch(/^memcg-check: design new, scope tiny: VERIFIED$/m);
  });

  it('npx memcg-check --version prints the package version', () => {
    const r = run('npx', ['--offline', 'memcg-check', '--version'], user);
    expect(r.code, r.all).toBe(0);
    expect(r.stdout).toBe(`${VERSION}\n`);
  });

  it('loads a .ts variant file through the installed tsx (docs/examples/my-patch.ts: violated)', () => {
    const file = join(user, 'node_modules/memcg-check/docs/examples/my-patch.ts');
    const r = run(
      'npx',
      ['--offline', 'memcg-check', 'check', '--variant', file, '--scope', 'tiny', '--quiet'],
      user,
    );
    expect(r.code, r.all).toBe(1);
    expect(r.stdout).toMatch(/^memcg-check: design my-patch \(variant of new\), scope tiny: VIOLATED$/m);
    expect(r.stdout).toContain('Violated: no_get_on_zero');
  });
});

describe('installed from a git URL', () => {
  const gitUser = join(tmp.dir, 'git-user');

  it('npm install git+file://...: prepare builds it; npx memcg-check runs', () => {
    mkdirSync(gitUser);
    writeFileSync(
      join(gitUser, 'package.json'),
      `${JSON.stringify({ name: 'user', version: '1.0.0', private: true })}\n`,
    );
    // --prefer-offline: see the top of this file; npm installs the devDependencies of the clone for
    // `prepare` from its lockfile, every tarball from the cache.
    const i = run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', `git+file://${clone}`],
      gitUser,
      240_000,
    );
    expect(i.code, i.all).toBe(0);
    const v = run('npx', ['--offline', 'memcg-check', '--version'], gitUser);
    expect(v.code, v.all).toBe(0);
    expect(v.stdout).toBe(`${VERSION}\n`);
    const l = run(
      'npx',
      ['--offline', 'memcg-check', 'check', '--variant', 'K2', '--scope', 'tiny', '--quiet'],
      gitUser,
    );
    expect(l.code, l.all).toBe(1);
    expect(l.stdout).toMatch(/^memcg-check: design K2 \(variant of new\), scope tiny: VIOLATED$/m);
    expect(existsSync(join(gitUser, 'node_modules/memcg-check/dist/test'))).toBe(false);
  }, 300_000);
});
