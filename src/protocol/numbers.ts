/* ==========================================================================
 * Strict number codecs with Redis's exact acceptance rules and formatting.
 *
 * Redis parses integers with string2ll (no spaces, no '+', no leading zeros,
 * int64 range) and doubles with strtod (plus its own rejection of spaces,
 * NaN and overflow). It prints doubles with printf's %.17g. JavaScript's own
 * Number() / String() differ from all of these, so everything numeric that a
 * client sends or receives goes through this module.
 * ========================================================================== */

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** True if `s` is a canonical int64 decimal as string2ll accepts it. */
function isInt64Text(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let i = 0;
  if (s.charCodeAt(0) === 45 /* - */) {
    if (n === 1) return false;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48 /* 0 */) return n === 1; // "0" only; "-0" and "01" are rejected
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  if (n >= 19) {
    const v = BigInt(s);
    return v <= INT64_MAX && v >= INT64_MIN;
  }
  return true;
}

/**
 * Parse an int64 like Redis's string2ll. Returns a JS number (exact up to
 * 2^53, rounded beyond) or null when the text is not a valid int64.
 * Use `parseInt64Big` where exactness above 2^53 matters (INCR, BITFIELD).
 */
export function parseInt64(s: string): number | null {
  const n = s.length;
  if (n < 16) {
    // Short texts (below 2^53 in magnitude) are checked and converted in one pass;
    // same rules as isInt64Text, without the string-to-number conversion.
    if (n === 0) return null;
    let i = 0;
    let neg = false;
    if (s.charCodeAt(0) === 45 /* - */) {
      if (n === 1) return null;
      neg = true;
      i = 1;
    }
    let c = s.charCodeAt(i);
    if (c === 48 /* 0 */) return n === 1 ? 0 : null; // "0" only; "-0" and "01" are rejected
    let v = 0;
    for (; i < n; i++) {
      c = s.charCodeAt(i);
      if (c < 48 || c > 57) return null;
      v = v * 10 + (c - 48);
    }
    return neg ? -v : v;
  }
  if (!isInt64Text(s)) return null;
  return Number(BigInt(s));
}

/** Exact int64 parse (bigint), or null if invalid / out of range. */
export function parseInt64Big(s: string): bigint | null {
  return isInt64Text(s) ? BigInt(s) : null;
}

export { INT64_MAX, INT64_MIN };

const DEC_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INF_RE = /^[+-]?(?:inf|infinity)$/i;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;

/**
 * Parse a double as Redis's getDoubleFromObject does (strtod, then reject:
 * empty, leading space, trailing garbage, NaN, overflow to +-HUGE_VAL and
 * underflow to zero). "inf"/"infinity" in any case are accepted.
 */
export function parseDouble(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 5000) return null;
  if (n <= 15) {
    // Fast path, no regex: an optionally signed run of digits (scores such as "0" or "12"),
    // exact in a double; strtod reads it the same way ("+5" = 5, "-0" = -0, "007" = 7).
    let i = 0;
    const c0 = s.charCodeAt(0);
    if (c0 === 45 /* - */ || c0 === 43 /* + */) i = 1;
    if (i < n) {
      let j = i;
      for (; j < n; j++) {
        const c = s.charCodeAt(j);
        if (c < 48 || c > 57) break;
      }
      if (j === n) return +s;
    }
  }
  if (DEC_RE.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) return null; // overflow (ERANGE to HUGE_VAL)
    if (v === 0 && /[1-9]/.test(s.replace(/[eE].*$/, ''))) return null; // underflow to zero
    return v;
  }
  if (INF_RE.test(s)) return s.charCodeAt(0) === 45 ? -Infinity : Infinity;
  const m = HEX_RE.exec(s);
  if (m !== null) {
    const intPart = m[2], frac = m[3] ?? '';
    if (intPart.length === 0 && frac.length === 0) return null;
    let v = 0;
    for (const ch of intPart + frac) v = v * 16 + parseInt(ch, 16);
    const exp = (m[4] !== undefined ? parseInt(m[4], 10) : 0) - 4 * frac.length;
    v = v * Math.pow(2, exp);
    if (!Number.isFinite(v)) return null;
    return m[1] === '-' ? -v : v;
  }
  return null;
}

/** printf("%.<prec>g", d) for finite d. */
export function formatG(d: number, prec: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  if (prec === 0) prec = 1;
  const e = d.toExponential(prec - 1); // correctly rounded
  const ePos = e.indexOf('e');
  const exp = parseInt(e.slice(ePos + 1), 10);
  if (exp < -4 || exp >= prec) {
    let mant = e.slice(0, ePos);
    if (mant.indexOf('.') >= 0) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
    const ae = Math.abs(exp);
    return mant + 'e' + (exp < 0 ? '-' : '+') + (ae < 10 ? '0' + ae : String(ae));
  }
  let f = d.toFixed(prec - 1 - exp);
  if (f.indexOf('.') >= 0) f = f.replace(/0+$/, '').replace(/\.$/, '');
  return f;
}

/** Redis's reply formatting of a double: %.17g, with inf / -inf / nan spelled out. */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d !== d) return 'nan';
  return formatG(d, 17);
}

/** printf("%.<n>f", d) for finite d (toFixed is exact for n <= 100). */
export function formatFixed(d: number, n: number): string {
  return d.toFixed(n);
}
