/* ==========================================================================
 * sin / cos / asin rounded like the C library Redis is linked with.
 *
 * Redis computes GEO distances with glibc's libm, whose sin, cos and asin
 * return the correctly rounded result in all but rare cases. V8's Math.sin
 * / cos / asin (fdlibm ports) are only faithful: about 3% of their results
 * differ from glibc's in the last bit, which shows in STOREDIST scores and,
 * rarely, in "%.4f" distances or in which point is inside a radius. These
 * versions evaluate the function in double-double arithmetic (~105 bits)
 * and round once, so they agree with glibc except where glibc itself is
 * not correctly rounded (about 0.1-0.25% of arguments).
 *
 * Arguments beyond |x| = 2^20 (only reachable through absurd radii in the
 * bounding-box code) fall back to Math.sin / Math.cos.
 * ========================================================================== */

// --- double-double primitives (value = hi + lo, |lo| <= ulp(hi) / 2) ----------------------

const SPLITTER = 134217729; // 2^27 + 1

let ddHi = 0;
let ddLo = 0;

/** Exact product a*b into (ddHi, ddLo) (Dekker's two-product, no FMA). */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b), bl = b - bh;
  ddHi = p;
  ddLo = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** (ah + al) * (bh + bl) into (ddHi, ddLo). */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const p = ddHi;
  const e = ddLo + (ah * bl + al * bh);
  const s = p + e;
  ddLo = e - (s - p);
  ddHi = s;
}

/** (ah + al) + (bh + bl) into (ddHi, ddLo). */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  const s = ah + bh;
  const bb = s - ah;
  const err = (ah - (s - bb)) + (bh - bb) + al + bl;
  const r = s + err;
  ddLo = err - (r - s);
  ddHi = r;
}

/** (ah + al) / d for a small exact integer d, into (ddHi, ddLo). */
function ddDivInt(ah: number, al: number, d: number): void {
  const q1 = ah / d;
  twoProd(q1, d);
  const r = ((ah - ddHi) - ddLo + al) / d;
  const s = q1 + r;
  ddLo = r - (s - q1);
  ddHi = s;
}

// --- sin / cos ------------------------------------------------------------------------------------

// pi/2 = PIO2_1 + PIO2_2 + PIO2_3 + PIO2_4 (~200 bits); the first three have at most
// 33 significant bits, so k * piece is exact for |k| < 2^20
const PIO2_1 = 1.5707963267341256;
const PIO2_2 = 6.077100506303966e-11;
const PIO2_3 = 2.0222662487111665e-21;
const PIO2_4 = 8.4784276603688996e-32;
const TWO_OVER_PI = 0.6366197723675814;

/**
 * Taylor series of sin (odd = true) or cos around 0 for the double-double
 * r = rh + rl (|r| <= pi/4), result in (ddHi, ddLo).
 */
function kernel(rh: number, rl: number, odd: boolean): void {
  ddMul(rh, rl, rh, rl);
  const r2h = -ddHi, r2l = -ddLo; // -r^2
  let th: number, tl: number, sh: number, sl: number, k: number;
  if (odd) {
    th = rh; tl = rl; k = 1;
  } else {
    th = 1; tl = 0; k = 0;
  }
  sh = th; sl = tl;
  for (let i = 0; i < 15; i++) {
    ddMul(th, tl, r2h, r2l);
    ddDivInt(ddHi, ddLo, (k + 1) * (k + 2));
    th = ddHi; tl = ddLo;
    k += 2;
    ddAdd(sh, sl, th, tl);
    sh = ddHi; sl = ddLo;
    if (Math.abs(th) < 1e-34 * Math.abs(sh)) break;
  }
  ddHi = sh;
  ddLo = sl;
}

// Table of sin / cos at i/128 (i = 0..101, covering [0, pi/4]) as double-double pairs, built
// once with the series kernel; a call then only needs a short series on |t| <= 1/256.
const TBL_N = 102;
const SIN_H = new Float64Array(TBL_N), SIN_L = new Float64Array(TBL_N);
const COS_H = new Float64Array(TBL_N), COS_L = new Float64Array(TBL_N);
for (let i = 0; i < TBL_N; i++) {
  kernel(i / 128, 0, true);
  SIN_H[i] = ddHi; SIN_L[i] = ddLo;
  kernel(i / 128, 0, false);
  COS_H[i] = ddHi; COS_L[i] = ddLo;
}

/**
 * sin (odd) or cos of the double-double r = rh + rl with |r| <= pi/4 + tiny,
 * into (ddHi, ddLo): r = x_i + t with x_i = i/128, then the angle-addition
 * formula over the table and a short series for sin t, cos t.
 */
function fastKernel(rh: number, rl: number, odd: boolean): void {
  let neg = false;
  if (rh < 0) {
    rh = -rh; rl = -rl;
    neg = odd; // sin is odd, cos even
  }
  const i = Math.round(rh * 128);
  const th = rh - i / 128; // exact: i/128 is within a factor 2 of rh, or i = 0
  // t = th + rl, renormalised
  const t = th + rl;
  const tl = rl - (t - th);
  // t^2 as double-double
  twoProd(t, t);
  const t2h = ddHi, t2l = ddLo + 2 * t * tl;
  // sin t = t - t^3/6 + t^5 q(t^2), the t^3 term in double-double
  ddMul(t2h, t2l, t, tl);
  ddDivInt(ddHi, ddLo, 6);
  const c3h = ddHi, c3l = ddLo;
  const q = t2h * t2h * t * (1 / 120 + t2h * (-1 / 5040 + t2h * (1 / 362880)));
  ddAdd(t, tl, -c3h, -c3l + q);
  const sh = ddHi, sl = ddLo;
  // cos t = 1 - t^2/2 + t^4 (1/24 - t^2/720 + t^4/40320)
  const q2 = t2h * t2h * (1 / 24 + t2h * (-1 / 720 + t2h * (1 / 40320)));
  ddAdd(1, 0, -t2h / 2, -t2l / 2 + q2);
  const ch = ddHi, cl = ddLo;
  if (odd) {
    // sin(x_i + t) = sin x_i cos t + cos x_i sin t
    ddMul(SIN_H[i], SIN_L[i], ch, cl);
    const ah = ddHi, al = ddLo;
    ddMul(COS_H[i], COS_L[i], sh, sl);
    ddAdd(ah, al, ddHi, ddLo);
  } else {
    // cos(x_i + t) = cos x_i cos t - sin x_i sin t
    ddMul(COS_H[i], COS_L[i], ch, cl);
    const ah = ddHi, al = ddLo;
    ddMul(SIN_H[i], SIN_L[i], sh, sl);
    ddAdd(ah, al, -ddHi, -ddLo);
  }
  if (neg) {
    ddHi = -ddHi;
    ddLo = -ddLo;
  }
}

/** Reduce x by k * pi/2 into a double-double (ddHi, ddLo); |k| < 2^20. */
function reduce(x: number, k: number): void {
  ddAdd(x - k * PIO2_1, 0, -k * PIO2_2, 0); // x - k*PIO2_1 is exact for the k chosen
  ddAdd(ddHi, ddLo, -k * PIO2_3, 0);
  ddAdd(ddHi, ddLo, -k * PIO2_4, 0);
}

/** sin (cosine = false) or cos of x, correctly rounded in all but near-midpoint cases. */
function sinCos(x: number, cosine: boolean): number {
  if (!(Math.abs(x) < 1048576)) return cosine ? Math.cos(x) : Math.sin(x);
  if (x === 0) return cosine ? 1 : x;
  const k = Math.round(x * TWO_OVER_PI);
  reduce(x, k);
  const q = ((cosine ? k + 1 : k) % 4 + 4) % 4;
  fastKernel(ddHi, ddLo, (q & 1) === 0);
  const v = ddHi + ddLo;
  return q >= 2 ? -v : v;
}

export function crSin(x: number): number {
  return sinCos(x, false);
}

export function crCos(x: number): number {
  return sinCos(x, true);
}

/**
 * asin(x): one Newton step from Math.asin on sin(y) = x with a
 * double-double sin, then a single rounding of y + delta.
 */
export function crAsin(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < 1) || ax < 1e-8) return Math.asin(x);
  const y0 = Math.asin(ax);
  const k = Math.round(y0 * TWO_OVER_PI); // 0 or 1
  reduce(y0, k);
  fastKernel(ddHi, ddLo, k === 0); // sin(y0) = sin(r) if k == 0, cos(r) if k == 1
  const delta = ((ax - ddHi) - ddLo) / Math.cos(y0);
  const y = y0 + delta;
  return x < 0 ? -y : y;
}
