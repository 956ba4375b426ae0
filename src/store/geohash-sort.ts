/* ==========================================================================
 * Result ordering for GEO searches, tie for tie as Redis orders them.
 *
 * Redis sorts the candidate points by distance with libc qsort() when all of
 * them are returned, and with its own partial quicksort (pqsort.c, a NetBSD
 * Bentley-McIlroy quicksort restricted to the wanted index range) when COUNT
 * keeps only the first few. Points at equal distance (same position) keep
 * whatever order those algorithms leave them in, so both are reproduced
 * here step by step: glibc's qsort is a stable top-down merge sort, the
 * partial sort is re-implemented on array indexes (Redis 7.0's variant: no
 * switch to insertion sort after a partition without swaps). The comparator is Redis's:
 * 1 / 0 / -1 from ">" and "==" (so NaN distances behave as they do there).
 * ========================================================================== */

/** A search candidate (Redis's geoPoint). */
export class GeoPoint {
  constructor(
    public member: string,
    public lon: number,
    public lat: number,
    public dist: number,
    public score: number,
  ) {}
}

/** Redis's sort_gp_asc / sort_gp_desc comparator. */
function cmpDist(a: GeoPoint, b: GeoPoint, desc: boolean): number {
  const r = a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1;
  return desc ? -r : r;
}

// --- full sort: glibc msort ---------------------------------------------------------------

/** Top-down merge of a[lo, lo+n) using tmp; the left run wins ties (cmp <= 0). */
function msort(a: GeoPoint[], tmp: GeoPoint[], lo: number, n: number, desc: boolean): void {
  if (n <= 1) return;
  const n1 = n >>> 1;
  const n2 = n - n1;
  msort(a, tmp, lo, n1, desc);
  msort(a, tmp, lo + n1, n2, desc);
  let i = lo, j = lo + n1, k = 0, r1 = n1, r2 = n2;
  while (r1 > 0 && r2 > 0) {
    if (cmpDist(a[i], a[j], desc) <= 0) {
      tmp[k++] = a[i++];
      r1--;
    } else {
      tmp[k++] = a[j++];
      r2--;
    }
  }
  while (r1-- > 0) tmp[k++] = a[i++];
  // the tail of the right run is already in place
  for (let t = 0; t < k; t++) a[lo + t] = tmp[t];
}

/** Sort all points by distance (libc qsort). */
export function sortAll(a: GeoPoint[], desc: boolean): void {
  msort(a, new Array<GeoPoint>(a.length), 0, a.length, desc);
}

// --- partial sort: Redis pqsort ----------------------------------------------------------

function swap(a: GeoPoint[], i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Swap the n elements starting at i with those starting at j. */
function vecswap(a: GeoPoint[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(a, i + k, j + k);
}

function med3(a: GeoPoint[], i: number, j: number, k: number, desc: boolean): number {
  return cmpDist(a[i], a[j], desc) < 0
    ? (cmpDist(a[j], a[k], desc) < 0 ? j : (cmpDist(a[i], a[k], desc) < 0 ? k : i))
    : (cmpDist(a[j], a[k], desc) > 0 ? j : (cmpDist(a[i], a[k], desc) < 0 ? i : k));
}

function insertionSort(a: GeoPoint[], base: number, n: number, desc: boolean): void {
  for (let m = base + 1; m < base + n; m++) {
    for (let l = m; l > base && cmpDist(a[l - 1], a[l], desc) > 0; l--) swap(a, l, l - 1);
  }
}

/**
 * Quicksort a[base, base+n) but only recurse into partitions that overlap
 * the element range [lr, rr] (pqsort's lrange/rrange, as element indexes).
 */
function pqsortRange(a: GeoPoint[], base: number, n: number, lr: number, rr: number, desc: boolean): void {
  for (;;) {
    if (n < 7) {
      insertionSort(a, base, n, desc);
      return;
    }
    let pm = base + (n >>> 1);
    if (n > 7) {
      let pl = base;
      let pn = base + n - 1;
      if (n > 40) {
        const d = n >>> 3;
        pl = med3(a, pl, pl + d, pl + 2 * d, desc);
        pm = med3(a, pm - d, pm, pm + d, desc);
        pn = med3(a, pn - 2 * d, pn - d, pn, desc);
      }
      pm = med3(a, pl, pm, pn, desc);
    }
    swap(a, base, pm);
    let pa = base + 1, pb = pa;
    let pc = base + n - 1, pd = pc;
    for (;;) {
      let r: number;
      while (pb <= pc && (r = cmpDist(a[pb], a[base], desc)) <= 0) {
        if (r === 0) {
          swap(a, pa, pb);
          pa++;
        }
        pb++;
      }
      while (pb <= pc && (r = cmpDist(a[pc], a[base], desc)) >= 0) {
        if (r === 0) {
          swap(a, pc, pd);
          pd--;
        }
        pc--;
      }
      if (pb > pc) break;
      swap(a, pb, pc);
      pb++;
      pc--;
    }
    const pn = base + n;
    let r = Math.min(pa - base, pb - pa);
    vecswap(a, base, pb - r, r);
    r = Math.min(pd - pc, pn - pd - 1);
    vecswap(a, pb, pn - r, r);
    r = pb - pa;
    if (r > 1) {
      const l = base, h = base + r - 1;
      if (!((lr < l && rr < l) || (lr > h && rr > h))) pqsortRange(a, base, r, lr, rr, desc);
    }
    r = pd - pc;
    if (r <= 1) return;
    base = pn - r;
    n = r;
    const l = base, h = base + r - 1;
    if ((lr < l && rr < l) || (lr > h && rr > h)) return;
  }
}

/** Order a so that its first `k` entries are the k nearest (farthest if desc), sorted (Redis's pqsort). */
export function sortFirst(a: GeoPoint[], k: number, desc: boolean): void {
  pqsortRange(a, 0, a.length, 0, k - 1, desc);
}
