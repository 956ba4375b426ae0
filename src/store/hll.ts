/* ==========================================================================
 * HyperLogLog: Redis 7.0's byte-exact representation and algorithms.
 *
 * An HLL is an ordinary string value, so GET/SETRANGE/APPEND/DUMP must see
 * exactly Redis's bytes. We keep it as a RawString and edit its Buffer in
 * place, the way Redis edits its sds:
 *
 *   16-byte header: "HYLL", encoding byte (0 dense, 1 sparse), 3 unused
 *   bytes, 8-byte little-endian cached cardinality whose top bit (bit 7 of
 *   byte 15) marks the cache as stale.
 *
 *   dense:  16384 6-bit registers packed LSB first (12288 bytes).
 *   sparse: run-length opcodes over the 16384 registers:
 *             ZERO  00xxxxxx            1..64 zero registers
 *             XZERO 01xxxxxx yyyyyyyy   1..16384 zero registers
 *             VAL   1vvvvvxx            1..4 registers of value 1..32
 *
 * Elements are hashed with MurmurHash64A (seed 0xadc83b19), computed in two
 * 32-bit halves so the PFADD path never touches BigInt. The low 14 bits pick
 * the register; the run of zeros in the next 50 bits (plus one) is the
 * value. The estimator is Ertl's improved raw estimator (tau/sigma), as in
 * Redis 5+; every floating-point step is done in the same order as the C
 * code so estimates are identical.
 *
 * Corrupted values: a sparse body whose opcodes do not cover exactly 16384
 * registers is reported invalid (INVALIDOBJ) by every operation that walks
 * it, as Redis does; no operation can read or write outside the buffer, and
 * every loop advances at least one byte per step, so nothing loops.
 * An XZERO opcode cut by the end of the value takes its second byte from the
 * byte just past the end, where Redis has the sds NUL terminator. We keep
 * that "NUL slot" (buf[len], or 0 when the buffer ends there) with C's
 * exact contents, including the byte a sparse edit of such an opcode leaves
 * in it, so even those values evolve byte for byte as in Redis.
 * Known limits: Redis 7.0.15 misbehaves (int overflow, out-of-bounds write)
 * on sparse bodies of more than ~131k XZERO opcodes; we just report them
 * invalid. The estimator's tau() (only reached with registers at 51, i.e.
 * crafted values) uses d*d where C calls pow(d, 2): equal whenever glibc's
 * pow is correctly rounded, which the differential tests found everywhere.
 * ========================================================================== */

import { RawString } from './values';

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + (HLL_REGISTERS * 6) / 8; // 12304
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
/** 0.5 / ln(2): the alpha constant of the estimator for m -> infinity. */
const HLL_ALPHA_INF = 0.721347520444481703680;
const HLL_SEED = 0xadc83b19;

// --- MurmurHash64A -------------------------------------------------------------------

/*
 * Out-parameters, in a typed array rather than module variables: a uint32
 * above 2^30 stored in a module `let` is boxed into a new heap number on
 * every store (~16 allocations per hash); typed-array stores are raw.
 * [0] [1]: result of the last murmur64a() (high, low 32-bit halves);
 * [2] [3]: result of mulM() (high, low).
 */
const OUT = new Uint32Array(4);

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
const M_LO0 = M_LO & 0xffff;
const M_LO1 = M_LO >>> 16;

/**
 * (hi:lo) * 0xc6a4a7935bd1e995 mod 2^64 into OUT[2]:OUT[3]. The 32x32 -> 64
 * partial product of the low words is assembled from 16-bit pieces (all
 * exact doubles); cross terms only need their low 32 bits (Math.imul).
 */
function mulM(hi: number, lo: number): void {
  const a0 = lo & 0xffff;
  const a1 = lo >>> 16;
  const p00 = a0 * M_LO0;
  const p10 = a1 * M_LO0;
  const p01 = a0 * M_LO1;
  const t = (p00 >>> 16) + (p10 & 0xffff) + (p01 & 0xffff);
  const carryHi = a1 * M_LO1 + (p10 >>> 16) + (p01 >>> 16) + (t >>> 16);
  OUT[3] = Math.imul(lo, M_LO);
  OUT[2] = carryHi + Math.imul(hi, M_LO) + Math.imul(lo, M_HI);
}

/**
 * MurmurHash64A of the latin1 string `s` (one byte per char) with `seed`,
 * as Redis's endian-neutral version. Result in OUT[0] (high) / OUT[1] (low).
 */
export function murmur64a(s: string, seed: number): void {
  const len = s.length;
  // h = seed ^ (len * m)
  mulM(0, len);
  let hi = OUT[2];
  let lo = (OUT[3] ^ seed) >>> 0;
  const nblocks = len - (len & 7);
  let i = 0;
  for (; i < nblocks; i += 8) {
    let kLo = (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24)) >>> 0;
    let kHi = (s.charCodeAt(i + 4) | (s.charCodeAt(i + 5) << 8) | (s.charCodeAt(i + 6) << 16) | (s.charCodeAt(i + 7) << 24)) >>> 0;
    mulM(kHi, kLo);
    kHi = OUT[2];
    kLo = (OUT[3] ^ (kHi >>> 15)) >>> 0; // k ^= k >> 47
    mulM(kHi, kLo);
    hi = (hi ^ OUT[2]) >>> 0;
    lo = (lo ^ OUT[3]) >>> 0;
    mulM(hi, lo);
    hi = OUT[2];
    lo = OUT[3];
  }
  const rem = len & 7;
  if (rem !== 0) {
    // The trailing 1..7 bytes, little endian: bytes 4..6 into the high word.
    for (let k = rem - 1; k >= 4; k--) hi ^= s.charCodeAt(i + k) << ((k - 4) * 8);
    for (let k = (rem < 4 ? rem : 4) - 1; k >= 0; k--) lo ^= s.charCodeAt(i + k) << (k * 8);
    mulM(hi >>> 0, lo >>> 0);
    hi = OUT[2];
    lo = OUT[3];
  }
  lo = (lo ^ (hi >>> 15)) >>> 0;
  mulM(hi, lo);
  hi = OUT[2];
  lo = (OUT[3] ^ (hi >>> 15)) >>> 0;
  OUT[0] = hi;
  OUT[1] = lo;
}

/** The 64-bit MurmurHash64A of `s` as a bigint (tests and debugging only). */
export function murmur64aBig(s: string, seed: number): bigint {
  murmur64a(s, seed);
  return (BigInt(OUT[0]) << 32n) | BigInt(OUT[1]);
}

/* Out-parameter of patLen(): the register index of the element. */
let patIndex = 0;

/**
 * Redis's hllPatLen: hash the element; the register is the low 14 bits,
 * the value is 1 + the number of trailing zeros of the remaining 50 bits
 * (bit 50 forced to 1, so at most 51). Sets patIndex, returns the value.
 */
function patLen(ele: string): number {
  murmur64a(ele, HLL_SEED);
  patIndex = OUT[1] & HLL_P_MASK;
  const lo = ((OUT[1] >>> 14) | (OUT[0] << 18)) >>> 0;
  if (lo !== 0) return 32 - Math.clz32(lo & -lo); // trailing zeros + 1
  const hi = (OUT[0] >>> 14) | (1 << 18);
  return 64 - Math.clz32(hi & -hi);
}

// --- header -------------------------------------------------------------------------------

/** Byte `i` of a value held as a latin1 string or a buffer of length `len`. */
function byteOf(v: string | Buffer, i: number): number {
  return typeof v === 'string' ? v.charCodeAt(i) : v[i];
}

/**
 * Redis's isHLLObjectOrReply checks on a string value's bytes: at least a
 * header, the "HYLL" magic, a known encoding, and the exact size if dense.
 */
export function isValidHll(v: string | Buffer, len: number): boolean {
  if (len < HLL_HDR_SIZE) return false;
  if (byteOf(v, 0) !== 72 || byteOf(v, 1) !== 89 || byteOf(v, 2) !== 76 || byteOf(v, 3) !== 76) return false;
  const enc = byteOf(v, 4);
  if (enc > HLL_SPARSE) return false;
  return enc !== HLL_DENSE || len === HLL_DENSE_SIZE;
}

/** Mark the cached cardinality stale (top bit of the last header byte). */
export function invalidateCache(o: RawString): void {
  o.buf[15] |= 0x80;
}

/** A new empty HLL: sparse, one XZERO opcode covering all 16384 registers, cache valid (0). */
export function createHll(): RawString {
  const b = Buffer.alloc(32);
  b.latin1Write('HYLL', 0);
  b[4] = HLL_SPARSE;
  b[16] = 0x40 | ((SPARSE_XZERO_MAX_LEN - 1) >> 8);
  b[17] = (SPARSE_XZERO_MAX_LEN - 1) & 0xff;
  return new RawString(b, HLL_HDR_SIZE + 2);
}

// --- dense representation --------------------------------------------------------------------

/** Register `idx` of a dense HLL whose registers start at `base` in `b` (bytes past the end read 0). */
export function denseGet(b: Buffer, base: number, idx: number): number {
  const bit = idx * 6;
  const byte = base + (bit >>> 3);
  const fb = bit & 7;
  const b1 = byte + 1 < b.length ? b[byte + 1] : 0;
  return ((b[byte] >>> fb) | (b1 << (8 - fb))) & 63;
}

/** Raise dense register `idx` (registers at offset 16 of `b`) to `count` if larger; 1 if it changed, else 0. */
export function denseSet(b: Buffer, idx: number, count: number): number {
  const bit = idx * 6;
  const byte = HLL_HDR_SIZE + (bit >>> 3);
  const fb = bit & 7;
  const b0 = b[byte];
  const b1 = b[byte + 1]; // the last register never spills into byte+1 (fb = 2)
  if (count <= (((b0 >>> fb) | (b1 << (8 - fb))) & 63)) return 0;
  b[byte] = (b0 & ~(63 << fb)) | (count << fb);
  if (fb > 2) b[byte + 1] = (b1 & ~(63 >>> (8 - fb))) | (count >>> (8 - fb));
  return 1;
}

/** Histogram of the 16384 dense register values (6-bit registers, 16 per 12 bytes). */
function denseHisto(b: Buffer, histo: Int32Array): void {
  let r = HLL_HDR_SIZE;
  for (let j = 0; j < 1024; j++, r += 12) {
    const b0 = b[r], b1 = b[r + 1], b2 = b[r + 2], b3 = b[r + 3], b4 = b[r + 4], b5 = b[r + 5];
    const b6 = b[r + 6], b7 = b[r + 7], b8 = b[r + 8], b9 = b[r + 9], b10 = b[r + 10], b11 = b[r + 11];
    histo[b0 & 63]++;
    histo[((b0 >>> 6) | (b1 << 2)) & 63]++;
    histo[((b1 >>> 4) | (b2 << 4)) & 63]++;
    histo[b2 >>> 2]++;
    histo[b3 & 63]++;
    histo[((b3 >>> 6) | (b4 << 2)) & 63]++;
    histo[((b4 >>> 4) | (b5 << 4)) & 63]++;
    histo[b5 >>> 2]++;
    histo[b6 & 63]++;
    histo[((b6 >>> 6) | (b7 << 2)) & 63]++;
    histo[((b7 >>> 4) | (b8 << 4)) & 63]++;
    histo[b8 >>> 2]++;
    histo[b9 & 63]++;
    histo[((b9 >>> 6) | (b10 << 2)) & 63]++;
    histo[((b10 >>> 4) | (b11 << 4)) & 63]++;
    histo[b11 >>> 2]++;
  }
}

// --- sparse representation ----------------------------------------------------------------------

/**
 * Run length of the opcode at `p` (p < end). The second byte of an XZERO
 * cut by the end of the value is read from the NUL slot at b[end], as C
 * reads the sds terminator there (0, unless an edit left a byte in it).
 */
function opLen(b: Buffer, p: number): number {
  const op = b[p];
  if ((op & 0xc0) === 0) return (op & 0x3f) + 1;
  if (op & 0x80) return (op & 3) + 1;
  return (((op & 0x3f) << 8) | (p + 1 < b.length ? b[p + 1] : 0)) + 1;
}

/**
 * Redis's hllSparseToDense on the value `o`, in place: the header is kept
 * (cached cardinality and unused bytes included) with the dense encoding.
 * Returns false, leaving `o` untouched, if the opcodes do not cover exactly
 * 16384 registers (a VAL run that would pass the end stops the walk early:
 * Redis 7.0 walks on and fails the same way, since the total only grows).
 */
export function sparseToDense(o: RawString): boolean {
  const src = o.buf;
  const end = o.len;
  if (src[4] === HLL_DENSE) return true;
  const dense = Buffer.alloc(HLL_DENSE_SIZE);
  src.copy(dense, 0, 0, HLL_HDR_SIZE);
  dense[4] = HLL_DENSE;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = src[p];
    if ((op & 0xc0) === 0) {
      idx += (op & 0x3f) + 1;
      p++;
    } else if ((op & 0x80) === 0) {
      idx += opLen(src, p);
      p += 2;
    } else {
      let runlen = (op & 3) + 1;
      const val = ((op >>> 2) & 0x1f) + 1;
      if (runlen + idx > HLL_REGISTERS) return false; // the total can only end above 16384
      while (runlen-- > 0) denseSet(dense, idx++, val);
      p++;
    }
  }
  if (idx !== HLL_REGISTERS) return false;
  o.buf = dense;
  o.len = HLL_DENSE_SIZE;
  return true;
}

/** Scratch for the replacement opcode sequence of sparseSet(). */
const seq = new Uint8Array(5);

/** Write a ZERO or XZERO opcode for `len` zero registers into seq at n; returns the new n. */
function putZeros(n: number, len: number): number {
  if (len > SPARSE_ZERO_MAX_LEN) {
    seq[n] = ((len - 1) >> 8) | 0x40;
    seq[n + 1] = (len - 1) & 0xff;
    return n + 2;
  }
  seq[n] = len - 1;
  return n + 1;
}

/** A VAL opcode byte. */
function valOp(val: number, len: number): number {
  return ((val - 1) << 2) | (len - 1) | 0x80;
}

/**
 * Redis's hllSparseSet: raise register `index` of the sparse HLL `o` to
 * `count` if it is lower, editing the opcodes in place (splitting the run
 * that covers it, then merging adjacent equal VAL runs near the edit).
 * Promotes `o` to dense when `count` > 32 or when the edit would grow the
 * value beyond `maxBytes` (hll-sparse-max-bytes). Returns 1 if a register
 * changed, 0 if not, -1 if the representation is corrupted.
 */
export function sparseSet(o: RawString, index: number, count: number, maxBytes: number): number {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(o, index, count);
  // Room for the worst case (+3 bytes). Like Redis, the value's allocation
  // (buf.length - 1: the last byte is the sds NUL slot) grows greedily while
  // it is below maxBytes, and the NUL slot is cleared when it does.
  const len0 = o.len;
  let alloc = o.buf.length - 1;
  if (alloc < len0) alloc = len0;
  if (alloc < maxBytes && alloc - len0 < 3) {
    let size = len0 + 3;
    size += Math.min(size, 300);
    if (size > maxBytes) size = maxBytes;
    const nb = Buffer.alloc(size + 1);
    o.buf.copy(nb, 0, 0, len0);
    o.buf = nb;
  } else if (o.buf.length < len0 + 4) {
    // Redis already has this room; keep the byte in the NUL slot as it is.
    const nb = Buffer.alloc(len0 + 4);
    o.buf.copy(nb, 0, 0, Math.min(o.buf.length, len0 + 1));
    o.buf = nb;
  }
  const b = o.buf;
  let end = o.len;

  // Step 1: find the opcode covering `index`.
  let p = HLL_HDR_SIZE;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = b[p];
    let oplen = 1;
    if ((op & 0xc0) === 0) span = (op & 0x3f) + 1;
    else if (op & 0x80) span = (op & 3) + 1;
    else {
      span = (((op & 0x3f) << 8) | (p + 1 < b.length ? b[p + 1] : 0)) + 1;
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;

  const op = b[p];
  const isZero = (op & 0xc0) === 0;
  const isXzero = (op & 0xc0) === 0x40;
  const runlen = span;
  let next = isXzero ? p + 2 : p + 1;
  if (next >= end) next = -1;

  // Step 2: the trivial in-place cases.
  updated: {
    if (!isZero && !isXzero) {
      const old = ((op >>> 2) & 0x1f) + 1;
      if (old >= count) return 0;
      if (runlen === 1) {
        b[p] = valOp(count, 1);
        break updated;
      }
    }
    if (isZero && runlen === 1) {
      b[p] = valOp(count, 1);
      break updated;
    }

    // General case: split the run into up to three opcodes.
    const last = first + span - 1;
    let n = 0;
    if (isZero || isXzero) {
      if (index !== first) n = putZeros(n, index - first);
      seq[n++] = valOp(count, 1);
      if (index !== last) n = putZeros(n, last - index);
    } else {
      const cur = ((op >>> 2) & 0x1f) + 1;
      if (index !== first) seq[n++] = valOp(cur, index - first);
      seq[n++] = valOp(count, 1);
      if (index !== last) seq[n++] = valOp(cur, last - index);
    }

    // Step 3: substitute the new sequence for the old opcode.
    const delta = n - (isXzero ? 2 : 1);
    if (delta > 0 && o.len + delta > maxBytes) return promote(o, index, count);
    if (delta !== 0 && next >= 0) b.copy(b, next + delta, next, end);
    o.len += delta;
    // sdsIncrLen's terminator (and no stale bytes past it when shrinking)...
    b.fill(0, o.len, Math.min(b.length, Math.max(end, o.len) + 1));
    // ...which this copy overwrites when the opcode replaced was an XZERO cut by the end.
    for (let i = 0; i < n; i++) b[p + i] = seq[i];
    end += delta;
  }

  // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from prev.
  p = prev >= 0 ? prev : HLL_HDR_SIZE;
  let scan = 5;
  while (p < end && scan-- > 0) {
    const c0 = b[p];
    if ((c0 & 0xc0) === 0x40) {
      p += 2;
      continue;
    }
    if ((c0 & 0xc0) === 0) {
      p++;
      continue;
    }
    if (p + 1 < end && b[p + 1] & 0x80) {
      const c1 = b[p + 1];
      const v1 = ((c0 >>> 2) & 0x1f) + 1;
      if (v1 === ((c1 >>> 2) & 0x1f) + 1) {
        const len = (c0 & 3) + (c1 & 3) + 2;
        if (len <= SPARSE_VAL_MAX_LEN) {
          b[p + 1] = valOp(v1, len);
          b.copy(b, p, p + 1, end);
          o.len--;
          end--;
          b[end] = 0;
          if (end + 1 < b.length) b[end + 1] = 0;
          continue;
        }
      }
    }
    p++;
  }
  invalidateCache(o);
  return 1;
}

/** The promotion path of sparseSet: convert to dense, then set the register there. */
function promote(o: RawString, index: number, count: number): number {
  if (!sparseToDense(o)) return -1;
  denseSet(o.buf, index, count);
  return 1;
}

/** Histogram of a sparse body; returns false if its runs do not cover exactly 16384 registers. */
function sparseHisto(b: Buffer, end: number, histo: Int32Array): boolean {
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = b[p];
    if ((op & 0xc0) === 0) {
      const n = (op & 0x3f) + 1;
      idx += n;
      histo[0] += n;
      p++;
    } else if ((op & 0x80) === 0) {
      const n = opLen(b, p);
      idx += n;
      histo[0] += n;
      p += 2;
    } else {
      const n = (op & 3) + 1;
      idx += n;
      histo[((op >>> 2) & 0x1f) + 1] += n;
      p++;
    }
  }
  return idx === HLL_REGISTERS;
}

/**
 * PFDEBUG DECODE text of a sparse body: "z:N", "Z:N" and "v:VAL,N" tokens
 * separated by single spaces (Redis builds it with a trailing space, then trims).
 */
export function sparseDecode(b: Buffer, end: number): string {
  const parts: string[] = [];
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = b[p];
    if ((op & 0xc0) === 0) {
      parts.push('z:' + ((op & 0x3f) + 1));
      p++;
    } else if ((op & 0x80) === 0) {
      parts.push('Z:' + opLen(b, p));
      p += 2;
    } else {
      parts.push('v:' + (((op >>> 2) & 0x1f) + 1) + ',' + ((op & 3) + 1));
      p++;
    }
  }
  return parts.join(' ');
}

// --- adding and merging ------------------------------------------------------------------------------

/**
 * Redis's hllAdd: hash `ele` and raise its register in `o` (dense or
 * sparse, possibly promoting sparse to dense). 1 if a register changed,
 * 0 if not, -1 if the value is corrupted. Does not touch the cache flag of
 * a dense value (the caller invalidates it once).
 */
export function hllAdd(o: RawString, ele: string, maxBytes: number): number {
  const count = patLen(ele);
  const b = o.buf;
  if (b[4] === HLL_DENSE) return denseSet(b, patIndex, count);
  return sparseSet(o, patIndex, count, maxBytes);
}

/**
 * Redis's hllMerge: max[i] = max(max[i], register i) over a valid HLL value
 * (bytes [0, len) of `b`). Returns false for a corrupted sparse body (runs
 * not totalling 16384 registers); `max` may then be partly updated.
 */
export function hllMerge(max: Uint8Array, b: Buffer, len: number): boolean {
  if (b[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(b, HLL_HDR_SIZE, i);
      if (v > max[i]) max[i] = v;
    }
    return true;
  }
  let i = 0;
  let p = HLL_HDR_SIZE;
  while (p < len) {
    const op = b[p];
    if ((op & 0xc0) === 0) {
      i += (op & 0x3f) + 1;
      p++;
    } else if ((op & 0x80) === 0) {
      i += opLen(b, p);
      p += 2;
    } else {
      let runlen = (op & 3) + 1;
      const val = ((op >>> 2) & 0x1f) + 1;
      if (runlen + i > HLL_REGISTERS) return false; // the total can only end above 16384
      while (runlen-- > 0) {
        if (val > max[i]) max[i] = val;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

// --- cardinality estimate ----------------------------------------------------------------------------

/** Ertl's sigma function (x in [0, 1]). */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

/** Ertl's tau function (x in [0, 1]). */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

const TWO_63 = 2 ** 63;

/**
 * The estimate from a register histogram, as Redis's hllCount computes it:
 * llroundl of a double. Values of 2^63 and beyond (only reachable with
 * crafted registers) come out as C's out-of-range conversion does on
 * x86-64: 0x8000000000000000, i.e. -2^63 once replied as a long long.
 * Returns a number when exact (< 2^53), else a bigint (uint64 bits).
 */
function estimate(histo: Int32Array): number | bigint {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histo[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * sigma(histo[0] / m);
  const x = (HLL_ALPHA_INF * m * m) / z;
  if (!(x < TWO_63)) return 1n << 63n;
  const e = Math.round(x); // x >= 0: round half up == llroundl's half away from zero
  return e <= Number.MAX_SAFE_INTEGER ? e : BigInt(e);
}

const histo = new Int32Array(64);

/**
 * Estimate of a valid HLL value held in bytes [0, len) of `b`, or null if
 * its sparse body is corrupted.
 */
export function hllCount(b: Buffer, len: number): number | bigint | null {
  histo.fill(0);
  if (b[4] === HLL_DENSE) denseHisto(b, histo);
  else if (!sparseHisto(b, len, histo)) return null;
  return estimate(histo);
}

/** Estimate of raw registers (one byte per register: the multi-key PFCOUNT union). */
export function rawCount(max: Uint8Array): number | bigint {
  histo.fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) histo[max[i]]++;
  return estimate(histo);
}

/**
 * The cached cardinality if the header marks it valid: a number, or a
 * bigint when beyond 2^53 (it can be anything below 2^63 in a SET value).
 * Returns -1 when the cache is stale.
 */
export function cachedCard(b: Buffer): number | bigint {
  if (b[15] & 0x80) return -1;
  const lo = b.readUInt32LE(8);
  const hi = b.readUInt32LE(12);
  if (hi < 0x200000) return hi * 4294967296 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Store `card` (uint64 bits; a number or bigint) in the header, little endian. */
export function storeCard(b: Buffer, card: number | bigint): void {
  if (typeof card === 'number') {
    b.writeUInt32LE(card % 4294967296, 8);
    b.writeUInt32LE(Math.floor(card / 4294967296), 12);
  } else {
    b.writeBigUInt64LE(BigInt.asUintN(64, card), 8);
  }
}
