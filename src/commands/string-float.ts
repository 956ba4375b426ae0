/* ==========================================================================
 * INCRBYFLOAT arithmetic: an exact emulation of C `long double` on x86-64.
 *
 * Redis parses both operands with strtold, adds them in x87 extended
 * precision (64-bit mantissa, 15-bit exponent, round-to-nearest-even) and
 * prints the sum with "%.17Lf", then strips trailing zeros. Doing the same
 * with JS doubles gives different answers (0.1 + 0.2 -> 0.30000000000000004
 * instead of Redis's 0.3), so every step here is done exactly with BigInt:
 *
 *   decimal/hex text --exact rational--> round to 64-bit mantissa (parseLD)
 *   a + b exactly --> round to 64-bit mantissa (addLD)
 *   exact binary value * 10^17 --> round half-even --> digits (formatLD)
 *
 * Only INCRBYFLOAT uses this; it is not on any hot path.
 * ========================================================================== */

/** A finite x87 long double: (-1)^neg * mant * 2^exp, or an infinity. */
export class LongDouble {
  constructor(
    readonly neg: boolean,
    /** 0 <= mant < 2^64; >= 2^63 for normal numbers. 0 means zero. */
    readonly mant: bigint,
    readonly exp: number,
    readonly inf: boolean,
  ) {}
}

const TWO63 = 1n << 63n;
const TWO64 = 1n << 64n;
/** Exponent of the smallest subnormal's unit (2^-16445). */
const EXP_MIN = -16445;
/** Largest exponent of a finite value's unit: (2^64-1) * 2^16320 is LDBL_MAX. */
const EXP_MAX = 16320;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are rejected outright. */
const MAX_CHARS = 5 * 1024;

const ZERO = new LongDouble(false, 0n, 0, false);

function bitLength(x: bigint): number {
  const h = x.toString(16);
  return (h.length - 1) * 4 + (32 - Math.clz32(parseInt(h[0], 16)));
}

/**
 * Round the positive rational num/den * 2^k to the nearest long double
 * (ties to even), with gradual underflow to subnormals and overflow to
 * infinity. A result with mant 0 means it underflowed to zero.
 */
function roundLD(neg: boolean, num: bigint, den: bigint, k: number): LongDouble {
  let e = bitLength(num) - bitLength(den) + k - 64;
  for (;;) {
    if (e < EXP_MIN) e = EXP_MIN;
    const sh = k - e;
    let n = num, d = den;
    if (sh >= 0) n = num << BigInt(sh);
    else d = den << BigInt(-sh);
    let q = n / d;
    if (q >= TWO64) { e++; continue; }
    if (q < TWO63 && e > EXP_MIN) { e--; continue; }
    const r2 = (n - q * d) * 2n;
    if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
    if (q === TWO64) { q = TWO63; e++; }
    if (e > EXP_MAX) return new LongDouble(neg, 0n, 0, true);
    return new LongDouble(neg, q, e, false);
  }
}

const DEC_RE = /^([+-]?)(?:(\d+)\.?(\d*)|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const HEX_RE = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^([+-]?)(?:inf|infinity)$/i;

/** Decimal exponent text to a number, saturating far beyond any meaningful range. */
function expValue(s: string | undefined): number {
  if (s === undefined) return 0;
  const v = parseInt(s, 10);
  return v > 1e9 ? 1e9 : v < -1e9 ? -1e9 : v;
}

/**
 * Parse a number the way Redis's string2ld does: strtold over the whole
 * text (decimal, hex float, inf/infinity), rejecting NaN, leading spaces,
 * trailing garbage, overflow to +-HUGE_VAL and underflow to zero. Returns
 * null when Redis would say "value is not a valid float".
 */
export function parseLD(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_CHARS) return null;
  let m = DEC_RE.exec(s);
  if (m !== null) {
    const neg = m[1] === '-';
    const intPart = m[2] ?? '';
    const frac = m[3] ?? m[4] ?? '';
    let digits = (intPart + frac).replace(/^0+/, '');
    if (digits.length === 0) return new LongDouble(neg, 0n, 0, false);
    let exp10 = expValue(m[5]) - frac.length;
    const trimmed = digits.replace(/0+$/, '');
    exp10 += digits.length - trimmed.length;
    digits = trimmed;
    const mag = exp10 + digits.length; // value in [10^(mag-1), 10^mag)
    if (mag >= 4934 || mag <= -4951) return null; // ERANGE: overflow or underflow to zero
    const d = BigInt(digits);
    const r = exp10 >= 0 ? roundLD(neg, d * 10n ** BigInt(exp10), 1n, 0) : roundLD(neg, d, 10n ** BigInt(-exp10), 0);
    return r.inf || r.mant === 0n ? null : r;
  }
  m = HEX_RE.exec(s);
  if (m !== null) {
    const neg = m[1] === '-';
    const frac = m[3] ?? m[4] ?? '';
    const digits = ((m[2] ?? '') + frac).replace(/^0+/, '');
    if (digits.length === 0) return new LongDouble(neg, 0n, 0, false);
    const h = BigInt('0x' + digits);
    const e2 = expValue(m[5]) - 4 * frac.length;
    const bl = bitLength(h);
    if (bl - 1 + e2 >= 16384 || bl + e2 <= -16446) return null;
    const r = roundLD(neg, h, 1n, e2);
    return r.inf || r.mant === 0n ? null : r;
  }
  m = INF_RE.exec(s);
  if (m !== null) return new LongDouble(m[1] === '-', 0n, 0, true);
  return null; // NaN, garbage, spaces, embedded NUL
}

/**
 * a + b in long double arithmetic (exact sum, one rounding). Infinite
 * operands are the caller's business (Redis rejects any inf/nan result).
 */
export function addLD(a: LongDouble, b: LongDouble): LongDouble {
  if (a.mant === 0n) return b.mant === 0n ? new LongDouble(a.neg && b.neg, 0n, 0, false) : b;
  if (b.mant === 0n) return a;
  const emin = a.exp < b.exp ? a.exp : b.exp;
  const av = a.mant << BigInt(a.exp - emin);
  const bv = b.mant << BigInt(b.exp - emin);
  const s = (a.neg ? -av : av) + (b.neg ? -bv : bv);
  if (s === 0n) return ZERO;
  return s < 0n ? roundLD(true, -s, 1n, emin) : roundLD(false, s, 1n, emin);
}

/**
 * Redis's ld2string(LD_STR_HUMAN): "%.17Lf" (exact value, 17 fraction
 * digits, ties to even as glibc does), trailing zeros and a bare dot
 * stripped, "-0" turned into "0". `v` must be finite.
 */
export function formatLD(v: LongDouble): string {
  let digits: string;
  if (v.exp >= 0) {
    digits = (v.mant << BigInt(v.exp)).toString() + '00000000000000000';
  } else {
    const n = v.mant * 100000000000000000n;
    const sh = BigInt(-v.exp);
    let q = n >> sh;
    const r = n - (q << sh);
    const half = 1n << (sh - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q++;
    digits = q.toString().padStart(18, '0');
  }
  const intPart = digits.slice(0, digits.length - 17);
  const frac = digits.slice(digits.length - 17).replace(/0+$/, '');
  const out = (v.neg ? '-' : '') + intPart + (frac.length > 0 ? '.' + frac : '');
  return out === '-0' ? '0' : out;
}
