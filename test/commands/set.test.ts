/* Set family command tests against an in-process Respite: replies, encodings (intset / hashtable and
 * the set-max-intset-entries limit), keyspace events, RESP3 shapes, random picks (SPOP, SRANDMEMBER),
 * SSCAN over a hashtable, COPY. (Byte-for-byte agreement with Redis is in test/differential/set.) */

import { test, before, after, beforeEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, RawClient } from '../helpers/servers';
import type { RunningServer } from '../../src/index';
import { encodingOf } from '../../src/store/values';
import { SetValue, cmpInt } from '../../src/store/set';

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
  for (const k of [...srv.server.dbs[0].dict.keyList()]) srv.server.dbs[0].delete(k);
  await c.call('CONFIG', 'SET', 'set-max-intset-entries', '512');
  events = [];
});

const db = () => srv.server.dbs[0];
const enc = (k: string) => encodingOf(db().peek(k)!);
const sorted = (r: unknown) => [...(r as string[])].sort();

test('cmpInt orders canonical int64 strings numerically', () => {
  const xs = ['10', '-1', '9', '0', '-10', '9223372036854775807', '-9223372036854775808', '100', '-2'];
  const want = [...xs].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  assert.deepEqual([...xs].sort(cmpInt), want);
});

test('SADD / SREM / SCARD / SISMEMBER / SMISMEMBER basics and events', async () => {
  assert.equal(await c.call('SADD', 's', 'a', 'b', 'a'), 2);
  assert.equal(await c.call('SADD', 's', 'a'), 0);
  assert.equal(await c.call('SCARD', 's'), 2);
  assert.equal(await c.call('SCARD', 'nokey'), 0);
  assert.equal(await c.call('SISMEMBER', 's', 'a'), 1);
  assert.equal(await c.call('SISMEMBER', 's', 'z'), 0);
  assert.deepEqual(await c.call('SMISMEMBER', 's', 'a', 'z', 'b'), [1, 0, 1]);
  assert.deepEqual(await c.call('SMISMEMBER', 'nokey', 'a'), [0]);
  assert.equal(await c.call('SREM', 's', 'a', 'zz'), 1);
  assert.equal(await c.call('SREM', 's', 'b'), 1);
  assert.equal(db().peek('s'), undefined, 'emptied set deleted');
  assert.deepEqual(events, ['sadd:s', 'srem:s', 'srem:s', 'del:s']);
  await c.call('SET', 'str', 'x');
  for (const cmd of [['SADD', 'str', 'a'], ['SREM', 'str', 'a'], ['SCARD', 'str'], ['SMEMBERS', 'str'],
    ['SISMEMBER', 'str', 'a'], ['SPOP', 'str'], ['SRANDMEMBER', 'str'], ['SSCAN', 'str', '0']]) {
    assert.deepEqual(await c.call(...cmd), { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
  }
});

test('encodings: intset sorted, conversion on non-integer or size limit, never back', async () => {
  await c.call('SADD', 's', '10', '-3', '2', '9223372036854775807', '-9223372036854775808');
  assert.equal(enc('s'), 'intset');
  assert.deepEqual(await c.call('SMEMBERS', 's'), ['-9223372036854775808', '-3', '2', '10', '9223372036854775807']);
  await c.call('SADD', 'n', '01', '1');
  assert.equal(enc('n'), 'hashtable', '"01" is not a canonical integer');
  await c.call('SADD', 's', 'x');
  assert.equal(enc('s'), 'hashtable');
  await c.call('SREM', 's', 'x');
  assert.equal(enc('s'), 'hashtable', 'no conversion back');
  await c.call('CONFIG', 'SET', 'set-max-intset-entries', '3');
  await c.call('SADD', 't', '1', '2', '3');
  assert.equal(enc('t'), 'intset');
  await c.call('SADD', 't', '4');
  assert.equal(enc('t'), 'hashtable');
  await c.call('CONFIG', 'SET', 'set-max-intset-entries', '0');
  await c.call('SADD', 'u', '1');
  assert.equal(enc('u'), 'hashtable');
  assert.deepEqual(await c.call('CONFIG', 'GET', 'set-max-intset-entries'), ['set-max-intset-entries', '0']);
  assert.deepEqual(await c.call('CONFIG', 'SET', 'set-max-intset-entries', '-1'), {
    error: "ERR CONFIG SET failed (possibly related to argument 'set-max-intset-entries') - argument must be between 0 and 9223372036854775807 inclusive",
  });
});

test('SPOP: single, count, whole set, errors, events, RESP3 set reply', async () => {
  await c.call('SADD', 's', '1', '2', '3', '4', '5');
  const one = await c.call('SPOP', 's') as string;
  assert.ok(['1', '2', '3', '4', '5'].includes(one));
  assert.equal(await c.call('SISMEMBER', 's', one), 0);
  const two = await c.call('SPOP', 's', '2') as string[];
  assert.equal(new Set(two).size, 2);
  assert.equal(await c.call('SCARD', 's'), 2);
  assert.equal((await c.call('SPOP', 's', '10') as string[]).length, 2);
  assert.equal(db().peek('s'), undefined);
  assert.deepEqual(events, ['sadd:s', 'spop:s', 'spop:s', 'spop:s', 'del:s']);
  assert.equal(await c.call('SPOP', 'nokey'), null);
  assert.deepEqual(await c.call('SPOP', 'nokey', '3'), []);
  assert.deepEqual(await c.call('SPOP', 's', '-1'), { error: 'ERR value is out of range, must be positive' });
  assert.deepEqual(await c.call('SPOP', 's', 'x'), { error: 'ERR value is out of range, must be positive' });
  assert.deepEqual(await c.call('SPOP', 's', '1', '2'), { error: 'ERR syntax error' });
  await c.call('HELLO', '3');
  await c.call('SADD', 'h', 'a', 'b', 'c');
  assert.match(await c.raw('SPOP', 'h', '2'), /^~2\r\n/);
  assert.equal(await c.raw('SPOP', 'h', '0'), '~0\r\n');
  assert.match(await c.raw('SRANDMEMBER', 'h', '1'), /^\*1\r\n/);
  await c.call('HELLO', '2');
});

test('SRANDMEMBER: distinct for positive, repeats for negative, whole set, errors', async () => {
  const members = Array.from({ length: 50 }, (_, i) => 'm' + i);
  await c.call('SADD', 's', ...members);
  for (const n of [1, 5, 16, 17, 40, 49]) {
    const r = await c.call('SRANDMEMBER', 's', String(n)) as string[];
    assert.equal(r.length, n);
    assert.equal(new Set(r).size, n);
    for (const m of r) assert.ok(members.includes(m));
  }
  assert.deepEqual(sorted(await c.call('SRANDMEMBER', 's', '100')), [...members].sort());
  const rep = await c.call('SRANDMEMBER', 's', '-200') as string[];
  assert.equal(rep.length, 200);
  assert.ok(new Set(rep).size < 200, 'negative counts repeat members');
  assert.equal(await c.call('SCARD', 's'), 50, 'nothing removed');
  assert.deepEqual(await c.call('SRANDMEMBER', 's', '0'), []);
  assert.deepEqual(await c.call('SRANDMEMBER', 'nokey', '5'), []);
  assert.equal(await c.call('SRANDMEMBER', 'nokey'), null);
  assert.deepEqual(await c.call('SRANDMEMBER', 's', 'x'), { error: 'ERR value is not an integer or out of range' });
  assert.deepEqual(await c.call('SRANDMEMBER', 's', '-9223372036854775808'), {
    error: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
  });
  await c.call('SADD', 'i', '3', '1', '2');
  assert.deepEqual(await c.call('SRANDMEMBER', 'i', '3'), ['1', '2', '3']);
});

test('SMOVE: moves, creates, deletes emptied source, type checks', async () => {
  await c.call('SADD', 'a', '1');
  await c.call('SET', 'str', 'x');
  assert.equal(await c.call('SMOVE', 'nokey', 'str', '1'), 0, 'missing source wins over wrong destination');
  assert.deepEqual(await c.call('SMOVE', 'a', 'str', '1'), { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
  assert.equal(await c.call('SMOVE', 'a', 'a', '1'), 1);
  assert.equal(await c.call('SMOVE', 'a', 'a', '2'), 0);
  events = [];
  assert.equal(await c.call('SMOVE', 'a', 'b', '1'), 1);
  assert.equal(db().peek('a'), undefined);
  assert.equal(enc('b'), 'intset');
  assert.deepEqual(events, ['srem:a', 'del:a', 'sadd:b']);
  assert.equal(await c.call('SMOVE', 'b', 'c', '9'), 0);
});

test('SINTER / SUNION / SDIFF and their STORE forms', async () => {
  await c.call('SADD', 'a', '1', '2', '3', 'x');
  await c.call('SADD', 'b', '2', '3', '4');
  assert.deepEqual(await c.call('SINTER', 'a', 'b'), ['2', '3']);
  assert.deepEqual(await c.call('SINTER', 'a', 'nokey'), []);
  assert.deepEqual(sorted(await c.call('SUNION', 'a', 'b', 'nokey')), ['1', '2', '3', '4', 'x']);
  assert.deepEqual(sorted(await c.call('SDIFF', 'a', 'b')), ['1', 'x']);
  assert.deepEqual(await c.call('SDIFF', 'a', 'a'), []);
  assert.deepEqual(await c.call('SINTERCARD', '2', 'a', 'b'), 2);
  assert.deepEqual(await c.call('SINTERCARD', '2', 'a', 'b', 'LIMIT', '1'), 1);
  await c.call('SET', 'dst', 'str');
  await c.call('EXPIRE', 'dst', '100');
  events = [];
  assert.equal(await c.call('SINTERSTORE', 'dst', 'a', 'b'), 2);
  assert.equal(enc('dst'), 'intset', 'result of a hashtable and an intset can be an intset');
  assert.equal(await c.call('TTL', 'dst'), -1);
  assert.equal(await c.call('SUNIONSTORE', 'dst', 'a', 'b'), 5);
  assert.equal(enc('dst'), 'hashtable');
  assert.equal(await c.call('SDIFFSTORE', 'dst', 'a', 'b'), 2);
  assert.equal(await c.call('SDIFFSTORE', 'dst', 'nokey', 'b'), 0);
  assert.equal(db().peek('dst'), undefined);
  assert.equal(await c.call('SINTERSTORE', 'dst', 'nokey'), 0);
  assert.deepEqual(events, ['sinterstore:dst', 'sunionstore:dst', 'sdiffstore:dst', 'del:dst']);
  await c.call('SET', 'str', 'x');
  assert.deepEqual(await c.call('SINTER', 'nokey', 'str'), { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
  assert.deepEqual(await c.call('SINTERCARD', '0', 'a'), { error: 'ERR numkeys should be greater than 0' });
  assert.deepEqual(await c.call('SINTERCARD', '3', 'a'), { error: "ERR Number of keys can't be greater than number of args" });
  assert.deepEqual(await c.call('SINTERCARD', '1', 'a', 'LIMIT', '-1'), { error: "ERR LIMIT can't be negative" });
  assert.deepEqual(await c.call('SINTERCARD', '1', 'a', 'LIMIT'), { error: 'ERR syntax error' });
});

test('SSCAN: intset in one step, hashtable full iteration with MATCH and COUNT', async () => {
  await c.call('SADD', 'i', '5', '1', '3');
  assert.deepEqual(await c.call('SSCAN', 'i', '0'), ['0', ['1', '3', '5']]);
  assert.deepEqual(await c.call('SSCAN', 'i', '0', 'MATCH', '[13]'), ['0', ['1', '3']]);
  const members = Array.from({ length: 300 }, (_, i) => 'k' + i);
  await c.call('SADD', 'h', ...members);
  const seen = new Set<string>();
  let cursor = '0';
  let steps = 0;
  do {
    const [next, items] = await c.call('SSCAN', 'h', cursor, 'COUNT', '20') as [string, string[]];
    for (const m of items) seen.add(m);
    cursor = next;
    steps++;
  } while (cursor !== '0');
  assert.equal(seen.size, 300);
  assert.ok(steps > 1);
  const [, matched] = await c.call('SSCAN', 'h', '0', 'MATCH', 'k1*', 'COUNT', '1000') as [string, string[]];
  assert.equal(matched.length, 111);
  assert.deepEqual(await c.call('SSCAN', 'nokey', '0', 'COUNT', '0'), ['0', []]);
  assert.deepEqual(await c.call('SSCAN', 'h', '0', 'COUNT', '0'), { error: 'ERR syntax error' });
  assert.deepEqual(await c.call('SSCAN', 'h', 'x'), { error: 'ERR invalid cursor' });
  assert.deepEqual(await c.call('SSCAN', 'h', '0', 'TYPE', 'set'), { error: 'ERR syntax error' });
});

test('COPY, TYPE and OBJECT ENCODING see the set value', async () => {
  await c.call('SADD', 'h', 'a', 'b');
  await c.call('SADD', 'i', '1', '2');
  assert.equal(await c.raw('TYPE', 'h'), '+set\r\n');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'i'), 'intset');
  await c.call('COPY', 'h', 'h2');
  await c.call('SADD', 'h2', 'c');
  assert.equal(await c.call('SCARD', 'h'), 2);
  assert.equal(await c.call('SCARD', 'h2'), 3);
  const v = db().peek('i') as SetValue;
  const d = v.dup();
  assert.equal(d.encoding(), 'intset');
  assert.notEqual(d.ints, v.ints);
});

test('dirty counter: one change per member added, removed or popped (as Redis counts)', async () => {
  const d = () => srv.server.dirty;
  let b = d();
  await c.call('SADD', 's', '1', '2', '3', '4', '5', '6', 'a', 'b');
  assert.equal(d() - b, 8);
  b = d();
  await c.call('SREM', 's', '1', '2', '9');
  assert.equal(d() - b, 2);
  b = d();
  await c.call('SPOP', 's', '2');
  assert.equal(d() - b, 2);
  b = d();
  await c.call('SPOP', 's', '100');
  assert.equal(d() - b, 4);
  await c.call('SADD', 's', '1', '2');
  b = d();
  await c.call('SMOVE', 's', 'd', '1');
  assert.equal(d() - b, 2);
  b = d();
  await c.call('SUNIONSTORE', 'e', 's', 'd');
  assert.equal(d() - b, 1);
});
