/* Command tests of Pub/Sub on Respite: client state (CLIENT LIST flags and sub/psub/ssub
 * counters), RESET and disconnect dropping subscriptions, fan-out to many subscribers,
 * keyspace notifications delivered to a RESP3 client that writes, real clients (ioredis,
 * node-redis) in RESP2 and RESP3, CONFIG REWRITE of the pub/sub parameters, and the
 * client-output-buffer-limit enforcement: a subscriber that never reads while a publisher
 * floods is cut off (hard and soft limit), as is a normal client over a normal-class limit. */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { startRespite, RawClient } from '../helpers/servers';
import type { RunningServer } from '../../src/index';

let srv: RunningServer;
let tmp: string;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'respite-pubsub-'));
  srv = await startRespite({ logfile: path.join(tmp, 'log') });
});

after(async () => {
  await srv.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The CLIENT LIST fields of the connection named `name`. */
async function clientFields(c: RawClient, name: string): Promise<Record<string, string>> {
  const list = (await c.call('CLIENT', 'LIST')) as string;
  const line = list.split('\n').find((l) => l.includes(` name=${name} `));
  assert.ok(line !== undefined, `client ${name} not listed`);
  return Object.fromEntries(line.trim().split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

async function until(cond: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

test('CLIENT LIST shows flag P and the sub / psub / ssub counters while subscribed', async () => {
  const admin = await RawClient.connect(srv.port);
  const s = await RawClient.connect(srv.port);
  try {
    await s.call('CLIENT', 'SETNAME', 'subber');
    await s.call('SUBSCRIBE', 'a');
    s.write('*4\r\n$9\r\nSUBSCRIBE\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nb\r\n');
    for (let i = 0; i < 3; i++) await s.readReply();
    await s.call('PSUBSCRIBE', 'x*');
    await s.call('SSUBSCRIBE', 'sh');
    let f = await clientFields(admin, 'subber');
    assert.equal(f.flags, 'P');
    assert.deepEqual([f.sub, f.psub, f.ssub], ['3', '1', '1']);
    assert.equal(f.cmd, 'ssubscribe');
    assert.deepEqual(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub').then((l) => (l as string).includes('name=subber')), true);
    s.write('*1\r\n$11\r\nUNSUBSCRIBE\r\n');
    for (let i = 0; i < 3; i++) await s.readReply();
    f = await clientFields(admin, 'subber');
    assert.deepEqual([f.flags, f.sub, f.psub, f.ssub], ['P', '0', '1', '1']);
    await s.call('PUNSUBSCRIBE');
    await s.call('SUNSUBSCRIBE');
    f = await clientFields(admin, 'subber');
    assert.deepEqual([f.flags, f.sub, f.psub, f.ssub], ['N', '0', '0', '0']);
    assert.equal(await s.call('GET', 'nokey'), null);
  } finally {
    admin.close();
    s.close();
  }
});

test('RESET and disconnect drop every subscription', async () => {
  const admin = await RawClient.connect(srv.port);
  const s = await RawClient.connect(srv.port);
  try {
    await s.call('SUBSCRIBE', 'r1');
    await s.call('PSUBSCRIBE', 'r*');
    await s.call('SSUBSCRIBE', 'r2');
    assert.deepEqual(await admin.call('PUBSUB', 'NUMSUB', 'r1'), ['r1', 1]);
    assert.deepEqual(await admin.call('PUBSUB', 'SHARDNUMSUB', 'r2'), ['r2', 1]);
    const patsBefore = (await admin.call('PUBSUB', 'NUMPAT')) as number;
    assert.deepEqual(await s.call('RESET'), { simple: 'RESET' });
    assert.deepEqual(await admin.call('PUBSUB', 'NUMSUB', 'r1'), ['r1', 0]);
    assert.deepEqual(await admin.call('PUBSUB', 'SHARDNUMSUB', 'r2'), ['r2', 0]);
    assert.equal(await admin.call('PUBSUB', 'NUMPAT'), patsBefore - 1);
    assert.equal(await admin.call('PUBLISH', 'r1', 'gone'), 0);
    assert.equal(await s.call('GET', 'nokey'), null); // no longer in subscribed mode
    await s.call('SUBSCRIBE', 'r3');
    s.close();
    await until(async () => ((await admin.call('PUBSUB', 'NUMSUB', 'r3')) as unknown[])[1] === 0, 'disconnect cleanup');
    assert.equal(await admin.call('PUBLISH', 'r3', 'gone'), 0);
  } finally {
    admin.close();
    s.close();
  }
});

test('fan-out: one PUBLISH reaches 200 subscribers in both protocols, pattern subscribers once per pattern', async () => {
  const subs: RawClient[] = [];
  const pub = await RawClient.connect(srv.port);
  try {
    for (let i = 0; i < 200; i++) {
      const c = await RawClient.connect(srv.port);
      if (i % 2 === 1) await c.call('HELLO', '3');
      await c.call('SUBSCRIBE', 'fan');
      if (i % 10 === 0) await c.call('PSUBSCRIBE', 'f*');
      subs.push(c);
    }
    const msg = 'y'.repeat(70_000); // large: the same buffer is handed to every socket
    assert.equal(await pub.call('PUBLISH', 'fan', msg), 220);
    assert.equal(await pub.call('PUBLISH', 'fan', 'small'), 220);
    for (let i = 0; i < subs.length; i++) {
      const want = i % 10 === 0 ? 2 : 1;
      for (const m of [msg, 'small']) {
        for (let k = 0; k < want; k++) {
          const [r, raw] = await subs[i].readReply();
          const items = Array.isArray(r) ? r : (r as { push: unknown[] }).push;
          assert.equal(raw[0], i % 2 === 1 ? 0x3e : 0x2a);
          assert.equal(items[items.length - 1], m);
          assert.equal(items[0], items.length === 4 ? 'pmessage' : 'message');
        }
      }
    }
  } finally {
    pub.close();
    for (const c of subs) c.close();
  }
});

test('keyspace notifications reach a RESP3 client that writes: the push precedes the reply', async () => {
  const c = await RawClient.connect(srv.port);
  try {
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'E$');
    await c.call('HELLO', '3');
    await c.call('SUBSCRIBE', '__keyevent@0__:set');
    c.write('*3\r\n$3\r\nSET\r\n$2\r\nnk\r\n$1\r\nv\r\n');
    assert.deepEqual((await c.readReply())[0], { push: ['message', '__keyevent@0__:set', 'nk'] });
    assert.deepEqual((await c.readReply())[0], { simple: 'OK' });
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', '');
    await c.call('SET', 'nk', 'w');
    assert.equal(await c.call('DEL', 'nk'), 1); // no push in between
  } finally {
    c.close();
  }
});

test('ioredis: subscribe, psubscribe, ssubscribe and publish (RESP2)', async () => {
  const sub = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  const pub = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
  await sub.connect();
  await pub.connect();
  try {
    const got: string[] = [];
    sub.on('message', (ch: string, m: string) => got.push(`message ${ch} ${m}`));
    sub.on('pmessage', (p: string, ch: string, m: string) => got.push(`pmessage ${p} ${ch} ${m}`));
    sub.on('smessage', (ch: string, m: string) => got.push(`smessage ${ch} ${m}`));
    assert.equal(await sub.subscribe('io1', 'io2'), 2);
    assert.equal(await sub.psubscribe('io*'), 3);
    assert.equal(await sub.ssubscribe('ios'), 1);
    assert.equal(await pub.publish('io1', 'hello'), 2);
    assert.equal(await pub.publish('io3', 'pat'), 1);
    assert.equal(await pub.spublish('ios', 'shard'), 1);
    await until(async () => got.length === 4, 'ioredis messages');
    assert.deepEqual(got, ['message io1 hello', 'pmessage io* io1 hello', 'pmessage io* io3 pat', 'smessage ios shard']);
    await sub.unsubscribe('io1');
    assert.equal(await pub.publish('io1', 'again'), 1);
    // (ioredis waits forever on an argument-less PUNSUBSCRIBE, against real Redis too: name them)
    assert.equal(await sub.punsubscribe('io*'), 1);
    assert.equal(await sub.sunsubscribe('ios'), 0);
    assert.equal(await sub.unsubscribe('io2'), 0);
    assert.equal(await sub.get('nokey'), null);
  } finally {
    sub.disconnect();
    pub.disconnect();
  }
});

for (const RESP of [2, 3] as const) {
  test(`node-redis RESP${RESP}: subscribe / pSubscribe / sSubscribe listeners`, async () => {
    const pub = createClient({ socket: { port: srv.port, host: '127.0.0.1', reconnectStrategy: false }, RESP });
    pub.on('error', () => { /* surfaced through rejected commands */ });
    await pub.connect();
    const sub = pub.duplicate();
    sub.on('error', () => { /* idem */ });
    await sub.connect();
    try {
      const got: string[] = [];
      await sub.subscribe('nr1', (m, ch) => got.push(`${ch}:${m}`));
      await sub.pSubscribe('nr*', (m, ch) => got.push(`p ${ch}:${m}`));
      await sub.sSubscribe('nrs', (m, ch) => got.push(`s ${ch}:${m}`));
      assert.equal(await pub.publish('nr1', 'one'), 2);
      assert.equal(await pub.sPublish('nrs', 'two'), 1);
      await until(async () => got.length === 3, 'node-redis messages');
      assert.deepEqual(got.slice().sort(), ['nr1:one', 'p nr1:one', 's nrs:two']);
      assert.deepEqual(await pub.pubSubNumSub(['nr1', 'none']), { nr1: 1, none: 0 });
      assert.equal(await pub.pubSubNumPat(), 1);
      await sub.unsubscribe();
      await sub.pUnsubscribe();
      await sub.sUnsubscribe();
      assert.equal(await pub.publish('nr1', 'x'), 0);
    } finally {
      sub.destroy();
      pub.destroy();
    }
  });
}

test('CONFIG REWRITE writes notify-keyspace-events and one line per non-default buffer-limit class', async () => {
  const file = path.join(tmp, 'rewrite.conf');
  fs.writeFileSync(file, 'client-output-buffer-limit pubsub 32mb 8mb 60\nnotify-keyspace-events "KEA"\n');
  const s2 = await startRespite({ logfile: path.join(tmp, 'log2') });
  s2.server.configFile = file;
  const c = await RawClient.connect(s2.port);
  try {
    await c.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1mb 1000 5 replica 1gb 2 3');
    await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'Ex');
    assert.deepEqual(await c.call('CONFIG', 'REWRITE'), { simple: 'OK' });
    const text = fs.readFileSync(file, 'latin1');
    const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    assert.equal(lines[0], 'client-output-buffer-limit normal 1mb 1000 5');
    assert.equal(lines[1], 'notify-keyspace-events "xE"');
    assert.ok(lines.includes('client-output-buffer-limit replica 1gb 2 3'));
    assert.ok(!text.includes('client-output-buffer-limit pubsub'));
  } finally {
    c.close();
    await s2.close();
  }
});

/** Open a connection that never reads (its socket is paused right away). */
function deafClient(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
    s.pause();
    s.once('error', reject);
  });
}

function closed(s: net.Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (s.destroyed) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    s.once('close', () => { clearTimeout(t); resolve(true); });
    s.resume(); // now drain what was buffered so 'close' is observed
  });
}

test('a subscriber that never reads is cut off at the hard limit; RSS stays bounded', async () => {
  const admin = await RawClient.connect(srv.port);
  const pub = await RawClient.connect(srv.port);
  const deaf = await deafClient(srv.port);
  try {
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 2mb 1mb 60');
    deaf.write('*2\r\n$9\r\nSUBSCRIBE\r\n$5\r\nflood\r\n');
    await until(async () => ((await admin.call('PUBSUB', 'NUMSUB', 'flood')) as unknown[])[1] === 1, 'subscription');
    const rss0 = process.memoryUsage().rss;
    const msg = 'z'.repeat(64 * 1024);
    // 200 MB offered in total: without the limit it would all be buffered for the deaf client
    let delivered = 0;
    for (let i = 0; i < 3200; i++) {
      delivered += (await pub.call('PUBLISH', 'flood', msg)) as number;
      if (i % 64 === 63 && delivered < i + 1) break;
    }
    await until(async () => ((await admin.call('PUBSUB', 'NUMSUB', 'flood')) as unknown[])[1] === 0, 'cut-off');
    assert.ok(delivered < 3200, 'the subscriber was never cut off');
    const grew = process.memoryUsage().rss - rss0;
    assert.ok(grew < 150 * 1024 * 1024, `RSS grew by ${grew} bytes`);
    const log = fs.readFileSync(path.join(tmp, 'log'), 'latin1');
    assert.match(log, /Client id=\d+ addr=\S+ .*cmd=subscribe.* scheduled to be closed ASAP for overcoming of output buffer limits\./);
    assert.ok(await closed(deaf, 5000), 'socket not closed');
  } finally {
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
    admin.close();
    pub.close();
    deaf.destroy();
  }
});

test('soft limit: over it for longer than the soft seconds closes the subscriber', async () => {
  const admin = await RawClient.connect(srv.port);
  const pub = await RawClient.connect(srv.port);
  const deaf = await deafClient(srv.port);
  try {
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 0 512kb 1');
    deaf.write('*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\nsoft\r\n');
    await until(async () => ((await admin.call('PUBSUB', 'NUMSUB', 'soft')) as unknown[])[1] === 1, 'subscription');
    const msg = 's'.repeat(32 * 1024);
    // fill well past the soft limit (kernel buffers absorb the first few MB), then keep it there
    const end = Date.now() + 8000;
    let cut = false;
    while (Date.now() < end) {
      await pub.call('PUBLISH', 'soft', msg);
      if (((await admin.call('PUBSUB', 'NUMSUB', 'soft')) as unknown[])[1] === 0) {
        cut = true;
        break;
      }
      await sleep(5);
    }
    assert.ok(cut, 'the subscriber stayed over the soft limit without being closed');
  } finally {
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
    admin.close();
    pub.close();
    deaf.destroy();
  }
});

test('normal class limit: a client that pipelines large reads without reading is closed', async () => {
  const admin = await RawClient.connect(srv.port);
  const deaf = await deafClient(srv.port);
  try {
    await admin.call('SET', 'bigval', 'b'.repeat(256 * 1024));
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 4mb 0 0');
    let req = '';
    for (let i = 0; i < 40; i++) req += '*2\r\n$3\r\nGET\r\n$6\r\nbigval\r\n';
    // 400 x 256 KB requested = 100 MB of replies
    for (let i = 0; i < 10; i++) deaf.write(req);
    assert.ok(await closed(deaf, 10000), 'normal client over its limit not closed');
    assert.deepEqual(await admin.call('PING'), { simple: 'PONG' }); // the server carries on
  } finally {
    await admin.call('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
    await admin.call('DEL', 'bigval');
    admin.close();
    deaf.destroy();
  }
});
