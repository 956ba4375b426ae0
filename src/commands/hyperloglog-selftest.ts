/* ==========================================================================
 * PFSELFTEST: internal consistency checks of the HyperLogLog code
 * (store/hll.ts), run on demand. Replies +OK, or a TESTFAILED error naming
 * the first check that failed. Our own checks (same spirit as Redis's):
 *   1. dense register packing: random 6-bit values written to every
 *      register read back exactly, and raising one register never disturbs
 *      its neighbours;
 *   2. sparse vs dense: the same stream of elements added to a sparse HLL
 *      (which promotes itself at hll-sparse-max-bytes) and to a dense one
 *      gives identical registers and estimates at every checkpoint, and the
 *      estimate stays within 6 standard errors of the true cardinality.
 * Deterministic (fixed seeds) and bounded (~100k additions, a few tens of ms).
 * ========================================================================== */

import type { Client } from '../server/client';
import { RawString } from '../store/values';
import {
  HLL_DENSE, HLL_DENSE_SIZE, HLL_HDR_SIZE, HLL_REGISTERS, createHll, denseGet, denseSet, hllAdd, hllCount,
  sparseToDense,
} from '../store/hll';

/** xorshift32 step (deterministic pseudo-random values for the checks). */
function next32(x: number): number {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

/** Check 1: dense register packing. Returns an error text or null. */
function registerCheck(): string | null {
  const b = Buffer.alloc(HLL_DENSE_SIZE);
  const ref = new Uint8Array(HLL_REGISTERS);
  let r = 0x9e3779b9;
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      r = next32(r);
      const val = r & 63;
      if (denseSet(b, i, val) !== (val > ref[i] ? 1 : 0)) return `Register error at ${i}: wrong change flag`;
      if (val > ref[i]) ref[i] = val;
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      if (denseGet(b, HLL_HDR_SIZE, i) !== ref[i]) return `Register error at ${i}`;
    }
  }
  return null;
}

/** An 8-byte element string for the number j (little endian, fixed high word). */
function element(j: number): string {
  return String.fromCharCode(j & 255, (j >>> 8) & 255, (j >>> 16) & 255, j >>> 24, 0x5a, 0xa5, 0x3c, 0xc3);
}

/** Check 2: sparse vs dense consistency and approximation error. Returns an error text or null. */
function approximationCheck(maxBytes: number): string | null {
  const sparse = createHll();
  const dense = createHll();
  sparseToDense(dense);
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  let checkpoint = 1;
  for (let j = 1; j <= 100000; j++) {
    const ele = element(j);
    if (hllAdd(sparse, ele, maxBytes) < 0) return `Sparse representation corrupted after ${j} additions`;
    hllAdd(dense, ele, maxBytes);
    if (j !== checkpoint) continue;
    checkpoint *= 10;
    const a = hllCount(sparse.buf, sparse.len);
    const b = hllCount(dense.buf, dense.len);
    if (a === null || b === null || a !== b) return `Sparse and dense estimates differ at cardinality ${j}`;
    const copy = new RawString(Buffer.from(sparse.buf.subarray(0, sparse.len)), sparse.len);
    if (copy.buf[4] !== HLL_DENSE && !sparseToDense(copy)) return `Sparse to dense conversion failed at ${j}`;
    if (!copy.buf.subarray(HLL_HDR_SIZE, HLL_DENSE_SIZE).equals(dense.buf.subarray(HLL_HDR_SIZE, HLL_DENSE_SIZE))) {
      return `Sparse and dense registers differ at cardinality ${j}`;
    }
    const maxerr = Math.max(1, relerr * 6 * j);
    if (Math.abs(Number(b) - j) > maxerr) return `Approximation error ${Number(b) - j} at cardinality ${j}`;
  }
  return null;
}

/** PFSELFTEST -> +OK, or -TESTFAILED <what> */
export function pfselftestCommand(c: Client, _argv: string[]): void {
  const err = registerCheck() ?? approximationCheck(c.server.config.hllSparseMaxBytes);
  if (err !== null) c.error('TESTFAILED ' + err);
  else c.w.ok();
}
