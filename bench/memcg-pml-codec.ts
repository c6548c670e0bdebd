/**
 * Codecs of the memcg.pml port. The state is already one byte per variable in one buffer (see
 * PmlState), so the byte codec copies it; the bit codec packs the bytes that can change (ref[0],
 * usage[0], online[0] and freed[0] are constants of the .pml and are left out).
 */
import type { Codec } from '../checker/index.js';
import { bitsFor, packedBytes } from './bits.js';
import { initialState, NMEMCG, type PmlScope, PmlState, stateBytes } from './memcg-pml-state.js';

/**
 * 32-bit views of byte arrays, cached for the last array seen (the explorer passes the same store
 * buffer until it grows, and the same probe buffer). `words(bytes)` is the view of the whole
 * buffer, and `base` the word at which `bytes` starts, or -1 if it starts unaligned.
 */
class WordView {
  private last: Uint8Array | undefined;
  words: Uint32Array = new Uint32Array(0);
  base = -1;

  of(bytes: Uint8Array): Uint32Array {
    if (bytes !== this.last) {
      this.last = bytes;
      const buffer = bytes.buffer;
      this.words = new Uint32Array(buffer, 0, buffer.byteLength >> 2);
      this.base = (bytes.byteOffset & 3) === 0 ? bytes.byteOffset >> 2 : -1;
    }
    return this.words;
  }
}

/**
 * One byte per variable, as in SPIN's state vector (the .pml declares them all `byte` or `bool`):
 * the encoding is the state's own buffer, copied a 32-bit word at a time when both ends are aligned
 * (they are in the explorer's store), byte by byte otherwise.
 */
export function pmlByteCodec(scope: PmlScope): Codec<PmlState> {
  const { ncpu, npage } = scope;
  const bytes = stateBytes(scope);
  const nwords = Math.ceil(bytes / 4);
  const outView = new WordView();
  const srcView = new WordView();
  return {
    bytes,
    encode(s, out, at) {
      const o = outView.of(out);
      if (outView.base >= 0 && (at & 3) === 0) {
        const w = s.words;
        const k = outView.base + (at >> 2);
        for (let i = 0; i < nwords; i++) o[k + i] = w[i];
      } else {
        out.set(s.raw, at);
      }
    },
    decode(src, at) {
      const s = new PmlState(ncpu, npage);
      this.decodeInto!(src, at, s);
      return s;
    },
    decodeInto(src, at, s) {
      const w = srcView.of(src);
      if (srcView.base >= 0 && (at & 3) === 0) {
        const d = s.words;
        const k = srcView.base + (at >> 2);
        // The padding past `bytes` is zero in every encoding, so whole words copy exactly.
        for (let i = 0; i < nwords; i++) d[i] = w[k + i];
      } else {
        s.raw.set(src.subarray(at, at + bytes));
      }
    },
  };
}

/**
 * Each variable in the bits its range needs (the default). Widths come from the scope, with
 * headroom: a stock holds at most BATCH-1 pages (width for BATCH); a child's usage is at most LIMIT
 * and the root's at most NPAGE + NCPU*(BATCH-1) (width for NPAGE + NCPU*BATCH); a refcount at most
 * 1 + NPAGE + NCPU (width for NCPU more: the BUG variant leaks one per drain). A value that does not
 * fit throws, so two states never alias. 4/5/2/5 packs into 58 bits, two 32-bit words (8 bytes).
 * A field never straddles two words (see bits.ts), so each is one shift and one mask.
 */
export function pmlCodec(scope: PmlScope): Codec<PmlState> {
  const { ncpu, npage, batch, limit } = scope;
  const wNr = bitsFor(batch);
  const wRef = bitsFor(1 + npage + 2 * ncpu);
  const wUse = bitsFor(Math.max(limit, npage + ncpu * batch));
  // The fields in packing order: [byte index in PmlState.raw, width].
  const probe = new PmlState(ncpu, npage);
  const offset = (view: Uint8Array, i: number) => view.byteOffset + i;
  const fields: [number, number][] = [];
  for (let p = 0; p < npage; p++) fields.push([offset(probe.pg, p), 2]);
  for (let c = 0; c < ncpu; c++) fields.push([offset(probe.stCached, c), 2], [offset(probe.stNr, c), wNr]);
  for (let m = 1; m < NMEMCG; m++) {
    fields.push(
      [offset(probe.ref, m), wRef],
      [offset(probe.usage, m), wUse],
      [offset(probe.online, m), 1],
      [offset(probe.freed, m), 1],
    );
  }
  fields.push([0, 2]); // fault
  const bytes = packedBytes(fields.map(([, w]) => w));
  const nwords = bytes / 4;
  // Per word: where its fields start in `src`/`shift`/`width` (a field never straddles two words).
  const first = new Int32Array(nwords + 1);
  const src = new Int32Array(fields.length);
  const shift = new Int32Array(fields.length);
  const width = new Int32Array(fields.length);
  let word = -1;
  let used = 32;
  fields.forEach(([at, w], f) => {
    if (used + w > 32) {
      first[++word] = f;
      used = 0;
    }
    src[f] = at;
    shift[f] = used;
    width[f] = w;
    used += w;
  });
  first[nwords] = fields.length;
  // Straight-line code, one statement per field (as checker/layout.ts generates its codec): this is
  // the hot path, called once or twice per transition.
  const pack: string[] = [];
  const unpack: string[] = [];
  for (let j = 0; j < nwords; j++) {
    pack.push(`a = 0;`);
    unpack.push(`a = w${j};`);
    for (let f = first[j]; f < first[j + 1]; f++) {
      pack.push(`v = r[${src[f]}]; if (v >>> ${width[f]} !== 0) bad(${width[f]}, v); a |= v << ${shift[f]};`);
      unpack.push(`r[${src[f]}] = (a >>> ${shift[f]}) & ${(1 << width[f]) - 1};`);
    }
    pack.push(`w${j} = a;`);
  }
  const vars = Array.from({ length: nwords }, (_, j) => `w${j}`);
  const bad = (w: number, v: number) => {
    throw new RangeError(`value ${v} does not fit in ${w} bits; the codec layout is too narrow`);
  };
  /** Packs `r` (a PmlState's raw bytes) into the returned words' scratch array. */
  const packInto = new Function(
    'bad',
    `return function pack(r, out) { let a, v, ${vars.join(', ')};\n${pack.join('\n')}\n${vars
      .map((w, j) => `out[${j}] = ${w};`)
      .join(' ')} }`,
  )(bad) as (r: Uint8Array, out: Uint32Array) => void;
  const unpackFrom = new Function(
    `return function unpack(ws, r) { let a; const ${vars.map((w, j) => `${w} = ws[${j}]`).join(', ')};\n${unpack.join('\n')} }`,
  )() as (ws: Uint32Array, r: Uint8Array) => void;
  const packed = new Uint32Array(nwords);
  const outView = new WordView();
  const srcView = new WordView();
  // decodeInto runs before every transition, on the same source state for all of a state's
  // successors: the last state it unpacked is kept, keyed by its encoding (exact: equal encodings
  // decode equally), and copied when asked again.
  const last = initialState(scope);
  const lastKey = new Uint32Array(nwords);
  let lastValid = false;
  return {
    bytes,
    encode(s, out, at) {
      packInto(s.raw, packed);
      const words = outView.of(out);
      if (outView.base >= 0 && (at & 3) === 0) {
        const k = outView.base + (at >> 2);
        for (let j = 0; j < nwords; j++) words[k + j] = packed[j];
      } else {
        for (let j = 0; j < nwords; j++) {
          const acc = packed[j];
          const p = at + 4 * j;
          out[p] = acc & 0xff;
          out[p + 1] = (acc >>> 8) & 0xff;
          out[p + 2] = (acc >>> 16) & 0xff;
          out[p + 3] = acc >>> 24;
        }
      }
    },
    decode(src, at) {
      const s = initialState(scope);
      this.decodeInto!(src, at, s);
      return s;
    },
    decodeInto(bytesIn, at, s) {
      const words = srcView.of(bytesIn);
      const aligned = srcView.base >= 0 && (at & 3) === 0;
      const k = srcView.base + (at >> 2);
      let same = lastValid;
      for (let j = 0; j < nwords; j++) {
        const acc = aligned
          ? words[k + j]
          : bytesIn[at + 4 * j] |
            (bytesIn[at + 4 * j + 1] << 8) |
            (bytesIn[at + 4 * j + 2] << 16) |
            (bytesIn[at + 4 * j + 3] << 24);
        if (lastKey[j] !== acc >>> 0) same = false;
        packed[j] = acc;
      }
      if (!same) {
        unpackFrom(packed, last.raw);
        lastKey.set(packed);
        lastValid = true;
      }
      const from = last.words;
      const to = s.words;
      for (let i = 0; i < from.length; i++) to[i] = from[i];
    },
  };
}
