/* ==========================================================================
 * Listpack byte model for list nodes.
 *
 * Redis 7.0 stores every list as a quicklist: a linked list of listpacks
 * ("nodes"). Respite keeps its own chunk per node (store/list.ts) and needs
 * the exact byte size of the listpack Redis would hold for the same
 * elements, because that size decides when Redis starts a new node, when it
 * merges nodes, and what DEBUG OBJECT reports (ql_uncompressed_size,
 * serializedlength). This file computes:
 *   - the size of one listpack entry (encoding + data + backlen);
 *   - the full listpack bytes of a node (for the RDB size, which LZF-
 *     compresses each node as a string);
 *   - Redis's "%.2f" (round-half-even on the exact binary value).
 *
 * Entry encodings (listpack.c): a string that is the canonical decimal
 * text of an int64 is stored as an integer: 0..127 in 1 byte, 13-bit in 2,
 * 16/24/32/64-bit in 3/4/5/9; other strings take a 1, 2 or 5 byte length
 * header (length < 64, < 4096, else) then the bytes. Every entry ends with
 * a "backlen" of 1-5 bytes holding the encoding+data length, 7 bits per
 * byte. A listpack is a 6-byte header (total bytes, element count), the
 * entries, and a 0xFF terminator: 7 bytes when empty.
 * ========================================================================== */

/** Bytes of an empty listpack (header + terminator). */
export const LP_EMPTY = 7;

const INT64_MAX_DIGITS = '9223372036854775807';
const INT64_MIN_DIGITS = '9223372036854775808';

/**
 * Value of `s` if it is the canonical text of an int64 that fits a double
 * exactly enough to pick an encoding, else NaN. Digit strings of 16..19
 * digits that are valid int64 return Infinity with the sign (they all need
 * the 64-bit encoding). Mirrors lpStringToInt64: no '+', no leading zeros,
 * no "-0", at most 20 characters.
 */
function lpInt(s: string, len: number): number {
  let p = 0;
  let neg = false;
  if (s.charCodeAt(0) === 45) {
    neg = true;
    p = 1;
    if (len === 1) return NaN;
  }
  const c0 = s.charCodeAt(p);
  if (c0 < 49 || c0 > 57) {
    return len === 1 && c0 === 48 ? 0 : NaN;
  }
  const digits = len - p;
  if (digits <= 15) {
    let v = 0;
    for (let i = p; i < len; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return NaN;
      v = v * 10 + c;
    }
    return neg ? -v : v;
  }
  for (let i = p; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return NaN;
  }
  if (digits > 19) return NaN;
  if (digits === 19) {
    const d = p === 0 ? s : s.slice(1);
    if (d > (neg ? INT64_MIN_DIGITS : INT64_MAX_DIGITS)) return NaN;
  }
  return neg ? -Infinity : Infinity;
}

/** Bytes of the backlen field for an entry whose encoding+data is `l` bytes. */
function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/** Encoding+data bytes of an integer entry. */
function intEncSize(v: number): number {
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

/** Encoding+data bytes of a string entry of `len` bytes. */
function strEncSize(len: number): number {
  return len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
}

/** Total bytes one element adds to a listpack (encoding, data and backlen). */
export function lpEntrySize(s: string): number {
  const len = s.length;
  if (len <= 20 && len > 0) {
    const c0 = s.charCodeAt(0);
    if (c0 <= 57 && (c0 >= 48 || c0 === 45)) {
      const v = lpInt(s, len);
      if (v === v) return intEncSize(v) + 1;
    }
  }
  const e = strEncSize(len);
  return e + backlenSize(e);
}

/** Write the backlen of an `l`-byte entry at `out[o]`; returns the new offset. */
function writeBacklen(out: Uint8Array, o: number, l: number): number {
  if (l <= 127) {
    out[o++] = l;
  } else if (l < 16383) {
    out[o++] = l >>> 7;
    out[o++] = (l & 127) | 128;
  } else if (l < 2097151) {
    out[o++] = l >>> 14;
    out[o++] = ((l >>> 7) & 127) | 128;
    out[o++] = (l & 127) | 128;
  } else if (l < 268435455) {
    out[o++] = l >>> 21;
    out[o++] = ((l >>> 14) & 127) | 128;
    out[o++] = ((l >>> 7) & 127) | 128;
    out[o++] = (l & 127) | 128;
  } else {
    out[o++] = Math.floor(l / 2 ** 28);
    out[o++] = ((l >>> 21) & 127) | 128;
    out[o++] = ((l >>> 14) & 127) | 128;
    out[o++] = ((l >>> 7) & 127) | 128;
    out[o++] = (l & 127) | 128;
  }
  return o;
}

/** Write `n` little-endian bytes of the two's complement of `v` (BigInt for 64-bit). */
function writeIntLE(out: Uint8Array, o: number, v: bigint, n: number): number {
  let u = BigInt.asUintN(n * 8, v);
  for (let i = 0; i < n; i++) {
    out[o++] = Number(u & 0xffn);
    u >>= 8n;
  }
  return o;
}

/** Encode one element at out[o] (the buffer is large enough); returns the new offset. */
function writeEntry(out: Uint8Array, o: number, s: string): number {
  const len = s.length;
  const start = o;
  let v = NaN;
  if (len <= 20 && len > 0) {
    const c0 = s.charCodeAt(0);
    if (c0 <= 57 && (c0 >= 48 || c0 === 45)) v = lpInt(s, len);
  }
  if (v === v) {
    const size = intEncSize(v);
    const big = BigInt(s);
    if (size === 1) {
      out[o++] = Number(big);
    } else if (size === 2) {
      const u = Number(BigInt.asUintN(13, big));
      out[o++] = 0xc0 | (u >>> 8);
      out[o++] = u & 0xff;
    } else {
      out[o++] = size === 3 ? 0xf1 : size === 4 ? 0xf2 : size === 5 ? 0xf3 : 0xf4;
      o = writeIntLE(out, o, big, size - 1);
    }
  } else {
    if (len < 64) {
      out[o++] = 0x80 | len;
    } else if (len < 4096) {
      out[o++] = 0xe0 | (len >>> 8);
      out[o++] = len & 0xff;
    } else {
      out[o++] = 0xf0;
      out[o++] = len & 0xff;
      out[o++] = (len >>> 8) & 0xff;
      out[o++] = (len >>> 16) & 0xff;
      out[o++] = (len >>> 24) & 0xff;
    }
    for (let i = 0; i < len; i++) out[o++] = s.charCodeAt(i);
  }
  return writeBacklen(out, o, o - start);
}

/**
 * The listpack bytes of elements a[lo .. lo+n), which must total `sz`
 * bytes (the node's tracked size). Used for the RDB size only.
 */
export function lpBytes(a: readonly string[], lo: number, n: number, sz: number): Uint8Array {
  const out = new Uint8Array(sz);
  out[0] = sz & 0xff;
  out[1] = (sz >>> 8) & 0xff;
  out[2] = (sz >>> 16) & 0xff;
  out[3] = (sz >>> 24) & 0xff;
  const num = n < 65535 ? n : 65535;
  out[4] = num & 0xff;
  out[5] = num >>> 8;
  let o = 6;
  for (let i = lo; i < lo + n; i++) o = writeEntry(out, o, a[i]);
  out[o++] = 0xff;
  if (o !== sz) throw new Error(`listpack size model mismatch: ${o} != ${sz}`);
  return out;
}

/**
 * C's printf("%.2f", x) for x >= 0: toFixed(2) except on exact ties, which
 * C rounds to even while toFixed rounds up. A double >= 1 has at most 52
 * fractional bits, so toFixed(60) is its exact decimal expansion.
 */
export function fixed2(x: number): string {
  const s = x.toFixed(2);
  const exact = x.toFixed(60);
  const dot = exact.indexOf('.');
  if (exact.charCodeAt(dot + 3) !== 53 || !/^0*$/.test(exact.slice(dot + 4))) return s;
  // Exact tie: truncate, then round up only when the last kept digit is odd.
  const trunc = exact.slice(0, dot + 3);
  if ((trunc.charCodeAt(trunc.length - 1) - 48) % 2 === 0) return trunc;
  return s;
}
