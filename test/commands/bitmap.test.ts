/* Bitmap family command tests over a real socket: replies, stored representation, side effects
 * (dirty counter, keyspace events, modified-key signals, hit/miss stats), both value
 * representations and unaligned buffers, and large bitmaps. Expected side effects were
 * observed on real Redis 7.0.15. */

import { test, before, after, beforeEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, RawClient } from '../helpers/servers';
import type { RunningServer } from '../../src/index';
import { RawString, RObj, ObjType } from '../../src/store/values';

let srv: RunningServer;
let cl: RawClient;
const events: string[] = [];
const modified: string[] = [];

class FakeHash extends RObj {
  readonly type = ObjType.HASH;
  encoding(): string { return 'listpack'; }
  dup(): RObj { return new FakeHash(); }
}

before(async () => {
  srv = await startRespite();
  cl = await RawClient.connect(srv.port);
  srv.server.keyHooks.event.push((_cls, ev, key) => { events.push(`${ev}:${key}`); });
  srv.server.keyHooks.modified.push((_db, key) => { modified.push(key); });
});

after(async () => {
  cl.close();
  await srv.close();
});

beforeEach(() => {
  srv.server.dbs[0].clear();
  events.length = 0;
  modified.length = 0;
});

const db = () => srv.server.dbs[0];
const dirty = () => srv.server.dirty;

test('SETBIT returns the old bit, grows with zeros and stores a raw string', async () => {
  assert.equal(await cl.call('SETBIT', 'k', 9, 1), 0);
  assert.equal(await cl.call('GET', 'k'), '\x00\x40');
  assert.ok(db().peek('k') instanceof RawString);
  assert.equal(await cl.call('SETBIT', 'k', 9, 0), 1);
  assert.equal(await cl.call('SETBIT', 'k', 23, 1), 0);
  assert.equal(await cl.call('GET', 'k'), '\x00\x00\x01');
  assert.equal(await cl.call('GETBIT', 'k', 23), 1);
  assert.equal(await cl.call('GETBIT', 'k', 24), 0);
  // A plain string value is converted in place, keeping its TTL.
  await cl.call('SET', 's', 'A', 'EX', 100);
  assert.equal(await cl.call('SETBIT', 's', 6, 1), 0);
  assert.equal(await cl.call('GET', 's'), 'C');
  assert.ok(db().peek('s') instanceof RawString);
  assert.ok((await cl.call('TTL', 's')) as number > 0);
});

test('SETBIT signals only real changes (dirty, event "setbit", modified key)', async () => {
  let d = dirty();
  await cl.call('SETBIT', 'k', 3, 1);
  assert.equal(dirty(), d + 1);
  assert.deepEqual(events, ['setbit:k']);
  d = dirty();
  await cl.call('SETBIT', 'k', 3, 1); // same value: no change
  await cl.call('SETBIT', 'k', 2, 0);
  assert.equal(dirty(), d);
  assert.deepEqual(events, ['setbit:k']);
  await cl.call('SETBIT', 'k', 100, 0); // growth alone is a change
  assert.equal(dirty(), d + 1);
  assert.deepEqual(events, ['setbit:k', 'setbit:k']);
  assert.deepEqual(modified, ['k', 'k']);
});

test('bit commands count keyspace hits/misses like Redis (writes do not)', async () => {
  const st = srv.server.stats;
  const h0 = st.keyspaceHits, m0 = st.keyspaceMisses;
  await cl.call('SETBIT', 'k', 1, 1);
  await cl.call('BITFIELD', 'k', 'SET', 'u8', 0, 1, 'GET', 'u8', 0);
  assert.equal(st.keyspaceHits - h0, 0);
  assert.equal(st.keyspaceMisses - m0, 0);
  await cl.call('GETBIT', 'k', 1);
  await cl.call('BITFIELD', 'k', 'GET', 'u8', 0);
  await cl.call('BITOP', 'AND', 'd', 'k', 'nosuch');
  await cl.call('BITCOUNT', 'nosuch');
  await cl.call('BITPOS', 'k', 1);
  assert.equal(st.keyspaceHits - h0, 4);
  assert.equal(st.keyspaceMisses - m0, 2);
});

test('BITFIELD counts one dirty unit per changed field and emits one "setbit"', async () => {
  let d = dirty();
  assert.deepEqual(await cl.call('BITFIELD', 'k', 'SET', 'u8', 0, 5, 'SET', 'u8', 0, 5, 'SET', 'u8', 8, 1), [0, 5, 0]);
  assert.equal(dirty(), d + 3); // grew: every written field counts
  assert.deepEqual(events, ['setbit:k']);
  d = dirty();
  await cl.call('BITFIELD', 'k', 'SET', 'u8', 0, 5, 'INCRBY', 'u8', 8, 0, 'GET', 'u8', 0);
  assert.equal(dirty(), d);
  assert.deepEqual(events, ['setbit:k']);
  await cl.call('BITFIELD', 'k', 'SET', 'u8', 0, 6, 'SET', 'u8', 0, 6, 'INCRBY', 'u4', 0, 1);
  assert.equal(dirty(), d + 2);
  assert.deepEqual(events, ['setbit:k', 'setbit:k']);
});

test('BITFIELD OVERFLOW FAIL on a missing key creates it without signalling', async () => {
  const d = dirty();
  assert.deepEqual(await cl.call('BITFIELD', 'n', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', 0, 1000), [null]);
  assert.equal(await cl.call('GET', 'n'), '\x00');
  assert.equal(dirty(), d);
  assert.deepEqual(events, []);
  // RESP3 null for a refused operation.
  await cl.call('HELLO', '3');
  assert.equal(await cl.raw('BITFIELD', 'n', 'OVERFLOW', 'FAIL', 'INCRBY', 'i8', 0, 128), '*1\r\n_\r\n');
  await cl.call('HELLO', '2');
});

test('BITFIELD 64-bit values are exact', async () => {
  assert.deepEqual(await cl.call('BITFIELD', 'k', 'SET', 'i64', 0, '9223372036854775807', 'GET', 'i64', 0,
    'INCRBY', 'i64', 0, 1, 'GET', 'u63', 1),
  [0, 9223372036854775807n, -9223372036854775808n, 0]);
  assert.deepEqual(await cl.call('BITFIELD', 'k', 'SET', 'u63', 1, '9007199254740993', 'GET', 'u63', 1,
    'INCRBY', 'u63', 1, '-9007199254740992', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', 0, '-9223372036854775808'),
  [0, 9007199254740993n, 1, -9223372036854775808n]);
  assert.deepEqual(await cl.call('BITFIELD', 'k', 'OVERFLOW', 'WRAP', 'SET', 'i64', 0, '-1', 'INCRBY', 'i64', 0,
    '-9223372036854775808', 'INCRBY', 'u2', 0, 1, 'INCRBY', 'i3', 0, -5),
  [-9223372036854775808n, 9223372036854775807n, 2, 0]);
  assert.deepEqual(await cl.call('BITFIELD', 'k', 'OVERFLOW', 'SAT', 'SET', 'u8', 100, -5, 'SET', 'i8', 108, -500,
    'SET', 'i8', 116, 500, 'INCRBY', 'u8', 100, -1000, 'GET', 'u8', 108, 'GET', 'i8', 116),
  [0, 0, 0, 0, 128, 127]);
});

test('BITFIELD_RO refuses writes only after parsing everything', async () => {
  assert.deepEqual(await cl.call('BITFIELD_RO', 'k', 'SET', 'u8', 0, 1),
    { error: 'ERR BITFIELD_RO only supports the GET subcommand' });
  assert.deepEqual(await cl.call('BITFIELD_RO', 'k', 'SET', 'u8', 0, 'x'),
    { error: 'ERR value is not an integer or out of range' });
  assert.deepEqual(await cl.call('BITFIELD_RO', 'k', 'GET', 'u64', 0), {
    error: 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
  });
  assert.deepEqual(await cl.call('BITFIELD_RO', 'k', 'GET', 'u8', 0, 'GET', 'i4', '#1'), [0, 0]);
  assert.equal(db().size, 0);
});

test('WRONGTYPE from every command, and the key is left intact', async () => {
  const h = new FakeHash();
  db().set('h', h);
  const wt = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
  for (const cmd of [['SETBIT', 'h', 1, 1], ['GETBIT', 'h', 1], ['BITCOUNT', 'h'], ['BITPOS', 'h', 0],
    ['BITOP', 'OR', 'd', 'h'], ['BITFIELD', 'h', 'GET', 'u8', 0], ['BITFIELD', 'h', 'INCRBY', 'u8', 0, 1],
    ['BITFIELD_RO', 'h', 'GET', 'u8', 0]]) {
    assert.deepEqual(await cl.call(...cmd), wt, String(cmd));
  }
  assert.equal(db().peek('h'), h);
  assert.equal(db().exists('d'), false);
});

test('BITOP stores a raw string, drops the TTL, deletes the destination on an empty result', async () => {
  await cl.call('SET', 'a', 'foo');
  await cl.call('SET', 'd', 'x', 'EX', 100);
  events.length = 0;
  let d = dirty();
  assert.equal(await cl.call('BITOP', 'OR', 'd', 'a', 'nosuch'), 3);
  assert.equal(dirty(), d + 1);
  assert.ok(db().peek('d') instanceof RawString);
  assert.equal(await cl.call('TTL', 'd'), -1);
  assert.equal(await cl.call('GET', 'd'), 'foo');
  d = dirty();
  assert.equal(await cl.call('BITOP', 'AND', 'd', 'nosuch'), 0);
  assert.equal(db().exists('d'), false);
  assert.equal(await cl.call('BITOP', 'AND', 'd', 'nosuch'), 0); // nothing to delete: no signal
  assert.equal(dirty(), d + 1);
  assert.deepEqual(events.filter((e) => e.endsWith(':d')), ['set:d', 'del:d']);
  assert.deepEqual(await cl.call('BITOP', 'NOT', 'd', 'a', 'a'),
    { error: 'ERR BITOP NOT must be called with a single source key.' });
  assert.deepEqual(await cl.call('BITOP', 'NAND', 'd', 'a'), { error: 'ERR syntax error' });
});

/** Deterministic pseudo-random bytes. */
function bytes(n: number, seed: number, density = 0.5): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = (x >>> 16) / 65536 < density ? (x >>> 8) & 0xff : 0;
  }
  return b;
}

test('string and raw (aligned or not) representations answer identically', async () => {
  for (const [n, density] of [[0, 0], [1, 1], [7, 0.5], [64, 0.1], [333, 0.02], [1000, 0.9]] as const) {
    const data = bytes(n, n + 7, density);
    await cl.call('SET', 'str', data);
    // Same bytes as a RawString whose buffer starts at an odd offset of its ArrayBuffer.
    const backing = Buffer.alloc(n + 3);
    data.copy(backing, 1);
    db().set('raw', new RawString(backing.subarray(1), n));
    db().set('raw2', new RawString(Buffer.from(data), n));
    const queries: (string | number)[][] = [['BITCOUNT'], ['BITPOS', 0], ['BITPOS', 1]];
    for (let s = -n - 2; s <= n + 2; s += Math.max(1, n >> 3)) {
      for (let e = -n - 2; e <= n + 2; e += Math.max(1, n >> 2)) {
        queries.push(['BITCOUNT', s, e], ['BITCOUNT', s * 3, e * 5, 'BIT'], ['BITPOS', 1, s, e], ['BITPOS', 0, s, e],
          ['BITPOS', 0, s * 7, e * 8 + 3, 'BIT'], ['BITPOS', 1, s * 8, e * 9, 'BIT'], ['BITPOS', 0, s]);
      }
    }
    for (const q of queries) {
      const [cmd, ...rest] = q;
      const want = await cl.raw(String(cmd), 'str', ...rest);
      assert.equal(await cl.raw(String(cmd), 'raw', ...rest), want, `${q} n=${n}`);
      assert.equal(await cl.raw(String(cmd), 'raw2', ...rest), want, `${q} n=${n}`);
    }
    for (const op of ['AND', 'OR', 'XOR']) {
      await cl.call('BITOP', op, 'r1', 'str', 'raw', 'raw2');
      await cl.call('BITOP', op, 'r2', 'raw', 'str', 'raw2');
      assert.equal(await cl.raw('GET', 'r1'), await cl.raw('GET', 'r2'));
    }
    await cl.call('BITOP', 'NOT', 'r1', 'raw');
    await cl.call('BITOP', 'NOT', 'r2', 'str');
    assert.equal(await cl.raw('GET', 'r1'), await cl.raw('GET', 'r2'));
    assert.equal(await cl.call('GET', 'r1'), n === 0 ? null : Buffer.from(data.map((x) => ~x & 0xff)).toString('latin1'));
  }
});

test('BITCOUNT / BITPOS / BITOP agree with a bit-by-bit model on medium values', async () => {
  const a = bytes(10007, 1, 0.3), b = bytes(9001, 2, 0.7);
  await cl.call('SET', 'a', a);
  await cl.call('SET', 'b', b);
  let pop = 0;
  for (const x of a) for (let i = 0; i < 8; i++) pop += (x >> i) & 1;
  assert.equal(await cl.call('BITCOUNT', 'a'), pop);
  await cl.call('BITOP', 'XOR', 'x', 'a', 'b');
  const x = Buffer.alloc(10007);
  for (let i = 0; i < 10007; i++) x[i] = a[i] ^ (i < b.length ? b[i] : 0);
  assert.equal(await cl.call('GET', 'x'), x.toString('latin1'));
  await cl.call('BITOP', 'AND', 'y', 'a', 'b');
  const y = Buffer.alloc(10007);
  for (let i = 0; i < b.length; i++) y[i] = a[i] & b[i];
  assert.equal(await cl.call('GET', 'y'), y.toString('latin1'));
  // Long runs: first set bit after 5000 zero bytes, first clear bit after 5000 0xff bytes.
  await cl.call('SET', 'z', Buffer.concat([Buffer.alloc(5000), Buffer.from([0x04])]));
  assert.equal(await cl.call('BITPOS', 'z', 1), 5000 * 8 + 5);
  await cl.call('SET', 'o', Buffer.concat([Buffer.alloc(5000, 0xff), Buffer.from([0xfd])]));
  assert.equal(await cl.call('BITPOS', 'o', 0), 5000 * 8 + 6);
  await cl.call('SET', 'o', Buffer.alloc(5001, 0xff));
  assert.equal(await cl.call('BITPOS', 'o', 0), 5001 * 8);
  assert.equal(await cl.call('BITPOS', 'o', 0, 0, -1), -1);
});

test('a 512 MB bitmap: highest offset, counting and searching it', async () => {
  assert.equal(await cl.call('SETBIT', 'big', 4294967295, 1), 0);
  assert.equal(await cl.call('STRLEN', 'big'), 536870912);
  assert.equal(await cl.call('BITCOUNT', 'big'), 1);
  assert.equal(await cl.call('BITPOS', 'big', 1), 4294967295);
  assert.equal(await cl.call('BITPOS', 'big', 0, -1), 536870911 * 8);
  assert.equal(await cl.call('BITCOUNT', 'big', -1, -1, 'BIT'), 1);
  assert.equal(await cl.call('GETBIT', 'big', 4294967295), 1);
  // BITFIELD may reach past the last byte by up to 63 bits (Redis allows the same).
  assert.deepEqual(await cl.call('BITFIELD', 'big', 'SET', 'i64', 4294967295, 1), [-9223372036854775808n]);
  assert.equal(await cl.call('STRLEN', 'big'), 536870920);
  assert.deepEqual(await cl.call('SETBIT', 'big', 4294967296, 1),
    { error: 'ERR bit offset is not an integer or out of range' });
  await cl.call('DEL', 'big');
});

test('offsets beyond what a Buffer can hold are refused, not fatal (proto-max-bulk-len raised)', async () => {
  const big = await startRespite({ 'proto-max-bulk-len': '8gb' });
  const c2 = await RawClient.connect(big.port);
  try {
    const tooLong = { error: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)' };
    assert.deepEqual(await c2.call('SETBIT', 'k', 34359738000, 1), tooLong);
    assert.deepEqual(await c2.call('BITFIELD', 'k', 'SET', 'u8', '#4294967295', 1), tooLong);
    assert.equal(await c2.call('GETBIT', 'k', 34359738000), 0);
    assert.deepEqual(await c2.call('BITFIELD_RO', 'k', 'GET', 'i64', 34359738000), [0]);
    assert.equal(await c2.call('EXISTS', 'k'), 0);
    assert.deepEqual(await c2.call('PING'), { simple: 'PONG' });
  } finally {
    c2.close();
    await big.close();
  }
});
