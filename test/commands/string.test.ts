/* String family command tests against an in-process Respite: replies, stored representation,
 * keyspace events and dirty counts, proto-max-bulk-len limits, RESP3 shapes, and the long double
 * emulation behind INCRBYFLOAT. (Byte-for-byte agreement with Redis is in test/differential.) */

import { test, before, after, beforeEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, RawClient } from '../helpers/servers';
import type { RunningServer } from '../../src/index';
import { encodingOf, RawString, RObj, ObjType } from '../../src/store/values';
import { addLD, formatLD, parseLD } from '../../src/commands/string-float';

class FakeHash extends RObj {
  readonly type = ObjType.HASH;
  encoding(): string { return 'listpack'; }
  dup(): RObj { return new FakeHash(); }
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

beforeEach(() => {
  for (const k of [...srv.server.dbs[0].dict.keyList()]) srv.server.dbs[0].delete(k);
  events = [];
});

const db = () => srv.server.dbs[0];
const enc = (k: string) => encodingOf(db().peek(k)!);

test('SET family replies and expiry handling', async () => {
  assert.deepEqual(await c.call('SET', 'k', 'v'), { simple: 'OK' });
  assert.equal(await c.call('GET', 'k'), 'v');
  assert.equal(await c.call('SET', 'k', 'w', 'NX'), null);
  assert.equal(await c.call('SET', 'k', 'w', 'XX', 'GET'), 'v');
  assert.equal(await c.call('SET', 'new', 'w', 'NX', 'GET'), null);
  assert.equal(await c.call('GET', 'new'), 'w');
  assert.deepEqual(await c.call('SET', 'k', 'v', 'NX', 'XX'), { error: 'ERR syntax error' });
  assert.deepEqual(await c.call('SET', 'k', 'v', 'EX', '0'), { error: "ERR invalid expire time in 'set' command" });
  assert.deepEqual(await c.call('SETEX', 'k', '-1', 'v'), { error: "ERR invalid expire time in 'setex' command" });
  assert.deepEqual(await c.call('PSETEX', 'k', '0', 'v'), { error: "ERR invalid expire time in 'psetex' command" });
  assert.deepEqual(await c.call('GETEX', 'k', 'PX', '0'), { error: "ERR invalid expire time in 'getex' command" });
  assert.deepEqual(await c.call('SET', 'k', 'v', 'EX', '9223372036854775807'),
    { error: "ERR invalid expire time in 'set' command" });
  assert.equal(await c.call('GET', 'k'), 'w');
  assert.equal(await c.call('SETNX', 'k', 'x'), 0);
  assert.equal(await c.call('SETNX', 'k2', 'x'), 1);

  const before = srv.server.now;
  await c.call('SETEX', 'k', '100', 'v');
  const when = db().getExpire('k');
  assert.ok(when >= before + 100000 && when < before + 200000, `deadline ${when}`);
  await c.call('SET', 'k', 'v2', 'KEEPTTL');
  assert.equal(db().getExpire('k'), when);
  await c.call('SET', 'k', 'v3');
  assert.equal(db().getExpire('k'), -1);
  await c.call('SET', 'k', 'v', 'PXAT', '1');
  assert.equal(await c.call('GET', 'k'), null, 'a past PXAT deadline expires the key');
});

test('GETEX / GETDEL / GETSET: TTL changes and events', async () => {
  await c.call('SET', 'k', 'v');
  events = [];
  assert.equal(await c.call('GETEX', 'k', 'EX', '100'), 'v');
  assert.ok(db().getExpire('k') > 0);
  assert.equal(await c.call('GETEX', 'k', 'PERSIST'), 'v');
  assert.equal(db().getExpire('k'), -1);
  assert.equal(await c.call('GETEX', 'k', 'PERSIST'), 'v'); // no TTL: no event, no dirty
  assert.deepEqual(events, ['expire:k', 'persist:k']);
  const dirty = srv.server.dirty;
  assert.equal(await c.call('GETEX', 'k'), 'v');
  assert.equal(srv.server.dirty, dirty);
  assert.equal(await c.call('GETEX', 'k', 'EXAT', '1'), 'v');
  assert.equal(db().peek('k'), undefined, 'EXAT in the past deletes');
  assert.deepEqual(events.slice(-1), ['del:k']);
  await c.call('SET', 'k', 'v', 'EX', '100');
  assert.equal(await c.call('GETSET', 'k', 'w'), 'v');
  assert.equal(db().getExpire('k'), -1, 'GETSET drops the TTL');
  events = [];
  assert.equal(await c.call('GETDEL', 'k'), 'w');
  assert.equal(await c.call('GETDEL', 'k'), null);
  assert.deepEqual(events, ['del:k']);
  db().set('h', new FakeHash());
  const wrong = { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
  assert.deepEqual(await c.call('GETDEL', 'h'), wrong);
  assert.deepEqual(await c.call('GETEX', 'h', 'PERSIST'), wrong);
  assert.deepEqual(await c.call('GETSET', 'h', 'x'), wrong);
  assert.ok(db().peek('h') instanceof FakeHash);
});

test('MSET / MSETNX / MGET: per-key events and dirty, arity', async () => {
  const d0 = srv.server.dirty;
  assert.deepEqual(await c.call('MSET', 'a', '1', 'b', '2', 'a', '3'), { simple: 'OK' });
  assert.equal(srv.server.dirty - d0, 3);
  assert.deepEqual(events, ['set:a', 'set:b', 'set:a']);
  assert.deepEqual(await c.call('MGET', 'a', 'b', 'zz'), ['3', '2', null]);
  assert.equal(await c.call('MSETNX', 'a', '9', 'c', '9'), 0);
  assert.equal(await c.call('GET', 'c'), null);
  assert.equal(await c.call('MSETNX', 'c', '1', 'd', '2'), 1);
  assert.deepEqual(await c.call('MSET', 'a', '1', 'b'), { error: "ERR wrong number of arguments for 'mset' command" });
  assert.deepEqual(await c.call('MSETNX', 'a', '1', 'b'), { error: "ERR wrong number of arguments for 'msetnx' command" });
  db().set('h', new FakeHash());
  assert.deepEqual(await c.call('MGET', 'h', 'a'), [null, '3']);
});

test('APPEND builds a RawString with geometric capacity; encodings follow Redis', async () => {
  assert.equal(await c.call('APPEND', 'k', '123'), 3);
  assert.equal(enc('k'), 'int', 'APPEND to a missing key stores the argument as is');
  let reallocs = 0;
  let buf: Buffer | null = null;
  for (let i = 0; i < 2000; i++) {
    await c.call('APPEND', 'k', 'abcdefghij');
    const v = db().peek('k') as RawString;
    if (v.buf !== buf) { reallocs++; buf = v.buf; }
  }
  const v = db().peek('k') as RawString;
  assert.ok(v instanceof RawString);
  assert.equal(v.len, 20003);
  assert.ok(reallocs < 20, `reallocations: ${reallocs}`);
  assert.equal(enc('k'), 'raw');
  assert.equal(await c.call('STRLEN', 'k'), 20003);
  assert.equal(await c.call('GETRANGE', 'k', '0', '6'), '123abcd');
  assert.equal(await c.call('GETRANGE', 'k', '-3', '-1'), 'hij');
  assert.equal(events.filter((e) => e === 'append:k').length, 2001);

  await c.call('SET', 'n', '5');
  assert.equal(enc('n'), 'int');
  assert.equal(await c.call('INCRBYFLOAT', 'n', '2'), '7');
  assert.equal(enc('n'), 'embstr', 'integer-looking INCRBYFLOAT result stays embstr');
  assert.equal(await c.call('GET', 'n'), '7');
  assert.equal(await c.call('INCR', 'n'), 8);
  assert.equal(enc('n'), 'int');
  await c.call('INCRBYFLOAT', 'n', '1');
  await c.call('APPEND', 'n', '');
  assert.equal(enc('n'), 'raw');
  assert.equal(await c.call('SETRANGE', 's', '3', 'ab'), 5);
  assert.equal(enc('s'), 'raw');
  assert.equal(await c.call('GET', 's'), '\0\0\0ab');
});

test('SETRANGE / GETRANGE edges and events', async () => {
  assert.equal(await c.call('SETRANGE', 'k', '0', ''), 0);
  assert.equal(db().peek('k'), undefined, 'empty SETRANGE creates nothing');
  assert.deepEqual(await c.call('SETRANGE', 'k', '-1', 'x'), { error: 'ERR offset is out of range' });
  await c.call('SET', 'k', 'hello');
  events = [];
  assert.equal(await c.call('SETRANGE', 'k', '1', ''), 5);
  assert.deepEqual(events, []);
  assert.equal(await c.call('SETRANGE', 'k', '1', 'EL'), 5);
  assert.equal(await c.call('SETRANGE', 'k', '7', '!'), 8);
  assert.equal(await c.call('GET', 'k'), 'hELlo\0\0!');
  assert.deepEqual(events, ['setrange:k', 'setrange:k']);
  assert.equal(await c.call('GETRANGE', 'k', '-100', '100'), 'hELlo\0\0!');
  assert.equal(await c.call('GETRANGE', 'k', '-1', '-2'), '');
  assert.equal(await c.call('GETRANGE', 'missing', '0', '-1'), '');
  assert.deepEqual(await c.call('GETRANGE', 'k', '0', 'x'), { error: 'ERR value is not an integer or out of range' });
  assert.equal(await c.call('SUBSTR', 'k', '0', '1'), 'hE');
});

test('proto-max-bulk-len bounds APPEND, SETRANGE and LCS', async () => {
  const s = await startRespite({ 'proto-max-bulk-len': '1mb' });
  const k = await RawClient.connect(s.port);
  try {
    const tooBig = { error: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)' };
    assert.equal(await k.call('SETRANGE', 'a', String(1024 * 1024 - 1), 'x'), 1024 * 1024);
    assert.deepEqual(await k.call('APPEND', 'a', 'y'), tooBig);
    assert.deepEqual(await k.call('SETRANGE', 'a', String(1024 * 1024), 'x'), tooBig);
    assert.deepEqual(await k.call('SETRANGE', 'b', String(1024 * 1024), 'x'), tooBig);
    assert.equal(await k.call('EXISTS', 'b'), 0);
    assert.equal(await k.call('STRLEN', 'a'), 1024 * 1024);
    await k.call('SET', 'x', 'a'.repeat(600));
    assert.deepEqual(await k.call('LCS', 'x', 'x'),
      { error: 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len' });
    await k.call('SET', 'y', 'a'.repeat(400));
    assert.equal(await k.call('LCS', 'y', 'y', 'LEN'), 400);
  } finally {
    k.close();
    await s.close();
  }
});

test('INCR family: int64 edges, TTL kept, events', async () => {
  await c.call('SET', 'i', '9223372036854775806', 'EX', '100');
  assert.equal(await c.call('INCR', 'i'), 9223372036854775807n);
  assert.deepEqual(await c.call('INCR', 'i'), { error: 'ERR increment or decrement would overflow' });
  assert.equal(await c.call('GET', 'i'), '9223372036854775807');
  assert.ok(db().getExpire('i') > 0, 'INCR keeps the TTL');
  assert.equal(await c.call('DECRBY', 'i', '9223372036854775807'), 0);
  assert.deepEqual(await c.call('DECRBY', 'i', '-9223372036854775808'), { error: 'ERR decrement would overflow' });
  assert.equal(await c.call('INCRBY', 'i', '-9223372036854775808'), -9223372036854775808n);
  assert.deepEqual(await c.call('DECR', 'i'), { error: 'ERR increment or decrement would overflow' });
  assert.equal(await c.call('INCRBY', 'j', '9007199254740993'), 9007199254740993n);
  assert.equal(await c.call('INCR', 'j'), 9007199254740994n);
  assert.equal(await c.call('GET', 'j'), '9007199254740994');
  await c.call('SET', 'j', '1.0');
  assert.deepEqual(await c.call('INCR', 'j'), { error: 'ERR value is not an integer or out of range' });
  events = [];
  await c.call('INCR', 'n');
  await c.call('INCRBYFLOAT', 'n', '1.5');
  assert.deepEqual(events, ['incrby:n', 'incrbyfloat:n']);
  assert.deepEqual(await c.call('INCRBYFLOAT', 'n', 'inf'), { error: 'ERR increment would produce NaN or Infinity' });
  assert.deepEqual(await c.call('INCRBYFLOAT', 'n', 'nan'), { error: 'ERR value is not a valid float' });
  assert.equal(await c.call('GET', 'n'), '2.5');
});

test('long double emulation: parse, add, print', () => {
  const add = (a: string, b: string) => formatLD(addLD(parseLD(a)!, parseLD(b)!));
  assert.equal(add('0.1', '0.2'), '0.3');
  assert.equal(add('1', '-1'), '0');
  assert.equal(add('-0', '0'), '0');
  assert.equal(add('0', '0.000003814697265625'), '0.00000381469726562'); // exact tie: half to even
  assert.equal(add('0', '-0.000000000000000001'), '0'); // "-0" is printed as "0"
  assert.equal(add('9223372036854775807', '1'), '9223372036854775808');
  assert.equal(add('18446744073709551615', '0'), '18446744073709551615'); // 64-bit mantissa: exact
  assert.equal(add('18446744073709551617', '0'), '18446744073709551616'); // 65 bits: rounded
  assert.equal(add('0x1.8p1', '0'), '3');
  assert.equal(formatLD(parseLD('1e400')!).length, 401);
  assert.equal(parseLD('1e5000'), null); // overflow
  assert.equal(parseLD('1e-5000'), null); // underflow to zero
  assert.notEqual(parseLD('1e-4950'), null); // subnormal is fine
  assert.equal(parseLD(' 1'), null);
  assert.equal(parseLD('1 '), null);
  assert.equal(parseLD('nan'), null);
  assert.equal(parseLD('1'.repeat(5120)), null);
  assert.ok(parseLD('-Infinity')!.inf);
  assert.ok(addLD(parseLD('1.1e4932')!, parseLD('1.1e4932')!).inf);
});

test('LCS replies in RESP2 and RESP3', async () => {
  await c.call('MSET', 'a', 'ohmytext', 'b', 'mynewtext');
  assert.equal(await c.call('LCS', 'a', 'b'), 'mytext');
  assert.equal(await c.call('LCS', 'a', 'b', 'LEN'), 6);
  assert.deepEqual(await c.call('LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'),
    ['matches', [[[4, 7], [5, 8], 4]], 'len', 6]);
  assert.equal(await c.call('LCS', 'a', 'missing'), '');
  db().set('h', new FakeHash());
  assert.deepEqual(await c.call('LCS', 'a', 'h'), { error: 'ERR The specified keys must contain string values' });
  await c.call('HELLO', '3');
  try {
    assert.deepEqual(await c.call('LCS', 'a', 'b', 'IDX'),
      { map: [['matches', [[[4, 7], [5, 8]], [[2, 3], [0, 1]]]], ['len', 6]] });
    assert.equal(await c.raw('GET', 'missing'), '_\r\n');
  } finally {
    await c.call('HELLO', '2');
  }
});

test('read commands count keyspace hits and misses; write lookups do not', async () => {
  const st = srv.server.stats;
  await c.call('SET', 'k', '1');
  const h0 = st.keyspaceHits, m0 = st.keyspaceMisses;
  await c.call('GET', 'k');
  await c.call('MGET', 'k', 'nope');
  await c.call('STRLEN', 'nope');
  assert.equal(st.keyspaceHits - h0, 2);
  assert.equal(st.keyspaceMisses - m0, 2);
  await c.call('INCR', 'k');
  await c.call('APPEND', 'nope2', 'x');
  await c.call('SETRANGE', 'nope3', '0', 'x');
  assert.equal(st.keyspaceHits - h0, 2);
  assert.equal(st.keyspaceMisses - m0, 2);
});
