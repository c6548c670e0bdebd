/**
 * Fixed-width bit packing for codecs, in little-endian 32-bit words. A field never straddles two
 * words (it starts a new word when it does not fit in the current one), so packing and unpacking are
 * a shift and a mask per field and a four-byte copy per word. One reusable reader and writer per
 * codec: encoding and decoding allocate nothing. Every field is 1..24 bits wide.
 */

/** The number of bits needed to hold every value in 0..max (at least 1). */
export function bitsFor(max: number): number {
  let bits = 1;
  while (2 ** bits <= max) bits++;
  return bits;
}

/** Bytes taken by fields of these widths, packed in this order. */
export function packedBytes(widths: readonly number[]): number {
  let words = 0;
  let used = 32;
  for (const w of widths) {
    if (used + w > 32) {
      words++;
      used = 0;
    }
    used += w;
  }
  return words * 4;
}

export class BitWriter {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private end = 0;
  private acc = 0;
  private n = 0;

  /** Start writing `bytes` bytes (from `packedBytes`) at `buf[at]`. */
  start(buf: Uint8Array, at: number, bytes: number): void {
    this.buf = buf;
    this.pos = at;
    this.end = at + bytes;
    this.acc = 0;
    this.n = 0;
  }

  /** Append `v` in `width` bits; a value that does not fit is a layout bug, so it throws. */
  put(v: number, width: number): void {
    if (v >>> width !== 0 || v < 0) {
      throw new RangeError(`value ${v} does not fit in ${width} bits; the codec layout is too narrow`);
    }
    if (this.n + width > 32) this.flush();
    this.acc |= v << this.n;
    this.n += width;
  }

  /** Write the last word and zero the rest, so equal states give equal bytes. */
  finish(): void {
    if (this.n > 0) this.flush();
    while (this.pos < this.end) this.buf[this.pos++] = 0;
  }

  private flush(): void {
    if (this.pos + 4 > this.end) throw new RangeError('codec wrote past its declared size');
    const b = this.buf;
    const a = this.acc;
    const p = this.pos;
    b[p] = a & 0xff;
    b[p + 1] = (a >>> 8) & 0xff;
    b[p + 2] = (a >>> 16) & 0xff;
    b[p + 3] = a >>> 24;
    this.pos = p + 4;
    this.acc = 0;
    this.n = 0;
  }
}

export class BitReader {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private acc = 0;
  private n = 32;

  start(buf: Uint8Array, at: number): void {
    this.buf = buf;
    this.pos = at;
    this.n = 32;
  }

  get(width: number): number {
    if (this.n + width > 32) {
      const b = this.buf;
      const p = this.pos;
      this.acc = b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
      this.pos = p + 4;
      this.n = 0;
    }
    const v = (this.acc >>> this.n) & ((1 << width) - 1);
    this.n += width;
    return v;
  }
}
