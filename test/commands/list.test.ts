/* List family command tests against an in-process Respite: replies, keyspace events, dirty counts,
 * hit/miss stats, deletion of emptied lists, COPY independence, and the chunked deque behind
 * ListValue (growth, shrinking, middle inserts and removals) checked against a plain
 * array model. (Byte-for-byte agreement with Redis is in test/differential/list.test.ts.) */

import { test, before, after, beforeEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, RawClient, rng } from '../helpers/servers';
import type { RunningServer } from '../../src/index';
import { ListValue, checkListInvariants } from '../../src/store/list';

let srv: RunningServer;
let c: RawClient;
let events: string[] = [];
let modified: string[] = [];

before(async () => {
  srv = await startRespite();
  c = await RawClient.connect(srv.port);
  srv.server.keyHooks.event.push((_cls, ev, key) => { events.push(`${ev}:${key}`); });
  srv.server.keyHooks.modified.push((_db, key) => { modified.push(key); });
});

after(async () => {
  c.close();
  await srv.close();
});

beforeEach(() => {
  for (const k of [...srv.server.dbs[0].dict.keyList()]) srv.server.dbs[0].delete(k);
  events = [];
  modified = [];
});

const db = () => srv.server.dbs[0];
const dirty = () => srv.server.dirty;
const items = (k: string): string[] => {
  const l = db().peek(k) as ListValue;
  return Array.from({ length: l.len }, (_, i) => l.get(i));
};

test('pushes create a quicklist; one event per command; dirty counts elements', async () => {
  const d0 = dirty();
  assert.equal(await c.call('RPUSH', 'l', 'a', 'b', 'c'), 3);
  assert.equal(await c.call('LPUSH', 'l', 'x', 'y'), 5);
  assert.deepEqual(items('l'), ['y', 'x', 'a', 'b', 'c']);
  assert.equal(dirty() - d0, 5);
  assert.deepEqual(events, ['rpush:l', 'lpush:l']);
  assert.ok(db().peek('l') instanceof ListValue);
  assert.equal(await c.call('OBJECT', 'ENCODING', 'l'), 'quicklist');
  assert.deepEqual(await c.call('TYPE', 'l'), { simple: 'list' });
  events = [];
  assert.equal(await c.call('LPUSHX', 'nokey', 'a'), 0);
  assert.equal(await c.call('RPUSHX', 'nokey', 'a'), 0);
  assert.equal(db().peek('nokey'), undefined);
  assert.deepEqual(events, []);
  assert.equal(await c.call('RPUSHX', 'l', 'z', 'w'), 7);
  assert.deepEqual(events, ['rpush:l']);
});

test('pops: emptied lists are deleted with a del event after the pop event', async () => {
  await c.call('RPUSH', 'l', 'a', 'b', 'c');
  events = [];
  const d0 = dirty();
  assert.deepEqual(await c.call('RPOP', 'l', '2'), ['c', 'b']);
  assert.equal(dirty() - d0, 2);
  assert.deepEqual(events, ['rpop:l']);
  assert.deepEqual(await c.call('LPOP', 'l', '0'), []);
  assert.deepEqual(events, ['rpop:l']);
  assert.equal(await c.call('LPOP', 'l'), 'a');
  assert.deepEqual(events, ['rpop:l', 'lpop:l', 'del:l']);
  assert.equal(db().peek('l'), undefined);
  assert.equal(await c.call('LPOP', 'l'), null);
  assert.equal(await c.call('LPOP', 'l', '3'), null);
});

test('LSET / LINSERT / LREM / LTRIM events and deletion', async () => {
  await c.call('RPUSH', 'l', 'a', 'b', 'a', 'c');
  events = [];
  assert.deepEqual(await c.call('LSET', 'l', '-1', 'z'), { simple: 'OK' });
  assert.equal(await c.call('LINSERT', 'l', 'AFTER', 'a', 'n'), 5);
  assert.deepEqual(items('l'), ['a', 'n', 'b', 'a', 'z']);
  assert.equal(await c.call('LINSERT', 'l', 'BEFORE', 'missing', 'n'), -1);
  assert.equal(await c.call('LREM', 'l', '0', 'nothing'), 0);
  assert.deepEqual(events, ['lset:l', 'linsert:l']);
  const d0 = dirty();
  assert.equal(await c.call('LREM', 'l', '-1', 'a'), 1);
  assert.deepEqual(items('l'), ['a', 'n', 'b', 'z']);
  assert.equal(dirty() - d0, 1);
  const d1 = dirty();
  assert.deepEqual(await c.call('LTRIM', 'l', '0', '-1'), { simple: 'OK' });
  assert.equal(dirty() - d1, 0, 'a trim that removes nothing is not a change');
  assert.deepEqual(await c.call('LTRIM', 'l', '1', '2'), { simple: 'OK' });
  assert.deepEqual(items('l'), ['n', 'b']);
  assert.deepEqual(await c.call('LTRIM', 'l', '5', '9'), { simple: 'OK' });
  assert.equal(db().peek('l'), undefined);
  assert.deepEqual(events.slice(2), ['lrem:l', 'ltrim:l', 'ltrim:l', 'ltrim:l', 'del:l']);
  await c.call('RPUSH', 'r', 'x', 'x');
  events = [];
  assert.equal(await c.call('LREM', 'r', '0', 'x'), 2);
  assert.deepEqual(events, ['lrem:r', 'del:r']);
  assert.equal(db().peek('r'), undefined);
});

test('LMOVE: push event on the destination, then pop and del on the source; one dirty unit', async () => {
  await c.call('RPUSH', 's', 'a');
  events = [];
  modified = [];
  const d0 = dirty();
  assert.equal(await c.call('LMOVE', 's', 'd', 'LEFT', 'RIGHT'), 'a');
  assert.deepEqual(events, ['rpush:d', 'lpop:s', 'del:s']);
  assert.deepEqual(modified.sort(), ['d', 's']);
  assert.equal(dirty() - d0, 1);
  events = [];
  assert.equal(await c.call('LMOVE', 'd', 'd', 'RIGHT', 'LEFT'), 'a', 'single-element rotation');
  assert.deepEqual(events, ['lpush:d', 'rpop:d']);
  assert.deepEqual(items('d'), ['a']);
  await c.call('SET', 'str', 'v');
  events = [];
  assert.deepEqual(await c.call('RPOPLPUSH', 'd', 'str'),
    { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
  assert.deepEqual(items('d'), ['a'], 'nothing popped when the destination has the wrong type');
  assert.deepEqual(events, []);
  await c.call('RPUSH', 'd', 'b', 'c');
  assert.equal(await c.call('RPOPLPUSH', 'd', 'd'), 'c');
  assert.deepEqual(items('d'), ['c', 'a', 'b']);
});

test('LMPOP serves the first non-empty list; WRONGTYPE stops the scan', async () => {
  await c.call('RPUSH', 'b', '1', '2', '3');
  await c.call('SET', 'str', 'v');
  events = [];
  assert.deepEqual(await c.call('LMPOP', '3', 'a', 'b', 'str', 'RIGHT', 'COUNT', '2'), ['b', ['3', '2']]);
  assert.deepEqual(events, ['rpop:b']);
  assert.deepEqual(await c.call('LMPOP', '2', 'str', 'b', 'LEFT'),
    { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
  assert.deepEqual(await c.call('LMPOP', '2', 'b', 'str', 'LEFT', 'COUNT', '10'), ['b', ['1']]);
  assert.equal(db().peek('b'), undefined);
  assert.equal(await c.call('LMPOP', '1', 'b', 'LEFT'), null);
  assert.deepEqual(await c.call('LMPOP', '0', 'b', 'LEFT'), { error: 'ERR numkeys should be greater than 0' });
  assert.deepEqual(await c.call('LMPOP', '1', 'b', 'LEFT', 'COUNT', '0'),
    { error: 'ERR count should be greater than 0' });
});

test('LPOS and read commands count keyspace hits and misses; writes do not', async () => {
  await c.call('RPUSH', 'l', 'a', 'b', 'a');
  const st = srv.server.stats;
  const h0 = st.keyspaceHits, m0 = st.keyspaceMisses;
  assert.equal(await c.call('LPOS', 'l', 'a', 'RANK', '-1'), 2);
  assert.deepEqual(await c.call('LPOS', 'l', 'a', 'COUNT', '0'), [0, 2]);
  assert.equal(await c.call('LLEN', 'nokey'), 0);
  assert.equal(await c.call('LINDEX', 'l', '1'), 'b');
  assert.deepEqual(await c.call('LRANGE', 'l', '0', '0'), ['a']);
  assert.equal(st.keyspaceHits - h0, 4);
  assert.equal(st.keyspaceMisses - m0, 1);
  await c.call('LPUSH', 'l', 'x');
  await c.call('LPOP', 'nokey');
  assert.equal(st.keyspaceHits - h0, 4);
  assert.equal(st.keyspaceMisses - m0, 1);
});

test('COPY and RENAME keep an independent list', async () => {
  await c.call('RPUSH', 'l', 'a', 'b');
  assert.equal(await c.call('COPY', 'l', 'l2'), 1);
  await c.call('RPUSH', 'l2', 'c');
  await c.call('LSET', 'l', '0', 'z');
  assert.deepEqual(items('l'), ['z', 'b']);
  assert.deepEqual(items('l2'), ['a', 'b', 'c']);
  assert.equal(await c.call('OBJECT', 'ENCODING', 'l2'), 'quicklist');
  assert.deepEqual(await c.call('RENAME', 'l2', 'l3'), { simple: 'OK' });
  assert.deepEqual(await c.call('LRANGE', 'l3', '0', '-1'), ['a', 'b', 'c']);
});

test('binary-safe elements', async () => {
  const bin = Buffer.from([0, 255, 13, 10, 128]);
  await c.call('RPUSH', 'l', bin, '');
  const raw = await c.raw('LRANGE', 'l', '0', '-1');
  assert.equal(raw, '*2\r\n$5\r\n' + bin.toString('latin1') + '\r\n$0\r\n\r\n');
  assert.equal(await c.raw('LPOS', 'l', bin.toString('latin1')), ':0\r\n');
});

test('ListValue: chunked deque against an array model (grow, shrink, insert, remove, trim)', () => {
  const r = rng(42);
  const l = new ListValue();
  let m: string[] = [];
  for (let step = 0; step < 20000; step++) {
    const op = Math.floor(r() * 10);
    const v = String(Math.floor(r() * 5));
    // Bias towards growth first, then towards draining, so both resize directions run.
    const grow = step < 10000;
    if (op < 3 && (grow || r() < 0.3)) { l.pushHead(v); m.unshift(v); }
    else if (op < 5 && (grow || r() < 0.3)) { l.pushTail(v); m.push(v); }
    else if (op < 6 && m.length > 0) { assert.equal(l.popHead(), m.shift()); }
    else if (op < 7 && m.length > 0) { assert.equal(l.popTail(), m.pop()); }
    else if (op < 8) {
      const i = Math.floor(r() * (m.length + 1));
      l.insertAt(i, v);
      m.splice(i, 0, v);
    } else if (op < 9 && r() < 0.05) {
      const limit = Math.floor(r() * 3);
      const fromTail = r() < 0.5;
      let removed = 0;
      const keep: string[] = [];
      for (const e of fromTail ? [...m].reverse() : m) {
        if (e === v && (limit === 0 || removed < limit)) removed++;
        else keep.push(e);
      }
      assert.equal(l.removeMatching(v, limit, fromTail), removed);
      m = fromTail ? keep.reverse() : keep;
    } else if (m.length > 0 && r() < 0.02) {
      const start = Math.floor(r() * m.length);
      const count = Math.floor(r() * (m.length - start + 1));
      l.keepRange(start, count);
      m = m.slice(start, start + count);
    } else if (m.length > 0) {
      const i = Math.floor(r() * m.length);
      l.set(i, v);
      m[i] = v;
    }
    assert.equal(l.len, m.length);
    if (step % 500 === 0 || m.length < 10) {
      for (let i = 0; i < m.length; i++) assert.equal(l.get(i), m[i]);
      assert.equal(checkListInvariants(l), null);
    }
  }
  for (let i = 0; i < m.length; i++) assert.equal(l.get(i), m[i]);
  const d = l.dup();
  assert.deepEqual(Array.from({ length: d.len }, (_, i) => d.get(i)), m);
  while (l.len > 0) l.popTail();
  assert.equal(l.nn, 0, 'a drained list has no nodes left');
  assert.equal(l.nodes.length, 1, 'a drained list shrinks its node ring back to the minimum');
});

test('large list: 200k pushes at both ends, index access near both ends', async () => {
  const args: string[] = [];
  for (let i = 0; i < 100000; i++) args.push(String(i));
  assert.equal(await c.call('RPUSH', 'big', ...args), 100000);
  assert.equal(await c.call('LPUSH', 'big', ...args), 200000);
  assert.equal(await c.call('LINDEX', 'big', '0'), '99999');
  assert.equal(await c.call('LINDEX', 'big', '-1'), '99999');
  assert.equal(await c.call('LINDEX', 'big', '100000'), '0');
  assert.deepEqual(await c.call('LRANGE', 'big', '99999', '100000'), ['0', '0']);
  assert.equal(await c.call('LPOS', 'big', '5', 'RANK', '-1'), 100005);
  assert.deepEqual(await c.call('LTRIM', 'big', '1000', '-1001'), { simple: 'OK' });
  assert.equal(await c.call('LLEN', 'big'), 198000);
  assert.equal(await c.call('LREM', 'big', '0', '5000'), 2);
  assert.equal(await c.call('LLEN', 'big'), 197998);
});
