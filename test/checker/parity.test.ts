/**
 * One expansion core at any worker count (checker/expand.ts): beyond the result (parallel.test.ts),
 * the one-worker explorer and the parallel one at 1 and 2 workers give the same progress figures,
 * at the same points and with the same elapsed accounting after a resume, and the same error
 * (code, message, state, function, replay path) when a spec's codec or canonical form throws.
 *
 * The parallel explorer runs from the build (dist/), as in parallel.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type CheckerError,
  type CheckOptions,
  explore,
  type Progress,
  readCheckpoint,
  replayPath,
  type Spec,
  type WorkerSource,
  writeCheckpoint,
} from '../../checker/index.js';
import { racyCounter } from './fixtures/racy-counter.js';
import { type Fault, type ThrowingArg, throwingSpec } from './fixtures/throwing.js';
import { twoPhase } from './fixtures/twophase.js';

const dist = new URL('../../dist/checker/index.js', import.meta.url).href;
const { exploreParallel } = (await import(dist)) as typeof import('../../checker/index.js');

const fixture = (file: string, exportName: string, arg?: unknown): WorkerSource => ({
  module: new URL(`../../dist/test/checker/fixtures/${file}.js`, import.meta.url).href,
  exportName,
  ...(arg !== undefined ? { arg } : {}),
});

const dir = mkdtempSync(join(tmpdir(), 'memcg-check-parity-'));

/** Every progress report of a run, as one explorer or the other makes them. */
function recorder() {
  const seen: Progress[] = [];
  return { seen, options: { progressEveryMs: 0, onProgress: (p: Progress) => seen.push(p) } };
}

/** The figures of a report that must agree at any worker count (all but the time). */
const counts = (p: Progress) => [p.distinct, p.transitions, p.queue, p.depth];

describe('progress', () => {
  // Rounds of 256 ids end where the one-worker explorer reports (every 256 ids, and at each
  // level's end), so with progressEveryMs 0 both report at the very same points.
  const runs = async (spec: Spec<never, never>, source: WorkerSource, options: CheckOptions) => {
    const one = recorder();
    const seq = explore(spec, { ...options, ...one.options }).result;
    const out = [{ result: seq, seen: one.seen }];
    for (const workers of [1, 2]) {
      const rec = recorder();
      const par = await exploreParallel(spec, {
        ...options,
        ...rec.options,
        workers,
        workerSource: source,
        roundSize: 256,
      });
      out.push({ result: par.result, seen: rec.seen });
    }
    return out;
  };

  const tp5 = fixture('twophase', 'twoPhase', 5);
  it('at the default roundSize: fewer reports, each one of the one-worker reports, in order', async () => {
    const one = recorder();
    explore(twoPhase(5), one.options);
    const two = recorder();
    await exploreParallel(twoPhase(5), { ...two.options, workers: 2, workerSource: tp5 });
    const all = one.seen.map((p) => counts(p).join());
    let at = 0;
    for (const p of two.seen) {
      at = all.indexOf(counts(p).join(), at) + 1;
      expect(
        at,
        `report ${counts(p)} is not one of the one-worker reports after the previous one`,
      ).toBeGreaterThan(0);
    }
    expect(two.seen.length).toBeGreaterThan(1);
    expect(two.seen.at(-1)).toMatchObject({ distinct: 8832, queue: 0 });
  });

  it.each<[string, Spec<never, never>, WorkerSource, CheckOptions]>([
    ['TwoPhase(5), verified', twoPhase(5) as never, tp5, {}],
    ['TwoPhase(5), stopped by maxStates inside a level', twoPhase(5) as never, tp5, { maxStates: 4000 }],
    ['TwoPhase(5), cut by maxDepth', twoPhase(5) as never, tp5, { maxDepth: 9 }],
    ['racy counter, violated', racyCounter as never, fixture('racy-counter', 'racyCounter'), {}],
  ])(
    '%s: the same reports at 1 worker and at 1 and 2 parallel workers',
    async (_n, spec, source, options) => {
      const [seq, ...par] = await runs(spec, source, options);
      expect(seq.seen.length).toBeGreaterThan(0);
      for (const p of par) expect(p.seen.map(counts)).toEqual(seq.seen.map(counts));
    },
  );

  it('after a resume: the same reports, each counting the time before the checkpoint', async () => {
    const spec = twoPhase(5);
    const source = fixture('twophase', 'twoPhase', 5);
    const path = join(dir, 'progress.ckpt');
    const whole = explore(spec).result;
    explore(spec, { maxStates: 3000, checkpoint: path });
    // As if the run before the checkpoint had taken an hour.
    const earlier = 3_600_000;
    const later = join(dir, 'progress-hour.ckpt');
    writeCheckpoint(later, { ...readCheckpoint(path), elapsedMs: earlier });
    const [seq, ...par] = await runs(spec as never, source, { resume: later });
    expect(seq.seen.length).toBeGreaterThan(1);
    // The reports start from the checkpoint's figures, not from zero.
    expect(seq.seen[0].distinct).toBeGreaterThan(readCheckpoint(later).count);
    for (const { result, seen } of [seq, ...par]) {
      expect(result.stats.distinct).toBe(whole.stats.distinct);
      expect(seen.map(counts)).toEqual(seq.seen.map(counts));
      for (const p of seen) {
        expect(p.ms).toBeGreaterThanOrEqual(earlier);
        expect(p.ms).toBeLessThanOrEqual(result.stats.ms + 1);
        expect(p.statesPerSecond).toBe(Math.round((p.distinct / p.ms) * 1000));
      }
      expect(result.stats.ms).toBeGreaterThanOrEqual(earlier);
    }
  });
});

/** What a thrown error says, everything a caller may read. */
function caught(e: unknown) {
  // The parallel explorer's errors are the build's CheckerError class, the same name.
  expect(e instanceof Error && e.name).toBe('CheckerError');
  const c = e as CheckerError;
  return { code: c.code, message: c.message, stateId: c.stateId, where: c.where, path: c.path };
}

async function thrownAt(workers: 0 | 1 | 2, arg: ThrowingArg, options: CheckOptions = {}) {
  try {
    if (workers === 0) explore(throwingSpec(arg), options);
    else {
      await exploreParallel(throwingSpec(arg), {
        ...options,
        workers,
        workerSource: fixture('throwing', 'throwingSpec', arg),
      });
    }
  } catch (e) {
    return caught(e);
  }
  throw new Error(`expected ${throwingSpec(arg).name} to throw at ${workers} workers`);
}

/** The value of `a` each fault is at. */
const FAULT_AT: Record<Fault, number> = {
  'codec-range': 128,
  'codec-plain': 100,
  'canonical-plain': 50,
  'canonical-checker': 50,
};

describe('a spec whose codec or canonical form throws: the same error at 1 and 2 workers', () => {
  const cases: readonly [Fault, string, string, RegExp][] = [
    [
      'codec-range',
      'E_CODEC_MISMATCH',
      'encode',
      /layout codec: state\.a = 128 is not an integer in -128\.\.127/,
    ],
    ['codec-plain', 'E_SPEC_THROWS', 'encode', /cannot encode a = 100/],
    ['canonical-plain', 'E_SPEC_THROWS', 'canonical', /no canonical form for a = 50/],
    [
      'canonical-checker',
      'E_SPEC_NONDETERMINISTIC',
      'canonical',
      /the canonical form of a = 50 is undecided/,
    ],
  ];
  describe.each(cases)('%s', (fault, code, where, says) => {
    it.each([false, true])('with canonicalBytes: %s', async (canonicalBytes) => {
      const arg = { fault, canonicalBytes };
      const one = await thrownAt(0, arg);
      expect(one.code).toBe(code);
      // canonicalBytes writes the canonical encoding itself: a codec error inside it is the canonical form's.
      expect(one.where).toBe(canonicalBytes ? 'canonical' : where);
      expect(one.message).toMatch(
        new RegExp(
          `^${code}: spec "throwing\\(.*\\)" threw in ${one.where} on action climb from state #${one.stateId}: `,
        ),
      );
      expect(one.message).toMatch(says);
      expect(one.message).not.toMatch(/: E_[A-Z_]+: /);
      // The path replays, without symmetry, to the state it threw from: the one before the fault.
      const replayed = replayPath(throwingSpec(arg), one.path!);
      expect((replayed.steps.at(-1)?.state ?? replayed.initial).a).toBe(FAULT_AT[fault] - 1);
      expect(await thrownAt(1, arg)).toEqual(one);
      expect(await thrownAt(2, arg)).toEqual(one);
    });
  });

  it('without symmetry, a codec error is the same too', async () => {
    const arg = { fault: 'codec-range' as const };
    const one = await thrownAt(0, arg, { noSymmetry: true });
    expect(one.code).toBe('E_CODEC_MISMATCH');
    expect(await thrownAt(2, arg, { noSymmetry: true })).toEqual(one);
  });
});

it('a spec without initial states: E_SPEC_NO_INITIAL at 1 and 2 workers (it was E_SPEC_THROWS at 2, from a worker)', async () => {
  const arg = { fault: 'codec-range' as const, noInitial: true };
  const one = await thrownAt(0, arg);
  expect(one.code).toBe('E_SPEC_NO_INITIAL');
  expect(await thrownAt(1, arg)).toEqual(one);
  expect(await thrownAt(2, arg)).toEqual(one);
});
