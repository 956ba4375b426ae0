/* ==========================================================================
 * Real client: node-redis (package "redis") against an in-process Respite,
 * over RESP2 and RESP3 (HELLO 3 handshake).
 *
 * Strings, binary values through a Buffer type mapping, pipelines (no
 * MULTI), errors, and reconnection after the server restarts.
 * ========================================================================== */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { createClient, RESP_TYPES } from 'redis';
import { startRespite, freePort } from '../helpers/servers';
import type { RunningServer } from '../../src/index';

let srv: RunningServer;

before(async () => {
  srv = await startRespite();
});

after(async () => {
  await srv.close();
});

for (const RESP of [2, 3] as const) {
  test(`node-redis RESP${RESP}: connect, strings, errors`, async () => {
    const client = createClient({ socket: { port: srv.port, host: '127.0.0.1', reconnectStrategy: false }, RESP });
    client.on('error', () => { /* surfaced through rejected commands */ });
    await client.connect();
    try {
      assert.equal(await client.ping(), 'PONG');
      assert.equal(await client.set(`nr${RESP}:k`, 'v'), 'OK');
      assert.equal(await client.get(`nr${RESP}:k`), 'v');
      assert.equal(await client.get(`nr${RESP}:missing`), null);
      assert.equal(await client.set(`nr${RESP}:k`, 'w', { condition: 'NX' }), null);
      assert.equal(await client.set(`nr${RESP}:k`, 'w', { GET: true }), 'v');
      assert.equal(await client.set(`nr${RESP}:t`, 'x', { expiration: { type: 'PX', value: 100000 } }), 'OK');
      await assert.rejects(client.sendCommand(['SET', 'k', 'v', 'EX', 'x']), /ERR value is not an integer or out of range/);
      await assert.rejects(client.sendCommand(['NOSUCH']), /ERR unknown command 'NOSUCH'/);
      assert.equal(await client.set(`nr${RESP}:uni`, 'ünïcødé ✓'), 'OK');
      assert.equal(await client.get(`nr${RESP}:uni`), 'ünïcødé ✓');
    } finally {
      client.destroy();
    }
  });

  test(`node-redis RESP${RESP}: binary values and pipelines`, async () => {
    const client = createClient({ socket: { port: srv.port, host: '127.0.0.1', reconnectStrategy: false }, RESP })
      .withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    client.on('error', () => { /* surfaced through rejected commands */ });
    await client.connect();
    try {
      const all = Buffer.alloc(256);
      for (let i = 0; i < 256; i++) all[i] = i;
      const key = Buffer.from([0xff, 0x00, 0x0d, 0x0a]);
      assert.equal(await client.set(key, all), 'OK');
      const back = await client.get(key);
      assert.ok(Buffer.isBuffer(back) && back.equals(all));
      // Pipeline: commands queued and sent together, replies in order.
      const pipe = client.multi();
      for (let i = 0; i < 500; i++) pipe.set(`nr${RESP}:p:${i}`, String(i));
      for (let i = 0; i < 500; i++) pipe.get(`nr${RESP}:p:${i}`);
      const res = await pipe.execAsPipeline();
      assert.equal(res.length, 1000);
      for (let i = 0; i < 500; i++) assert.equal(String(res[i]), 'OK');
      for (let i = 0; i < 500; i++) assert.equal(String(res[500 + i]), String(i));
      // Implicit pipelining: many commands in flight at once.
      const many = await Promise.all(Array.from({ length: 2000 }, (_, i) => client.get(`nr${RESP}:p:${i % 500}`)));
      many.forEach((v, i) => assert.equal(String(v), String(i % 500)));
    } finally {
      client.destroy();
    }
  });
}

test('node-redis: reconnects after the server restarts on the same port', async () => {
  const port = await freePort();
  let s1 = await startRespite({ port });
  const client = createClient({ socket: { port, host: '127.0.0.1', reconnectStrategy: (n) => (n > 100 ? false : 50) } });
  client.on('error', () => { /* expected while the server is down */ });
  await client.connect();
  try {
    assert.equal(await client.set('nr:r', 'before'), 'OK');
    const reconnected = new Promise<void>((resolve) => client.once('ready', () => resolve()));
    await s1.close();
    s1 = await startRespite({ port });
    await reconnected;
    assert.equal(await client.get('nr:r'), null);
    assert.equal(await client.set('nr:r', 'after'), 'OK');
    assert.equal(await client.get('nr:r'), 'after');
  } finally {
    client.destroy();
    await s1.close();
  }
});
