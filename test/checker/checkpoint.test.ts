/**
 * Resume: a run interrupted by a limit and resumed from its checkpoint gives the result of one
 * uninterrupted run (verdict, counts, fire counts, depth, witnesses, the counterexample path), on
 * the toy specs and on random graphs; a checkpoint of another model or setting is refused. The
 * file itself: checkpoint-file.test.ts.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CheckerError,
  type CheckOptions,
  check,
  explore,
  readCheckpoint,
  type Spec,
  writeCheckpoint,
} from '../../checker/index.js';
import { untimed } from './compare.js';
import { dieHard } from './fixtures/diehard.js';
import { graphSpec } from './fixtures/graph.js';
import { graphArb } from './fixtures/graph-arb.js';
import { peterson } from './fixtures/peterson.js';
import { racyCounter } from './fixtures/racy-counter.js';
import { sortRms, type TPState, twoPhase } from './fixtures/twophase.js';
import { naiveBfs } from './naive.js';

const dir = mkdtempSync(join(tmpdir(), 'memcg-check-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const fresh = () => join(dir, `c${files++}.ckpt`);

function expectCode(f: () => unknown, code: string, ...words: (string | RegExp)[]): void {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected a CheckerError').toBeInstanceOf(CheckerError);
  expect((thrown as CheckerError).code).toBe(code);
  for (const w of words) expect((thrown as Error).message).toMatch(w);
}

/** Runs `spec` interrupted by `stop`, then resumed from the checkpoint with `rest`; returns both. */
function interruptAndResume<S, A>(
  spec: Spec<S, A>,
  stop: CheckOptions,
  rest: CheckOptions = {},
  resumeSpec: Spec<S, A> = spec,
) {
  const path = fresh();
  const first = check(spec, { ...stop, checkpoint: path });
  const resumed = check(resumeSpec, { ...rest, resume: path });
  return { first, resumed, path };
}

/** TwoPhase with the RMs sorted (symmetry without canonicalBytes). */
function symmetricTwoPhase(n: number): Spec<TPState, unknown> {
  const base = twoPhase(n);
  return { ...base, canonical: sortRms } as Spec<TPState, unknown>;
}

/** DieHard with a 2-byte codec, so that the packed store (and checkpoints) can hold it. */
const packedDieHard: typeof dieHard = {
  ...dieHard,
  codec: {
    bytes: 2,
    encode: (s, out, at) => {
      out[at] = s.small;
      out[at + 1] = s.big;
    },
    decode: (src, at) => ({ small: src[at], big: src[at + 1] }),
  },
};

const toys: readonly [string, Spec<unknown, unknown>, readonly number[]][] = [
  ['TwoPhase(3), the fast path', twoPhase(3) as Spec<unknown, unknown>, [0, 1, 2, 5, 50, 100, 287]],
  ['TwoPhase(4) with symmetry', symmetricTwoPhase(4) as Spec<unknown, unknown>, [1, 3, 20, 60]],
  ['Peterson, a codec without decodeInto', peterson as Spec<unknown, unknown>, [1, 4, 10, 19]],
  ['RacyCounter, violated', racyCounter as Spec<unknown, unknown>, [1, 2, 3, 6]],
  ['DieHard, violated at depth 6', packedDieHard as Spec<unknown, unknown>, [1, 4, 9, 13]],
];

describe('resume gives the result of an uninterrupted run', () => {
  describe.each(toys)('%s', (_name, spec, cuts) => {
    const whole = check(spec);

    it(`interrupted by maxStates at ${cuts.join(', ')}`, () => {
      for (const maxStates of cuts) {
        const { first, resumed } = interruptAndResume(spec, { maxStates });
        expect(first.verdict, `maxStates ${maxStates}`).toBe('incomplete');
        expect(untimed(resumed), `maxStates ${maxStates}`).toEqual(untimed(whole));
        expect(resumed.violation?.trace.path).toEqual(whole.violation?.trace.path);
      }
    });

    it('interrupted again and again: each run resumes the last one with a higher state limit', () => {
      const path = fresh();
      let r = check(spec, { maxStates: cuts[0], checkpoint: path, checkpointEveryMs: 0 });
      for (const maxStates of cuts.slice(1)) {
        r = check(spec, { maxStates, resume: path, checkpoint: path, checkpointEveryMs: 0 });
        expect(r.verdict).toBe('incomplete');
      }
      r = check(spec, { resume: path, checkpoint: path, checkpointEveryMs: 0 });
      expect(untimed(r)).toEqual(untimed(whole));
    });

    it('a completed run with checkpointEveryMs 0 leaves its last level boundary, which resumes to the same end', () => {
      const path = fresh();
      const r = check(spec, { checkpoint: path, checkpointEveryMs: 0 });
      expect(untimed(r)).toEqual(untimed(whole));
      if (existsSync(path)) expect(untimed(check(spec, { resume: path }))).toEqual(untimed(whole));
      else expect(whole.stats.depth).toBe(0); // one level only: no boundary inside the run
    });
  });

  it('interrupted mid-level by a timeout: the checkpoint is the last level boundary, and resuming completes the run', () => {
    // TwoPhase(5): 8832 states over 17 levels; timeoutMs 0 stops at the 256th state, inside a level.
    const spec = twoPhase(5);
    const whole = check(spec);
    const { first, resumed, path } = interruptAndResume(spec, { timeoutMs: 0 });
    expect(first.limit).toEqual({ kind: 'timeout', value: 0 });
    const snap = readCheckpoint(path);
    const nodes = naiveBfs(spec).nodes;
    const upTo = (d: number) => nodes.filter((n) => n.depth <= d).length;
    expect(snap.count).toBe(upTo(snap.level));
    expect(snap.frontierStart).toBe(upTo(snap.level - 1));
    expect(snap.count).toBeLessThan(first.stats.distinct);
    expect(snap.transitions).toBeLessThan(first.stats.transitions);
    expect(untimed(resumed)).toEqual(untimed(whole));
  });

  it('interrupted by the memory ceiling: resumed without it, the whole run', () => {
    // TwoPhase(6): 50816 states need a few MB of store; 1.5 MB stops the run part of the way.
    const spec = twoPhase(6);
    const { first, resumed, path } = interruptAndResume(spec, { maxMemoryBytes: 1_500_000 });
    expect(first.limit).toEqual({ kind: 'memory', value: 1_500_000 });
    expect(readCheckpoint(path).count).toBeLessThanOrEqual(first.stats.distinct);
    expect(untimed(resumed)).toEqual(untimed(check(spec)));
  });

  it('a violation past the interruption: the same counterexample, replayed from the resumed store', () => {
    // RacyCounter's lost update is 4 steps deep. With 3 states stored (the initial state and its two
    // successors) the 4th does not fit: the checkpoint is the boundary before level 1's expansion.
    const whole = explore(racyCounter);
    const path = fresh();
    check(racyCounter, { maxStates: 3, checkpoint: path });
    expect(readCheckpoint(path)).toMatchObject({ count: 3, level: 1, frontierStart: 1 });
    const run = explore(racyCounter, { resume: path });
    expect(run.result.violation?.trace).toEqual(whole.result.violation?.trace);
    expect(run.witnessTrace('one done')).toEqual(whole.witnessTrace('one done'));
  });

  it('maxDepth: the checkpoint keeps the last level whole, so a deeper bound resumes correctly', () => {
    const spec = twoPhase(3);
    const { first, resumed, path } = interruptAndResume(spec, { maxDepth: 4 });
    expect(first.limit).toEqual({ kind: 'maxDepth', value: 4 });
    expect(readCheckpoint(path)).toMatchObject({ level: 4 });
    expect(untimed(resumed)).toEqual(untimed(check(spec)));
    expect(untimed(check(spec, { resume: path, maxDepth: 4 }))).toEqual(untimed(first));
  });

  it('stats.ms counts the time before the checkpoint', () => {
    const path = fresh();
    check(twoPhase(3), { maxStates: 100, checkpoint: path });
    const snap = readCheckpoint(path);
    const later = fresh();
    writeCheckpoint(later, { ...snap, elapsedMs: 3_600_000 });
    const r = check(twoPhase(3), { resume: later });
    expect(r.verdict).toBe('verified');
    expect(r.stats.ms).toBeGreaterThanOrEqual(3_600_000);
  });

  it('checkpointEveryMs: none is written inside a run before that much time has passed', () => {
    const path = fresh();
    const r = check(twoPhase(3), { checkpoint: path, checkpointEveryMs: 3_600_000 });
    expect(r.verdict).toBe('verified');
    expect(existsSync(path)).toBe(false);
  });
});

describe('resume refuses a checkpoint of another model or setting', () => {
  const path = fresh();
  check(symmetricTwoPhase(3), { maxStates: 30, checkpoint: path });

  it('another spec name', () => {
    expectCode(
      () => check(racyCounter, { resume: path }),
      'E_BAD_CHECKPOINT',
      path,
      'spec "TwoPhase(3 RMs)"',
      '"RacyCounter"',
    );
  });

  it('another state size under the same name', () => {
    expectCode(
      () => check({ ...twoPhase(4), name: twoPhase(3).name }, { resume: path }),
      'E_BAD_CHECKPOINT',
      'bytes',
    );
  });

  it('symmetry off where it was on', () => {
    expectCode(
      () => check(symmetricTwoPhase(3), { resume: path, noSymmetry: true }),
      'E_BAD_CHECKPOINT',
      'symmetry reduction on, this run has it off',
    );
  });

  it('another fingerprint', () => {
    const fp = fresh();
    check({ ...twoPhase(3), fingerprint: 'v1' }, { maxStates: 30, checkpoint: fp });
    expectCode(
      () => check({ ...twoPhase(3), fingerprint: 'v2' }, { resume: fp }),
      'E_BAD_CHECKPOINT',
      'fingerprint "v1", this one "v2"',
    );
    expect(check({ ...twoPhase(3), fingerprint: 'v1' }, { resume: fp }).verdict).toBe('verified');
  });

  it('a file that is not a checkpoint', () => {
    const junk = join(dir, 'junk.ckpt');
    writeFileSync(junk, 'hello\n');
    expectCode(() => check(twoPhase(3), { resume: junk }), 'E_BAD_CHECKPOINT', junk);
  });
});

describe('checkpoints need the packed store', () => {
  it('a spec without a codec, or forceJsonStore, is E_BAD_OPTION', () => {
    expectCode(() => check(dieHard, { checkpoint: fresh() }), 'E_BAD_OPTION', 'no codec');
    expectCode(() => check(dieHard, { resume: fresh() }), 'E_BAD_OPTION', 'no codec');
    expectCode(
      () => check(twoPhase(3), { checkpoint: fresh(), forceJsonStore: true }),
      'E_BAD_OPTION',
      'forceJsonStore',
    );
  });

  it('bad option values are E_BAD_OPTION', () => {
    expectCode(
      () => check(twoPhase(3), { checkpoint: fresh(), checkpointEveryMs: -1 }),
      'E_BAD_OPTION',
      'checkpointEveryMs',
    );
    expectCode(() => check(twoPhase(3), { checkpoint: '' }), 'E_BAD_OPTION', 'checkpoint');
  });
});

describe('random graphs', () => {
  it('interrupted at a random state count and resumed == uninterrupted', () => {
    fc.assert(
      fc.property(graphArb(3), fc.nat(), fc.nat({ max: 29 }), fc.boolean(), (g, cut, goal, often) => {
        const spec: Spec<number, number> = {
          ...graphSpec(g),
          witnesses: [{ type: 'sometimes', name: 'goal', holds: (s) => s === goal }],
        };
        const whole = check(spec);
        // Fewer states than the whole run stores: the interrupted run stops before its end.
        const maxStates = cut % whole.stats.distinct;
        const path = fresh();
        const first = check(spec, { maxStates, checkpoint: path, checkpointEveryMs: often ? 0 : 3_600_000 });
        expect(first.verdict).toBe('incomplete');
        const resumed = check(spec, { resume: path });
        expect(untimed(resumed)).toEqual(untimed(whole));
        expect(resumed.violation?.trace.path).toEqual(whole.violation?.trace.path);
        rmSync(path, { force: true });
      }),
    );
  });
});
