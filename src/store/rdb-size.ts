/* ==========================================================================
 * Size of a value in Redis's RDB encoding (DEBUG OBJECT serializedlength),
 * and the LZF compressor RDB uses for long strings.
 *
 * String encoding (rdbSaveRawString / rdbSaveLongLongAsStringObject):
 *   - text that round-trips as an integer in int32 range: 2, 3 or 5 bytes;
 *   - longer than 20 bytes and LZF saves at least 4 bytes: 1 type byte +
 *     two length fields (compressed, original) + the compressed bytes;
 *   - otherwise a length field (1, 2, 5 or 9 bytes) + the bytes.
 * The compressor follows liblzf 3.6 as the reference redis-server links it
 * (the system liblzf.so.1: unlike the copy bundled in Redis's sources, it
 * has no "ip + 4 < in_end" guard, so matches may run to the input's end;
 * checked against that library on random inputs) (16-bit hash table,
 * "very fast" mode, matches never start at offset 0): the same input gives
 * the same compressed length as Redis's, so the sizes agree.
 *
 * Types other than strings register their own size function with
 * registerRdbSize() when they are implemented.
 * ========================================================================== */

import { ObjType, RawString, type Value } from './values';

/** Bytes of an RDB length field. */
export function rdbLenSize(n: number): number {
  if (n < 1 << 6) return 1;
  if (n < 1 << 14) return 2;
  if (n <= 0xffffffff) return 5;
  return 9;
}

/** Bytes of an int-encoded string (0 if the value does not fit int32). */
function intEncodingSize(v: bigint): number {
  if (v >= -128n && v <= 127n) return 2;
  if (v >= -32768n && v <= 32767n) return 3;
  if (v >= -2147483648n && v <= 2147483647n) return 5;
  return 0;
}

/** True if `s` is the canonical decimal text of an int64 (string2ll + ll2string round trip). */
function canonicalInt(s: string): bigint | null {
  if (!/^(0|-?[1-9][0-9]{0,18})$/.test(s)) return null;
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) return null;
  return v;
}

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);
/** Reused hash table of input positions + 1 (0 = empty slot). */
const htab = new Int32Array(HSIZE);

/** Hash slot of the 3 bytes whose rolling value is `h` (liblzf's VERY_FAST IDX). */
function slot(h: number): number {
  return ((h >>> 8) - Math.imul(h, 5)) & (HSIZE - 1);
}

/**
 * LZF-compress `inp` into at most `outLen` bytes; returns the compressed
 * length, or 0 when it does not fit (as lzf_compress). `out` may be null
 * when only the length is wanted.
 */
export function lzfCompress(inp: Uint8Array, outLen: number, out: Uint8Array | null = null): number {
  const inLen = inp.length;
  if (inLen === 0 || outLen === 0) return 0;
  const o = out ?? new Uint8Array(outLen + 1);
  htab.fill(0);
  let ip = 0;
  let op = 1; // o[op - lit - 1] is the pending literal run's header
  let lit = 0;
  let h = ((inp[0] << 8) | inp[1]) >>> 0;
  while (ip < inLen - 2) {
    h = ((h << 8) | inp[ip + 2]) >>> 0;
    const sl = slot(h);
    const ref = htab[sl] - 1;
    htab[sl] = ip + 1;
    let off = 0;
    if (ref > 0 && (off = ip - ref - 1) < MAX_OFF &&
        inp[ref] === inp[ip] && inp[ref + 1] === inp[ip + 1] && inp[ref + 2] === inp[ip + 2]) {
      let len = 2;
      const maxlen = Math.min(inLen - ip - len, MAX_REF);
      o[op - lit - 1] = lit - 1; // close the literal run
      if (lit === 0) op--; // ... or drop its empty header
      if (op + 3 + 1 >= outLen) return 0;
      // liblzf first compares 16 bytes unconditionally when maxlen > 16 (so a
      // match may end one or two bytes past maxlen); keep that exactly.
      let mismatch = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (inp[ref + len] !== inp[ip + len]) {
            mismatch = true;
            break;
          }
        }
      }
      if (!mismatch) {
        do len++; while (len < maxlen && inp[ref + len] === inp[ip + len]);
      }
      len -= 2;
      ip++;
      if (len < 7) {
        o[op++] = (off >> 8) + (len << 5);
      } else {
        o[op++] = (off >> 8) + (7 << 5);
        o[op++] = len - 7;
      }
      o[op++] = off & 0xff;
      lit = 0;
      op++; // header of the next literal run
      ip += len + 1;
      if (ip >= inLen - 2) break;
      // re-hash the two positions before the new ip (VERY_FAST)
      ip -= 2;
      h = ((inp[ip] << 8) | inp[ip + 1]) >>> 0;
      h = ((h << 8) | inp[ip + 2]) >>> 0;
      htab[slot(h)] = ip + 1;
      ip++;
      h = ((h << 8) | inp[ip + 2]) >>> 0;
      htab[slot(h)] = ip + 1;
      ip++;
    } else {
      if (op >= outLen) return 0;
      lit++;
      o[op++] = inp[ip++];
      if (lit === MAX_LIT) {
        o[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outLen) return 0;
  while (ip < inLen) {
    lit++;
    o[op++] = inp[ip++];
    if (lit === MAX_LIT) {
      o[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  o[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  return op;
}

/** RDB size of a string given as latin1 text or bytes. */
export function rdbStringSize(s: string | Uint8Array): number {
  const len = s.length;
  if (len <= 11) {
    const text = typeof s === 'string' ? s : Buffer.from(s).toString('latin1');
    const v = canonicalInt(text);
    if (v !== null) {
      const n = intEncodingSize(v);
      if (n > 0) return n;
    }
  }
  if (len > 20) {
    const bytes = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    const clen = len > 4 ? lzfCompress(bytes, len - 4) : 0;
    if (clen > 0) return 1 + rdbLenSize(clen) + rdbLenSize(len) + clen;
  }
  return rdbLenSize(len) + len;
}

type SizeFn = (v: Value) => number;
const SIZERS = new Map<ObjType, SizeFn>();

/** Register the RDB size function of a value type (lists, hashes, ... as they are implemented). */
export function registerRdbSize(type: ObjType, fn: SizeFn): void {
  SIZERS.set(type, fn);
}

/** RDB size of a value, or -1 when its type has no size function yet. */
export function rdbValueSize(v: Value): number {
  if (typeof v === 'string') return rdbStringSize(v);
  if (v instanceof RawString) return rdbStringSize(v.buf.subarray(0, v.len));
  const fn = SIZERS.get(v.type);
  return fn !== undefined ? fn(v) : -1;
}
