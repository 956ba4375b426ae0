/* ==========================================================================
 * DEBUG DIGEST / DIGEST-VALUE: Redis 7.0's dataset signatures, bit for bit.
 *
 * Two SHA1-based combinators (debug.c):
 *   xor(d, data):  d ^= SHA1(data)            — order-free ("adds" elements)
 *   mix(d, data):  d = SHA1(d ^ SHA1(data))   — order-sensitive
 * A value's digest starts from the type id (mixed as a big-endian uint32),
 * then: string -> mix(text); list -> mix(each element in order);
 * set -> xor(each member); zset -> xor over members of
 * mix(mix(0, member), "%.17g" score); hash -> xor over fields of
 * mix(mix(0, field), value); a key with a TTL also xors "!!expire!!".
 * DEBUG DIGEST: for each non-empty database, mix(final, big-endian db id),
 * then per key final = xor(final, key digest), the key digest being
 * mix(0, key) followed by the value digest (so key order within a
 * database does not matter). Integers are their decimal
 * text, as Redis's decoded objects; Respite already stores that text.
 * Keys are read without expiry or LRU side effects (dictFind), as Redis.
 * ========================================================================== */

import { createHash } from 'node:crypto';
import type { Client } from '../server/client';
import type { Db } from '../store/db';
import { RawString, typeOf, strValue, type Value } from '../store/values';
import { HashValue } from '../store/hash';
import { SetValue } from '../store/set';
import { ListValue } from '../store/list';
import { ZSet } from '../store/zset';
import { formatDouble } from '../protocol/numbers';

type Digest = Buffer;

function sha1(data: Buffer | string): Buffer {
  return createHash('sha1').update(typeof data === 'string' ? Buffer.from(data, 'latin1') : data).digest();
}

/** d ^= SHA1(data). */
function xorDigest(d: Digest, data: Buffer | string): void {
  const h = sha1(data);
  for (let i = 0; i < 20; i++) d[i] ^= h[i];
}

/** d = SHA1(d ^ SHA1(data)). */
function mixDigest(d: Digest, data: Buffer | string): void {
  xorDigest(d, data);
  sha1(d).copy(d);
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** Element digest of a (first, second) pair: mix(mix(0, a), b). */
function pairDigest(a: string, b: string): Buffer {
  const e = Buffer.alloc(20);
  mixDigest(e, a);
  mixDigest(e, b);
  return e;
}

/** Redis's xorObjectDigest: the value digest of `key` (type, content, TTL marker) into `d`. */
function valueDigest(db: Db, key: string, v: Value, d: Digest): void {
  mixDigest(d, u32be(typeOf(v)));
  if (typeof v === 'string' || v instanceof RawString) {
    mixDigest(d, strValue(v));
  } else if (v instanceof ListValue) {
    for (let k = 0; k < v.nn; k++) {
      const nd = v.node(k);
      for (let i = 0; i < nd.n; i++) mixDigest(d, nd.a[nd.lo + i]);
    }
  } else if (v instanceof SetValue) {
    for (const m of v.members()) xorDigest(d, m);
  } else if (v instanceof ZSet) {
    v.forEachInOrder((member, score) => {
      xorDigest(d, pairDigest(member, formatDouble(score)));
    });
  } else if (v instanceof HashValue) {
    const fields: string[] = [], values: string[] = [];
    v.pairs(fields, values);
    for (let i = 0; i < fields.length; i++) xorDigest(d, pairDigest(fields[i], values[i]));
  }
  if (db.getExpire(key) !== -1) xorDigest(d, '!!expire!!');
}

function hex(d: Digest): string {
  return d.toString('hex');
}

/** DEBUG DIGEST: the whole dataset's signature (40 zeros when empty). */
export function debugDigest(c: Client): void {
  const final = Buffer.alloc(20);
  for (const db of c.server.dbs) {
    if (db.dict.size === 0) continue;
    mixDigest(final, u32be(db.id));
    const d = db.dict;
    for (let i = 0; i < d.slots; i++) {
      const key = d.keyAt(i);
      if (key === null) continue;
      const kd = Buffer.alloc(20);
      mixDigest(kd, key);
      valueDigest(db, key, d.valAt(i), kd);
      xorDigest(final, kd);
    }
  }
  c.w.simple(hex(final));
}

/** DEBUG DIGEST-VALUE key...: one value signature per key (40 zeros for a missing key). */
export function debugDigestValue(c: Client, argv: string[]): void {
  c.w.arrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const d = Buffer.alloc(20);
    const v = c.db.peek(argv[j]);
    if (v !== undefined) valueDigest(c.db, argv[j], v, d);
    c.w.simple(hex(d));
  }
}
