/**
 * `signal` (an AbortSignal) stops a run from outside: `incomplete` with the limit `interrupted`
 * (its string reason kept), at 1 worker (`explore`, `exploreAsync`) and at 2 (`exploreParallel`),
 * with a checkpoint of the last completed level boundary that resumes to the uninterrupted result.
 * Nothing here asserts on time; where the stop depends on timing, only the shape is asserted.
 *
 * The parallel explorer runs from the build (dist/), as in parallel.test.ts.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CheckerError,
  type CheckOptions,
  type CheckResult,
  check,
  explore,
  exploreAsync,
  type Progress,
  type WorkerSource,
} from '../../checker/index.js';
import { storeIndependent, untimed } from './compare.js';
import { peterson } from './fixtures/peterson.js';
import { twoPhase } from './fixtures/twophase.js';

const dist = new URL('../../dist/checker/index.js', import.meta.url).href;
const { exploreParallel } = (await import(dist)) as typeof import('../../checker/index.js');
const twoPhaseSource = (n: number): WorkerSource => ({
  module: new URL('../../dist/test/checker/fixtures/twophase.js', import.meta.url).href,
  exportName: 'twoPhase',
  arg: n,
});

const dir = mkdtempSync(join(tmpdir(), 'memcg-check-interrupt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const fresh = () => join(dir, `run-${files++}.ckpt`);

/** Options that abort `controller` with `reason` once `n` states are stored (seen by onProgress). */
function abortAfter(n: number, reason: unknown = 'test'): CheckOptions & { controller: AbortController } {
  const controller = new AbortController();
  return {
    controller,
    signal: controller.signal,
    progressEveryMs: 0,
    onProgress: (p: Progress) => {
      if (p.distinct >= n && !controller.signal.aborted) controller.abort(reason);
    },
  };
}

function expectInterrupted<S, A>(r: CheckResult<S, A>, reason: string | undefined, whole: number): void {
  expect(r.verdict).toBe('incomplete');
  expect(r.limit?.kind).toBe('interrupted');
  expect(r.limit?.reason).toBe(reason);
  expect(r.limit?.value).toBeGreaterThanOrEqual(0);
  expect(r.vacuous).toBe(false);
  expect(r.stats.distinct).toBeLessThan(whole);
}

describe('one worker', () => {
  // TwoPhase(5): 8832 states over 17 levels.
  const spec = twoPhase(5);
  const whole = check(spec);

  it('an abort from onProgress stops the run: incomplete, interrupted, with the reason', () => {
    const { controller: _c, ...o } = abortAfter(1000, 'SIGINT');
    const r = check(spec, o);
    expectInterrupted(r, 'SIGINT', whole.stats.distinct);
    // Seen at the next check (every 256 states) after the state count passed 1000.
    expect(r.stats.distinct).toBeGreaterThanOrEqual(1000);
  });

  it('an abort whose reason is not a string: interrupted, no reason', () => {
    const { controller: _c, ...o } = abortAfter(1000, new Error('stop'));
    expectInterrupted(check(spec, o), undefined, whole.stats.distinct);
    const c = new AbortController();
    c.abort();
    expectInterrupted(check(spec, { signal: c.signal }), undefined, whole.stats.distinct);
  });

  it('an aborted signal stops even a model too small for the 256-state check (at a level boundary)', () => {
    const c = new AbortController();
    c.abort('SIGTERM');
    const r = check(peterson, { signal: c.signal });
    expect(r.verdict).toBe('incomplete');
    expect(r.limit).toMatchObject({ kind: 'interrupted', reason: 'SIGTERM' });
  });

  it('a signal never aborted changes nothing', () => {
    const r = check(spec, { signal: new AbortController().signal });
    expect(untimed(r)).toEqual(untimed(whole));
  });

  it('writes the last completed level boundary as its checkpoint, which resumes to the uninterrupted result', () => {
    const path = fresh();
    const { controller: _c, ...o } = abortAfter(3000);
    const first = check(spec, { ...o, checkpoint: path });
    expectInterrupted(first, 'test', whole.stats.distinct);
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(untimed(check(spec, { resume: path }))).toEqual(untimed(whole));
  });

  it('exploreAsync gives the same result as explore, and sees an abort from outside the run', async () => {
    // TwoPhase(7): hundreds of thousands of states, many 50 ms slices even on a fast machine, so the
    // abort (sent on the first turn of the event loop) always lands inside the run.
    const big = twoPhase(7);
    const all = explore(big).result;
    expect(untimed((await exploreAsync(big)).result)).toEqual(untimed(all));
    const c = new AbortController();
    setImmediate(() => c.abort('SIGINT'));
    const path = fresh();
    const r = (await exploreAsync(big, { signal: c.signal, checkpoint: path })).result;
    expectInterrupted(r, 'SIGINT', all.stats.distinct);
    expect(existsSync(path)).toBe(true);
    expect(untimed(check(big, { resume: path }))).toEqual(untimed(check(big)));
  });

  it('a signal that is not an AbortSignal is E_BAD_OPTION', () => {
    expect(() => check(spec, { signal: {} as AbortSignal })).toThrow(CheckerError);
    expect(() => check(spec, { signal: {} as AbortSignal })).toThrow(/E_BAD_OPTION/);
  });
});

describe('two workers', () => {
  const spec = twoPhase(5);
  const whole = check(spec);
  const parallel = (o: CheckOptions) =>
    exploreParallel(spec as never, { ...o, workers: 2, workerSource: twoPhaseSource(5), roundSize: 256 });

  it('an abort from onProgress stops the run with the same result shape as one worker', async () => {
    const { controller: _c, ...o } = abortAfter(1000, 'SIGINT');
    const r = (await parallel(o)).result as CheckResult<unknown, unknown>;
    expectInterrupted(r, 'SIGINT', whole.stats.distinct);
  });

  it('an abort from a timer, the checkpoint, and the resumed run equals the uninterrupted one', async () => {
    const path = fresh();
    const c = new AbortController();
    let rounds = 0;
    const r = (
      await parallel({
        signal: c.signal,
        checkpoint: path,
        checkpointEveryMs: 0,
        progressEveryMs: 0,
        onProgress: () => {
          if (++rounds === 8) setTimeout(() => c.abort('SIGTERM'), 0);
        },
      })
    ).result as CheckResult<unknown, unknown>;
    expectInterrupted(r, 'SIGTERM', whole.stats.distinct);
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    const resumed = (await parallel({ resume: path })).result as CheckResult<unknown, unknown>;
    expect(storeIndependent(resumed)).toEqual(storeIndependent(whole as CheckResult<unknown, unknown>));
    // And the one-worker explorer resumes it too.
    expect(untimed(check(spec, { resume: path }))).toEqual(untimed(whole));
  });

  it('an already aborted signal stops before the first level is expanded', async () => {
    const c = new AbortController();
    c.abort('SIGINT');
    const r = (await parallel({ signal: c.signal })).result;
    expect(r.verdict).toBe('incomplete');
    expect(r.limit).toMatchObject({ kind: 'interrupted', reason: 'SIGINT' });
    expect(r.stats.distinct).toBe(1);
  });
});
