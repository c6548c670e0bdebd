/**
 * Checkpoints and resume: the file format round-trips and refuses anything damaged or foreign; a
 * run interrupted by a limit and resumed from its checkpoint gives the result of one uninterrupted
 * run (verdict, counts, fire counts, depth, witnesses, the counterexample path), on the toy specs
 * and on random graphs.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
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
  type Snapshot,
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

/** A hand-made snapshot: 5-byte states (rows are padded in the store, not in the file). */
function sample(): Snapshot {
  const count = 7;
  const states = new Uint8Array(count * 5);
  for (let i = 0; i < states.length; i++) states[i] = (i * 37 + 11) & 0xff;
  const parent = new Int32Array(10).fill(99);
  parent.set([-1, -1, 0, 0, 1, 2, 2]);
  const via = new Uint16Array(9).fill(7);
  via.set([0, 1, 0, 3, 65535, 1, 2]);
  return {
    format: 1,
    spec: 'Sample',
    fingerprint: 'abc|bytes=5|symmetry=off',
    stateBytes: 5,
    count,
    frontierStart: 4,
    level: 2,
    depth: 2,
    transitions: 12,
    fired: { read: 5, write: 7, '3': 0 },
    witnessFound: [3, -1],
    witnessDepth: [2, -1],
    initialSource: [0, 2],
    elapsedMs: 1234.5,
    states,
    parent,
    via,
  };
}

describe('the checkpoint file', () => {
  it('round-trips every field; only the first count parents and actions are written', () => {
    const path = fresh();
    const snap = sample();
    writeCheckpoint(path, snap);
    expect(existsSync(`${path}.tmp`)).toBe(false);
    const back = readCheckpoint(path);
    const { states, parent, via, ...fields } = back;
    const { states: s0, parent: p0, via: v0, ...fields0 } = snap;
    expect(fields).toEqual(fields0);
    expect([...states]).toEqual([...s0]);
    expect([...parent]).toEqual([...p0.subarray(0, 7)]);
    expect([...via]).toEqual([...v0.subarray(0, 7)]);
  });

  it('an empty snapshot (no state stored) round-trips too', () => {
    const path = fresh();
    const empty: Snapshot = {
      ...sample(),
      count: 0,
      frontierStart: 0,
      level: 0,
      depth: 0,
      transitions: 0,
      fired: {},
      witnessFound: [],
      witnessDepth: [],
      initialSource: [],
      states: new Uint8Array(0),
      parent: new Int32Array(0),
      via: new Uint16Array(0),
    };
    writeCheckpoint(path, empty);
    expect(readCheckpoint(path)).toMatchObject({ count: 0, fired: {}, spec: 'Sample' });
  });

  it('a write that fails leaves the previous checkpoint whole and no temporary file', () => {
    const path = fresh();
    writeCheckpoint(path, sample());
    const before = readFileSync(path);
    mkdirSync(`${path}.tmp`); // the temporary file cannot be created
    expectCode(() => writeCheckpoint(path, { ...sample(), transitions: 99 }), 'E_BAD_CHECKPOINT', path);
    expect(readFileSync(path)).toEqual(before);
    rmSync(`${path}.tmp`, { recursive: true });
    expectCode(
      () => writeCheckpoint(join(dir, 'no/such/dir/c.ckpt'), sample()),
      'E_BAD_CHECKPOINT',
      'no/such/dir',
    );
  });

  it('refuses a missing, empty, foreign, truncated, padded or corrupted file, naming it and what is wrong', () => {
    const good = fresh();
    writeCheckpoint(good, sample());
    const bytes = readFileSync(good);
    const variant = (edit: (b: Buffer) => Buffer) => {
      const path = fresh();
      writeFileSync(path, edit(Buffer.from(bytes)));
      return path;
    };
    const flip = (at: number) => (b: Buffer) => {
      b[at] ^= 0x40;
      return b;
    };
    const missing = join(dir, 'missing.ckpt');
    expectCode(() => readCheckpoint(missing), 'E_BAD_CHECKPOINT', missing, 'cannot be read');
    const empty = variant(() => Buffer.alloc(0));
    expectCode(() => readCheckpoint(empty), 'E_BAD_CHECKPOINT', empty, 'not a checkpoint');
    const json = variant(() => Buffer.from(`${JSON.stringify({ format: 1, spec: 'Sample' })}\n`));
    expectCode(() => readCheckpoint(json), 'E_BAD_CHECKPOINT', json, 'magic');
    const magic = variant(flip(1));
    expectCode(() => readCheckpoint(magic), 'E_BAD_CHECKPOINT', magic, 'magic');
    const header = variant(flip(20));
    expectCode(() => readCheckpoint(header), 'E_BAD_CHECKPOINT', header, 'header checksum');
    // The file ends with the sections (7 states of 5 bytes, 7 parents, 7 actions), then a 16-byte
    // trailer: three section checksums and an end mark.
    const trailer = bytes.length - 16;
    const state = variant(flip(trailer - 7 * 6 - 3)); // a byte of the last state row
    expectCode(() => readCheckpoint(state), 'E_BAD_CHECKPOINT', state, 'states section');
    const parent = variant(flip(trailer - 7 * 2 - 1)); // the high byte of the last parent
    expectCode(() => readCheckpoint(parent), 'E_BAD_CHECKPOINT', parent, 'parent section');
    const via = variant(flip(trailer - 1));
    expectCode(() => readCheckpoint(via), 'E_BAD_CHECKPOINT', via, 'via section');
    const sum = variant(flip(trailer + 5)); // the parent section's checksum
    expectCode(() => readCheckpoint(sum), 'E_BAD_CHECKPOINT', sum, 'parent section');
    const mark = variant(flip(bytes.length - 1));
    expectCode(() => readCheckpoint(mark), 'E_BAD_CHECKPOINT', mark, 'end mark');
    const padded = variant((b) => Buffer.concat([b, Buffer.from([0])]));
    expectCode(() => readCheckpoint(padded), 'E_BAD_CHECKPOINT', padded, 'trailing');
    const cut = fresh();
    writeFileSync(cut, bytes);
    truncateSync(cut, bytes.length - 5);
    expectCode(() => readCheckpoint(cut), 'E_BAD_CHECKPOINT', cut, 'truncated');
    const cutHeader = fresh();
    writeFileSync(cutHeader, bytes.subarray(0, 30));
    expectCode(() => readCheckpoint(cutHeader), 'E_BAD_CHECKPOINT', cutHeader, 'truncated');
  });

  it('refuses a well-formed file whose content cannot come from a run (a parent after its child)', () => {
    const path = fresh();
    const snap = sample();
    const parent = Int32Array.from(snap.parent);
    parent[3] = 5;
    writeCheckpoint(path, { ...snap, parent });
    expectCode(() => readCheckpoint(path), 'E_BAD_CHECKPOINT', path, 'state 3 has parent 5');
    const later = fresh();
    writeCheckpoint(later, { ...snap, frontierStart: 8 });
    expectCode(() => readCheckpoint(later), 'E_BAD_CHECKPOINT', 'frontierStart');
  });
});

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
