/* HyperLogLog command tests against an in-process Respite: replies, estimates within the expected
 * error, keyspace events and modified-key signals (PFADD / PFMERGE signal and notify "pfadd";
 * single-key PFCOUNT signals only when it refreshes a stale cache; multi-key PFCOUNT never), TTLs
 * kept across edits, OBJECT ENCODING after unsharing, RESP3 and PFSELFTEST.
 * (Byte-for-byte agreement with Redis is in test/differential/hll.) */

import { test, before, after, beforeEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, RawClient } from '../helpers/servers';
import type { RunningServer } from '../../src/index';
import { RawString } from '../../src/store/values';

let srv: RunningServer;
let c: RawClient;
let events: string[] = [];
let modified: string[] = [];

before(async () => {
  srv = await startRespite();
  c = await RawClient.connect(srv.port);
  srv.server.keyHooks.event.push((_cls, event, key) => { events.push(`${event}:${key}`); });
  srv.server.keyHooks.modified.push((_db, key) => { modified.push(key); });
});

after(async () => {
  c.close();
  await srv.close();
});

beforeEach(async () => {
  await c.call('FLUSHALL');
  await c.call('CONFIG', 'SET', 'hll-sparse-max-bytes', '3000');
  events = [];
  modified = [];
});

test('PFADD / PFCOUNT: replies, estimates and value shape', async () => {
  assert.equal(await c.call('PFADD', 'h', 'a', 'b', 'c'), 1);
  assert.equal(await c.call('PFADD', 'h', 'a', 'b', 'c'), 0);
  assert.equal(await c.call('PFCOUNT', 'h'), 3);
  assert.equal(await c.call('PFADD', 'e'), 1);
  assert.equal(await c.call('PFADD', 'e'), 0);
  assert.equal(await c.call('PFCOUNT', 'e'), 0);
  assert.equal(await c.call('PFCOUNT', 'nokey'), 0);
  assert.deepEqual(await c.call('TYPE', 'h'), { simple: 'string' });
  assert.equal(await c.call('OBJECT', 'ENCODING', 'h'), 'raw');
  const v = (await c.call('GET', 'h')) as string;
  assert.equal(v.slice(0, 5), 'HYLL\x01');
  for (let i = 0; i < 100; i++) {
    const batch = Array.from({ length: 1000 }, (_, j) => `el:${i}:${j}`);
    await c.call('PFADD', 'big', ...batch);
  }
  const n = (await c.call('PFCOUNT', 'big')) as number;
  assert.ok(Math.abs(n - 100000) < 100000 * 0.0081 * 4, `estimate ${n}`);
  assert.deepEqual(await c.call('PFDEBUG', 'ENCODING', 'big'), { simple: 'dense' });
  assert.equal(await c.call('STRLEN', 'big'), 12304);
});

test('PFCOUNT of several keys is the union and writes nothing', async () => {
  await c.call('PFADD', 'a', '1', '2', '3');
  await c.call('PFADD', 'b', '3', '4');
  const before = [await c.call('GET', 'a'), await c.call('GET', 'b')];
  modified = [];
  assert.equal(await c.call('PFCOUNT', 'a', 'b', 'missing'), 4);
  assert.deepEqual([await c.call('GET', 'a'), await c.call('GET', 'b')], before);
  assert.deepEqual(modified, []);
  await c.call('SET', 's', 'not an hll at all');
  assert.deepEqual(await c.call('PFCOUNT', 'a', 's'), { error: 'WRONGTYPE Key is not a valid HyperLogLog string value.' });
  await c.call('RPUSH', 'l', 'x');
  assert.deepEqual(await c.call('PFCOUNT', 'a', 'l'), { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
});

test('single-key PFCOUNT refreshes a stale cache: a signalled write without an event', async () => {
  await c.call('PFADD', 'h', 'x', 'y');
  assert.deepEqual(events, ['pfadd:h']);
  assert.deepEqual(modified, ['h']);
  const stale = (await c.call('GET', 'h')) as string;
  assert.equal(stale.charCodeAt(15) & 0x80, 0x80);
  events = [];
  modified = [];
  const d0 = srv.server.dirty;
  assert.equal(await c.call('PFCOUNT', 'h'), 2);
  assert.deepEqual(events, []);
  assert.deepEqual(modified, ['h']);
  assert.equal(srv.server.dirty, d0 + 1);
  const fresh = (await c.call('GET', 'h')) as string;
  assert.equal(fresh.charCodeAt(8), 2);
  assert.equal(fresh.charCodeAt(15), 0);
  modified = [];
  assert.equal(await c.call('PFCOUNT', 'h'), 2); // cached: no write
  assert.deepEqual(modified, []);
  assert.equal(srv.server.dirty, d0 + 1);
});

test('PFADD counts every changed register as dirty; no change, no signal', async () => {
  const d0 = srv.server.dirty;
  await c.call('PFADD', 'h', 'a', 'b', 'c', 'd');
  assert.equal(srv.server.dirty - d0, 5); // created + 4 registers
  modified = [];
  await c.call('PFADD', 'h', 'a', 'b');
  assert.deepEqual(modified, []);
  assert.equal(srv.server.dirty - d0, 5);
});

test('PFMERGE: union into the destination, created if missing, event "pfadd"', async () => {
  await c.call('PFADD', 'a', '1', '2', '3');
  await c.call('PFADD', 'b', '3', '4', '5');
  events = [];
  assert.deepEqual(await c.call('PFMERGE', 'd', 'a', 'b'), { simple: 'OK' });
  assert.deepEqual(events, ['pfadd:d']);
  assert.equal(await c.call('PFCOUNT', 'd'), 5);
  assert.deepEqual(await c.call('PFMERGE', 'a', 'b'), { simple: 'OK' });
  assert.equal(await c.call('PFCOUNT', 'a'), 5);
  assert.deepEqual(await c.call('PFMERGE', 'empty'), { simple: 'OK' });
  assert.equal(await c.call('PFCOUNT', 'empty'), 0);
  assert.deepEqual(await c.call('PFDEBUG', 'ENCODING', 'd'), { simple: 'sparse' });
  await c.call('PFDEBUG', 'TODENSE', 'b');
  assert.deepEqual(await c.call('PFMERGE', 'd2', 'a', 'b'), { simple: 'OK' });
  assert.deepEqual(await c.call('PFDEBUG', 'ENCODING', 'd2'), { simple: 'dense' }); // a dense source makes a dense result
  await c.call('SET', 's', 'plain');
  assert.deepEqual(await c.call('PFMERGE', 's', 'a'), { error: 'WRONGTYPE Key is not a valid HyperLogLog string value.' });
  assert.deepEqual(await c.call('PFMERGE', 'a', 's'), { error: 'WRONGTYPE Key is not a valid HyperLogLog string value.' });
  assert.equal(await c.call('GET', 's'), 'plain');
});

test('edits keep the TTL; unsharing makes the encoding raw', async () => {
  await c.call('PFADD', 'src', 'a');
  const bytes = (await c.call('GET', 'src')) as string;
  await c.call('SET', 'h', Buffer.from(bytes, 'latin1'), 'EX', '100');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'h'), 'embstr');
  assert.equal(await c.call('PFCOUNT', 'h', 'h'), 1);
  assert.equal(await c.call('OBJECT', 'ENCODING', 'h'), 'embstr'); // multi-key count only reads
  assert.equal(await c.call('PFCOUNT', 'h'), 1);
  assert.equal(await c.call('OBJECT', 'ENCODING', 'h'), 'raw');
  assert.ok(srv.server.dbs[0].peek('h') instanceof RawString);
  await c.call('PFADD', 'h', 'b', 'c');
  const ttl = (await c.call('TTL', 'h')) as number;
  assert.ok(ttl > 90 && ttl <= 100);
  await c.call('PFMERGE', 'h', 'src');
  assert.ok(((await c.call('TTL', 'h')) as number) > 90);
});

test('corrupted values: INVALIDOBJ, and the data stays readable', async () => {
  const bad = Buffer.from('HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe', 'latin1');
  await c.call('SET', 'bad', bad);
  const err = { error: 'INVALIDOBJ Corrupted HLL object detected' };
  assert.deepEqual(await c.call('PFCOUNT', 'bad'), err);
  assert.deepEqual(await c.call('PFCOUNT', 'bad', 'bad'), err);
  assert.deepEqual(await c.call('PFMERGE', 'x', 'bad'), err);
  assert.equal(await c.call('EXISTS', 'x'), 0);
  assert.deepEqual(await c.call('PFDEBUG', 'TODENSE', 'bad'), err);
  assert.deepEqual(await c.call('PFDEBUG', 'GETREG', 'bad'), err);
  assert.equal(await c.call('PFDEBUG', 'DECODE', 'bad'), 'Z:16383');
  assert.equal(await c.call('STRLEN', 'bad'), 18);
  const truncated = Buffer.alloc(1000);
  truncated.write('HYLL', 'latin1');
  await c.call('SET', 'dense', truncated);
  assert.deepEqual(await c.call('PFADD', 'dense', 'a'), { error: 'WRONGTYPE Key is not a valid HyperLogLog string value.' });
  assert.deepEqual(await c.call('PING'), { simple: 'PONG' });
});

test('PFDEBUG subcommands and errors', async () => {
  await c.call('PFADD', 'h', 'a');
  assert.match((await c.call('PFDEBUG', 'DECODE', 'h')) as string, /^Z:\d+ v:\d+,1 Z:\d+$/);
  assert.deepEqual(await c.call('PFDEBUG', 'encoding', 'h'), { simple: 'sparse' });
  assert.deepEqual(await c.call('PFDEBUG', 'nope', 'h'), { error: "ERR Unknown PFDEBUG subcommand 'nope'" });
  assert.deepEqual(await c.call('PFDEBUG', 'GETREG', 'missing'), { error: 'ERR The specified key does not exist' });
  const regs = (await c.call('PFDEBUG', 'GETREG', 'h')) as number[];
  assert.equal(regs.length, 16384);
  assert.equal(regs.filter((r) => r !== 0).length, 1);
  assert.deepEqual(await c.call('PFDEBUG', 'ENCODING', 'h'), { simple: 'dense' }); // GETREG converted it
  assert.deepEqual(await c.call('PFDEBUG', 'DECODE', 'h'), { error: 'ERR HLL encoding is not sparse' });
  assert.equal(await c.call('PFDEBUG', 'TODENSE', 'h'), 0);
  assert.deepEqual(await c.call('PFDEBUG', 'GETREG'), { error: "ERR wrong number of arguments for 'pfdebug' command" });
});

test('RESP3 replies and PFSELFTEST', async () => {
  await c.call('HELLO', '3');
  assert.equal(await c.raw('PFADD', 'h', 'a'), ':1\r\n');
  assert.equal(await c.raw('PFCOUNT', 'h'), ':1\r\n');
  assert.equal(await c.raw('PFDEBUG', 'ENCODING', 'h'), '+sparse\r\n');
  await c.call('HELLO', '2');
  assert.deepEqual(await c.call('PFSELFTEST'), { simple: 'OK' });
});
