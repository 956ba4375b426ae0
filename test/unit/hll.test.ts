/* Unit tests of the HyperLogLog core (src/store/hll.ts): MurmurHash64A against a straightforward
 * BigInt reference, the dense register packing, sparse opcode editing (splits, merges, promotion),
 * sparse -> dense conversion, and corrupted sparse bodies. */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { rng } from '../helpers/servers';
import { RawString } from '../../src/store/values';
import {
  HLL_DENSE, HLL_DENSE_SIZE, HLL_HDR_SIZE, HLL_REGISTERS, HLL_SPARSE, createHll, denseGet, denseSet, hllAdd,
  hllCount, hllMerge, isValidHll, murmur64aBig, sparseDecode, sparseSet, sparseToDense,
} from '../../src/store/hll';

const MASK = (1n << 64n) - 1n;
const M = 0xc6a4a7935bd1e995n;

/** MurmurHash64A written directly from its definition with 64-bit BigInt arithmetic. */
function murmurRef(s: string, seed: bigint): bigint {
  const len = s.length;
  let h = (seed ^ (BigInt(len) * M)) & MASK;
  const nblocks = len - (len & 7);
  for (let i = 0; i < nblocks; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(s.charCodeAt(i + j));
    k = (k * M) & MASK;
    k ^= k >> 47n;
    k = (k * M) & MASK;
    h ^= k;
    h = (h * M) & MASK;
  }
  const rem = len & 7;
  if (rem) {
    for (let j = rem - 1; j >= 0; j--) h ^= BigInt(s.charCodeAt(nblocks + j)) << BigInt(8 * j);
    h = (h * M) & MASK;
  }
  h ^= h >> 47n;
  h = (h * M) & MASK;
  h ^= h >> 47n;
  return h;
}

test('MurmurHash64A matches the 64-bit reference for every length and random bytes', () => {
  const rand = rng(1);
  assert.equal(murmur64aBig('', 0), 0n);
  for (let n = 0; n < 3000; n++) {
    const len = n < 64 ? n : Math.floor(rand() * 200);
    let s = '';
    for (let i = 0; i < len; i++) s += String.fromCharCode(Math.floor(rand() * 256));
    for (const seed of [0, 0xadc83b19, 0xffffffff]) {
      assert.equal(murmur64aBig(s, seed), murmurRef(s, BigInt(seed)), `len ${len} seed ${seed}`);
    }
  }
  assert.equal(murmur64aBig('\xff'.repeat(8), 0xadc83b19), murmurRef('\xff'.repeat(8), 0xadc83b19n));
});

/** A sparse value from opcode bytes. */
function sparse(ops: number[]): RawString {
  const b = Buffer.alloc(HLL_HDR_SIZE + ops.length);
  b.latin1Write('HYLL', 0);
  b[4] = HLL_SPARSE;
  Buffer.from(ops).copy(b, HLL_HDR_SIZE);
  return new RawString(b, b.length);
}

/** Registers of any valid HLL value, via a dense copy. */
function registers(o: RawString): number[] {
  const copy = new RawString(Buffer.from(o.buf.subarray(0, o.len)), o.len);
  assert.ok(sparseToDense(copy));
  const out: number[] = [];
  for (let i = 0; i < HLL_REGISTERS; i++) out.push(denseGet(copy.buf, HLL_HDR_SIZE, i));
  return out;
}

test('dense registers: packing round trip and raise-only semantics', () => {
  const b = Buffer.alloc(HLL_DENSE_SIZE);
  const ref = new Array(HLL_REGISTERS).fill(0);
  const rand = rng(2);
  for (let n = 0; n < 50000; n++) {
    const i = Math.floor(rand() * HLL_REGISTERS);
    const v = Math.floor(rand() * 64);
    assert.equal(denseSet(b, i, v), v > ref[i] ? 1 : 0);
    if (v > ref[i]) ref[i] = v;
  }
  for (let i = 0; i < HLL_REGISTERS; i++) assert.equal(denseGet(b, HLL_HDR_SIZE, i), ref[i]);
  assert.equal(denseSet(b, HLL_REGISTERS - 1, 63) + denseSet(b, HLL_REGISTERS - 1, 63), ref[HLL_REGISTERS - 1] < 63 ? 1 : 0);
  assert.equal(denseGet(b, HLL_HDR_SIZE, HLL_REGISTERS - 1), 63);
});

test('sparse set: splits XZERO / ZERO / VAL runs and merges equal neighbours', () => {
  const o = createHll();
  assert.equal(sparseDecode(o.buf, o.len), 'Z:16384');
  assert.equal(sparseSet(o, 1000, 2, 3000), 1);
  assert.equal(sparseDecode(o.buf, o.len), 'Z:1000 v:2,1 Z:15383');
  assert.equal(sparseSet(o, 1000, 2, 3000), 0);
  assert.equal(sparseSet(o, 1000, 1, 3000), 0);
  assert.equal(sparseSet(o, 1001, 2, 3000), 1);
  assert.equal(sparseDecode(o.buf, o.len), 'Z:1000 v:2,2 Z:15382');
  assert.equal(sparseSet(o, 1003, 2, 3000), 1);
  assert.equal(sparseDecode(o.buf, o.len), 'Z:1000 v:2,2 z:1 v:2,1 Z:15380');
  assert.equal(sparseSet(o, 1002, 2, 3000), 1); // ZERO:1 replaced, then three VALs merge into one of 4
  assert.equal(sparseDecode(o.buf, o.len), 'Z:1000 v:2,4 Z:15380');
  assert.equal(sparseSet(o, 1001, 5, 3000), 1); // VAL split in three
  assert.equal(sparseDecode(o.buf, o.len), 'Z:1000 v:2,1 v:5,1 v:2,2 Z:15380');
  assert.equal(sparseSet(o, 0, 3, 3000), 1);
  assert.equal(sparseSet(o, HLL_REGISTERS - 1, 3, 3000), 1);
  assert.equal(sparseDecode(o.buf, o.len), 'v:3,1 Z:999 v:2,1 v:5,1 v:2,2 Z:15379 v:3,1');
  assert.equal(o.buf[15] & 0x80, 0x80); // cache invalidated
  const regs = registers(o);
  assert.deepEqual([regs[0], regs[1000], regs[1001], regs[1002], regs[1003], regs[1004], regs[16383]], [3, 2, 5, 2, 2, 0, 3]);
});

test('sparse set: promotion on a value > 32 and past hll-sparse-max-bytes', () => {
  const o = createHll();
  sparseSet(o, 5, 7, 3000);
  assert.equal(sparseSet(o, 9, 33, 3000), 1);
  assert.equal(o.buf[4], HLL_DENSE);
  assert.equal(o.len, HLL_DENSE_SIZE);
  assert.equal(denseGet(o.buf, HLL_HDR_SIZE, 5), 7);
  assert.equal(denseGet(o.buf, HLL_HDR_SIZE, 9), 33);
  const p = createHll();
  assert.equal(sparseSet(p, 100, 1, 20), 1); // 18 -> 21 bytes would pass 20: promoted
  assert.equal(p.buf[4], HLL_DENSE);
  const q = createHll();
  assert.equal(sparseSet(q, 100, 1, 21), 1);
  assert.equal(q.buf[4], HLL_SPARSE);
  assert.equal(q.len, 21);
});

test('sparse and dense give the same registers and estimates for the same stream', () => {
  const s = createHll();
  const d = createHll();
  assert.ok(sparseToDense(d));
  const rand = rng(3);
  for (let n = 1; n <= 20000; n++) {
    const e = 'e' + Math.floor(rand() * 1e9);
    const a = hllAdd(s, e, 1 << 30); // never promoted by size
    const b = hllAdd(d, e, 3000);
    if (s.buf[4] === HLL_SPARSE) assert.equal(a, b);
    if (n % 2000 === 0) assert.equal(hllCount(s.buf, s.len), hllCount(d.buf, d.len));
  }
  assert.deepEqual(registers(s), registers(d));
  const max = new Uint8Array(HLL_REGISTERS);
  assert.ok(hllMerge(max, s.buf, s.len));
  assert.deepEqual(Array.from(max), registers(d));
});

test('corrupted sparse bodies are rejected everywhere, never looping', () => {
  const bad = [
    sparse([]),
    sparse([0x7f]),
    sparse([0x7f, 0xfe]),
    sparse([0x7f, 0xff, 0x80]),
    sparse([0x7f, 0xff, 0x00]),
    sparse([0x7f, 0xfc, 0xff]),
  ];
  for (const o of bad) {
    assert.equal(hllCount(o.buf, o.len), null);
    assert.equal(hllMerge(new Uint8Array(HLL_REGISTERS), o.buf, o.len), false);
    const copy = new RawString(Buffer.from(o.buf), o.len);
    assert.equal(sparseToDense(copy), false);
    assert.equal(copy.buf[4], HLL_SPARSE);
  }
  // Beyond the covered registers, a set reports corruption.
  assert.equal(sparseSet(sparse([0x7f, 0xfe]), 16383, 1, 3000), -1);
  assert.equal(sparseSet(sparse([]), 0, 1, 3000), -1);
  // A half XZERO at the end reads its second byte as 0: XZERO:16383 + XZERO:1 is valid.
  const ok = sparse([0x7f, 0xfe, 0x40]);
  assert.equal(hllCount(ok.buf, ok.len), 0);
  assert.equal(sparseDecode(ok.buf, ok.len), 'Z:16383 Z:1');
  // Setting that last register: Redis replaces the 2-byte opcode by a 1-byte VAL written at the
  // half opcode's place, which is past the shortened end, so the value loses it (checked on 7.0.15).
  assert.equal(sparseSet(ok, 16383, 4, 3000), 1);
  assert.equal(sparseDecode(ok.buf, ok.len), 'Z:16383');
  assert.equal(ok.len, HLL_HDR_SIZE + 2);
});

test('header validation', () => {
  const e = createHll();
  assert.ok(isValidHll(e.buf, e.len));
  assert.ok(!isValidHll('HYLL', 4));
  assert.ok(!isValidHll('HYLL\x02' + '\0'.repeat(11), 16));
  assert.ok(!isValidHll('HYLL\x00' + '\0'.repeat(11), 16));
  assert.ok(isValidHll('HYLL\x00' + '\0'.repeat(11 + 12288), 16 + 12288));
  assert.ok(!isValidHll('HYLX\x01' + '\0'.repeat(11), 16));
});
