/**
 * The parallel explorer against the one-worker explorer: at 1, 2 and 3 workers, the same verdict,
 * counts, depth, fire counts, witnesses and counterexample path, on the toy specs, on random graphs
 * and on the memcg model; exactly, also when maxStates or maxDepth stops the run.
 *
 * The parallel explorer runs from the build (dist/, made by `npm test`'s pretest), so that its
 * workers load compiled JavaScript: the shipped artifact, and fast to start.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CheckOptions,
  type CheckResult,
  explore,
  type Spec,
  type WorkerSource,
} from '../../checker/index.js';
import { type ModelRef, specOf } from '../../properties/model-ref.js';
import { storeIndependent } from './compare.js';
import { type Graph, graphSpec } from './fixtures/graph.js';
import { graphArb } from './fixtures/graph-arb.js';
import { peterson } from './fixtures/peterson.js';
import { racyCounter } from './fixtures/racy-counter.js';
import { twoPhase } from './fixtures/twophase.js';

// A computed specifier: the type checker must not take dist/ for an input.
const dist = new URL('../../dist/checker/index.js', import.meta.url).href;
const { exploreParallel } = (await import(dist)) as typeof import('../../checker/index.js');

const fixture = (file: string, exportName: string, arg?: unknown): WorkerSource => ({
  module: new URL(`../../dist/test/checker/fixtures/${file}.js`, import.meta.url).href,
  exportName,
  ...(arg !== undefined ? { arg } : {}),
});

/** What must agree: everything but timing and store figures; fire counts as a sorted list. */
function view<S, A>(r: CheckResult<S, A>) {
  const v = storeIndependent(r);
  return {
    ...v,
    stats: { ...v.stats, fired: Object.entries(v.stats.fired).sort() },
    violation: r.violation
      ? { property: r.violation.property, message: r.violation.message, path: r.violation.trace.path }
      : undefined,
  };
}

async function agree<S, A>(
  spec: Spec<S, A>,
  source: WorkerSource,
  workers: number,
  options: CheckOptions = {},
): Promise<CheckResult<S, A>> {
  const seq = explore(spec, options).result;
  const par = (await exploreParallel(spec as never, { ...options, workers, workerSource: source })).result;
  expect(view(par as CheckResult<S, A>)).toEqual(view(seq));
  return par as CheckResult<S, A>;
}

const toys: readonly [string, Spec<never, never>, WorkerSource][] = [
  ['TwoPhase(3)', twoPhase(3) as never, fixture('twophase', 'twoPhase', 3)],
  ['Peterson', peterson as never, fixture('peterson', 'peterson')],
  ['racy counter', racyCounter as never, fixture('racy-counter', 'racyCounter')],
];

describe.each(toys)('%s', (_name, spec, source) => {
  it.each([1, 2, 3])('agrees with the one-worker explorer at %i workers', async (workers) => {
    await agree(spec, source, workers);
  });

  it('agrees when maxStates, maxDepth or both stop the run, at 2 workers', async () => {
    const full = explore(spec).result;
    for (const maxStates of [0, 1, 2, Math.floor(full.stats.distinct / 2), full.stats.distinct - 1]) {
      await agree(spec, source, 2, { maxStates: Math.max(0, maxStates) });
    }
    for (const maxDepth of [0, 1, Math.floor(full.stats.depth / 2)]) {
      await agree(spec, source, 2, { maxDepth });
    }
    await agree(spec, source, 2, { maxDepth: 2, maxStates: 5 });
  });
});

it('TwoPhase(3): 288 states, the published count, at 2 workers', async () => {
  const r = await agree(twoPhase(3), fixture('twophase', 'twoPhase', 3), 2);
  expect(r.verdict).toBe('verified');
  expect(r.stats.distinct).toBe(288);
});

it('random graphs: agrees with the one-worker explorer at 2 and 3 workers', async () => {
  await fc.assert(
    fc.asyncProperty(graphArb(3), fc.integer({ min: 2, max: 3 }), async (g, workers) => {
      await agree(graphSpec(g), fixture('graph', 'graphSpec', g), workers);
    }),
    { numRuns: 25 },
  );
}, 120_000);

describe('memcg model', () => {
  const source = (ref: ModelRef): WorkerSource => ({
    module: new URL('../../dist/properties/model-ref.js', import.meta.url).href,
    exportName: 'specOf',
    arg: ref,
  });
  const onePage = [{ kind: 'small', subpages: 1 }] as const;
  it.each<ModelRef>([
    { design: { kind: 'design', name: 'new' }, scope: 'tiny', bounds: { frames: onePage } },
    { design: { kind: 'design', name: 'old' }, scope: 'small', bounds: { frames: onePage } },
  ])(
    '%o: agrees at 2 workers, counterexample included',
    async (ref) => {
      const spec = await specOf(ref);
      await agree(spec, source(ref), 2);
    },
    120_000,
  );
});

describe('limits that stop a parallel run between rounds', () => {
  const source = fixture('twophase', 'twoPhase', 3);
  it('a timeout ends the run as incomplete with the figures of its last completed level', async () => {
    const r = (
      await exploreParallel(twoPhase(3) as never, { workers: 2, workerSource: source, timeoutMs: 0 })
    ).result;
    expect(r.verdict).toBe('incomplete');
    expect(r.limit).toEqual({ kind: 'timeout', value: 0 });
    expect(r.stats.distinct).toBe(1);
    expect(r.stats.transitions).toBe(0);
  });

  it('the memory ceiling ends the run as incomplete, never a crash', async () => {
    const r = (
      await exploreParallel(twoPhase(3) as never, { workers: 2, workerSource: source, maxMemoryBytes: 1 })
    ).result;
    expect(r.verdict).toBe('incomplete');
    expect(r.limit).toEqual({ kind: 'memory', value: 1 });
    expect(r.stats.distinct).toBeLessThan(288);
  });
});

describe('bad input', () => {
  it('refuses a worker count that is not a whole number from 1 to 256', async () => {
    for (const workers of [0, -1, 1.5, 257]) {
      await expect(
        exploreParallel(twoPhase(3) as never, { workers, workerSource: fixture('twophase', 'twoPhase', 3) }),
      ).rejects.toThrow(/E_BAD_OPTION: workers must be a whole number/);
    }
  });

  it('refuses a spec without a codec', async () => {
    const g: Graph = { succ: [[0]], initial: [0], bad: [] };
    await expect(
      exploreParallel(graphSpec(g, false) as never, {
        workers: 2,
        workerSource: fixture('graph', 'graphSpec', g),
      }),
    ).rejects.toThrow(/E_BAD_OPTION: .*no codec/);
  });

  it('refuses a worker source that builds another spec', async () => {
    await expect(
      exploreParallel(twoPhase(3) as never, { workers: 2, workerSource: fixture('twophase', 'twoPhase', 4) }),
    ).rejects.toThrow(/E_WORKER: .*must build the same spec/);
  });

  it('names a worker source without the export', async () => {
    await expect(
      exploreParallel(twoPhase(3) as never, { workers: 1, workerSource: fixture('twophase', 'nothingHere') }),
    ).rejects.toThrow(/exports no spec or spec factory named nothingHere/);
  });
});

describe('checkpoints with workers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memcg-check-par-'));
  const cases: readonly [string, Spec<never, never>, WorkerSource][] = [
    ['TwoPhase(3)', twoPhase(3) as never, fixture('twophase', 'twoPhase', 3)],
    ['racy counter (violated)', racyCounter as never, fixture('racy-counter', 'racyCounter')],
  ];
  it.each(cases)(
    '%s: stopped, written and resumed across 1 and 2-3 workers, the whole run',
    async (_n, spec, source) => {
      const whole = explore(spec).result;
      for (const maxStates of [
        1,
        Math.floor(whole.stats.distinct / 3),
        Math.floor((2 * whole.stats.distinct) / 3),
      ]) {
        // Two workers write, one worker resumes.
        const f1 = join(dir, `a-${maxStates}.ckpt`);
        const stopped = (
          await exploreParallel(spec, { workers: 2, workerSource: source, maxStates, checkpoint: f1 })
        ).result;
        expect(stopped.verdict === 'incomplete' || stopped.verdict === 'violated').toBe(true);
        if (stopped.verdict === 'incomplete') {
          expect(view(explore(spec, { resume: f1 }).result)).toEqual(view(whole));
          // The same checkpoint resumed by three workers.
          const r3 = (await exploreParallel(spec, { workers: 3, workerSource: source, resume: f1 })).result;
          expect(view(r3)).toEqual(view(whole));
        }
        // One worker writes, two resume.
        const f2 = join(dir, `b-${maxStates}.ckpt`);
        const seqStopped = explore(spec, { maxStates, checkpoint: f2 }).result;
        if (seqStopped.verdict === 'incomplete') {
          const r2 = (await exploreParallel(spec, { workers: 2, workerSource: source, resume: f2 })).result;
          expect(view(r2)).toEqual(view(whole));
        }
      }
    },
  );

  it('writes at every level boundary with checkpointEveryMs 0, and the file resumes to the whole run', async () => {
    const spec = twoPhase(3);
    const f = join(dir, 'every.ckpt');
    const whole = explore(spec).result;
    const run = (
      await exploreParallel(spec as never, {
        workers: 2,
        workerSource: fixture('twophase', 'twoPhase', 3),
        maxDepth: 4,
        checkpoint: f,
        checkpointEveryMs: 0,
      })
    ).result;
    expect(run.limit?.kind).toBe('maxDepth');
    expect(view(explore(spec, { resume: f }).result)).toEqual(view(whole));
  });

  it('refuses a checkpoint of another spec', async () => {
    const f = join(dir, 'other.ckpt');
    explore(twoPhase(3), { maxStates: 10, checkpoint: f });
    await expect(
      exploreParallel(racyCounter as never, {
        workers: 2,
        workerSource: fixture('racy-counter', 'racyCounter'),
        resume: f,
      }),
    ).rejects.toThrow(/E_BAD_CHECKPOINT: cannot resume from .*written for spec/);
  });
});
