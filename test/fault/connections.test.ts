/* ==========================================================================
 * Fault tests: deep pipelines, a slow reader, abrupt disconnects.
 *
 * - 200k commands in one write: every reply arrives, in order.
 * - A client that sends 100k GETs of a 10 KB value but does not read: the
 *   server stops reading it once its pending output passes the listener's
 *   threshold (so memory stays bounded), keeps serving other clients, and
 *   delivers everything once the client reads again.
 * - Clients vanishing mid-command and mid-reply (FIN and RST): the server
 *   stays up and forgets them.
 * ========================================================================== */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { startRespite, RawClient } from '../helpers/servers';
import { encodeCommand } from '../helpers/resp';
import type { RunningServer } from '../../src/index';

let srv: RunningServer;

before(async () => {
  srv = await startRespite();
});

after(async () => {
  await srv.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port: srv.port, host: '127.0.0.1' }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Wait (bounded) until `cond` holds. */
async function until(cond: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await sleep(10);
  }
}

function getCalls(): number {
  const e = srv.server.table.lookup('get');
  assert.ok(e !== undefined);
  return e.stats.calls;
}

/** GETs sent by assertServing (so GET call counts can be checked exactly). */
let servingGets = 0;

async function assertServing(): Promise<void> {
  servingGets++;
  const c = await RawClient.connect(srv.port);
  try {
    assert.deepEqual(await c.call('PING'), { simple: 'PONG' });
    assert.deepEqual(await c.call('SET', 'alive', 'yes'), { simple: 'OK' });
    assert.equal(await c.call('GET', 'alive'), 'yes');
  } finally {
    c.close();
  }
}

test('200k pipelined commands in one write: all replies, in order', async () => {
  const N = 200000;
  const cmds: Buffer[] = [];
  const expected: string[] = [];
  for (let i = 0; i < N; i++) {
    switch (i % 4) {
      case 0: cmds.push(encodeCommand(['SET', `pk:${i % 1000}`, `v${i}`])); expected.push('+OK\r\n'); break;
      case 1: { const v = `v${i - 1}`; cmds.push(encodeCommand(['GET', `pk:${(i - 1) % 1000}`])); expected.push(`$${v.length}\r\n${v}\r\n`); break; }
      case 2: cmds.push(encodeCommand(['PING', `m${i}`])); expected.push(`$${String(i).length + 1}\r\nm${i}\r\n`); break;
      default: cmds.push(Buffer.from('PING\r\n')); expected.push('+PONG\r\n');
    }
  }
  const want = Buffer.from(expected.join(''), 'latin1');
  const s = await connect();
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const done = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timeout after ${total} of ${want.length} bytes`)), 60000);
      s.on('data', (d: Buffer) => {
        chunks.push(d);
        total += d.length;
        if (total >= want.length) { clearTimeout(t); resolve(); }
      });
      s.on('close', () => { clearTimeout(t); reject(new Error('closed')); });
    });
    s.write(Buffer.concat(cmds));
    await done;
    await sleep(20);
    const got = Buffer.concat(chunks);
    assert.equal(got.length, want.length);
    assert.ok(got.equals(want), 'replies out of order or wrong');
  } finally {
    s.destroy();
  }
});

test('slow reader: reading pauses at the output threshold, others are served, all replies arrive', async () => {
  const N = 100000;
  const SIZE = 10 * 1024;
  const setter = await RawClient.connect(srv.port);
  await setter.call('SET', 'v10k', 'x'.repeat(SIZE));
  setter.close();
  const before = getCalls();
  const servedBefore = servingGets;
  const before_clients = new Set(srv.server.clients.keys());
  const s = await connect();
  s.pause(); // read nothing for now
  let received = 0;
  let tail = Buffer.alloc(0);
  s.on('data', (d: Buffer) => {
    received += d.length;
    tail = Buffer.concat([tail, d]).subarray(-64);
  });
  try {
    await until(() => srv.server.clients.size > before_clients.size, 'server to see the client');
    const client = [...srv.server.clients.values()].find((c) => !before_clients.has(c.id));
    assert.ok(client !== undefined);
    const one = encodeCommand(['GET', 'v10k']);
    const all = Buffer.concat(Array.from({ length: N }, () => one));
    s.write(all);
    // Sample the server-side pending output until it stops reading the client.
    let maxPending = 0;
    await until(() => {
      const p = client.socket?.writableLength ?? 0;
      if (p > maxPending) maxPending = p;
      return client.readPaused;
    }, 'the server to pause reading');
    const processed = getCalls() - before - (servingGets - servedBefore);
    assert.ok(processed < N, `server ran all ${processed} GETs instead of pausing`);
    // Bounded: the pause threshold (256 MB) plus at most one read batch of replies.
    assert.ok(maxPending < 320 * 1024 * 1024, `pending output reached ${maxPending}`);
    // Other clients are still served while this one is stuck.
    for (let i = 0; i < 3; i++) await assertServing();
    assert.ok(client.readPaused);
    // Read slowly for a while, then drain fast: every reply arrives.
    for (let i = 0; i < 5; i++) {
      s.resume();
      await sleep(5);
      s.pause();
      await sleep(20);
      await assertServing();
    }
    s.resume();
    const perReply = `$${SIZE}\r\n`.length + SIZE + 2;
    await until(() => received >= N * perReply, `all ${N} replies (have ${received} bytes)`, 120000);
    assert.equal(received, N * perReply);
    assert.equal(tail.subarray(-7).toString('latin1'), 'xxxxx\r\n');
    assert.equal(getCalls() - before - (servingGets - servedBefore), N);
    assert.equal(client.readPaused, false);
  } finally {
    s.destroy();
  }
});

/** Run `scenario`, then check the server serves and forgot the client. */
async function survives(scenario: () => Promise<void>): Promise<void> {
  const base = srv.server.clients.size;
  await scenario();
  await until(() => srv.server.clients.size <= base, 'the server to drop the client', 10000);
  await assertServing();
}

test('disconnect mid-command (FIN and RST)', async () => {
  for (const rst of [false, true]) {
    await survives(async () => {
      const s = await connect();
      s.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nabc');
      await sleep(20);
      if (rst) s.resetAndDestroy(); else s.destroy();
    });
    // In the middle of a big argument.
    await survives(async () => {
      const s = await connect();
      s.write(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${10 * 1024 * 1024}\r\n`);
      s.write(Buffer.alloc(5 * 1024 * 1024, 0x7a));
      await sleep(50);
      if (rst) s.resetAndDestroy(); else s.destroy();
    });
    // Half-close: the client ends its side after a partial command.
    await survives(async () => {
      const s = await connect();
      s.end('*2\r\n$3\r\nGET\r\n$1');
      await new Promise<void>((r) => { s.on('close', () => r()); s.resume(); setTimeout(() => { s.destroy(); r(); }, 2000); });
    });
  }
  const c = await RawClient.connect(srv.port);
  assert.equal(await c.call('GET', 'big'), null);
  c.close();
});

test('disconnect mid-reply (FIN and RST)', async () => {
  const setter = await RawClient.connect(srv.port);
  await setter.call('SET', 'huge', 'h'.repeat(30 * 1024 * 1024));
  await setter.call('SET', 'v10k', 'x'.repeat(10 * 1024));
  setter.close();
  for (const rst of [false, true]) {
    await survives(async () => {
      const s = await connect();
      const got = new Promise<void>((r) => s.once('data', () => r()));
      s.write(encodeCommand(['GET', 'huge']));
      await got;
      if (rst) s.resetAndDestroy(); else s.destroy();
    });
    await survives(async () => {
      const s = await connect();
      const got = new Promise<void>((r) => s.once('data', () => r()));
      const one = encodeCommand(['GET', 'v10k']);
      s.write(Buffer.concat(Array.from({ length: 20000 }, () => one)));
      await got;
      if (rst) s.resetAndDestroy(); else s.destroy();
    });
    // Gone before the reply is even produced.
    await survives(async () => {
      const s = await connect();
      s.write(encodeCommand(['GET', 'huge']));
      if (rst) s.resetAndDestroy(); else s.destroy();
      await sleep(20);
    });
  }
});

test('many clients connect and vanish at once', async () => {
  await survives(async () => {
    const socks = await Promise.all(Array.from({ length: 200 }, () => connect()));
    socks.forEach((s, i) => s.write(i % 2 === 0 ? encodeCommand(['GET', 'v10k']) : '*2\r\n$3\r\nGET'));
    await sleep(20);
    socks.forEach((s, i) => (i % 3 === 0 ? s.resetAndDestroy() : s.destroy()));
  });
});
