/**
 * Reading a checkpoint back (the format: checker/checkpoint.ts): every byte is checked before the
 * snapshot is trusted (magic, header checksum and fields, section sizes, section checksums, the
 * end mark, parents before children), so a missing, truncated, corrupt or foreign file is
 * E_BAD_CHECKPOINT naming the file and what is wrong, never a wrong run.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import {
  bytesOf,
  CHUNK,
  crc,
  END,
  type Header,
  MAGIC,
  PREFIX,
  SECTIONS,
  type SectionName,
  type Snapshot,
  TRAILER,
} from './checkpoint.js';
import { CheckerError } from './errors.js';

/** Reads a checkpoint; anything missing, truncated, corrupt or of another format is E_BAD_CHECKPOINT. */
export function readCheckpoint(path: string): Snapshot {
  const bad = (what: string) => new CheckerError('E_BAD_CHECKPOINT', `checkpoint ${path} ${what}`);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw bad(`cannot be read: ${(e as Error).message}`);
  }
  try {
    const size = fstatSync(fd).size;
    if (size < PREFIX) throw bad(`is not a checkpoint: ${size} bytes, too short for one`);
    const prefix = Buffer.alloc(PREFIX);
    readAll(fd, prefix, 0);
    if (!MAGIC.every((b, i) => prefix[i] === b)) {
      throw bad('is not a checkpoint (it does not start with the checkpoint magic bytes)');
    }
    const headerLength = prefix.readUInt32LE(MAGIC.length);
    if (PREFIX + headerLength > size) throw bad(`is truncated: ${size} bytes, its header alone needs more`);
    const json = Buffer.alloc(headerLength);
    readAll(fd, json, PREFIX);
    if (crc(json) !== prefix.readUInt32LE(MAGIC.length + 4))
      throw bad('is corrupt: its header checksum fails');
    let header: Header;
    try {
      header = JSON.parse(json.toString('utf8')) as Header;
    } catch {
      throw bad('is corrupt: its header is not JSON');
    }
    checkHeader(header, bad);
    const expected = PREFIX + headerLength + header.sections.reduce((n, s) => n + s.bytes, 0) + TRAILER;
    if (size !== expected) {
      throw bad(
        size < expected
          ? `is truncated: ${size} bytes, expected ${expected}`
          : `has ${size - expected} bytes of trailing garbage`,
      );
    }
    const trailer = Buffer.alloc(TRAILER);
    readAll(fd, trailer, size - TRAILER);
    if (!END.every((b, i) => trailer[12 + i] === b)) throw bad('is corrupt: its end mark is missing');
    const { count, stateBytes } = header;
    const arrays = {
      states: new Uint8Array(count * stateBytes),
      parent: new Int32Array(count),
      via: new Uint16Array(count),
    };
    let at = PREFIX + headerLength;
    for (let i = 0; i < SECTIONS.length; i++) {
      const name = SECTIONS[i];
      const bytes = bytesOf(arrays[name]);
      readAll(fd, bytes, at);
      at += bytes.length;
      if (crc(bytes) !== trailer.readUInt32LE(4 * i)) {
        throw bad(`is corrupt: the checksum of its ${name} section fails`);
      }
    }
    const { endianness: _e, sections: _s, ...fields } = header;
    const snap: Snapshot = { ...fields, ...arrays };
    checkLinks(snap, bad);
    return snap;
  } catch (e) {
    if (e instanceof CheckerError) throw e;
    throw bad(`cannot be read: ${(e as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

function checkHeader(h: Header, bad: (what: string) => CheckerError): void {
  const whole = (v: unknown, min = 0) => Number.isSafeInteger(v) && (v as number) >= min;
  if (h === null || typeof h !== 'object') throw bad('is corrupt: its header is not an object');
  if ((h.format as number) === 1)
    throw bad(
      'has format 1, written by an earlier version of memcg-check; this version reads format 2: run again without --resume',
    );
  if (h.format !== 2) throw bad(`has format ${String(h.format)}; this version reads format 2`);
  if (h.endianness !== endianness()) {
    throw bad(`was written on a ${h.endianness} machine; this one is ${endianness()}`);
  }
  const fields: [string, boolean][] = [
    ['spec', typeof h.spec === 'string'],
    ['fingerprint', typeof h.fingerprint === 'string'],
    ['symmetry', typeof h.symmetry === 'boolean'],
    ['stateBytes', whole(h.stateBytes, 1)],
    ['count', whole(h.count)],
    ['frontierStart', whole(h.frontierStart) && h.frontierStart <= h.count],
    ['level', whole(h.level)],
    ['depth', whole(h.depth)],
    ['transitions', whole(h.transitions)],
    ['elapsedMs', typeof h.elapsedMs === 'number' && h.elapsedMs >= 0],
    [
      'fired',
      h.fired !== null && typeof h.fired === 'object' && Object.values(h.fired).every((n) => whole(n)),
    ],
    [
      'witnessFound',
      Array.isArray(h.witnessFound) && h.witnessFound.every((id) => whole(id, -1) && id < h.count),
    ],
    [
      'witnessDepth',
      Array.isArray(h.witnessDepth) &&
        h.witnessDepth.length === h.witnessFound?.length &&
        h.witnessDepth.every((d) => whole(d, -1)),
    ],
    [
      'initialSource',
      Array.isArray(h.initialSource) &&
        h.initialSource.length <= h.count &&
        h.initialSource.every((i) => whole(i)),
    ],
  ];
  const wrong = fields.find(([, ok]) => !ok);
  if (wrong) throw bad(`is corrupt: its header field ${wrong[0]} is missing or out of range`);
  const sizes: Record<SectionName, number> = {
    states: h.count * h.stateBytes,
    parent: h.count * 4,
    via: h.count * 2,
  };
  const table: Header['sections'] = h.sections;
  const ok =
    Array.isArray(table) &&
    table.length === SECTIONS.length &&
    SECTIONS.every((name, i) => table[i]?.name === name && table[i].bytes === sizes[name]);
  if (!ok) throw bad('is corrupt: its section table does not match its state count');
}

/** Every parent is an earlier state (BFS stores a state after its parent), or none for an initial state. */
function checkLinks(snap: Snapshot, bad: (what: string) => CheckerError): void {
  const { parent, count } = snap;
  for (let id = 0; id < count; id++) {
    const p = parent[id];
    if (p < -1 || p >= id) throw bad(`is corrupt: state ${id} has parent ${p}`);
  }
}

function readAll(fd: number, into: Uint8Array, position: number): void {
  for (let at = 0; at < into.length; ) {
    const n = readSync(fd, into, at, Math.min(CHUNK, into.length - at), position + at);
    if (n === 0) throw new Error('unexpected end of file');
    at += n;
  }
}
