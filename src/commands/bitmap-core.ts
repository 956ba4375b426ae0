/* ==========================================================================
 * Bitmap primitives shared by the bitmap family (bitmap.ts) and BITFIELD
 * (bitmap-field.ts).
 *
 * A string value is either a latin1 JS string (one char per byte) or a
 * RawString (Buffer + length). Readers here accept both representations
 * and never copy the value: strings are read with charCodeAt, buffers
 * directly (32-bit words where the buffer is aligned). Writers always work
 * on a RawString: lookupForBitWrite() converts and grows the stored value
 * first, like Redis's lookupStringForBitCommand + dbUnshareStringValue
 * (which is why OBJECT ENCODING says "raw" after SETBIT).
 *
 * Bit numbering follows Redis: bit 0 is the most significant bit of byte 0.
 * Offsets are JS numbers (exact: a bitmap is at most a few GB, < 2^35 bits).
 * ========================================================================== */

import { constants as bufferConstants } from 'node:buffer';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64 } from '../protocol/numbers';
import { RawString } from '../store/values';

// --- argument parsing ------------------------------------------------------------

/**
 * Parse a bit offset argument like Redis's getBitOffsetFromArgument.
 * With `hash` (BITFIELD) and bits > 0, "#N" means N * bits; the product
 * wraps at 64 bits exactly as the C multiplication does. The offset must be
 * >= 0 and address a byte below proto-max-bulk-len. Returns the offset, or
 * null after replying "bit offset is not an integer or out of range".
 */
export function bitOffsetArg(c: Client, s: string, hash: boolean, bits: number): number | null {
  const usehash = hash && bits > 0 && s.charCodeAt(0) === 35; /* # */
  const text = usehash ? s.slice(1) : s;
  let off = parseInt64(text);
  if (off === null) {
    c.error(E.BIT_OFFSET);
    return null;
  }
  if (usehash) {
    off *= bits;
    if (!Number.isSafeInteger(off)) off = Number(BigInt.asIntN(64, BigInt(text) * BigInt(bits)));
  }
  if (off < 0 || Math.floor(off / 8) >= c.server.config.protoMaxBulkLen) {
    c.error(E.BIT_OFFSET);
    return null;
  }
  return off;
}

// --- lookup for writing -------------------------------------------------------------

/** Largest value a bit write may grow to: a Buffer's limit minus RawString.grow's 1 MB headroom. */
const MAX_BITMAP_BYTES = bufferConstants.MAX_LENGTH - 2 * 1024 * 1024;

/** Out-parameter of lookupForBitWrite: did the value grow (or get created)? */
export const bitWrite = { grew: false };

/**
 * Look `key` up for a bit write that reaches bit `maxbit`: WRONGTYPE if it
 * holds another type; creates a zero-filled value if missing; otherwise
 * turns it into a RawString (kept in place with its TTL) grown with zero
 * bytes to cover `maxbit`. Sets bitWrite.grew. Does not signal the change:
 * the caller decides (Redis only counts it dirty if something changed).
 * Returns null after replying an error.
 */
export function lookupForBitWrite(c: Client, key: string, maxbit: number): RawString | null {
  const db = c.db;
  const v = db.lookup(key);
  const need = Math.floor(maxbit / 8) + 1;
  if (v !== undefined && typeof v !== 'string' && !(v instanceof RawString)) {
    c.error(E.WRONGTYPE);
    return null;
  }
  if (need > MAX_BITMAP_BYTES) {
    // Only reachable when proto-max-bulk-len is raised above what a Buffer can hold.
    c.error(E.STRING_TOO_LONG);
    return null;
  }
  try {
    if (v === undefined) {
      const raw = new RawString(Buffer.alloc(need), need);
      db.add(key, raw);
      bitWrite.grew = true;
      return raw;
    }
    let raw: RawString;
    if (typeof v === 'string' || v.constructor !== RawString) {
      // A JS string, or a RawString subclass with its own encoding rules
      // (FixedEncodingString): Redis's dbUnshareStringValue always leaves
      // a fresh raw-encoded copy, even when no bit ends up changing.
      const s = typeof v === 'string' ? v : v.toString();
      raw = RawString.from(s, need > s.length ? need - s.length : 0);
      db.replace(key, raw);
    } else {
      raw = v;
    }
    bitWrite.grew = need > raw.len;
    if (bitWrite.grew) raw.grow(need);
    return raw;
  } catch {
    // The allocation failed (RangeError: out of memory); the value is untouched.
    c.error(E.STRING_TOO_LONG);
    return null;
  }
}

// --- reading bytes ----------------------------------------------------------------

/** Byte length of a string value. */
export function byteLen(v: string | RawString): number {
  return typeof v === 'string' ? v.length : v.len;
}

/** Byte `i` of a string value, 0 past its end (bitmaps are zero-padded). */
export function byteAt(v: string | RawString, i: number): number {
  if (typeof v === 'string') return i < v.length ? v.charCodeAt(i) : 0;
  return i < v.len ? v.buf[i] : 0;
}

/**
 * Read `bits` (1..32) bits starting at bit `offset` as an unsigned number;
 * bits past the end of the value (or of a missing value) read as 0.
 */
export function readBits(v: string | RawString | null, offset: number, bits: number): number {
  const last = offset + bits - 1;
  const first = (offset - (offset & 7)) / 8;
  const lastByte = (last - (last & 7)) / 8;
  let acc = 0;
  for (let b = first; b <= lastByte; b++) acc = acc * 256 + (v === null ? 0 : byteAt(v, b));
  const shift = 7 - (last & 7); // unused low bits of the last byte
  acc = Math.floor(acc / POW2[shift]);
  return acc % POW2[bits];
}

/** Read `bits` (1..64) bits at `offset` as an unsigned bigint. */
export function readBitsBig(v: string | RawString | null, offset: number, bits: number): bigint {
  if (bits <= 32) return BigInt(readBits(v, offset, bits));
  const hi = readBits(v, offset, bits - 32);
  const lo = readBits(v, offset + bits - 32, 32);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * Write the low `bits` (1..32) bits of the non-negative integer `u` at bit
 * `offset` of `raw`, most significant first. The caller grew `raw` already.
 */
export function writeBits(raw: RawString, offset: number, bits: number, u: number): void {
  const buf = raw.buf;
  const w = u >>> 0; // low 32 bits as uint32
  for (let i = 0; i < bits; i++) {
    const pos = offset + i;
    const byte = (pos - (pos & 7)) / 8;
    const mask = 0x80 >> (pos & 7);
    if ((w >>> (bits - 1 - i)) & 1) buf[byte] |= mask;
    else buf[byte] &= ~mask;
  }
}

/** Write the low `bits` (1..64) bits of the bigint `u` at bit `offset`. */
export function writeBitsBig(raw: RawString, offset: number, bits: number, u: bigint): void {
  if (bits <= 32) {
    writeBits(raw, offset, bits, Number(BigInt.asUintN(32, u)));
    return;
  }
  writeBits(raw, offset, bits - 32, Number(BigInt.asUintN(32, u >> 32n)));
  writeBits(raw, offset + bits - 32, 32, Number(BigInt.asUintN(32, u)));
}

/** Powers of two 2^0..2^64 as exact numbers. */
export const POW2: readonly number[] = Array.from({ length: 65 }, (_, i) => Math.pow(2, i));

// --- population count ----------------------------------------------------------------

/** Set bits per byte value. */
const POPCOUNT8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT8[i] = (i & 1) + POPCOUNT8[i >> 1];

/**
 * Set bits in `words` 32-bit words of `w` from index `k` (SWAR): per-byte
 * counts (each <= 8) of up to 31 words are summed in one accumulator before
 * the final horizontal add, which keeps the loop to a few ops per word.
 */
function popcountWords(w: Int32Array, k: number, words: number): number {
  let n = 0;
  const end = k + words;
  while (k < end) {
    const stop = Math.min(end, k + 31);
    let acc = 0;
    for (; k < stop; k++) {
      let x = w[k];
      x = x - ((x >>> 1) & 0x55555555);
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      acc += (x + (x >>> 4)) & 0x0f0f0f0f;
    }
    acc = (acc & 0x00ff00ff) + ((acc >>> 8) & 0x00ff00ff); // byte sums (<= 248) into 16-bit lanes
    n += (acc & 0xffff) + (acc >>> 16);
  }
  return n;
}

/** Scratch buffer for counting latin1 strings a chunk at a time (aligned, reused). */
const SCRATCH = Buffer.alloc(64 * 1024);
const SCRATCH_WORDS = new Int32Array(SCRATCH.buffer, SCRATCH.byteOffset, SCRATCH.length >>> 2);

/**
 * Number of set bits in bytes [from, to] (inclusive, both inside the
 * value). Buffers are counted a 32-bit word at a time once aligned; long
 * latin1 strings are copied chunk by chunk into a scratch buffer to use the
 * same word loop (no copy of the whole value).
 */
export function popcountBytes(v: string | RawString, from: number, to: number): number {
  let n = 0;
  let i = from;
  const end = to + 1;
  if (typeof v === 'string') {
    while (end - i >= 1024) {
      const chunk = Math.min(end - i, SCRATCH.length) & ~3;
      SCRATCH.latin1Write(v.slice(i, i + chunk), 0, chunk);
      n += popcountWords(SCRATCH_WORDS, 0, chunk >>> 2);
      i += chunk;
    }
    for (; i < end; i++) n += POPCOUNT8[v.charCodeAt(i)];
    return n;
  }
  const buf = v.buf;
  while (i < end && ((buf.byteOffset + i) & 3) !== 0) n += POPCOUNT8[buf[i++]];
  const words = (end - i) >>> 2;
  if (words >= 4) {
    n += popcountWords(new Int32Array(buf.buffer, buf.byteOffset + i, words), 0, words);
    i += words * 4;
  }
  while (i < end) n += POPCOUNT8[buf[i++]];
  return n;
}

/** Number of set bits between absolute bit positions [fromBit, toBit], inside the value. */
export function popcountBits(v: string | RawString, fromBit: number, toBit: number): number {
  const fb = (fromBit - (fromBit & 7)) / 8;
  const tb = (toBit - (toBit & 7)) / 8;
  let n = popcountBytes(v, fb, tb);
  // Remove the bits of the edge bytes that lie outside the range.
  n -= POPCOUNT8[byteAt(v, fb) & ~(0xff >> (fromBit & 7)) & 0xff];
  n -= POPCOUNT8[byteAt(v, tb) & (0xff >> ((toBit & 7) + 1))];
  return n;
}

// --- bit search ----------------------------------------------------------------------

/**
 * First bit equal to `bit` between absolute bit positions [fromBit, toBit]
 * (inside the value), or -1. Whole bytes that cannot match (0x00 when
 * looking for 1, 0xff when looking for 0) are skipped, a word at a time on
 * aligned buffers.
 */
export function findBit(v: string | RawString, bit: number, fromBit: number, toBit: number): number {
  const fb = (fromBit - (fromBit & 7)) / 8;
  const tb = (toBit - (toBit & 7)) / 8;
  const flip = bit === 1 ? 0 : 0xff; // search for 1s in (byte ^ flip)
  for (let b = fb; b <= tb; b++) {
    if (b > fb && b < tb) {
      b = skipBytes(v, flip, b, tb);
      if (b >= tb) b = tb;
    }
    let x = byteAt(v, b) ^ flip;
    if (b === fb) x &= 0xff >> (fromBit & 7);
    if (b === tb) x &= (0xff << (7 - (toBit & 7))) & 0xff;
    if (x !== 0) return b * 8 + Math.clz32(x) - 24;
  }
  return -1;
}

/** First index in [from, to) whose byte differs from `skip`, or `to`. */
function skipBytes(v: string | RawString, skip: number, from: number, to: number): number {
  let i = from;
  if (typeof v === 'string') {
    while (i < to && v.charCodeAt(i) === skip) i++;
    return i;
  }
  const buf = v.buf;
  while (i < to && ((buf.byteOffset + i) & 3) !== 0) {
    if (buf[i] !== skip) return i;
    i++;
  }
  const words = (to - i) >>> 2;
  if (words >= 4) {
    const w = new Int32Array(buf.buffer, buf.byteOffset + i, words);
    const sw = skip === 0 ? 0 : -1;
    let k = 0;
    while (k < words && w[k] === sw) k++;
    i += k * 4;
  }
  while (i < to && buf[i] === skip) i++;
  return i;
}
