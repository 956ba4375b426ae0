/* Hash family command tests against an in-process Respite: replies, encodings and conversions,
 * keyspace events, dirty counts, hits/misses, COPY independence, HSCAN guarantees on hashtables and
 * HRANDFIELD shapes. (Byte-for-byte agreement with Redis is in test/differential/hash.test.ts.) */

import { test, before, after, beforeEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, RawClient } from '../helpers/servers';
import type { RunningServer } from '../../src/index';
import { HashValue } from '../../src/store/hash';

/** Assert that a reply is an error whose text matches `re`. */
function assertError(r: unknown, re: RegExp): void {
  assert.ok(r !== null && typeof r === 'object' && 'error' in r, `expected an error, got ${JSON.stringify(r)}`);
  assert.match((r as { error: string }).error, re);
}

let srv: RunningServer;
let c: RawClient;
let events: string[] = [];

before(async () => {
  srv = await startRespite();
  c = await RawClient.connect(srv.port);
  srv.server.keyHooks.event.push((cls, event, key) => { events.push(`${event}:${key}`); void cls; });
});

after(async () => {
  c.close();
  await srv.close();
});

beforeEach(async () => {
  await c.call('FLUSHALL');
  await c.call('CONFIG', 'SET', 'hash-max-listpack-entries', '512');
  await c.call('CONFIG', 'SET', 'hash-max-listpack-value', '64');
  events = [];
});

test('HSET/HGETALL keep insertion order while listpack-encoded; overwrite keeps position', async () => {
  assert.equal(await c.call('HSET', 'h', 'b', '1', 'a', '2', 'c', '3'), 3);
  assert.equal(await c.call('HSET', 'h', 'a', 'X', 'd', '4'), 1);
  assert.deepEqual(await c.call('HGETALL', 'h'), ['b', '1', 'a', 'X', 'c', '3', 'd', '4']);
  assert.deepEqual(await c.call('HKEYS', 'h'), ['b', 'a', 'c', 'd']);
  assert.deepEqual(await c.call('HVALS', 'h'), ['1', 'X', '3', '4']);
  assert.equal(await c.call('OBJECT', 'ENCODING', 'h'), 'listpack');
  assert.deepEqual(await c.call('TYPE', 'h'), { simple: 'hash' });
  assert.deepEqual(await c.call('HMSET', 'h', 'e', '5'), { simple: 'OK' });
  assert.equal(await c.call('HLEN', 'h'), 5);
});

test('conversion to hashtable by entries and by length, never back', async () => {
  await c.call('CONFIG', 'SET', 'hash-max-ziplist-entries', '3');
  await c.call('CONFIG', 'SET', 'hash-max-ziplist-value', '5');
  await c.call('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'h'), 'listpack');
  await c.call('HSET', 'h', 'd', '4');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'h'), 'hashtable');
  await c.call('HDEL', 'h', 'a', 'b', 'c');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'h'), 'hashtable');
  await c.call('HSET', 'v', 'f', '12345');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'v'), 'listpack');
  await c.call('HINCRBY', 'v', 'f', '100000');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'v'), 'hashtable');
  await c.call('HSET', 'w', 'fieldx', '1');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'w'), 'hashtable');
  assert.equal(await c.call('HGET', 'w', 'fieldx'), '1');
});

test('keyspace events and dirty counts', async () => {
  const d0 = srv.server.dirty;
  await c.call('HSET', 'h', 'a', '1', 'b', '2');
  assert.equal(srv.server.dirty - d0, 2);
  await c.call('HSETNX', 'h', 'a', 'x');
  await c.call('HSETNX', 'h', 'c', 'x');
  await c.call('HINCRBY', 'h', 'n', '2');
  await c.call('HINCRBYFLOAT', 'h', 'n', '0.5');
  await c.call('HINCRBY', 'h', 'a', 'x'); // error: no event
  const d1 = srv.server.dirty;
  await c.call('HDEL', 'h', 'a', 'b', 'zz');
  assert.equal(srv.server.dirty - d1, 2);
  await c.call('HDEL', 'h', 'nope');
  await c.call('HDEL', 'h', 'c', 'n');
  assert.equal(await c.call('EXISTS', 'h'), 0);
  assert.deepEqual(events, [
    'hset:h', 'hset:h', 'hincrby:h', 'hincrbyfloat:h', 'hdel:h', 'hdel:h', 'del:h',
  ]);
});

test('reads count keyspace hits and misses', async () => {
  await c.call('HSET', 'h', 'a', '1');
  const s = srv.server.stats;
  const h0 = s.keyspaceHits, m0 = s.keyspaceMisses;
  await c.call('HGET', 'h', 'a');
  await c.call('HGET', 'h', 'zz');
  await c.call('HLEN', 'nokey');
  await c.call('HGETALL', 'nokey');
  assert.equal(s.keyspaceHits - h0, 2);
  assert.equal(s.keyspaceMisses - m0, 2);
});

test('errors leave data intact', async () => {
  await c.call('HSET', 'h', 'n', '9223372036854775807', 's', 'abc');
  assertError(await c.call('HINCRBY', 'h', 'n', '1'), /increment or decrement would overflow/);
  assertError(await c.call('HINCRBY', 'h', 's', '1'), /hash value is not an integer/);
  assertError(await c.call('HINCRBYFLOAT', 'h', 's', '1'), /hash value is not a float/);
  assertError(await c.call('HINCRBYFLOAT', 'h', 'n', 'inf'), /value is NaN or Infinity/);
  assertError(await c.call('HSET', 'h', 'a'), /wrong number of arguments for 'hset' command/);
  assert.deepEqual(await c.call('HGETALL', 'h'), ['n', '9223372036854775807', 's', 'abc']);
  await c.call('SET', 'str', 'x');
  assertError(await c.call('HGET', 'str', 'a'), /^WRONGTYPE/);
  assertError(await c.call('HINCRBY', 'nokey', 'f', 'x'), /not an integer/);
  assert.equal(await c.call('EXISTS', 'nokey'), 0);
});

test('HINCRBYFLOAT uses long double arithmetic', async () => {
  assert.equal(await c.call('HINCRBYFLOAT', 'h', 'f', '0.1'), '0.1');
  assert.equal(await c.call('HINCRBYFLOAT', 'h', 'f', '0.2'), '0.3');
  assert.equal(await c.call('HINCRBYFLOAT', 'h', 'f', '-0.3'), '0');
  assert.equal(await c.call('HINCRBYFLOAT', 'h', 'g', '5.0e3'), '5000');
  assert.equal(await c.call('HINCRBY', 'h', 'g', '1'), 5001);
});

test('COPY duplicates a hash of either encoding independently', async () => {
  await c.call('HSET', 'h', 'a', '1');
  await c.call('COPY', 'h', 'h2');
  await c.call('HSET', 'h2', 'b', '2');
  assert.equal(await c.call('HLEN', 'h'), 1);
  const args: string[] = [];
  for (let i = 0; i < 600; i++) args.push(`f${i}`, String(i));
  await c.call('HSET', 'big', ...args);
  await c.call('COPY', 'big', 'big2');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'big2'), 'hashtable');
  await c.call('HDEL', 'big2', 'f1');
  assert.equal(await c.call('HLEN', 'big'), 600);
  assert.equal(await c.call('HLEN', 'big2'), 599);
  assert.ok(srv.server.dbs[0].peek('big2') instanceof HashValue);
});

test('HSCAN on a hashtable: full iteration returns every field, with cursors', async () => {
  const args: string[] = [];
  for (let i = 0; i < 2000; i++) args.push(`f${i}`, `v${i}`);
  await c.call('HSET', 'big', ...args);
  const seen = new Map<string, string>();
  let cursor = '0';
  let calls = 0;
  do {
    const r = await c.call('HSCAN', 'big', cursor, 'COUNT', '20') as [string, string[]];
    cursor = r[0];
    assert.ok(r[1].length <= 2 * 60);
    for (let i = 0; i < r[1].length; i += 2) seen.set(r[1][i], r[1][i + 1]);
    // Fields added and removed during the scan do not disturb the others.
    if (calls === 3) await c.call('HSET', 'big', 'extra', 'x');
    calls++;
  } while (cursor !== '0');
  assert.ok(calls > 10);
  for (let i = 0; i < 2000; i++) assert.equal(seen.get(`f${i}`), `v${i}`);
  const m = await c.call('HSCAN', 'big', '0', 'MATCH', 'f1*', 'COUNT', '100000') as [string, string[]];
  assert.equal(m[0], '0');
  assert.equal(m[1].length, 2 * 1111);
});

test('HRANDFIELD shapes: unique positive counts, repeats for negative, RESP3 pairs', async () => {
  await c.call('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
  const one = await c.call('HRANDFIELD', 'h');
  assert.ok(['a', 'b', 'c', 'd'].includes(one as string));
  const u = await c.call('HRANDFIELD', 'h', '3') as string[];
  assert.equal(new Set(u).size, 3);
  const rep = await c.call('HRANDFIELD', 'h', '-20') as string[];
  assert.equal(rep.length, 20);
  assert.equal(await c.call('HRANDFIELD', 'nokey'), null);
  assert.deepEqual(await c.call('HRANDFIELD', 'nokey', '5'), []);
  // hashtable encoded: unique sampling from both strategies
  const args: string[] = [];
  for (let i = 0; i < 1000; i++) args.push(`f${i}`, `v${i}`);
  await c.call('HSET', 'big', ...args);
  for (const n of [10, 900]) {
    const r = await c.call('HRANDFIELD', 'big', String(n), 'WITHVALUES') as string[];
    assert.equal(r.length, 2 * n);
    const fs = new Set<string>();
    for (let i = 0; i < r.length; i += 2) {
      fs.add(r[i]);
      assert.equal(r[i + 1], 'v' + r[i].slice(1));
    }
    assert.equal(fs.size, n);
  }
  await c.call('HELLO', '3');
  const raw = await c.raw('HRANDFIELD', 'h', '-2', 'WITHVALUES');
  assert.match(raw, /^\*2\r\n\*2\r\n\$1\r\n[a-d]\r\n\$1\r\n[1-4]\r\n\*2\r\n/);
  assert.equal(await c.raw('HGETALL', 'nokey'), '%0\r\n');
  await c.call('HELLO', '2');
});
