/**
 * The checkpoint file (checker/checkpoint.ts, checkpoint-read.ts): it round-trips every field, a
 * write that fails leaves the previous checkpoint whole, and anything missing, damaged or foreign
 * is refused, naming the file and what is wrong. Resuming from one: checkpoint.test.ts.
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
import { afterAll, describe, expect, it } from 'vitest';
import { CheckerError, readCheckpoint, type Snapshot, writeCheckpoint } from '../../checker/index.js';

const dir = mkdtempSync(join(tmpdir(), 'memcg-check-checkpoint-file-'));
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
    format: 2,
    spec: 'Sample',
    fingerprint: 'abc',
    symmetry: false,
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
  it('of format 1 (symmetry inside the fingerprint string, before issue #12) is refused, saying what to do', () => {
    const path = fresh();
    writeCheckpoint(path, { ...sample(), format: 1 } as unknown as Snapshot);
    expectCode(
      () => readCheckpoint(path),
      'E_BAD_CHECKPOINT',
      path,
      'written by an earlier version of memcg-check',
    );
    expectCode(() => readCheckpoint(path), 'E_BAD_CHECKPOINT', path, 'run again without --resume');
  });

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
