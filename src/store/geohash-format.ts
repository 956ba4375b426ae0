/* ==========================================================================
 * printf-exact number texts used by the GEO family.
 *
 * Redis prints distances with a fixed-point helper (llrint of d * 10^4),
 * coordinates with "%.17Lf" (the double
 * widened to long double, then trailing zeros trimmed) and the invalid
 * coordinate error with "%f". glibc prints the exact binary value rounded
 * half-to-even; JavaScript's toFixed rounds exact ties up and switches to
 * exponent notation from 1e21. fixedC() reproduces glibc.
 * ========================================================================== */

const TIE_MIN = Math.pow(2, -48); // below this, toFixed(100) may not be exact (and no tie is possible)

/**
 * printf("%.<n>f", d) as glibc prints it (n <= 20): exact round-half-even,
 * "-0.000" for negative values rounding to zero and for -0, inf/-inf/nan.
 */
export function fixedC(d: number, n: number): string {
  if (d !== d) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  const neg = d < 0 || Object.is(d, -0);
  const a = Math.abs(d);
  let s: string;
  if (a >= 1e21) {
    s = BigInt(a).toString() + (n > 0 ? '.' + '0'.repeat(n) : '');
  } else {
    s = a.toFixed(n);
    if (a >= TIE_MIN) {
      // exact decimal expansion: a tie is "5" followed by zeros after the n-th digit
      const ex = a.toFixed(100);
      const dot = ex.indexOf('.');
      const tail = ex.slice(dot + 1 + n);
      if (tail.charCodeAt(0) === 53 /* 5 */ && /^50*$/.test(tail)) {
        const down = n > 0 ? ex.slice(0, dot + 1 + n) : ex.slice(0, dot);
        const last = down.charCodeAt(down.length - 1) - 48;
        if ((last & 1) === 0) s = down; // round half to even: keep the even truncation
      }
    }
  }
  return neg ? '-' + s : s;
}

const TWO63 = 9223372036854775808;

/** llrint() on x86-64: round half to even; NaN and out-of-range give INT64_MIN. */
function llrint(x: number): number | bigint {
  if (!(x > -TWO63 && x < TWO63)) return -(2n ** 63n);
  let r = Math.round(x); // half up
  if (r - x === 0.5 && r % 2 !== 0) r -= 1; // exact tie: to even
  return Math.abs(r) <= Number.MAX_SAFE_INTEGER ? r : BigInt(r);
}

/**
 * Distance text of GEODIST / WITHDIST (Redis 7.0.15's fixedpoint_d2string
 * with 4 digits): llrint(d * 10000) printed as an integer with the decimal
 * point before its last 4 digits. Not printf's "%.4f": the product is
 * rounded first, so e.g. 34867038.754450001 prints as 34867038.7544.
 */
export function formatDistance(d: number): string {
  if (d === 0) return '0.0000';
  const v = llrint(d * 10000);
  const neg = v < 0;
  let digits = (neg ? -v : v).toString();
  if (digits.length < 5) digits = '0'.repeat(5 - digits.length) + digits;
  const cut = digits.length - 4;
  return (neg ? '-' : '') + digits.slice(0, cut) + '.' + digits.slice(cut);
}

/**
 * Coordinate text (Redis's ld2string LD_STR_HUMAN): "%.17Lf" of the value,
 * trailing zeros and a trailing dot removed, "-0" printed as "0".
 */
export function formatCoord(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  let s = fixedC(d, 17);
  if (s.indexOf('.') >= 0) {
    let end = s.length;
    while (s.charCodeAt(end - 1) === 48) end--;
    if (s.charCodeAt(end - 1) === 46 /* . */) end--;
    s = s.slice(0, end);
  }
  return s === '-0' ? '0' : s;
}
