/* ==========================================================================
 * SORT helpers (Redis's sort.c / pqsort.c): the numeric weight parser, the
 * sort vector, its comparator, and the partial quicksort used with LIMIT.
 *
 * Why not just Array.prototype.sort everywhere? Redis sorts with two
 * algorithms and both are observable when the comparator reports ties
 * (ALPHA with BY: missing weights, equal weights, NUL bytes that end a
 * C-string compare):
 *  - without LIMIT (or without BY) it calls libc qsort; glibc's qsort is a
 *    merge sort, i.e. stable, so ties keep their input order — exactly what
 *    V8's stable sort gives with the same comparator;
 *  - with BY and a LIMIT that narrows the range it calls its own partial
 *    quicksort (Bentley & McIlroy's engineered quicksort that skips the
 *    partitions outside the requested range). It is not stable, so the tie
 *    order is a property of that algorithm; partialSort() below performs the
 *    same comparisons and swaps, so ties come out in the same order.
 * ========================================================================== */

// --- strtod ------------------------------------------------------------------------

/** C isspace() in the C locale. */
function isCSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/** Below this, a parsed value may be tiny in glibc's sense (2^-1021, twice DBL_MIN). */
const TINY_CHECK = 2 ** -1021;
/** 2^-1022 - 2^-1076, as (2^54 - 1) * 2^-1076: exact values below it round (53 bits) under DBL_MIN. */
const TINY_NUM = (1n << 54n) - 1n;

/**
 * glibc's underflow rule for strtod: ERANGE when the exact value, rounded
 * to 53 bits with an unbounded exponent, is below DBL_MIN ("tininess after
 * rounding") AND the value is not exactly representable (a subnormal that
 * is exact, like 0x1p-1074, is fine). The exact value is mant * base^exp
 * (base 10 or 2, exp < 0 here); only called for results below 2^-1021.
 */
function underflows(mant: bigint, exp: number, base: 10 | 2): boolean {
  if (mant === 0n) return false;
  if (base === 2) {
    // tiny: mant * 2^exp < TINY_NUM * 2^-1076
    const sh = exp + 1076;
    const tiny = sh >= 0 ? (mant << BigInt(sh)) < TINY_NUM : mant < (TINY_NUM << BigInt(-sh));
    const fr = exp + 1074; // representable iff mant * 2^fr is an integer
    const inexact = fr < 0 && (mant & ((1n << BigInt(-fr)) - 1n)) !== 0n;
    return tiny && inexact;
  }
  const p10 = 10n ** BigInt(-exp);
  const tiny = (mant << 1076n) < TINY_NUM * p10;
  const inexact = (mant << 1074n) % p10 !== 0n;
  return tiny && inexact;
}

/**
 * Sort weight of a value as SORT computes it: glibc strtod over the value
 * read as a C string (it ends at the first NUL byte), accepted only if the
 * whole C string was consumed, the result is not NaN and strtod did not
 * report ERANGE (overflow, or an inexact result in the subnormal range).
 * An empty C string is 0 (strtod consumes nothing and stops at the
 * terminator). Returns null when SORT would report "One or more scores
 * can't be converted into double".
 */
export function sortWeight(s: string): number | null {
  let n = s.indexOf('\0');
  if (n < 0) n = s.length;
  if (n === 0) return 0;
  let i = 0;
  while (i < n && isCSpace(s.charCodeAt(i))) i++;
  let neg = false;
  const sc = s.charCodeAt(i);
  if (sc === 43 || sc === 45) {
    neg = sc === 45;
    i++;
  }
  const c0 = s.charCodeAt(i);
  let v: number;
  if (c0 === 48 && i + 1 < n && (s.charCodeAt(i + 1) | 32) === 120) {
    // Hexadecimal float: "0x" must be followed by a hex digit (else strtod
    // takes just the "0" and stops at the 'x', which is trailing garbage).
    const r = parseHex(s, i + 2, n);
    if (r === null || r.end !== n) return null;
    v = r.value;
    if (v === Infinity) return null;
    if (v < TINY_CHECK && underflows(r.mant, r.exp, 2)) return null;
  } else if ((c0 | 32) === 105 || (c0 | 32) === 110) {
    // inf / infinity accepted; nan (with or without "(chars)") always fails.
    const rest = s.slice(i, n).toLowerCase();
    if (rest !== 'inf' && rest !== 'infinity') return null;
    v = Infinity;
  } else {
    const start = i;
    let digits = 0, fracDigits = 0;
    while (i < n && isDigit(s.charCodeAt(i))) { i++; digits++; }
    const intEnd = i;
    if (i < n && s.charCodeAt(i) === 46) {
      i++;
      while (i < n && isDigit(s.charCodeAt(i))) { i++; digits++; fracDigits++; }
    }
    if (digits === 0) return null; // no conversion: strtod stops at the start
    const mantEnd = i;
    let exp = 0;
    if (i < n && (s.charCodeAt(i) | 32) === 101) {
      let j = i + 1;
      let eneg = false;
      const es = s.charCodeAt(j);
      if (es === 43 || es === 45) { eneg = es === 45; j++; }
      if (j < n && isDigit(s.charCodeAt(j))) {
        while (j < n && isDigit(s.charCodeAt(j))) { if (exp < 1e9) exp = exp * 10 + (s.charCodeAt(j) - 48); j++; }
        if (eneg) exp = -exp;
        i = j;
      }
    }
    if (i !== n) return null;
    v = Number(s.slice(start, i));
    if (v === Infinity) return null; // overflow: ERANGE
    if (v < TINY_CHECK) {
      const ds = s.slice(start, intEnd) + s.slice(mantEnd - fracDigits, mantEnd);
      const mant = BigInt(ds);
      if (mant !== 0n && (v === 0 || underflows(mant, exp - fracDigits, 10))) return null;
    }
  }
  return neg ? -v : v;
}

/**
 * Hex float body after "0x": hex digits, optional '.', hex digits, optional
 * binary exponent "p[+-]digits". Null if there is no hex digit at all.
 * Returns the exact value as mant * 2^exp (mantissas beyond 64 bits keep a
 * sticky low bit, which preserves rounding and exactness) and its double,
 * rounded once (Number() of the mantissa, then exact power-of-two steps).
 */
function parseHex(s: string, i: number, n: number): { value: number; end: number; mant: bigint; exp: number } | null {
  let mant = 0n, digits = 0, fracDigits = 0;
  while (i < n && hexVal(s.charCodeAt(i)) >= 0) { mant = mant * 16n + BigInt(hexVal(s.charCodeAt(i))); i++; digits++; }
  if (i < n && s.charCodeAt(i) === 46) {
    i++;
    while (i < n && hexVal(s.charCodeAt(i)) >= 0) {
      mant = mant * 16n + BigInt(hexVal(s.charCodeAt(i)));
      i++; digits++; fracDigits++;
    }
  }
  if (digits === 0) return null;
  let exp = 0;
  if (i < n && (s.charCodeAt(i) | 32) === 112) {
    let j = i + 1;
    let eneg = false;
    const es = s.charCodeAt(j);
    if (es === 43 || es === 45) { eneg = es === 45; j++; }
    if (j < n && isDigit(s.charCodeAt(j))) {
      let e = 0;
      while (j < n && isDigit(s.charCodeAt(j))) { if (e < 100000) e = e * 10 + (s.charCodeAt(j) - 48); j++; }
      exp = eneg ? -e : e;
      i = j;
    }
  }
  exp -= 4 * fracDigits;
  if (mant === 0n) return { value: 0, end: i, mant, exp };
  const bits = mant.toString(2).length;
  if (bits > 64) {
    const drop = bits - 64;
    const sticky = (mant & ((1n << BigInt(drop)) - 1n)) !== 0n ? 1n : 0n;
    mant = (mant >> BigInt(drop)) | sticky;
    exp += drop;
  }
  // Number(mant) is exact for up to 53 bits; above that it rounds once, and
  // the scaling by powers of two is exact while the result stays normal.
  const half = Math.trunc(exp / 2);
  const value = Number(mant) * Math.pow(2, half) * Math.pow(2, exp - half);
  return { value, end: i, mant, exp };
}

// --- the sort vector -------------------------------------------------------------------

/** One element being sorted (Redis's redisSortObject). */
export class SortItem {
  /** The element itself (latin1). */
  obj: string;
  /** Numeric weight (0 when its BY key is missing). */
  score: number;
  /** ALPHA comparison key (alphaKey of the BY weight or of the element); null: BY key missing. */
  cmpobj: string | null;
  constructor(obj: string) {
    this.obj = obj;
    this.score = 0;
    this.cmpobj = null;
  }
}

/** Comparator settings of the running sort (Redis keeps them in its server struct). */
const mode = { alpha: false, desc: false };

/** Set the comparator mode before sortItems()/partialSort(). */
export function setSortMode(alpha: boolean, desc: boolean): void {
  mode.alpha = alpha;
  mode.desc = desc;
}

/** memcmp-then-length order of two byte strings (compareStringObjects). */
function binaryCmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The ALPHA comparison key of a weight or element. Without STORE Redis
 * compares with strcoll(): C strings (cut at the first NUL byte) in the
 * collation of LC_COLLATE, which in the C and C.UTF-8 locales Redis runs
 * under is byte order. With STORE it compares the full bytes, so that
 * replicas and the AOF get the same list whatever their locale. Computing
 * the key once per element keeps the comparator a plain string compare.
 */
export function alphaKey(s: string, store: boolean): string {
  if (store) return s;
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

/**
 * Redis's sortCompare: numeric weights with ties broken by the elements'
 * bytes; ALPHA compares the alphaKey()s in `cmpobj` (of the BY weights,
 * missing ones first, or of the elements); DESC negates.
 */
export function sortCompare(x: SortItem, y: SortItem): number {
  let cmp: number;
  if (!mode.alpha) {
    if (x.score > y.score) cmp = 1;
    else if (x.score < y.score) cmp = -1;
    else cmp = binaryCmp(x.obj, y.obj);
  } else {
    const a = x.cmpobj, b = y.cmpobj;
    if (a === null || b === null) cmp = a === b ? 0 : a === null ? -1 : 1;
    else cmp = binaryCmp(a, b);
  }
  return mode.desc ? -cmp : cmp;
}

/** Full sort (glibc qsort = stable merge sort; V8's sort is stable too). */
export function sortItems(v: SortItem[]): void {
  v.sort(sortCompare);
}

// --- partial quicksort -------------------------------------------------------------------

function swap(v: SortItem[], i: number, j: number): void {
  const t = v[i]; v[i] = v[j]; v[j] = t;
}

function vecswap(v: SortItem[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(v, i + k, j + k);
}

/** Index of the median of three positions (same comparison sequence as med3). */
function med3(v: SortItem[], a: number, b: number, c: number): number {
  return sortCompare(v[a], v[b]) < 0
    ? (sortCompare(v[b], v[c]) < 0 ? b : (sortCompare(v[a], v[c]) < 0 ? c : a))
    : (sortCompare(v[b], v[c]) > 0 ? b : (sortCompare(v[a], v[c]) < 0 ? a : c));
}

function insertionSort(v: SortItem[], a: number, n: number): void {
  for (let pm = a + 1; pm < a + n; pm++) {
    for (let pl = pm; pl > a && sortCompare(v[pl - 1], v[pl]) > 0; pl--) swap(v, pl, pl - 1);
  }
}

/**
 * One partitioning step of the partial quicksort over v[a, a+n): a
 * three-way partition around a median-of-three (ninther above 40 elements)
 * pivot, or an insertion sort below 7 elements or when the pass swapped
 * nothing. The two unsorted sides that still overlap [lo, hi] are pushed
 * on `todo` as (start, count) pairs. Sides are disjoint, so the order in
 * which they are processed does not change the result; an explicit stack
 * instead of recursion keeps adversarial inputs from exhausting the JS stack.
 */
function pqsortStep(v: SortItem[], a: number, n: number, lo: number, hi: number, todo: number[]): void {
  if (n < 7) {
    insertionSort(v, a, n);
    return;
  }
  let pm = a + Math.floor(n / 2);
  if (n > 7) {
    let pl = a, pn = a + n - 1;
    if (n > 40) {
      const d = Math.floor(n / 8);
      pl = med3(v, pl, pl + d, pl + 2 * d);
      pm = med3(v, pm - d, pm, pm + d);
      pn = med3(v, pn - 2 * d, pn - d, pn);
    }
    pm = med3(v, pl, pm, pn);
  }
  swap(v, a, pm);
  let pa = a + 1, pb = a + 1, pc = a + n - 1, pd = a + n - 1;
  let swapped = false;
  for (;;) {
    let r: number;
    while (pb <= pc && (r = sortCompare(v[pb], v[a])) <= 0) {
      if (r === 0) { swapped = true; swap(v, pa, pb); pa++; }
      pb++;
    }
    while (pb <= pc && (r = sortCompare(v[pc], v[a])) >= 0) {
      if (r === 0) { swapped = true; swap(v, pc, pd); pd--; }
      pc--;
    }
    if (pb > pc) break;
    swap(v, pb, pc);
    swapped = true;
    pb++;
    pc--;
  }
  if (!swapped) {
    insertionSort(v, a, n);
    return;
  }
  // Move the pivot-equal runs from both ends to the middle.
  const pn = a + n;
  let r = Math.min(pa - a, pb - pa);
  vecswap(v, a, pb - r, r);
  r = Math.min(pd - pc, pn - pd - 1);
  vecswap(v, pb, pn - r, r);
  r = pb - pa;
  if (r > 1 && overlaps(a, r, lo, hi)) todo.push(a, r);
  r = pd - pc;
  if (r > 1 && overlaps(pn - r, r, lo, hi)) todo.push(pn - r, r);
}

/** False when [lo, hi] lies entirely before or entirely after [a, a+n). */
function overlaps(a: number, n: number, lo: number, hi: number): boolean {
  const last = a + n - 1;
  return !((lo < a && hi < a) || (lo > last && hi > last));
}

/** Partial sort for SORT ... BY ... LIMIT: only positions lo..hi (lo <= hi) are final. */
export function partialSort(v: SortItem[], lo: number, hi: number): void {
  const todo: number[] = [0, v.length];
  while (todo.length > 0) {
    const n = todo.pop() as number;
    const a = todo.pop() as number;
    pqsortStep(v, a, n, lo, hi, todo);
  }
}
