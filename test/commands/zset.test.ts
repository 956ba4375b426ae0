/* Sorted-set family command tests against an in-process Respite: replies, keyspace events and
 * dirty counts, encodings and conversions, the store API other families use (zsetCreate /
 * zsetInsert / zsetConvertToListpackIfNeeded, scanScoreRange, rangeByRank), the skiplist's
 * rank/span invariants against a sorted-array model, ZSCAN over a growing skiplist, and a
 * 1M-member sorted set. (Byte-for-byte agreement with Redis is in test/differential/zset.) */

import { test, before, after, beforeEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, RawClient, rng } from '../helpers/servers';
import type { RunningServer } from '../../src/index';
import { encodingOf } from '../../src/store/values';
import { ZSet, zsetCreate, zsetInsert, zsetConvertToListpackIfNeeded, listpackScoreText } from '../../src/store/zset';
import { ZTree } from '../../src/store/zset-tree';

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
  await c.call('CONFIG', 'SET', 'zset-max-listpack-entries', '128');
  await c.call('CONFIG', 'SET', 'zset-max-listpack-value', '64');
  events = [];
});

const db = () => srv.server.dbs[0];
const enc = (k: string) => encodingOf(db().peek(k)!);

test('ZADD / ZINCRBY / ZSCORE / ZMSCORE / ZCARD / ZRANK / ZREVRANK basics', async () => {
  assert.equal(await c.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'), 3);
  assert.equal(await c.call('ZADD', 'z', 'CH', '5', 'a', '2', 'b', '4', 'd'), 2);
  assert.equal(await c.call('ZINCRBY', 'z', '0.5', 'a'), '5.5');
  assert.equal(await c.call('ZADD', 'z', 'INCR', '-1', 'a'), '4.5');
  assert.equal(await c.call('ZADD', 'z', 'GT', 'INCR', '-1', 'a'), null);
  assert.equal(await c.call('ZSCORE', 'z', 'a'), '4.5');
  assert.deepEqual(await c.call('ZMSCORE', 'z', 'a', 'nope', 'b'), ['4.5', null, '2']);
  assert.equal(await c.call('ZCARD', 'z'), 4);
  assert.equal(await c.call('ZRANK', 'z', 'b'), 0);
  assert.equal(await c.call('ZREVRANK', 'z', 'b'), 3);
  assert.equal(await c.call('ZRANK', 'z', 'nope'), null);
  assert.deepEqual(await c.call('ZRANGE', 'z', '0', '-1', 'WITHSCORES'), ['b', '2', 'c', '3', 'd', '4', 'a', '4.5']);
  assert.deepEqual(await c.call('ZADD', 'z', 'INCR', 'inf', 'a'), 'inf');
  assert.deepEqual(await c.call('ZINCRBY', 'z', '-inf', 'a'), { error: 'ERR resulting score is not a number (NaN)' });
  assert.equal(await c.call('ZSCORE', 'z', 'a'), 'inf');
  assert.deepEqual(await c.call('ZADD', 'z', 'NX', 'XX', '1', 'a'), { error: 'ERR XX and NX options at the same time are not compatible' });
});

test('keyspace events, dirty counts and deletion of emptied zsets', async () => {
  const dirty0 = srv.server.dirty;
  await c.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
  assert.equal(srv.server.dirty - dirty0, 5);
  await c.call('ZADD', 'z', '1', 'a');
  assert.equal(srv.server.dirty - dirty0, 5, 'no change, no dirty');
  await c.call('ZINCRBY', 'z', '1', 'a');
  await c.call('ZREM', 'z', 'a', 'nope');
  await c.call('ZREMRANGEBYRANK', 'z', '0', '0');
  await c.call('ZREMRANGEBYSCORE', 'z', '3', '3');
  await c.call('ZPOPMIN', 'z');
  await c.call('ZADD', 'z', '1', 'a', '1', 'b');
  await c.call('ZREMRANGEBYLEX', 'z', '[a', '[a');
  await c.call('ZPOPMAX', 'z', '5');
  assert.equal(await c.call('EXISTS', 'z'), 0);
  assert.deepEqual(events, ['zadd:z', 'zincr:z', 'zrem:z', 'zremrangebyrank:z', 'zremrangebyscore:z', 'zpopmin:z', 'zadd:z',
    'zremrangebylex:z', 'zpopmax:z', 'del:z']);
  events = [];
  await c.call('ZADD', 's', '1', 'a', '2', 'b');
  await c.call('ZUNIONSTORE', 'd', '1', 's');
  await c.call('ZINTERSTORE', 'd', '1', 's');
  await c.call('ZDIFFSTORE', 'd', '1', 's');
  await c.call('ZRANGESTORE', 'd', 's', '0', '0');
  await c.call('ZDIFFSTORE', 'd', '2', 's', 's');
  await c.call('ZMPOP', '1', 's', 'MIN', 'COUNT', '5');
  await c.call('ZREM', 'nokey', 'a');
  assert.deepEqual(events, ['zadd:s', 'zunionstore:d', 'zinterstore:d', 'zdiffstore:d', 'zrangestore:d', 'del:d', 'zpopmin:s', 'del:s']);
  events = [];
  await c.call('ZADD', 'z', '1', 'a');
  await c.call('ZREM', 'z', 'a');
  assert.deepEqual(events, ['zadd:z', 'zrem:z', 'del:z']);
});

test('encodings follow zset-max-listpack-entries / -value, one-way except STORE results', async () => {
  const args: string[] = [];
  for (let i = 0; i < 128; i++) args.push(String(i), 'm' + i);
  await c.call('ZADD', 'a', ...args);
  assert.equal(enc('a'), 'listpack');
  await c.call('ZADD', 'a', '0', 'extra');
  assert.equal(enc('a'), 'skiplist');
  await c.call('ZREMRANGEBYRANK', 'a', '0', '-3');
  assert.equal(enc('a'), 'skiplist', 'never back on removal');
  await c.call('ZUNIONSTORE', 'u', '1', 'a');
  assert.equal(enc('u'), 'listpack', 'a STORE result that fits is a listpack');
  await c.call('ZADD', 'b', '1', 'x'.repeat(65));
  assert.equal(enc('b'), 'skiplist');
  await c.call('CONFIG', 'SET', 'zset-max-ziplist-entries', '0');
  await c.call('ZADD', 'c', '1', 'a');
  assert.equal(enc('c'), 'skiplist');
  assert.deepEqual(await c.call('CONFIG', 'GET', 'zset-max-listpack-entries'), ['zset-max-listpack-entries', '0']);
  await c.call('CONFIG', 'SET', 'zset-max-listpack-entries', '128');
  await c.call('COPY', 'a', 'a2');
  assert.equal(enc('a2'), 'skiplist');
  await c.call('ZADD', 'a2', '9', 'new');
  assert.equal(await c.call('ZCARD', 'a'), 2);
  assert.equal(await c.call('ZCARD', 'a2'), 3);
  assert.deepEqual(await c.call('TYPE', 'a2'), { simple: 'zset' });
  assert.equal(await c.call('OBJECT', 'ENCODING', 'u'), 'listpack');
});

test('RESP3: scores are doubles, WITHSCORES replies are pairs', async () => {
  const r3 = await RawClient.connect(srv.port);
  await r3.call('HELLO', '3');
  await r3.call('ZADD', 'z', '1.5', 'a', '2', 'b');
  assert.equal(await r3.raw('ZSCORE', 'z', 'a'), ',1.5\r\n');
  assert.equal(await r3.raw('ZRANGE', 'z', '0', '0', 'WITHSCORES'), '*1\r\n*2\r\n$1\r\na\r\n,1.5\r\n');
  assert.equal(await r3.raw('ZPOPMIN', 'z'), '*2\r\n$1\r\na\r\n,1.5\r\n');
  assert.equal(await r3.raw('ZPOPMIN', 'z', '1'), '*1\r\n*2\r\n$1\r\nb\r\n,2\r\n');
  assert.equal(await r3.raw('ZMPOP', '1', 'z', 'MIN'), '_\r\n');
  r3.close();
  assert.equal(await c.raw('ZMPOP', '1', 'z', 'MIN'), '*-1\r\n');
});

test('ZRANDMEMBER: distinct positive picks, repeated negative picks, whole set when count >= size', async () => {
  await c.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
  for (let i = 0; i < 20; i++) {
    const r = (await c.call('ZRANDMEMBER', 'z', '3')) as string[];
    assert.equal(new Set(r).size, 3);
    const w = (await c.call('ZRANDMEMBER', 'z', '-7', 'WITHSCORES')) as string[];
    assert.equal(w.length, 14);
    for (let j = 0; j < w.length; j += 2) assert.equal(w[j + 1], String(w[j].charCodeAt(0) - 96));
  }
  assert.deepEqual(await c.call('ZRANDMEMBER', 'z', '10'), ['e', 'd', 'c', 'b', 'a']);
  const big: string[] = [];
  for (let i = 0; i < 500; i++) big.push(String(i), 'm' + i);
  await c.call('ZADD', 'big', ...big);
  const r = (await c.call('ZRANDMEMBER', 'big', '100')) as string[];
  assert.equal(new Set(r).size, 100);
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) seen.add((await c.call('ZRANDMEMBER', 'big')) as string);
  assert.ok(seen.size > 100, 'single picks spread over the set');
});

test('ZSCAN over a skiplist returns every member present for the whole scan while it grows and shrinks', async () => {
  const members: string[] = [];
  for (let i = 0; i < 2000; i++) members.push(String(i), 'm' + i);
  await c.call('ZADD', 'z', ...members);
  const seen = new Set<string>();
  let cursor = '0';
  let step = 0;
  do {
    const [next, items] = (await c.call('ZSCAN', 'z', cursor, 'COUNT', '50')) as [string, string[]];
    for (let i = 0; i < items.length; i += 2) seen.add(items[i]);
    cursor = next;
    step++;
    if (step === 5) await c.call('ZADD', 'z', ...Array.from({ length: 3000 }, (_, i) => [String(i), 'new' + i]).flat());
    if (step === 10) await c.call('ZREM', 'z', ...Array.from({ length: 2500 }, (_, i) => 'new' + i));
  } while (cursor !== '0');
  for (let i = 0; i < 2000; i++) assert.ok(seen.has('m' + i), 'm' + i);
  const r = (await c.call('ZSCAN', 'z', '0', 'MATCH', 'm1?', 'COUNT', '100000')) as [string, string[]];
  assert.equal(r[0], '0');
  assert.equal(r[1].length, 20);
});

test('listpack score texts follow d2string', () => {
  assert.equal(listpackScoreText(-0), '0');
  assert.equal(listpackScoreText(123456789012345678), '123456789012345680');
  assert.equal(listpackScoreText(2 ** 62), '4611686018427387904');
  assert.equal(listpackScoreText(2 ** 62 * 2), '9.2233720368547758e+18');
  assert.equal(listpackScoreText(0.1), '0.10000000000000001');
  assert.equal(listpackScoreText(Infinity), 'inf');
});

test('store API for other families: create, insert, ranges, conversion back to listpack', () => {
  const server = srv.server;
  const small = zsetCreate(server, 3, 10);
  assert.equal(small.encoding(), 'listpack');
  const big = zsetCreate(server, 1000, 10);
  assert.equal(big.encoding(), 'skiplist');
  assert.equal(zsetCreate(server, 3, 65).encoding(), 'skiplist');
  for (const z of [small, big]) {
    zsetInsert(server, z, 'b', 2);
    zsetInsert(server, z, 'a', 2);
    zsetInsert(server, z, 'c', 1);
    zsetInsert(server, z, 'c', 3); // update
    assert.equal(z.size, 3);
    assert.equal(z.score('c'), 3);
    assert.equal(z.score('nope'), undefined);
    const seen: string[] = [];
    z.scanScoreRange(2, 3, (m, s) => { seen.push(`${m}=${s}`); });
    assert.deepEqual(seen, ['a=2', 'b=2', 'c=3']);
    const first: string[] = [];
    z.scanScoreRange(-Infinity, Infinity, (m) => { first.push(m); return false; });
    assert.deepEqual(first, ['a']);
    const rev: string[] = [];
    z.rangeByRank(0, 1, true, (m) => { rev.push(m); });
    assert.deepEqual(rev, ['c', 'b']);
    const all: string[] = [];
    z.forEachInOrder((m) => { all.push(m); });
    assert.deepEqual(all, ['a', 'b', 'c']);
    assert.equal(z.remove('b'), true);
    assert.equal(z.remove('b'), false);
    assert.equal(z.size, 2);
  }
  zsetConvertToListpackIfNeeded(server, big, 1, 2);
  assert.equal(big.encoding(), 'listpack');
  const grow = zsetCreate(server, 0, 0);
  for (let i = 0; i < 129; i++) zsetInsert(server, grow, 'm' + i, i);
  assert.equal(grow.encoding(), 'skiplist');
  zsetConvertToListpackIfNeeded(server, grow, 4, 500);
  assert.equal(grow.encoding(), 'skiplist', 'too many members to go back');
  const dup = grow.dup() as ZSet;
  assert.equal(dup.encoding(), 'skiplist');
  assert.equal(dup.rank('m50', false), 50);
});

test('the ordered tree: ranks, seeks and range counts agree with a sorted-array model (random ops)', () => {
  const r = rng(7);
  const zsl = new ZTree();
  const model: [number, string][] = [];
  const cmp = (x: [number, string], y: [number, string]): number =>
    x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0);
  const scores = new Map<string, number>();
  const at = (e: [number, string]): number => {
    let lo = 0, hi = model.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(model[mid], e) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  // Grow to ~20k members (three levels: leaf and inner splits), then churn, then shrink.
  for (let i = 0; i < 60000; i++) {
    const m = 'k' + Math.floor(r() * 25000);
    const s = Math.floor(r() * 500) / 4;
    const cur = scores.get(m);
    const roll = r();
    const shrink = i > 40000;
    if (cur === undefined) {
      if (shrink) continue;
      zsl.insert(s, m);
      scores.set(m, s);
      model.splice(at([s, m]), 0, [s, m]);
    } else if (roll < 0.4 && !shrink) {
      zsl.updateScore(cur, m, s);
      scores.set(m, s);
      model.splice(at([cur, m]), 1);
      model.splice(at([s, m]), 0, [s, m]);
    } else {
      assert.equal(zsl.delete(cur, m), true);
      assert.equal(zsl.delete(cur, m), false);
      scores.delete(m);
      model.splice(at([cur, m]), 1);
    }
    if (i % 3000 === 0) {
      assert.equal(zsl.length, model.length);
      for (let j = 0; j < model.length; j += 97) {
        assert.equal(zsl.rank(model[j][0], model[j][1]), j + 1);
        const pos = { leaf: zsl.head, idx: 0 };
        zsl.seek(j, pos);
        assert.equal(pos.leaf.ms[pos.idx], model[j][1]);
      }
      const b = Math.floor(r() * 500) / 4;
      assert.equal(zsl.countBelow(b, false), model.filter((e) => e[0] < b).length);
      assert.equal(zsl.countBelow(b, true), model.filter((e) => e[0] <= b).length);
    }
  }
  // Walk the leaves backwards from the tail: links are consistent.
  let k = model.length - 1;
  for (let l = zsl.tail as typeof zsl.tail | null; l !== null; l = l.prev) {
    for (let i = l.ms.length - 1; i >= 0; i--, k--) assert.equal(l.ms[i], model[k][1]);
  }
  assert.equal(k, -1);
  // Delete everything: the tree collapses back to one empty leaf.
  for (const [s, m] of [...model].reverse()) assert.equal(zsl.delete(s, m), true);
  assert.equal(zsl.length, 0);
  assert.equal(zsl.head, zsl.tail);
  assert.equal(zsl.head.ms.length, 0);
});

test('a 1M-member sorted set: insert, rank, range, remove', async () => {
  const N = 1_000_000;
  const z = new ZSet();
  z.toSkiplist();
  const r = rng(42);
  const score = (i: number): number => Math.floor((i * 7919) % N);
  for (let i = 0; i < N; i++) z.addNew('member:' + i, score(i));
  assert.equal(z.size, N);
  for (let t = 0; t < 1000; t++) {
    const i = Math.floor(r() * N);
    const rk = z.rank('member:' + i, false);
    const cur = z.cursor(rk);
    assert.equal(cur.member, 'member:' + i);
  }
  // Scores are a permutation of 0..N-1: member with score s has rank s.
  const [lo, hi] = z.scoreRange(500000, false, 500099, false);
  assert.equal(lo, 500000);
  assert.equal(hi, 500100);
  for (let i = 0; i < 100000; i++) z.remove('member:' + i);
  assert.equal(z.size, N - 100000);
  assert.equal(z.deleteRange(0, 1000), 1000);
  assert.equal(z.size, N - 101000);
  srv.server.dbs[0].add('huge', z);
  assert.equal(await c.call('ZCARD', 'huge'), N - 101000);
  const page = (await c.call('ZRANGEBYSCORE', 'huge', '(900000', '+inf', 'LIMIT', '0', '3')) as string[];
  assert.equal(page.length, 3);
  assert.equal(await c.call('ZSCORE', 'huge', page[0]), '900001');
  const rk = (await c.call('ZRANK', 'huge', page[0])) as number;
  assert.deepEqual(await c.call('ZRANGE', 'huge', String(rk), String(rk)), [page[0]]);
  assert.equal(await c.call('ZCOUNT', 'huge', '-inf', '+inf'), N - 101000);
  await c.call('DEL', 'huge');
});

test('deleteRange: small ranges delete one by one, large ones rebuild; both keep order and the dict', () => {
  for (const [lo, hi] of [[10, 20], [0, 900], [100, 1000], [0, 1000], [500, 501]]) {
    const z = new ZSet();
    z.toSkiplist();
    for (let i = 0; i < 1000; i++) z.addNew('m' + i, i % 7 === 0 ? 5 : i);
    const all: string[] = [];
    z.forEachInOrder((m) => { all.push(m); });
    assert.equal(z.deleteRange(lo, hi), hi - lo);
    const kept = all.slice(0, lo).concat(all.slice(hi));
    const now: string[] = [];
    z.forEachInOrder((m) => { now.push(m); });
    assert.deepEqual(now, kept);
    assert.equal(z.size, kept.length);
    for (const m of all.slice(lo, hi)) assert.equal(z.score(m), undefined);
    for (let i = 0; i < kept.length; i += 13) assert.equal(z.rank(kept[i], false), i);
  }
});
