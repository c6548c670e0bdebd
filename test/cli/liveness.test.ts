/**
 * `memcg-check liveness` (issue #17) as a user runs it: zombies named by their stock, leaks as
 * lassos also under --fair stock, LIVE under --fair stock, a lasso path that replays, the JSON
 * result, a gate of kind liveness, and bad input. Mostly at tiny with one CPU (a fraction of a
 * second each); K3's leak needs two CPUs (a remote drain of a stock another CPU empties), so it
 * runs at tiny to depth 26. The full-size runs are proofs.json gates of kind "liveness".
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectNoStackTrace, expectUsageError } from './helpers.js';

const ONE_CPU = ['--scope', 'tiny', '--cpus', '1', '--quiet'];

describe('memcg-check liveness', () => {
  it('new: zombies only (exit 1), each naming the stock, the empty-stock zombie among them', () => {
    const r = cli(['liveness', '--design', 'new', ...ONE_CPU]);
    expectNoStackTrace(r);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(
      'VIOLATED: a fair run never frees a dying memcg (0 leak findings, 2 zombie findings',
    );
    expect(r.stdout).toMatch(
      /zombie +A +cpu0's stock holds a reference on A in every state of the cycle \(nr_pages 0/,
    );
    expect(r.stdout).toContain('Cycle: stuttering');
    expect(r.stdout).toContain(
      "Holders of A at the cycle's first state (css refcount 1):\n    stock of cpu0 (0 pages)",
    );
  });

  it('new and old under --fair stock: LIVE (exit 0)', () => {
    for (const d of ['new', 'old']) {
      const r = cli(['liveness', '--design', d, '--fair', 'stock', ...ONE_CPU]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('LIVE: every dying memcg is freed on every fair run.');
    }
  });

  it.each([
    ['K7', ONE_CPU],
    ['K9', ONE_CPU],
    ['K3', ['--scope', 'tiny', '--quiet']],
  ])('%s: a leak lasso, with and without --fair stock', (variant, bounds) => {
    for (const fair of [[], ['--fair', 'stock']]) {
      const r = cli(['liveness', '--variant', variant, ...bounds, '--max-depth', '26', ...fair]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^ {2}leak +A +css\(A\) is (one reference|\d+ references) above its holders/m);
      expect(r.stdout).toMatch(/Lasso: A leaks/);
      expect(r.stdout).toContain('(cut by the maxDepth limit 26; the cycles are real)');
    }
  });

  it('without --max-depth, a leak grows its count past the state encoding: the graph is cut there, the leak still found', () => {
    const r = cli(['liveness', '--variant', 'K7', ...ONE_CPU]);
    expectNoStackTrace(r);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      /cut by a count past the state encoding from depth \d+ \(state\.memcg\[1\]\.ref = 128/,
    );
    expect(r.stdout).toMatch(/^ {2}leak +A +css\(A\) is/m);
  });

  it('the lasso replays: its path reaches the state where the memcg is stuck', () => {
    const r = cli(['liveness', '--variant', 'K7', ...ONE_CPU, '--max-depth', '26', '--format', 'json']);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ schema: 'memcg-check/liveness', verdict: 'violated', fair: 'default' });
    const leak = j.findings.find((f: { kind: string }) => f.kind === 'leak');
    expect(leak.prefix.length).toBe(leak.prefixLength);
    const replay = cli(['replay', '--variant', 'K7', '--scope', 'tiny', '--cpus', '1', '--path', leak.path]);
    expect(replay.code, replay.stderr).toBe(1);
    expect(replay.stdout).toContain('refcount_ledger');
  });

  it('a gate of kind liveness: expected verdicts pass, a wrong one fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'memcg-live-'));
    const file = join(dir, 'proofs.json');
    const gate = (name: string, extra: object) => ({ name, kind: 'liveness', scope: 'tiny', ...extra });
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        gates: [
          gate('k7', { variant: 'K7', maxDepth: 26, fair: 'stock', expect: { violated: 'leak' } }),
          gate('new', { design: 'new', maxDepth: 20, expect: { violated: 'leak' } }),
        ],
      }),
    );
    const r = cli(['gate', file, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/k7 .* ok/);
    expect(r.stdout).toMatch(/new .*expected violated: leak, got violated: zombie/s);
    expect(readFileSync(file, 'utf8')).toContain('"k7"');
  });

  it('bad input: exit 2 with what to do', () => {
    expectUsageError(cli(['liveness', '--fair', 'always']), '--fair must be "stock"');
    expectUsageError(cli(['liveness', '--workers', '2']), '--workers does not apply');
    expectUsageError(cli(['liveness', 'extra']), 'no positional arguments');
    const dir = mkdtempSync(join(tmpdir(), 'memcg-live-'));
    const file = join(dir, 'proofs.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        gates: [
          {
            name: 'x',
            kind: 'liveness',
            design: 'new',
            scope: 'tiny',
            expect: { violated: 'refcount_ledger' },
          },
        ],
      }),
    );
    expectUsageError(cli(['gate', file]), 'a liveness gate finds leak, underflow, held, zombie');
  });
});
