/**
 * Ctrl-C (SIGINT) and SIGTERM end a run cleanly: the partial result (INCOMPLETE, "interrupted by
 * SIGINT"), exit 3, the checkpoint of the last completed level boundary when --checkpoint was
 * given, every output written and no temporary file left; `--resume` from that checkpoint gives the
 * counts of an uninterrupted run. (A second signal quits at once: interrupt-handler.test.ts.)
 *
 * The signal is sent once the first checkpoint exists (--checkpoint-every 0 writes one at every
 * level boundary), so the run is past its start and far from its end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { cli, expectNoStackTrace, MAIN, ROOT, type Run, scratch } from './helpers.js';

const tmp = scratch('interrupt');

/** Spawns the CLI, sends `signals` once `file` exists (or after `ms`), and resolves with its output. */
function interrupted(
  args: readonly string[],
  file: string,
  signals: readonly NodeJS.Signals[],
  ms = 20_000,
): Promise<Run & { signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => {
      stdout += d;
    });
    child.stderr!.on('data', (d) => {
      stderr += d;
    });
    const started = Date.now();
    const poll = setInterval(() => {
      if (!existsSync(file) && Date.now() - started < ms) return;
      clearInterval(poll);
      for (const s of signals) child.kill(s);
    }, 5);
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The distinct states, transitions and depth of a run, from its JSON report. */
const counts = (r: { stdout: string }) => {
  const { distinct, transitions, depth } = JSON.parse(r.stdout).stats;
  return [distinct, transitions, depth];
};
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.includes('.tmp'));

describe('SIGINT during check', () => {
  // 635,167 states, about 3 s: long enough to interrupt, short enough to resume.
  const model = ['--design', 'new', '--scope', 'small', '--pages', 'thp:2'];

  it('prints the partial result, exits 3, writes the outputs and the checkpoint, leaves no temp file; --resume finishes it', async () => {
    const ckpt = join(tmp.dir, 'x.ckpt');
    const out = join(tmp.dir, 'r.txt');
    const junit = join(tmp.dir, 'r.xml');
    const json = join(tmp.dir, 'r.json');
    const r = await interrupted(
      [
        'check',
        ...model,
        '--checkpoint',
        ckpt,
        '--checkpoint-every',
        '0',
        '--out',
        out,
        '--junit',
        junit,
        '--quiet',
      ],
      ckpt,
      ['SIGINT'],
    );
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(3);
    expectNoStackTrace(r);
    expect(r.stdout).toContain(': INCOMPLETE');
    expect(r.stdout).toContain('interrupted by SIGINT: the state space was not exhausted');
    expect(r.stdout).toContain(`Resume: memcg-check check ${model.join(' ')} --resume ${ckpt}`);
    expect(r.stderr).toContain('SIGINT: stopping the run');
    expect(readFileSync(out, 'utf8')).toContain('interrupted by SIGINT');
    expect(readFileSync(junit, 'utf8')).toContain('the run was interrupted by SIGINT');
    expect(existsSync(ckpt)).toBe(true);
    expect(leftovers(tmp.dir)).toEqual([]);

    const whole = cli(['check', ...model, '--quiet', '--format', 'json']);
    expect(whole.code, whole.stderr).toBe(0);
    const resumed = cli(['check', ...model, '--resume', ckpt, '--quiet', '--format', 'json', '--out', json]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const j = JSON.parse(resumed.stdout) as {
      verdict: string;
      stats: { distinct: number; transitions: number; depth: number };
    };
    expect(j.verdict).toBe('verified');
    expect([j.stats.distinct, j.stats.transitions, j.stats.depth]).toEqual(counts(whole));
    // The interrupted run's figures are partial: not the whole run's count of states.
    expect(r.stdout).not.toContain(`  ${j.stats.distinct.toLocaleString('en-US')} distinct states`);
    expect(leftovers(tmp.dir)).toEqual([]);
  }, 120_000);

  it('the checkpoint is written by the interrupt itself (no periodic one is due), and resumes to the whole run', async () => {
    const ckpt = join(tmp.dir, 'only-on-interrupt.ckpt');
    // An hour between checkpoints: the only one written is the one the interrupt writes.
    const r = await interrupted(
      ['check', ...model, '--checkpoint', ckpt, '--checkpoint-every', '3600', '--quiet'],
      join(tmp.dir, 'never'),
      ['SIGINT'],
      1500,
    );
    expect(r.code, r.stderr).toBe(3);
    expect(existsSync(ckpt)).toBe(true);
    expect(leftovers(tmp.dir)).toEqual([]);
    const whole = cli(['check', ...model, '--quiet', '--format', 'json']);
    const resumed = cli(['check', ...model, '--resume', ckpt, '--quiet', '--format', 'json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(counts(resumed)).toEqual(counts(whole));
  }, 120_000);

  it('the JSON result names the limit and the signal, as docs/result.schema.json says', async () => {
    const ckpt = join(tmp.dir, 'j.ckpt');
    const r = await interrupted(
      ['check', ...model, '--checkpoint', ckpt, '--checkpoint-every', '0', '--format', 'json', '--quiet'],
      ckpt,
      ['SIGINT'],
    );
    expect(r.code, r.stderr).toBe(3);
    const j = JSON.parse(r.stdout) as { verdict: string; limit: { kind: string; reason: string } };
    expect(j.verdict).toBe('incomplete');
    expect(j.limit).toMatchObject({ kind: 'interrupted', reason: 'SIGINT' });
    const schema = JSON.parse(readFileSync(join(ROOT, 'docs/result.schema.json'), 'utf8'));
    const limitSchema = { ...schema.properties.limit, additionalProperties: false };
    const ajv = new Ajv2020({ allErrors: true, strictRequired: false });
    const whole = ajv.compile(schema);
    const limit = ajv.compile(limitSchema);
    expect(whole(j), ajv.errorsText(whole.errors)).toBe(true);
    expect(limit(j.limit), ajv.errorsText(limit.errors)).toBe(true);
  }, 60_000);
});

describe('SIGTERM', () => {
  it('check with 2 workers: the partial result, exit 3, the checkpoint', async () => {
    const ckpt = join(tmp.dir, 'term.ckpt');
    const r = await interrupted(
      [
        'check',
        '--design',
        'new',
        '--scope',
        'small',
        '--workers',
        '2',
        '--checkpoint',
        ckpt,
        '--checkpoint-every',
        '0',
        '--quiet',
      ],
      ckpt,
      ['SIGTERM'],
    );
    expect(r.signal).toBeNull();
    expect(r.code, r.stderr).toBe(3);
    expectNoStackTrace(r);
    expect(r.stdout).toContain('interrupted by SIGTERM: the state space was not exhausted');
    expect(r.stderr).toContain('SIGTERM: stopping the run');
    expect(existsSync(ckpt)).toBe(true);
    expect(leftovers(tmp.dir)).toEqual([]);
  }, 60_000);

  it('summary: the table so far, exit 3', async () => {
    // No file to wait for: the signal goes after 1.5 s, inside the first design's run (old, ~12 s).
    const r = await interrupted(['summary', '--quiet'], join(tmp.dir, 'never'), ['SIGTERM'], 1500);
    expect(r.code, r.stderr).toBe(3);
    expectNoStackTrace(r);
    expect(r.stdout).toContain('Interrupted by SIGTERM: the table is partial.');
    expect(r.stdout).toMatch(/^old +incomplete/m);
  }, 60_000);

  it('gate: the gates so far, the interrupted one not judged, exit 3', async () => {
    const junit = join(tmp.dir, 'gate.xml');
    const r = await interrupted(
      ['gate', '--only', 'new-ci', '--junit', junit, '--quiet'],
      join(tmp.dir, 'never'),
      ['SIGTERM'],
      1500,
    );
    expect(r.code, r.stderr).toBe(3);
    expectNoStackTrace(r);
    expect(r.stdout).toMatch(/^new-ci .* interrupted$/m);
    expect(r.stdout).toContain('interrupted by SIGTERM after 0 of 1 gates');
    expect(readFileSync(junit, 'utf8')).toContain('<skipped');
  }, 60_000);
});
