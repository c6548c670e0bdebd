/**
 * Checkpoints: the explorer's state at a level boundary, written to a file and read back, so that a
 * long run survives interruption (`checkpoint`, `resume` in CheckOptions). Generic: a checkpoint
 * holds packed state rows and counters, nothing about any model.
 *
 * File layout (integers little-endian):
 *
 *   magic        8 bytes   0x89 'C' 'K' 'P' 'T' '\r' '\n' 0x1a (a text-mode copy mangles it)
 *   headerLength u32       bytes of the JSON header
 *   headerCrc    u32       CRC-32 of the JSON header
 *   header       JSON      every field of the Snapshot but its three arrays, the byte order, and
 *                          the name and byte length of each section
 *   states       count * stateBytes bytes, in id order, unpadded
 *   parent       count * 4 bytes (Int32)
 *   via          count * 2 bytes (Uint16)
 *   trailer      CRC-32 of each section (3 x u32), then 'CKPE'
 *
 * Sections are written and read in pieces of at most 64 MiB, never as JSON; their checksums are
 * computed on the way out (hence a trailer). The file is written to PATH.tmp, synced, then renamed:
 * PATH holds the previous checkpoint or the new one, never half of one. Reading one back and
 * checking it: checker/checkpoint-read.ts. Which checkpoint may resume which run, and the figures
 * the explorers keep for one: checker/resume.ts.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import * as zlib from 'node:zlib';
import { checkpointError } from './errors.js';

export interface Snapshot {
  /** 2 since the symmetry flag has a field of its own (format 1 packed it into `fingerprint`). */
  readonly format: 2;
  /** `spec.name`. */
  readonly spec: string;
  /** `spec.fingerprint` ('' when the spec has none): with `spec`, `symmetry` and `stateBytes`, what must match to resume. */
  readonly fingerprint: string;
  /** Whether the run reduced by symmetry (its states are canonical forms). */
  readonly symmetry: boolean;
  /** `codec.bytes`. */
  readonly stateBytes: number;
  /** States stored: ids 0..count-1. */
  readonly count: number;
  /** Ids below are fully expanded; [frontierStart, count) is the next level to expand. */
  readonly frontierStart: number;
  /** Depth of the frontier states. */
  readonly level: number;
  readonly depth: number;
  readonly transitions: number;
  readonly fired: Readonly<Record<string, number>>;
  readonly witnessFound: readonly number[];
  readonly witnessDepth: readonly number[];
  readonly initialSource: readonly number[];
  /** Milliseconds of exploration the snapshot stands for (every run before it). */
  readonly elapsedMs: number;
  /** count * stateBytes, in id order, unpadded. */
  readonly states: Uint8Array;
  /** Length >= count; only the first count entries are written. */
  readonly parent: Int32Array;
  /** Length >= count; only the first count entries are written. */
  readonly via: Uint16Array;
}

/**
 * The states section in pieces: rows [first, first + n), unpadded, as a view or in a buffer the
 * next call may reuse. Lets a store write its rows without first copying them all.
 */
export type RowSource = (first: number, n: number) => Uint8Array;

export const MAGIC = Uint8Array.from([0x89, 0x43, 0x4b, 0x50, 0x54, 0x0d, 0x0a, 0x1a]);
export const END = Uint8Array.from([0x43, 0x4b, 0x50, 0x45]);
export const PREFIX = MAGIC.length + 8;
export const TRAILER = 3 * 4 + END.length;
/** Bytes per read or write call: well below the 2 GiB a single call may move. */
export const CHUNK = 64 * 2 ** 20;
export const SECTIONS = ['states', 'parent', 'via'] as const;
/** The states section is read back into one Uint8Array, which holds fewer than 2^32 bytes here. */
const MAX_STATES_BYTES = 2 ** 32 - 1;
export type SectionName = (typeof SECTIONS)[number];

export interface Header extends Omit<Snapshot, SectionName> {
  readonly endianness: 'LE' | 'BE';
  readonly sections: readonly { readonly name: SectionName; readonly bytes: number }[];
}

/** The most states of `stateBytes` bytes one checkpoint holds (its states section reads back into one buffer). */
export function checkpointCapacity(stateBytes: number): number {
  return Math.floor(MAX_STATES_BYTES / Math.max(1, stateBytes));
}

/** Throws E_BAD_CHECKPOINT unless `count` states of `stateBytes` fit in one checkpoint. */
export function checkpointFits(path: string, count: number, stateBytes: number): void {
  if (count * stateBytes > MAX_STATES_BYTES) {
    throw checkpointError(
      {
        op: 'write',
        file: path,
        reason: `${count} states of ${stateBytes} bytes pass the ${MAX_STATES_BYTES} bytes a checkpoint holds (it is read back into one buffer)`,
      },
      'checkpoint a smaller run',
    );
  }
}

/** Writes `snap` to `path` atomically (PATH.tmp, then rename). */
export function writeCheckpoint(path: string, snap: Snapshot): void {
  const { states, stateBytes } = snap;
  if (states.length < snap.count * stateBytes) {
    throw checkpointError({
      op: 'write',
      file: path,
      reason: `its states hold ${states.length} bytes, not ${snap.count} x ${stateBytes}`,
    });
  }
  writeCheckpointRows(path, snap, (first, n) =>
    states.subarray(first * stateBytes, (first + n) * stateBytes),
  );
}

/** `writeCheckpoint` with the states given in pieces by `rows` (`states`, if present, is not read). */
export function writeCheckpointRows(
  path: string,
  snap: Omit<Snapshot, 'states'> & { readonly states?: Uint8Array },
  rows: RowSource,
): void {
  const { count, stateBytes, states: _s, parent, via, ...rest } = snap;
  checkpointFits(path, count, stateBytes);
  if (parent.length < count || via.length < count) {
    throw checkpointError({
      op: 'write',
      file: path,
      reason: `the snapshot holds fewer than ${count} parents or actions`,
    });
  }
  const header: Header = {
    ...rest,
    count,
    stateBytes,
    endianness: endianness(),
    sections: [
      { name: 'states', bytes: count * stateBytes },
      { name: 'parent', bytes: count * 4 },
      { name: 'via', bytes: count * 2 },
    ],
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(PREFIX);
  prefix.set(MAGIC, 0);
  prefix.writeUInt32LE(json.length, MAGIC.length);
  prefix.writeUInt32LE(crc(json), MAGIC.length + 4);

  const tmp = `${path}.tmp`;
  let fd: number | undefined;
  let created = false;
  try {
    fd = openSync(tmp, 'w');
    created = true;
    writeAll(fd, prefix);
    writeAll(fd, json);
    const trailer = Buffer.alloc(TRAILER);
    const perPiece = Math.max(1, Math.floor(CHUNK / stateBytes));
    let c = 0;
    for (let first = 0; first < count; first += perPiece) {
      const piece = rows(first, Math.min(perPiece, count - first));
      c = crc(piece, c);
      writeAll(fd, piece);
    }
    trailer.writeUInt32LE(c, 0);
    const aux = [bytesOf(parent.subarray(0, count)), bytesOf(via.subarray(0, count))];
    for (let i = 0; i < aux.length; i++) {
      trailer.writeUInt32LE(crc(aux[i]), 4 * (i + 1));
      writeAll(fd, aux[i]);
    }
    trailer.set(END, 12);
    writeAll(fd, trailer);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    if (created) rmSync(tmp, { force: true });
    throw checkpointError({ op: 'write', file: path, reason: (e as Error).message });
  }
}

export function bytesOf(a: Uint8Array | Int32Array | Uint16Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) {
    at += writeSync(fd, bytes, at, Math.min(CHUNK, bytes.length - at));
  }
}

/** CRC-32 (zlib's, native, from Node 20.15); a table-driven fallback for older Node 20 releases. */
export const crc: (bytes: Uint8Array, c?: number) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (bytes, c = 0) => {
        for (let at = 0; at < bytes.length; at += CHUNK) c = zlib.crc32(bytes.subarray(at, at + CHUNK), c);
        return c;
      }
    : crc32Js;

let table: Uint32Array | undefined;
function crc32Js(bytes: Uint8Array, previous = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
