/**
 * Codecs of the memcg.pml port. Only the globals that can change are stored (ref[0], usage[0],
 * online[0] and freed[0] are constants of the .pml).
 */
import type { Codec } from '../checker/index.js';
import { BitReader, BitWriter, bitsFor, packedBytes } from './bits.js';
import { initialState, NMEMCG, type PmlScope, type PmlState } from './memcg-pml-state.js';

/**
 * Each variable in the bits its range needs (the default). Widths come from the scope, with headroom: a stock holds at most BATCH-1 pages (width
 * for BATCH); a child's usage is at most LIMIT and the root's at most NPAGE + NCPU*(BATCH-1) (width
 * for NPAGE + NCPU*BATCH); a refcount at most 1 + NPAGE + NCPU (width for NCPU more: the BUG variant
 * leaks one per drain). A value that does not fit throws, so two states never alias. 4/5/2/5 packs
 * into 58 bits, two 32-bit words (8 bytes).
 */
export function pmlCodec({ ncpu, npage, batch, limit }: PmlScope): Codec<PmlState> {
  const wNr = bitsFor(batch);
  const wRef = bitsFor(1 + npage + 2 * ncpu);
  const wUse = bitsFor(Math.max(limit, npage + ncpu * batch));
  // The widths in the order `encode` writes them.
  const widths = [
    ...new Array(npage).fill(2),
    ...new Array(ncpu).fill([2, wNr]).flat(),
    ...new Array(NMEMCG - 1).fill([wRef, wUse, 2]).flat(),
    2,
  ];
  const bytes = packedBytes(widths);
  const w = new BitWriter();
  const r = new BitReader();
  return {
    bytes,
    encode(s, out, at) {
      w.start(out, at, bytes);
      for (let p = 0; p < npage; p++) w.put(s.pg[p], 2);
      for (let c = 0; c < ncpu; c++) {
        w.put(s.stCached[c], 2);
        w.put(s.stNr[c], wNr);
      }
      for (let m = 1; m < NMEMCG; m++) {
        w.put(s.ref[m], wRef);
        w.put(s.usage[m], wUse);
        w.put((s.online[m] ? 1 : 0) | (s.freed[m] ? 2 : 0), 2);
      }
      w.put(s.fault, 2);
      w.finish();
    },
    decode(src, at) {
      const s = initialState({ ncpu, npage, batch, limit });
      this.decodeInto!(src, at, s);
      return s;
    },
    decodeInto(src, at, s) {
      r.start(src, at);
      for (let p = 0; p < npage; p++) s.pg[p] = r.get(2);
      for (let c = 0; c < ncpu; c++) {
        s.stCached[c] = r.get(2);
        s.stNr[c] = r.get(wNr);
      }
      for (let m = 1; m < NMEMCG; m++) {
        s.ref[m] = r.get(wRef);
        s.usage[m] = r.get(wUse);
        const f = r.get(2);
        s.online[m] = (f & 1) !== 0;
        s.freed[m] = (f & 2) !== 0;
      }
      s.fault = r.get(2);
    },
  };
}

/**
 * One byte per variable, as in SPIN's state vector (the .pml declares them all `byte` or `bool`):
 * no shifts or masks, at the price of more bytes per state (NPAGE + 2*NCPU + 10). Every value is
 * below 256 at any scope the .pml allows (NPAGE <= 8, NCPU <= 4), so the encoding is exact.
 */
export function pmlByteCodec({ ncpu, npage, batch, limit }: PmlScope): Codec<PmlState> {
  const bytes = npage + 2 * ncpu + 3 * (NMEMCG - 1) + 1;
  return {
    bytes,
    encode(s, out, at) {
      let k = at;
      for (let p = 0; p < npage; p++) out[k++] = s.pg[p];
      for (let c = 0; c < ncpu; c++) {
        out[k++] = s.stCached[c];
        out[k++] = s.stNr[c];
      }
      for (let m = 1; m < NMEMCG; m++) {
        out[k++] = s.ref[m];
        out[k++] = s.usage[m];
        out[k++] = (s.online[m] ? 1 : 0) | (s.freed[m] ? 2 : 0);
      }
      out[k] = s.fault;
    },
    decode(src, at) {
      const s = initialState({ ncpu, npage, batch, limit });
      this.decodeInto!(src, at, s);
      return s;
    },
    decodeInto(src, at, s) {
      let k = at;
      for (let p = 0; p < npage; p++) s.pg[p] = src[k++];
      for (let c = 0; c < ncpu; c++) {
        s.stCached[c] = src[k++];
        s.stNr[c] = src[k++];
      }
      for (let m = 1; m < NMEMCG; m++) {
        s.ref[m] = src[k++];
        s.usage[m] = src[k++];
        const f = src[k++];
        s.online[m] = (f & 1) !== 0;
        s.freed[m] = (f & 2) !== 0;
      }
      s.fault = src[k];
    },
  };
}
