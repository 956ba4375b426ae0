/* ==========================================================================
 * Real client: ioredis against an in-process Respite.
 *
 * Connection + ready check (ioredis sends INFO), strings, binary values as
 * Buffers, pipelines (including a failing command in the middle), and
 * transparent reconnection after the server restarts on the same port.
 * ========================================================================== */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import Redis from 'ioredis';
import { startRespite, freePort } from '../helpers/servers';
import type { RunningServer } from '../../src/index';

let srv: RunningServer;
let redis: Redis;

before(async () => {
  srv = await startRespite();
  redis = new Redis({ port: srv.port, host: '127.0.0.1', maxRetriesPerRequest: 2, lazyConnect: true });
  await redis.connect();
});

after(async () => {
  redis.disconnect();
  await srv.close();
});

test('ioredis: connects (ready check) and PINGs', async () => {
  assert.equal(redis.status, 'ready');
  assert.equal(await redis.ping(), 'PONG');
  assert.equal(await redis.ping('hello'), 'hello');
});

test('ioredis: SET / GET / options / errors', async () => {
  assert.equal(await redis.set('io:k', 'v1'), 'OK');
  assert.equal(await redis.get('io:k'), 'v1');
  assert.equal(await redis.get('io:missing'), null);
  assert.equal(await redis.set('io:k', 'v2', 'NX'), null);
  assert.equal(await redis.set('io:k', 'v2', 'XX', 'GET'), 'v1');
  assert.equal(await redis.get('io:k'), 'v2');
  assert.equal(await redis.set('io:ttl', 'x', 'PX', 100000), 'OK');
  await assert.rejects(redis.set('io:k', 'v', 'EX', 'notanumber'), /ERR value is not an integer or out of range/);
  await assert.rejects(redis.call('NOSUCHCOMMAND', 'a'), /ERR unknown command 'NOSUCHCOMMAND'/);
  // Unicode survives the UTF-8 round trip the client does.
  assert.equal(await redis.set('io:uni', 'héllo wörld ✓ 日本'), 'OK');
  assert.equal(await redis.get('io:uni'), 'héllo wörld ✓ 日本');
});

test('ioredis: binary values as Buffers', async () => {
  const all = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  const key = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x20]);
  assert.equal(await redis.set(key, all), 'OK');
  const back = await redis.getBuffer(key);
  assert.ok(back !== null && back.equals(all));
  const big = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
  assert.equal(await redis.set('io:big', big), 'OK');
  const bigBack = await redis.getBuffer('io:big');
  assert.ok(bigBack !== null && bigBack.equals(big));
  assert.equal(await redis.set('io:empty', Buffer.alloc(0)), 'OK');
  assert.deepEqual(await redis.getBuffer('io:empty'), Buffer.alloc(0));
});

test('ioredis: pipeline keeps order and reports per-command errors', async () => {
  const p = redis.pipeline();
  for (let i = 0; i < 1000; i++) p.set(`io:p:${i}`, String(i));
  p.set('io:p:bad', 'x', 'EX', '-1');
  for (let i = 0; i < 1000; i++) p.get(`io:p:${i}`);
  const res = await p.exec();
  assert.ok(res !== null);
  assert.equal(res.length, 2001);
  for (let i = 0; i < 1000; i++) assert.deepEqual(res[i], [null, 'OK']);
  assert.match(String(res[1000][0]), /ERR invalid expire time in 'set' command/);
  for (let i = 0; i < 1000; i++) assert.deepEqual(res[1001 + i], [null, String(i)]);
});

test('ioredis: auto-reconnects after the server restarts on the same port', async () => {
  const port = await freePort();
  let s1 = await startRespite({ port });
  const c = new Redis({ port, host: '127.0.0.1', retryStrategy: (times) => (times > 100 ? null : 50) });
  try {
    assert.equal(await c.set('io:r', 'before'), 'OK');
    let reconnecting = false;
    c.on('reconnecting', () => { reconnecting = true; });
    await s1.close();
    s1 = await startRespite({ port });
    // The command is queued while offline and runs once reconnected (new, empty server).
    assert.equal(await c.get('io:r'), null);
    assert.equal(reconnecting, true);
    assert.equal(await c.set('io:r', 'after'), 'OK');
    assert.equal(await c.get('io:r'), 'after');
  } finally {
    c.disconnect();
    await s1.close();
  }
});
