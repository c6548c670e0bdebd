/**
 * Output paths are checked before the search starts (exit 2, one line naming the flag, nothing on
 * stdout): a missing folder, a "folder" that is a file, a folder that cannot be written, a file that
 * is a folder, and one file given to two outputs (or an output that would overwrite --resume's
 * checkpoint or the gate manifest). A write that still fails at the end is one line, exit 2, and
 * leaves no temporary file.
 *
 * Unwritable folders, as root too: /proc/1 refuses access(W_OK) to everyone (EPERM as root, EACCES
 * otherwise), so it stands for a read-only folder. /proc itself passes access(W_OK) as root but
 * refuses to create files (ENOENT): it stands for a write that fails after the run.
 */
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectNoStackTrace, expectUsageError, scratch } from './helpers.js';

const tmp = scratch('outputs');
const aFile = tmp.write('a-file', 'not a folder\n');
const quick = ['--scope', 'tiny', '--max-states', '10', '--quiet'];

describe('check refuses an output path it could not write, before any work', () => {
  const flags = ['out', 'html', 'itf', 'junit', 'markdown', 'checkpoint'] as const;

  for (const flag of flags) {
    it(`--${flag} under a file (not a folder)`, () => {
      const target = join(aFile, 'x.txt');
      expectUsageError(
        cli(['check', `--${flag}`, target, ...quick]),
        `--${flag} ${target}`,
        'is a file, not a folder',
      );
    });

    it(`--${flag} in a folder that does not exist`, () => {
      const target = join(tmp.dir, 'no-such-folder', 'x.txt');
      expectUsageError(
        cli(['check', `--${flag}`, target, ...quick]),
        `--${flag} ${target}`,
        'does not exist',
        'create it',
      );
    });

    it(`--${flag} in a folder that cannot be written (/proc/1)`, () => {
      expectUsageError(
        cli(['check', `--${flag}`, '/proc/1/x.txt', ...quick]),
        `--${flag} /proc/1/x.txt`,
        'cannot be written',
        'a folder you can write to',
      );
    });

    it(`--${flag} naming a folder`, () => {
      expectUsageError(cli(['check', `--${flag}`, tmp.dir, ...quick]), `--${flag} ${tmp.dir} is a folder`);
    });
  }

  it('a file under a file under a folder: names the file in the way', () => {
    expectUsageError(cli(['check', '--out', join(aFile, 'sub', 'x.txt'), ...quick]), `${aFile} is a file`);
  });

  it('one file for two outputs, however it is spelled', () => {
    const r = join(tmp.dir, 'r.txt');
    expectUsageError(
      cli(['check', '--out', r, '--junit', r, ...quick]),
      `--out ${r} and --junit ${r} are the same file`,
    );
    const rel = cli(['check', '--html', 'r.html', '--markdown', './sub/../r.html', ...quick], {
      cwd: tmp.dir,
    });
    expectUsageError(rel, '--html r.html and --markdown ./sub/../r.html are the same file');
    // Through a link to the folder.
    mkdirSync(join(tmp.dir, 'real'));
    symlinkSync(join(tmp.dir, 'real'), join(tmp.dir, 'link'));
    expectUsageError(
      cli([
        'check',
        '--out',
        join(tmp.dir, 'real', 'r.txt'),
        '--itf',
        join(tmp.dir, 'link', 'r.txt'),
        ...quick,
      ]),
      'are the same file',
    );
  });

  it('an output that would overwrite the --resume checkpoint', () => {
    const ckpt = tmp.write('some.ckpt', 'x');
    expectUsageError(cli(['check', '--resume', ckpt, '--out', ckpt, ...quick]), `--out ${ckpt}`, '--resume');
  });

  it('--checkpoint and --resume may name the same file (it is rewritten as the run goes on)', () => {
    const ckpt = join(tmp.dir, 'same.ckpt');
    const first = cli(['check', '--scope', 'tiny', '--max-states', '3000', '--checkpoint', ckpt, '--quiet']);
    expect(first.code, first.stderr).toBe(3);
    const again = cli([
      'check',
      '--scope',
      'tiny',
      '--max-states',
      '4000',
      '--checkpoint',
      ckpt,
      '--resume',
      ckpt,
      '--quiet',
    ]);
    expect(again.code, again.stderr).toBe(3);
  });
});

describe('gate checks its report paths before running a gate', () => {
  it('--junit under a file, --markdown in an unwritable folder', () => {
    expectUsageError(
      cli(['gate', '--only', 'K5-tiny', '--junit', join(aFile, 'g.xml'), '--quiet']),
      '--junit',
      'is a file, not a folder',
    );
    expectUsageError(
      cli(['gate', '--only', 'K5-tiny', '--markdown', '/proc/1/g.md', '--quiet']),
      '--markdown /proc/1/g.md',
      'cannot be written',
    );
  });

  it('--junit and --markdown on one file, or on the manifest', () => {
    const f = join(tmp.dir, 'g.txt');
    expectUsageError(
      cli(['gate', '--only', 'K5-tiny', '--junit', f, '--markdown', f, '--quiet']),
      'the same file',
    );
    expectUsageError(
      cli(['gate', '--only', 'K5-tiny', '--junit', 'proofs.json', '--quiet']),
      '--junit proofs.json',
      'the manifest',
    );
  });
});

describe('a write that fails after the run', () => {
  it('is one line, exit 2, no stack trace, no temporary file', () => {
    const r = cli(['check', '--out', '/proc/memcg-check-report.txt', ...quick]);
    expect(r.code, r.stderr).toBe(2);
    expectNoStackTrace(r);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('/proc/memcg-check-report.txt');
    if (process.getuid?.() === 0) {
      // Root passes access(W_OK) on /proc: the run happens, and the write fails at the end.
      expect(r.stdout).toContain('INCOMPLETE');
      expect(r.stderr).toMatch(/^memcg-check: cannot write --out \/proc\/memcg-check-report\.txt: /);
    } else expect(r.stderr).toContain('cannot be written');
    expect(readdirSync('/proc').filter((f) => f.includes('memcg-check'))).toEqual([]);
  });
});
