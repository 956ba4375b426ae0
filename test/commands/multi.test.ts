/* Transactions family against an in-process Respite: MULTI queueing and client state (queue,
 * flags, multi / multi-mem counters), EXECABORT, runtime errors inside EXEC, WATCH invalidation by
 * every cause (writes, lazy and active expiry, logically expired at EXEC, FLUSHDB, FLUSHALL, SWAPDB,
 * MOVE, RENAME, COPY), the cleanup of MULTI/WATCH state on EXEC, DISCARD, UNWATCH, RESET and
 * disconnect, CLIENT PAUSE WRITE holding an EXEC whose queue writes, stats, and optimistic-locking
 * races between ioredis clients. (Byte-for-byte agreement with Redis: test/differential/multi.) */

import { test, before, after, beforeEach } from 'node:test';
import * as assert from 'node:assert/strict';
import Redis from 'ioredis';
import { startRespite, RawClient } from '../helpers/servers';
import type { RunningServer } from '../../src/index';
import type { Client } from '../../src/server/client';
import { watchStateIfAny } from '../../src/server/watch';

// Client flag bits (const enum values of src/server/client.ts).
const MULTI = 1 << 2;
const DIRTY_EXEC = 1 << 11;
const DIRTY_CAS = 1 << 12;
const DENY_BLOCKING = 1 << 20;

let srv: RunningServer;
let a: RawClient;
let b: RawClient;

const NULL_ARRAY = '*-1\r\n';
const OK = { simple: 'OK' };
const QUEUED = { simple: 'QUEUED' };

before(async () => {
  srv = await startRespite({ 'enable-debug-command': 'yes' });
  a = await RawClient.connect(srv.port);
  b = await RawClient.connect(srv.port);
});

after(async () => {
  a.close();
  b.close();
  await srv.close();
});

beforeEach(async () => {
  await a.call('RESET');
  await b.call('RESET');
  await a.call('FLUSHALL');
});

/** The server-side Client of a connection, found by its CLIENT ID. */
async function clientOf(c: RawClient): Promise<Client> {
  const id = (await c.call('CLIENT', 'ID')) as number;
  return srv.server.clients.get(id)!;
}

/** Number of keys a connection watches. */
async function watched(c: RawClient): Promise<number> {
  const ws = watchStateIfAny(srv.server);
  return ws === null ? 0 : ws.watchedBy(await clientOf(c));
}

test('a server that never saw MULTI or WATCH installs no hooks', async () => {
  const s = await startRespite();
  try {
    const hooks = s.server.keyHooks.modified.length;
    const c = await RawClient.connect(s.port);
    await c.call('SET', 'k', 'v');
    assert.equal(watchStateIfAny(s.server), null);
    await c.call('WATCH', 'k');
    assert.notEqual(watchStateIfAny(s.server), null);
    assert.equal(s.server.keyHooks.modified.length, hooks + 1);
    await c.call('UNWATCH');
    await c.call('WATCH', 'k'); // installed once only
    assert.equal(s.server.keyHooks.modified.length, hooks + 1);
    c.close();
  } finally {
    await s.close();
  }
});

test('MULTI queues commands: QUEUED replies, queue, counters and flags; EXEC resets them', async () => {
  const ca = await clientOf(a);
  assert.deepEqual(await a.call('MULTI'), OK);
  assert.ok(ca.flags & MULTI);
  assert.deepEqual(await a.call('SET', 'kkkk', 'vvvvvvvv'), QUEUED);
  assert.deepEqual(await a.call('GET', 'k'), QUEUED);
  assert.equal(ca.mqueue.length, 2);
  assert.equal(ca.multiCount, 2);
  // Redis's argv_len_sums: argument bytes plus one 8-byte pointer per argument.
  assert.equal(ca.multiMem, (3 + 4 + 8 + 24) + (3 + 1 + 16));
  assert.equal(srv.server.dbs[0].peek('kkkk'), undefined, 'nothing runs before EXEC');
  assert.match(String(await b.call('CLIENT', 'LIST')), / flags=x db=0 .* multi=2 .* multi-mem=59 /);
  assert.deepEqual(await a.call('EXEC'), [OK, null]);
  assert.equal(ca.flags & (MULTI | DIRTY_EXEC | DIRTY_CAS | DENY_BLOCKING), 0);
  assert.equal(ca.mqueue.length, 0);
  assert.equal(ca.multiCount, 0);
  assert.equal(ca.multiMem, 0);
  assert.equal(ca.multiCmdFlags, 0);
  assert.equal(srv.server.dbs[0].peek('kkkk'), 'vvvvvvvv');
});

test('runtime errors inside EXEC are elements of the reply and do not stop the rest', async () => {
  await a.call('SET', 's', 'x');
  await a.call('MULTI');
  await a.call('INCR', 's');
  await a.call('LPUSH', 's', 'a');
  await a.call('SET', 'after', '1');
  assert.equal(
    await a.raw('EXEC'),
    '*3\r\n-ERR value is not an integer or out of range\r\n' +
      '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n+OK\r\n',
  );
  assert.equal(await a.call('GET', 'after'), '1');
});

test('EXECABORT: queue-time rejections flag the transaction; nothing runs', async () => {
  const ca = await clientOf(a);
  for (const bad of [['NOSUCH'], ['GET'], ['SHUTDOWN'], ['CONFIG', 'NOSUCH']]) {
    await a.call('MULTI');
    assert.deepEqual(await a.call('SET', 'k', '1'), QUEUED);
    assert.ok('error' in (await a.call(...bad) as object));
    assert.ok(ca.flags & DIRTY_EXEC);
    assert.deepEqual(await a.call('SET', 'k2', '1'), QUEUED);
    assert.equal(ca.mqueue.length, 1, 'an aborted transaction stores nothing more');
    assert.deepEqual(await a.call('EXEC'), { error: 'EXECABORT Transaction discarded because of previous errors.' });
    assert.equal(ca.flags & (MULTI | DIRTY_EXEC), 0);
    assert.equal(await a.call('EXISTS', 'k', 'k2'), 0);
  }
});

test('control commands: nesting, EXEC/DISCARD without MULTI, WATCH inside MULTI, UNWATCH queued', async () => {
  assert.deepEqual(await a.call('EXEC'), { error: 'ERR EXEC without MULTI' });
  assert.deepEqual(await a.call('DISCARD'), { error: 'ERR DISCARD without MULTI' });
  await a.call('MULTI');
  assert.deepEqual(await a.call('MULTI'), { error: 'ERR MULTI calls can not be nested' });
  assert.deepEqual(await a.call('WATCH', 'x'), { error: 'ERR WATCH inside MULTI is not allowed' });
  assert.deepEqual(await a.call('UNWATCH'), QUEUED);
  assert.deepEqual(await a.call('EXEC'), [OK], 'neither error aborts the transaction');
  await a.call('MULTI');
  await a.call('SET', 'd', '1');
  assert.deepEqual(await a.call('DISCARD'), OK);
  assert.equal(await a.call('EXISTS', 'd'), 0);
  assert.deepEqual(await a.call('EXEC'), { error: 'ERR EXEC without MULTI' });
});

test('WATCH: a write by another client fails EXEC with a null array (RESP3: null)', async () => {
  const ca = await clientOf(a);
  await a.call('SET', 'w', '1');
  assert.deepEqual(await a.call('WATCH', 'w', 'w', 'other'), OK);
  assert.equal(await watched(a), 2, 'a key watched twice in one db counts once');
  await b.call('INCR', 'w');
  assert.ok(ca.flags & DIRTY_CAS);
  assert.equal(await watched(a), 0, 'a dirty client stops watching');
  await a.call('MULTI');
  await a.call('SET', 'w', 'mine');
  assert.equal(await a.raw('EXEC'), NULL_ARRAY);
  assert.equal(await a.call('GET', 'w'), '2');
  await a.call('HELLO', '3');
  await a.call('WATCH', 'w');
  await b.call('DEL', 'w');
  await a.call('MULTI');
  assert.equal(await a.raw('EXEC'), '_\r\n');
});

test('WATCH: untouched keys, other dbs, UNWATCH, DISCARD and EXEC leave EXEC free', async () => {
  await a.call('SET', 'w', '1');
  await a.call('WATCH', 'w');
  await b.call('SELECT', '1');
  await b.call('SET', 'w', 'db1');
  await b.call('SET', 'unrelated', 'x');
  await a.call('MULTI');
  await a.call('GET', 'w');
  assert.deepEqual(await a.call('EXEC'), ['1']);
  assert.equal(await watched(a), 0, 'EXEC unwatches');
  for (const end of [['UNWATCH'], ['MULTI', 'DISCARD']]) {
    await a.call('WATCH', 'w');
    for (const cmd of end) await a.call(cmd);
    assert.equal(await watched(a), 0);
    await b.call('SELECT', '0');
    await b.call('SET', 'w', 'changed');
    await a.call('MULTI');
    await a.call('PING');
    assert.deepEqual(await a.call('EXEC'), [{ simple: 'PONG' }]);
  }
  // WATCH on a dirty client is an OK no-op; UNWATCH clears the mark.
  const ca = await clientOf(a);
  await a.call('WATCH', 'w');
  await b.call('SET', 'w', 'x');
  assert.deepEqual(await a.call('WATCH', 'z'), OK);
  assert.equal(await watched(a), 0);
  await a.call('UNWATCH');
  assert.equal(ca.flags & DIRTY_CAS, 0);
});

test('WATCH invalidation by MOVE, RENAME, COPY into the watched key, and by FLUSH*/SWAPDB', async () => {
  const cases: { setup: string[][]; op: string[]; fails: boolean }[] = [
    { setup: [['SELECT', '1'], ['SET', 'k', 'v'], ['SELECT', '0']], op: ['MOVE', 'k', '0'], fails: true },
    { setup: [['SET', 'src', 'v']], op: ['RENAME', 'src', 'k'], fails: true },
    { setup: [['SET', 'src', 'v']], op: ['COPY', 'src', 'k'], fails: true },
    { setup: [['SET', 'src', 'v'], ['SET', 'k', 'v']], op: ['COPY', 'src', 'k'], fails: false },
    { setup: [['SET', 'k', 'v']], op: ['FLUSHDB'], fails: true },
    { setup: [['SET', 'other', 'v']], op: ['FLUSHALL'], fails: false },
    { setup: [['SET', 'k', 'v']], op: ['FLUSHALL'], fails: true },
    { setup: [], op: ['SWAPDB', '0', '1'], fails: false },
    { setup: [['SELECT', '1'], ['SET', 'k', 'v'], ['SELECT', '0']], op: ['SWAPDB', '1', '0'], fails: true },
    { setup: [['SET', 'k', 'v']], op: ['SWAPDB', '0', '1'], fails: true },
    { setup: [['SET', 'k', 'v']], op: ['SWAPDB', '2', '1'], fails: false },
  ];
  for (const { setup, op, fails } of cases) {
    await a.call('FLUSHALL');
    for (const s of setup) await a.call(...s);
    await a.call('WATCH', 'k');
    if (op[0] === 'MOVE') await b.call('SELECT', '1');
    await b.call(...op);
    await b.call('SELECT', '0');
    await a.call('MULTI');
    await a.call('PING');
    assert.equal(await a.raw('EXEC'), fails ? NULL_ARRAY : '*1\r\n+PONG\r\n', JSON.stringify(op));
  }
});

test('WATCH and expiry: deletion of a live key fails EXEC; of a key already expired at WATCH does not', async () => {
  const db = srv.server.dbs[0];
  const past = () => Date.now() - 1000;
  // Alive at WATCH, logically expired at EXEC (nothing deleted it): fails.
  await a.call('SET', 'e', '1');
  await a.call('WATCH', 'e');
  db.setExpire('e', past());
  await a.call('MULTI');
  assert.equal(await a.raw('EXEC'), NULL_ARRAY);
  // Alive at WATCH, deleted as expired (lazily, by another client's read): fails.
  await a.call('SET', 'e', '1');
  await a.call('WATCH', 'e');
  db.setExpire('e', past());
  assert.equal(await b.call('GET', 'e'), null);
  await a.call('MULTI');
  assert.equal(await a.raw('EXEC'), NULL_ARRAY);
  // Expired already at WATCH: neither its deletion nor its expired state fails EXEC.
  for (const between of [[], ['EXISTS', 'e']]) {
    await a.call('SET', 'e', '1');
    db.setExpire('e', past());
    await a.call('WATCH', 'e');
    if (between.length) await b.call(...between);
    await a.call('MULTI');
    assert.equal(await a.raw('EXEC'), '*0\r\n', JSON.stringify(between));
  }
  // ... but a new value written after its deletion does.
  await a.call('SET', 'e', '1');
  db.setExpire('e', past());
  await a.call('WATCH', 'e');
  await b.call('SET', 'e', '2');
  await a.call('MULTI');
  assert.equal(await a.raw('EXEC'), NULL_ARRAY);
  // Active expiry (the cron) deleting a live watched key: fails.
  await a.call('SET', 'e', '1', 'PX', '200');
  await a.call('WATCH', 'e');
  while (db.peek('e') !== undefined) await new Promise((r) => setTimeout(r, 20));
  await a.call('MULTI');
  assert.equal(await a.raw('EXEC'), NULL_ARRAY);
});

test('EXEC sees one time snapshot: a key cannot expire between two queued commands', async () => {
  const db = srv.server.dbs[0];
  await a.call('SET', 't', 'v');
  db.setExpire('t', Date.now() + 50);
  await a.call('MULTI');
  await a.call('DEBUG', 'SLEEP', '0.12');
  await a.call('GET', 't');
  await a.call('EXISTS', 't');
  assert.deepEqual(await a.call('EXEC'), [OK, 'v', 1]);
  assert.equal(await a.call('EXISTS', 't'), 0);
  // Every queued command runs with the server's snapshot equal to EXEC's.
  const seen: number[] = [];
  const hook = () => { seen.push(srv.server.now); };
  srv.server.keyHooks.modified.push(hook);
  try {
    await a.call('MULTI');
    await a.call('SET', 'x0', 'v');
    await a.call('DEBUG', 'SLEEP', '0.01');
    await a.call('SET', 'x1', 'v');
    await a.call('DEBUG', 'SLEEP', '0.01');
    await a.call('SET', 'x2', 'v');
    await a.call('EXEC');
  } finally {
    srv.server.keyHooks.modified.splice(srv.server.keyHooks.modified.indexOf(hook), 1);
  }
  assert.equal(seen.length, 3);
  assert.equal(new Set(seen).size, 1, JSON.stringify(seen));
  // After EXEC the clock runs again.
  await new Promise((r) => setTimeout(r, 5));
  await a.call('SET', 'x3', 'v');
  assert.ok(srv.server.now > seen[0]);
});

test('RESET and disconnect drop the MULTI state and every watched key', async () => {
  const ca = await clientOf(a);
  await a.call('SET', 'k', '1');
  await a.call('WATCH', 'k', 'j');
  await a.call('MULTI');
  await a.call('SET', 'k', '2');
  assert.deepEqual(await a.call('RESET'), { simple: 'RESET' });
  assert.equal(ca.flags & (MULTI | DIRTY_CAS | DIRTY_EXEC), 0);
  assert.equal(ca.mqueue.length, 0);
  assert.equal(ca.multiCount, 0);
  assert.equal(await watched(a), 0);
  assert.equal(await a.call('GET', 'k'), '1');
  const c = await RawClient.connect(srv.port);
  await c.call('WATCH', 'k', 'j', 'l');
  const cc = await clientOf(c);
  const ws = watchStateIfAny(srv.server)!;
  assert.equal(ws.watchedBy(cc), 3);
  c.close();
  for (let i = 0; i < 100 && srv.server.clients.has(cc.id); i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(ws.watchedBy(cc), 0);
  await b.call('SET', 'k', 'after'); // touching a key nobody watches any more
  assert.equal(cc.flags & DIRTY_CAS, 0);
});

test('blocking commands inside EXEC answer at once; DENY_BLOCKING is restored', async () => {
  const ca = await clientOf(a);
  await a.call('MULTI');
  await a.call('BLPOP', 'nolist', '0');
  await a.call('BLMOVE', 'nolist', 'dst', 'LEFT', 'LEFT', '0');
  await a.call('RPUSH', 'l', 'x');
  await a.call('BRPOP', 'l', '0');
  assert.deepEqual(await a.call('EXEC'), [null, null, 1, ['l', 'x']]);
  assert.equal(ca.flags & DENY_BLOCKING, 0);
  assert.equal(srv.server.blocking.count, 0);
});

test('a client blocked on a key is served after the whole EXEC', async () => {
  b.write('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n');
  for (let i = 0; i < 200 && srv.server.blocking.count === 0; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(srv.server.blocking.count, 1);
  await a.call('MULTI');
  await a.call('RPUSH', 'q', 'first', 'second');
  await a.call('LPOP', 'q');
  assert.deepEqual(await a.call('EXEC'), [2, 'first']);
  assert.deepEqual((await b.readReply())[0], ['q', 'second']);
  assert.equal(await a.call('EXISTS', 'q'), 0);
});

test('CLIENT PAUSE WRITE holds an EXEC whose queue writes, not one that only reads', async () => {
  const ca = await clientOf(a);
  await a.call('MULTI');
  await a.call('GET', 'k');
  await b.call('CLIENT', 'PAUSE', '100000', 'WRITE');
  try {
    assert.deepEqual(await a.call('EXEC'), [null]);
  } finally {
    await b.call('CLIENT', 'UNPAUSE');
  }
  // A write sent in MULTI during the pause is held too (the pause check precedes queueing).
  await a.call('MULTI');
  await b.call('CLIENT', 'PAUSE', '100000', 'WRITE');
  a.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n');
  const queuedReply = a.readReply();
  await b.call('PING');
  await b.call('PING');
  assert.equal(srv.server.pause.heldCount, 1);
  assert.equal(ca.mqueue.length, 0);
  await b.call('CLIENT', 'UNPAUSE');
  assert.deepEqual((await queuedReply)[0], QUEUED);
  await b.call('CLIENT', 'PAUSE', '100000', 'WRITE');
  let done = false;
  a.write('*1\r\n$4\r\nEXEC\r\n');
  const reply = a.readReply().then((r) => { done = true; return r[0]; });
  await b.call('PING');
  await b.call('PING'); // two round trips later the EXEC is still held
  assert.equal(done, false);
  assert.equal(srv.server.pause.heldCount, 1);
  await b.call('CLIENT', 'UNPAUSE');
  assert.deepEqual(await reply, [OK]);
  assert.equal(await a.call('GET', 'k'), 'v');
});

test('stats: EXEC counts as one call, queued commands when they run, errors per command', async () => {
  await a.call('CONFIG', 'RESETSTAT');
  const total0 = srv.server.stats.totalCommands;
  await a.call('SET', 's', 'x');
  await a.call('MULTI');
  await a.call('INCR', 's');
  await a.call('SET', 'y', '1');
  await a.call('EXEC');
  const exec = srv.server.table.lookup('exec')!.stats;
  const incr = srv.server.table.lookup('incr')!.stats;
  const set = srv.server.table.lookup('set')!.stats;
  assert.deepEqual([exec.calls, exec.failed], [1, 0]);
  assert.deepEqual([incr.calls, incr.failed], [1, 1]);
  assert.equal(set.calls, 2);
  assert.equal(srv.server.stats.totalCommands - total0, 5); // SET MULTI INCR SET EXEC
  await a.call('MULTI');
  await a.call('NOSUCH');
  await a.call('EXEC');
  assert.deepEqual([exec.calls, exec.failed], [2, 1]);
  const info = String(await a.call('INFO', 'commandstats'));
  assert.match(info, /cmdstat_multi:calls=2,/);
  assert.match(info, /cmdstat_exec:calls=2,.*failed_calls=1/);
});

test('races: ioredis clients incrementing one counter with WATCH/MULTI/EXEC retries lose no update', async () => {
  const clients = Array.from({ length: 4 }, () => new Redis(srv.port, '127.0.0.1', { enableReadyCheck: false }));
  try {
    await clients[0].set('counter', '0');
    let conflicts = 0;
    const worker = async (io: Redis, n: number) => {
      for (let i = 0; i < n; i++) {
        for (;;) {
          await io.watch('counter');
          const v = Number(await io.get('counter'));
          const res = await io.multi().set('counter', String(v + 1)).exec();
          if (res !== null) break;
          conflicts++;
        }
      }
    };
    await Promise.all(clients.map((io) => worker(io, 50)));
    assert.equal(await clients[0].get('counter'), '200');
    assert.ok(conflicts > 0, 'the interleaved clients did conflict');
    // ioredis's transaction API: results per command, errors inside as Error objects.
    const res = await clients[1].multi().set('s', 'str').incr('s').get('s').exec();
    assert.equal(res!.length, 3);
    assert.deepEqual(res![0], [null, 'OK']);
    assert.ok(res![1][0] instanceof Error);
    assert.deepEqual(res![2], [null, 'str']);
  } finally {
    for (const io of clients) io.disconnect();
  }
});
