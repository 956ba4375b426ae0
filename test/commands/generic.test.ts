/* Generic (keyspace) family: DEL, UNLINK, EXISTS, TYPE, TOUCH, RANDOMKEY, DBSIZE, KEYS, SCAN,
 * RENAME, RENAMENX, COPY, MOVE, SWAPDB, FLUSHDB, FLUSHALL, OBJECT — in-process, over a raw
 * socket, with direct access to the store for TTLs, metadata, events and the dirty counter.
 * The cron is stopped so the LRU clock and active expiry do not move under the assertions. */

import { test, describe, before, after, beforeEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, RawClient, rng } from '../helpers/servers';
import type { RunningServer } from '../../src/index';
import type { Server } from '../../src/server/server';
import type { Db } from '../../src/store/db';
import { RObj, ObjType, RawString } from '../../src/store/values';
import { parseScanCursor } from '../../src/commands/generic';

/** A non-string value standing in for the collection types (their families come later). */
class FakeList extends RObj {
  readonly type = ObjType.LIST;
  constructor(public items: string[]) { super(); }
  encoding(): string { return 'quicklist'; }
  dup(): RObj { return new FakeList([...this.items]); }
}

const err = (msg: string) => ({ error: msg });

let srv: RunningServer;
let s: Server;
let c: RawClient;
let events: string[];
let modified: string[];

/** Forget the events and signals recorded so far (call after a test's setup). */
function mark(): void {
  events = [];
  modified = [];
}

function db(i = 0): Db {
  return s.dbs[i];
}

/** Full SCAN iteration with the given extra arguments; returns every key returned (with repeats). */
async function scanAll(cl: RawClient, ...extra: (string | number)[]): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const r = (await cl.call('SCAN', cursor, ...extra)) as [string, string[]];
    cursor = r[0];
    out.push(...r[1]);
  } while (cursor !== '0');
  return out;
}

before(async () => {
  srv = await startRespite();
  s = srv.server;
  s.cron.stop();
  c = await RawClient.connect(srv.port);
  s.keyHooks.event.push((_cls, ev, key, dbid) => events.push(`${ev}:${key}:${dbid}`));
  s.keyHooks.modified.push((d, key) => modified.push(`${key}:${d.id}`));
});

after(async () => {
  c.close();
  await srv.close();
});

beforeEach(async () => {
  await c.call('SELECT', 0);
  for (const d of s.dbs) d.clear();
  events = [];
  modified = [];
});

describe('DEL / UNLINK / EXISTS / TYPE / TOUCH / DBSIZE / RANDOMKEY', () => {
  test('DEL and UNLINK count deleted keys once, signal each and emit del', async () => {
    for (const k of ['a', 'b', 'c']) await c.call('SET', k, 'v');
    mark();
    const dirty = s.dirty;
    assert.equal(await c.call('DEL', 'a', 'a', 'nosuch', 'b'), 2);
    assert.equal(s.dirty - dirty, 2);
    assert.deepEqual(events, ['del:a:0', 'del:b:0']);
    assert.deepEqual(modified, ['a:0', 'b:0']);
    assert.equal(await c.call('UNLINK', 'c', 'c'), 1);
    assert.equal(await c.call('DBSIZE'), 0);
    assert.deepEqual(await c.call('DEL'), err("ERR wrong number of arguments for 'del' command"));
  });

  test('an expired key is expired (event "expired"), not counted as deleted', async () => {
    await c.call('SET', 'old', 'v');
    db().setExpire('old', Date.now() - 10);
    mark();
    assert.equal(await c.call('DEL', 'old'), 0);
    assert.deepEqual(events, ['expired:old:0']);
    assert.equal(db().size, 0);
  });

  test('EXISTS counts repeats; TYPE names every type; neither touches the LRU clock', async () => {
    await c.call('SET', 'k', 'v');
    db().set('raw', RawString.from('bytes'));
    db().set('lst', new FakeList(['x']));
    assert.equal(await c.call('EXISTS', 'k', 'k', 'nosuch', 'raw', 'lst'), 4);
    assert.deepEqual(await c.call('TYPE', 'k'), { simple: 'string' });
    assert.deepEqual(await c.call('TYPE', 'raw'), { simple: 'string' });
    assert.deepEqual(await c.call('TYPE', 'lst'), { simple: 'list' });
    assert.equal(await c.raw('TYPE', 'nosuch'), '+none\r\n');
    const slot = db().dict.find('k');
    db().dict.setMetaAt(slot, 12345);
    await c.call('EXISTS', 'k');
    await c.call('TYPE', 'k');
    assert.equal(db().getMeta('k'), 12345);
    const hits = s.stats.keyspaceHits, misses = s.stats.keyspaceMisses;
    await c.call('EXISTS', 'k', 'nosuch');
    assert.equal(s.stats.keyspaceHits - hits, 1);
    assert.equal(s.stats.keyspaceMisses - misses, 1);
  });

  test('TOUCH counts existing keys and refreshes their LRU clock', async () => {
    await c.call('SET', 'k', 'v');
    db().dict.setMetaAt(db().dict.find('k'), 7);
    assert.equal(await c.call('TOUCH', 'k', 'nosuch', 'k'), 2);
    assert.equal(db().getMeta('k'), s.lruClock);
  });

  test('EXISTS / TYPE / TOUCH see expired keys as missing', async () => {
    await c.call('SET', 'e', 'v');
    db().setExpire('e', Date.now() - 1);
    assert.equal(await c.call('EXISTS', 'e'), 0);
    assert.equal(await c.raw('TYPE', 'e'), '+none\r\n');
    assert.equal(await c.call('TOUCH', 'e'), 0);
  });

  test('RANDOMKEY and DBSIZE', async () => {
    assert.equal(await c.raw('RANDOMKEY'), '$-1\r\n');
    assert.equal(await c.call('DBSIZE'), 0);
    const keys = new Set(['a', 'b', 'c', 'd']);
    for (const k of keys) await c.call('SET', k, '1');
    for (let i = 0; i < 20; i++) assert.ok(keys.has((await c.call('RANDOMKEY')) as string));
    assert.equal(await c.call('DBSIZE'), 4);
    // DBSIZE counts expired keys not yet reclaimed; RANDOMKEY never returns them.
    for (const k of ['a', 'b', 'c']) db().setExpire(k, Date.now() - 1);
    assert.equal(await c.call('DBSIZE'), 4);
    for (let i = 0; i < 10; i++) assert.equal(await c.call('RANDOMKEY'), 'd');
    assert.deepEqual(await c.call('RANDOMKEY', 'x'), err("ERR wrong number of arguments for 'randomkey' command"));
  });

  test('RANDOMKEY on a database of only expired keys reclaims them all and replies null', async () => {
    for (let i = 0; i < 300; i++) {
      db().set(`e${i}`, 'v');
      db().setExpire(`e${i}`, Date.now() - 1);
    }
    assert.equal(await c.raw('RANDOMKEY'), '$-1\r\n');
    assert.equal(db().size, 0);
    // Where expired keys cannot be deleted (as on a replica), it gives up and returns one.
    for (let i = 0; i < 300; i++) {
      db().set(`e${i}`, 'v');
      db().setExpire(`e${i}`, Date.now() - 1);
    }
    s.expireEnabled = false;
    try {
      assert.match((await c.call('RANDOMKEY')) as string, /^e\d+$/);
      assert.equal(db().size, 300);
    } finally {
      s.expireEnabled = true;
    }
  });
});

describe('KEYS', () => {
  test('glob patterns over binary keys, expired keys hidden but not deleted', async () => {
    const keys = ['foo', 'fob', 'fo', 'f[o]', 'bar', '', 'a\x00b', '\xff\xfe'];
    for (const k of keys) await c.call('SET', k, '1');
    const keysOf = async (p: string) => ((await c.call('KEYS', p)) as string[]).sort();
    assert.deepEqual(await keysOf('*'), [...keys].sort());
    assert.deepEqual(await keysOf('fo?'), ['fob', 'foo']);
    assert.deepEqual(await keysOf('f[o]'), ['fo']);
    assert.deepEqual(await keysOf('f\\[o\\]'), ['f[o]']);
    assert.deepEqual(await keysOf(''), ['']);
    assert.deepEqual(await keysOf('**'), [...keys].filter((k) => k !== '').sort());
    assert.deepEqual(await keysOf('a?b'), ['a\x00b']);
    assert.deepEqual(await keysOf('[\x80-\xff]*'), ['\xff\xfe']);
    db().setExpire('foo', Date.now() - 1);
    assert.deepEqual(await keysOf('fo*'), ['fo', 'fob']);
    assert.equal(db().size, keys.length);
  });
});

describe('SCAN', () => {
  test('cursor parsing follows strtoul', () => {
    assert.equal(parseScanCursor('0'), 0);
    assert.equal(parseScanCursor(''), 0);
    assert.equal(parseScanCursor('007'), 7);
    assert.equal(parseScanCursor('+5'), 5);
    assert.equal(parseScanCursor('-0'), 0);
    assert.equal(parseScanCursor('-1'), 0xffffffff);
    assert.equal(parseScanCursor('4294967296'), 0);
    assert.equal(parseScanCursor('4294967297'), 1);
    assert.equal(parseScanCursor('18446744073709551615'), 0xffffffff);
    assert.equal(parseScanCursor('-18446744073709551615'), 1);
    assert.equal(parseScanCursor('12\x00garbage'), 12);
    assert.equal(parseScanCursor('\x00'), 0);
    for (const bad of ['18446744073709551616', '-18446744073709551616', ' 1', '\t1', '1 ', 'abc', '0x1', '+', '-', '1.0', '+-1']) {
      assert.equal(parseScanCursor(bad), -1, JSON.stringify(bad));
    }
  });

  test('argument errors', async () => {
    const cases: [string[], string][] = [
      [['abc'], 'ERR invalid cursor'], [[' 0'], 'ERR invalid cursor'], [['18446744073709551616'], 'ERR invalid cursor'],
      [['0', 'count', '0'], 'ERR syntax error'], [['0', 'count', '-1'], 'ERR syntax error'],
      [['0', 'count', 'x'], 'ERR value is not an integer or out of range'],
      [['0', 'count', '9223372036854775808'], 'ERR value is not an integer or out of range'],
      [['0', 'count'], 'ERR syntax error'], [['0', 'match'], 'ERR syntax error'], [['0', 'type'], 'ERR syntax error'],
      [['0', 'foo', 'bar'], 'ERR syntax error'], [['0', 'match', '*', 'count', '0'], 'ERR syntax error'],
      [['x', 'count', '0'], 'ERR invalid cursor'],
    ];
    for (const [args, msg] of cases) assert.deepEqual(await c.call('SCAN', ...args), err(msg), args.join(' '));
  });

  test('full iteration returns every key; MATCH, COUNT and TYPE (any case) filter', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 300; i++) keys.push(`key:${i}`);
    for (const k of keys) await c.call('SET', k, 'v');
    db().set('lst', new FakeList([]));
    assert.deepEqual(new Set(await scanAll(c)), new Set([...keys, 'lst']));
    assert.deepEqual((await scanAll(c, 'COUNT', 1000))?.length, 301);
    const r = (await c.call('SCAN', '0', 'COUNT', '100000')) as [string, string[]];
    assert.equal(r[0], '0');
    assert.equal(r[1].length, 301);
    assert.deepEqual(new Set(await scanAll(c, 'MATCH', 'key:1?')), new Set(keys.filter((k) => /^key:1.$/.test(k))));
    assert.deepEqual(await scanAll(c, 'TYPE', 'LIST'), ['lst']);
    assert.deepEqual((await scanAll(c, 'type', 'string', 'match', '*')).length, 300);
    assert.deepEqual(await scanAll(c, 'TYPE', 'nosuchtype'), []);
    // a huge cursor is accepted and the reply cursor is a decimal bulk string
    const big = await c.raw('SCAN', '18446744073709551615', 'COUNT', 1);
    assert.match(big, /^\*2\r\n\$\d+\r\n\d+\r\n\*\d+\r\n/);
  });

  test('expired keys are never returned, and are reclaimed by the scan', async () => {
    for (let i = 0; i < 50; i++) await c.call('SET', `k${i}`, 'v');
    for (let i = 0; i < 50; i += 2) db().setExpire(`k${i}`, Date.now() - 1);
    mark();
    const got = await scanAll(c);
    assert.deepEqual(new Set(got), new Set(Array.from({ length: 25 }, (_, i) => `k${2 * i + 1}`)));
    assert.equal(db().size, 25);
    assert.equal(events.filter((e) => e.startsWith('expired:')).length, 25);
  });

  test('guarantee: keys present for the whole scan are returned while the table grows and shrinks', async () => {
    const r = rng(7);
    const stable = new Set<string>();
    for (let i = 0; i < 200; i++) {
      stable.add(`stable:${i}`);
      await c.call('SET', `stable:${i}`, '1');
    }
    let churn: string[] = [];
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    let grew = 0, shrank = 0;
    do {
      const res = (await c.call('SCAN', cursor, 'COUNT', 1 + ((r() * 15) | 0))) as [string, string[]];
      cursor = res[0];
      for (const k of res[1]) seen.add(k);
      calls++;
      // Between calls, alternately add thousands of keys (table grows several times) and remove
      // them all (table shrinks back), so the scan crosses resizes in both directions.
      const before = db().dict.buckets;
      if (churn.length === 0 && r() < 0.5) {
        const n = 500 + ((r() * 4000) | 0);
        for (let i = 0; i < n; i++) churn.push(`churn:${calls}:${i}`);
        for (const k of churn) db().set(k, '1');
      } else if (churn.length !== 0) {
        for (const k of churn) db().delete(k);
        churn = [];
      }
      if (r() < 0.5) db().rehashFor(1000); // else the next call scans mid-rehash (two tables)
      const after = db().dict.buckets;
      if (after > before) grew++;
      if (after < before) shrank++;
    } while (cursor !== '0' && calls < 100000);
    assert.equal(cursor, '0');
    assert.ok(grew > 0 && shrank > 0, `resizes: grew ${grew} shrank ${shrank}`);
    for (const k of stable) assert.ok(seen.has(k), `missing ${k}`);
  });

  test('SCAN TYPE looks keys up without touching them', async () => {
    await c.call('SET', 'k', 'v');
    db().dict.setMetaAt(db().dict.find('k'), 99);
    await scanAll(c, 'TYPE', 'string');
    assert.equal(db().getMeta('k'), 99);
  });
});

describe('RENAME / RENAMENX', () => {
  test('moves value, TTL and LRU age; overwrites the destination and its TTL', async () => {
    await c.call('SET', 'src', 'v1');
    await c.call('SET', 'dst', 'v2');
    const when = Date.now() + 100000;
    db().setExpire('src', when);
    db().setExpire('dst', when + 5000);
    mark();
    const dirty = s.dirty;
    assert.equal(await c.raw('RENAME', 'src', 'dst'), '+OK\r\n');
    assert.equal(s.dirty - dirty, 1);
    assert.equal(await c.call('GET', 'dst'), 'v1');
    assert.equal(db().getExpire('dst'), when);
    assert.equal(await c.call('EXISTS', 'src'), 0);
    assert.deepEqual(events, ['rename_from:src:0', 'rename_to:dst:0']);
    assert.deepEqual(modified, ['src:0', 'dst:0']);
    // without TTL the destination has none
    await c.call('SET', 'x', '1');
    await c.call('RENAME', 'dst', 'y');
    await c.call('RENAME', 'x', 'y');
    assert.equal(db().getExpire('y'), -1);
  });

  test('same name, missing key, RENAMENX', async () => {
    await c.call('SET', 'a', '1');
    await c.call('SET', 'b', '2');
    mark();
    assert.equal(await c.raw('RENAME', 'a', 'a'), '+OK\r\n');
    assert.equal(await c.call('RENAMENX', 'a', 'a'), 0);
    assert.deepEqual(await c.call('RENAME', 'nosuch', 'x'), err('ERR no such key'));
    assert.deepEqual(await c.call('RENAME', 'nosuch', 'nosuch'), err('ERR no such key'));
    assert.deepEqual(await c.call('RENAMENX', 'nosuch', 'x'), err('ERR no such key'));
    assert.equal(await c.call('RENAMENX', 'a', 'b'), 0);
    assert.equal(await c.call('GET', 'b'), '2');
    assert.equal(await c.call('RENAMENX', 'a', 'c'), 1);
    assert.equal(await c.call('GET', 'c'), '1');
    assert.deepEqual(events, ['rename_from:a:0', 'rename_to:c:0']);
    // an expired destination does not block RENAMENX; an expired source is missing
    await c.call('SET', 'e', 'x');
    db().setExpire('e', Date.now() - 1);
    assert.equal(await c.call('RENAMENX', 'c', 'e'), 1);
    db().setExpire('e', Date.now() - 1);
    assert.deepEqual(await c.call('RENAME', 'e', 'f'), err('ERR no such key'));
  });

  test('the moved value keeps its access metadata', async () => {
    db().set('m', 'v');
    db().dict.setMetaAt(db().dict.find('m'), 4242);
    // Run the handler directly with noTouch set (as under CLIENT NO-TOUCH), so the source
    // lookup does not refresh the clock and only the move itself could change it.
    s.noTouch = true;
    try {
      const fake = s.createFakeClient({ write: () => true });
      s.table.lookup('rename')!.spec.handler!(fake, ['rename', 'm', 'n']);
    } finally {
      s.noTouch = false;
    }
    assert.equal(db().getMeta('n'), 4242);
  });
});

describe('COPY', () => {
  test('copies value and TTL, REPLACE, DB, and keeps the source', async () => {
    await c.call('SET', 'src', 'hello');
    const when = Date.now() + 50000;
    db().setExpire('src', when);
    mark();
    assert.equal(await c.call('COPY', 'src', 'dst'), 1);
    assert.equal(await c.call('GET', 'dst'), 'hello');
    assert.equal(db().getExpire('dst'), when);
    assert.deepEqual(events, ['copy_to:dst:0']);
    await c.call('SET', 'other', 'x');
    assert.equal(await c.call('COPY', 'src', 'other'), 0);
    assert.equal(await c.call('GET', 'other'), 'x');
    assert.equal(await c.call('COPY', 'src', 'other', 'REPLACE'), 1);
    assert.equal(await c.call('GET', 'other'), 'hello');
    assert.equal(await c.call('COPY', 'src', 'src', 'DB', 3), 1);
    assert.equal(db(3).peek('src'), 'hello');
    assert.equal(db(3).getExpire('src'), when);
    assert.deepEqual(events.slice(-1), ['copy_to:src:3']);
    assert.equal(await c.call('COPY', 'nosuch', 'x'), 0);
    assert.equal(await c.call('GET', 'src'), 'hello');
  });

  test('errors, in argument order', async () => {
    await c.call('SET', 'k', 'v');
    const cases: [string[], string][] = [
      [['k', 'k'], 'ERR source and destination objects are the same'],
      [['k', 'k', 'DB', '0'], 'ERR source and destination objects are the same'],
      [['k', 'j', 'DB', 'x'], 'ERR value is not an integer or out of range'],
      [['k', 'j', 'DB', '16'], 'ERR DB index is out of range'],
      [['k', 'j', 'DB', '-1'], 'ERR DB index is out of range'],
      [['k', 'j', 'DB', '2147483648'], 'ERR value is out of range, value must between -2147483648 and 2147483647'],
      [['k', 'j', 'DB'], 'ERR syntax error'], [['k', 'j', 'REPLACE', 'DB'], 'ERR syntax error'],
      [['k', 'j', 'foo'], 'ERR syntax error'], [['k', 'k', 'DB', '0', 'foo'], 'ERR syntax error'],
      [['k', 'j', 'DB', '99', 'foo'], 'ERR DB index is out of range'],
      [['nosuch', 'j', 'DB', '99'], 'ERR DB index is out of range'],
    ];
    for (const [args, msg] of cases) assert.deepEqual(await c.call('COPY', ...args), err(msg), args.join(' '));
    assert.equal(db().size, 1);
  });

  test('mutable and collection values are duplicated, not shared', async () => {
    const raw = RawString.from('abc', 10);
    db().set('raw', raw);
    db().set('lst', new FakeList(['a', 'b']));
    assert.equal(await c.call('COPY', 'raw', 'raw2'), 1);
    assert.equal(await c.call('COPY', 'lst', 'lst2', 'DB', 1), 1);
    raw.buf[0] = 0x7a;
    (db().peek('lst') as FakeList).items.push('c');
    const raw2 = db().peek('raw2') as RawString;
    assert.ok(raw2 instanceof RawString && raw2 !== raw);
    assert.equal(raw2.toString(), 'abc');
    assert.deepEqual((db(1).peek('lst2') as FakeList).items, ['a', 'b']);
    assert.equal(await c.call('OBJECT', 'ENCODING', 'raw2'), 'raw');
    assert.deepEqual(await c.call('TYPE', 'raw2'), { simple: 'string' });
  });
});

describe('MOVE', () => {
  test('moves value and TTL; refuses when the key exists in the target', async () => {
    await c.call('SET', 'k', 'v');
    const when = Date.now() + 60000;
    db().setExpire('k', when);
    mark();
    const dirty = s.dirty;
    assert.equal(await c.call('MOVE', 'k', 2), 1);
    assert.equal(s.dirty - dirty, 1);
    assert.equal(db().peek('k'), undefined);
    assert.equal(db(2).peek('k'), 'v');
    assert.equal(db(2).getExpire('k'), when);
    assert.deepEqual(events, ['move_from:k:0', 'move_to:k:2']);
    assert.deepEqual(modified, ['k:0', 'k:2']);
    await c.call('SET', 'k', 'mine');
    assert.equal(await c.call('MOVE', 'k', 2), 0);
    assert.equal(await c.call('GET', 'k'), 'mine');
    assert.equal(await c.call('MOVE', 'nosuch', 2), 0);
    // an expired key in the target does not block the move
    db(2).setExpire('k', Date.now() - 1);
    assert.equal(await c.call('MOVE', 'k', 2), 1);
    assert.equal(db(2).peek('k'), 'mine');
    assert.equal(db(2).getExpire('k'), -1);
  });

  test('errors', async () => {
    await c.call('SET', 'k', 'v');
    assert.deepEqual(await c.call('MOVE', 'k', 0), err('ERR source and destination objects are the same'));
    assert.deepEqual(await c.call('MOVE', 'nosuch', 0), err('ERR source and destination objects are the same'));
    assert.deepEqual(await c.call('MOVE', 'k', 16), err('ERR DB index is out of range'));
    assert.deepEqual(await c.call('MOVE', 'k', -1), err('ERR DB index is out of range'));
    assert.deepEqual(await c.call('MOVE', 'k', 'x'), err('ERR value is not an integer or out of range'));
    assert.deepEqual(await c.call('MOVE', 'k', '99999999999'),
      err('ERR value is out of range, value must between -2147483648 and 2147483647'));
    assert.equal(await c.call('GET', 'k'), 'v');
  });
});

describe('SWAPDB', () => {
  test('clients keep their db number and see the swapped data; TTLs travel', async () => {
    const c1 = await RawClient.connect(srv.port);
    try {
      await c1.call('SELECT', 1);
      await c.call('SET', 'in0', 'zero');
      await c1.call('SET', 'in1', 'one');
      db(1).setExpire('in1', Date.now() + 70000);
      const db0 = db(0), db1 = db(1);
      let hookArgs: number[] = [];
      s.keyHooks.swapped.push((a, b) => { hookArgs = [a.id, b.id]; });
      const dirty = s.dirty;
      assert.equal(await c.raw('SWAPDB', 0, 1), '+OK\r\n');
      s.keyHooks.swapped.pop();
      assert.deepEqual(hookArgs, [0, 1]);
      assert.equal(s.dirty - dirty, 1);
      assert.equal(db(0), db0);
      assert.equal(db(1), db1);
      assert.equal(db0.id, 0);
      assert.equal(await c.call('GET', 'in1'), 'one');
      assert.equal(await c.call('GET', 'in0'), null);
      assert.equal(await c1.call('GET', 'in0'), 'zero');
      assert.ok(db0.getExpire('in1') > Date.now());
      assert.equal(await c.raw('SWAPDB', 3, 3), '+OK\r\n');
    } finally {
      c1.close();
    }
  });

  test('errors', async () => {
    const cases: [(string | number)[], string][] = [
      [['a', 1], 'ERR invalid first DB index'], [[1, 'b'], 'ERR invalid second DB index'],
      [['a', 'b'], 'ERR invalid first DB index'], [['2147483648', 1], 'ERR invalid first DB index'],
      [[1, '-2147483649'], 'ERR invalid second DB index'], [[0, 16], 'ERR DB index is out of range'],
      [[-1, 0], 'ERR DB index is out of range'], [[16, 'x'], 'ERR invalid second DB index'],
    ];
    for (const [args, msg] of cases) assert.deepEqual(await c.call('SWAPDB', ...args), err(msg), args.join(' '));
    assert.deepEqual(await c.call('SWAPDB', 0), err("ERR wrong number of arguments for 'swapdb' command"));
  });
});

describe('FLUSHDB / FLUSHALL', () => {
  test('FLUSHDB empties the current db only; hooks see the keys before they go', async () => {
    await c.call('SET', 'a', '1');
    await c.call('SET', 'b', '1');
    db(1).set('other', '1');
    db().setExpire('a', Date.now() + 100000);
    mark();
    let seen: [number[], boolean, number] | null = null;
    s.keyHooks.flushed.push((dbs, async) => { seen = [dbs.map((d) => d.id), async, dbs[0].size]; });
    try {
      const dirty = s.dirty;
      assert.equal(await c.raw('FLUSHDB'), '+OK\r\n');
      assert.equal(s.dirty - dirty, 2);
      assert.deepEqual(seen, [[0], false, 2]);
      assert.equal(db().size, 0);
      assert.equal(db().expires.size, 0);
      assert.equal(db(1).size, 1);
      assert.deepEqual(events, []);
      await c.call('FLUSHDB', 'async');
      assert.deepEqual(seen, [[0], true, 0]);
      await c.call('FLUSHDB', 'SYNC');
      assert.deepEqual(seen, [[0], false, 0]);
      s.config.lazyfreeLazyUserFlush = true;
      await c.call('FLUSHDB');
      assert.deepEqual(seen, [[0], true, 0]);
    } finally {
      s.config.lazyfreeLazyUserFlush = false;
      s.keyHooks.flushed.pop();
    }
  });

  test('FLUSHALL empties every db; dirty counts the keys removed', async () => {
    for (let i = 0; i < 4; i++) db(i).set(`k${i}`, 'v');
    let ids: number[] = [];
    s.keyHooks.flushed.push((dbs) => { ids = dbs.map((d) => d.id); });
    try {
      const dirty = s.dirty;
      assert.equal(await c.raw('FLUSHALL', 'ASYNC'), '+OK\r\n');
      assert.equal(s.dirty - dirty, 4);
      assert.equal(ids.length, s.dbs.length);
      assert.equal(s.totalKeys(), 0);
      const d2 = s.dirty;
      await c.call('FLUSHALL');
      assert.equal(s.dirty - d2, 0);
    } finally {
      s.keyHooks.flushed.pop();
    }
  });

  test('syntax errors', async () => {
    await c.call('SET', 'a', '1');
    for (const cmd of ['FLUSHDB', 'FLUSHALL']) {
      assert.deepEqual(await c.call(cmd, 'now'), err('ERR syntax error'));
      assert.deepEqual(await c.call(cmd, 'async', 'sync'), err('ERR syntax error'));
      assert.deepEqual(await c.call(cmd, 'sync', 'x'), err('ERR syntax error'));
    }
    assert.equal(db().size, 1);
  });
});

describe('OBJECT', () => {
  test('ENCODING and REFCOUNT follow Redis for each representation', async () => {
    const cases: [string, string, number][] = [
      ['0', 'int', 2147483647], ['9999', 'int', 2147483647], ['10000', 'int', 1], ['-1', 'int', 1],
      ['9223372036854775807', 'int', 1], ['01', 'embstr', 1], ['abc', 'embstr', 1], ['x'.repeat(44), 'embstr', 1],
      ['x'.repeat(45), 'raw', 1], ['12345678901234567890', 'embstr', 1],
    ];
    for (const [v, enc, rc] of cases) {
      await c.call('SET', 'k', v);
      assert.equal(await c.call('OBJECT', 'ENCODING', 'k'), enc, v);
      assert.equal(await c.call('object', 'refcount', 'k'), rc, v);
    }
    db().set('raw', RawString.from('12'));
    assert.equal(await c.call('OBJECT', 'ENCODING', 'raw'), 'raw');
    assert.equal(await c.call('OBJECT', 'REFCOUNT', 'raw'), 1);
    db().set('lst', new FakeList([]));
    assert.equal(await c.call('OBJECT', 'ENCODING', 'lst'), 'quicklist');
    for (const sub of ['ENCODING', 'REFCOUNT', 'IDLETIME', 'FREQ']) {
      assert.equal(await c.raw('OBJECT', sub, 'nosuch'), '$-1\r\n', sub);
    }
  });

  test('IDLETIME from the LRU clock (with wrap-around), without touching the key', async () => {
    await c.call('SET', 'k', 'v');
    const slot = db().dict.find('k');
    db().dict.setMetaAt(slot, (s.lruClock - 100) & 0xffffff);
    assert.equal(await c.call('OBJECT', 'IDLETIME', 'k'), 100);
    assert.equal(await c.call('OBJECT', 'IDLETIME', 'k'), 100);
    db().dict.setMetaAt(slot, (s.lruClock + 10) & 0xffffff);
    assert.equal(await c.call('OBJECT', 'IDLETIME', 'k'), 0xffffff - 10);
    await c.call('GET', 'k');
    assert.equal(await c.call('OBJECT', 'IDLETIME', 'k'), 0);
  });

  test('FREQ needs an LFU policy; HELP; errors', async () => {
    await c.call('SET', 'k', 'v');
    assert.deepEqual(await c.call('OBJECT', 'FREQ', 'k'), err('ERR An LFU maxmemory policy is not selected, access ' +
      'frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will ' +
      'take some time to adjust.'));
    const help = (await c.call('object', 'help')) as { simple: string }[];
    assert.equal(help.length, 15);
    assert.deepEqual(help[0], { simple: 'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:' });
    assert.deepEqual(help[14], { simple: '    Prints this help.' });
    assert.deepEqual(await c.call('OBJECT', 'foo', 'k'), err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
    assert.deepEqual(await c.call('OBJECT'), err("ERR wrong number of arguments for 'object' command"));
    assert.deepEqual(await c.call('OBJECT', 'ENCODING'), err("ERR wrong number of arguments for 'object|encoding' command"));
    assert.deepEqual(await c.call('OBJECT', 'HELP', 'x'), err("ERR wrong number of arguments for 'object|help' command"));
  });

  test('an expired key is missing for OBJECT', async () => {
    await c.call('SET', 'k', 'v');
    db().setExpire('k', Date.now() - 1);
    assert.equal(await c.raw('OBJECT', 'ENCODING', 'k'), '$-1\r\n');
    assert.equal(db().size, 0);
  });
});
