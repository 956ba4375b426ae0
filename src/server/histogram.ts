/* ==========================================================================
 * Per-command latency histogram (INFO latencystats).
 *
 * Redis keeps one HDR histogram per command (hdr_histogram with lowest
 * value 1 ns, highest 1 s, 2 significant figures) and prints percentiles
 * from it. We use the same bucket layout, so the reported percentile values
 * land on the same bucket boundaries Redis reports (e.g. a single 11 us call
 * reads back as p50=11.007):
 *
 *   - values (nanoseconds) are clamped to [1, 1e9];
 *   - 256 linear sub-buckets per power-of-two bucket (the first bucket has
 *     unit resolution up to 255), 23 buckets; only the upper half of each
 *     bucket after the first is stored, so the counts array has
 *     (23 + 1) * 128 = 3072 entries;
 *   - a percentile is the highest value equivalent to the bucket holding
 *     the requested rank (the lowest one for percentile 0).
 *
 * Recording is O(1) (one clz and a shift); the array is allocated on the
 * first record of a command, so commands never called cost nothing.
 * ========================================================================== */

/** Values are recorded in nanoseconds and clamped into this range. */
export const HIST_MIN = 1;
export const HIST_MAX = 1_000_000_000;

const SUB_BUCKET_COUNT = 256;
const SUB_BUCKET_HALF_MAG = 7;
const SUB_BUCKET_HALF = 128;
const SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
const BUCKET_COUNT = 23;
const COUNTS_LEN = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF;

/** Power-of-two bucket of a value (values < 2^32). */
function bucketOf(v: number): number {
  return 32 - Math.clz32(v | SUB_BUCKET_MASK) - (SUB_BUCKET_HALF_MAG + 1);
}

/** Counts-array index of a value. */
function indexOf(v: number): number {
  const b = bucketOf(v);
  const sub = v >>> b;
  return ((b + 1) << SUB_BUCKET_HALF_MAG) + (sub - SUB_BUCKET_HALF);
}

/** Smallest value stored at counts index `i`. */
function valueAt(i: number): number {
  let b = (i >> SUB_BUCKET_HALF_MAG) - 1;
  let sub = (i & (SUB_BUCKET_HALF - 1)) + SUB_BUCKET_HALF;
  if (b < 0) {
    sub -= SUB_BUCKET_HALF;
    b = 0;
  }
  return sub * 2 ** b;
}

/** Lowest value equivalent to `v` (start of its sub-bucket). */
function lowestEquivalent(v: number): number {
  const b = bucketOf(v);
  return (v >>> b) * 2 ** b;
}

/** Highest value equivalent to `v` (end of its sub-bucket). */
function highestEquivalent(v: number): number {
  const b = bucketOf(v);
  const sub = v >>> b;
  const size = 2 ** (sub >= SUB_BUCKET_COUNT ? b + 1 : b);
  return lowestEquivalent(v) + size - 1;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(COUNTS_LEN);
  total = 0;

  /** Record one duration in nanoseconds. */
  record(ns: number): void {
    let v = Math.round(ns);
    if (!(v >= HIST_MIN)) v = HIST_MIN;
    else if (v > HIST_MAX) v = HIST_MAX;
    this.counts[indexOf(v)]++;
    this.total++;
  }

  /** Value (ns) at a percentile in [0, 100], as hdr_value_at_percentile computes it. */
  valueAtPercentile(p: number): number {
    const want = p < 100 ? p : 100;
    let rank = Math.floor((want / 100) * this.total + 0.5);
    if (rank < 1) rank = 1;
    let seen = 0;
    let v = 0;
    for (let i = 0; i < COUNTS_LEN; i++) {
      seen += this.counts[i];
      if (seen >= rank) {
        v = valueAt(i);
        break;
      }
    }
    return p === 0 ? lowestEquivalent(v) : highestEquivalent(v);
  }

  /**
   * The cumulative distribution LATENCY HISTOGRAM reports: hdr_histogram's
   * logarithmic iteration (first level 1024 ns, base 2). Each step stops at
   * the first bucket reaching the next power-of-two level and reports that
   * bucket's highest equivalent value in whole microseconds with the count
   * of all values up to it; steps that add no count are skipped, as Redis
   * does. Appends (usec, cumulative count) pairs to `out`.
   */
  cdf(out: number[]): void {
    const counts = this.counts;
    let idx = -1, cum = 0, value = 0, highest = 0, prev = 0;
    let level = 1024;
    let levelLow = lowestEquivalent(level);
    for (;;) {
      // Continue while counts remain, or the next bucket lies past the level.
      if (!(cum < this.total || (idx + 1 < COUNTS_LEN && valueAt(idx + 1) > levelLow))) break;
      for (;;) {
        if (value >= levelLow) {
          level *= 2;
          levelLow = lowestEquivalent(level);
          break;
        }
        if (++idx >= COUNTS_LEN) break; // out of buckets: report where we stand
        cum += counts[idx];
        value = valueAt(idx);
        highest = value + 2 ** bucketOf(value) - 1;
      }
      if (cum > prev) out.push(Math.floor(highest / 1000), cum);
      prev = cum;
      if (idx >= COUNTS_LEN) break;
    }
  }
}
