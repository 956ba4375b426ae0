/*
 * Client eviction (maxmemory-clients) and the per-client memory figure
 * (CLIENT LIST / CLIENT INFO tot-mem).
 *
 * The eviction checks are driven directly (evictClients / clientsMemCron)
 * so the tests do not depend on where the gatekeeper and the cron call
 * them; when those calls are wired the clients are simply evicted earlier,
 * and every assertion below still holds.
 */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Pair, RawClient, startRespite } from '../helpers/servers';
import type { Server } from '../../src/server/server';
import type { Client } from '../../src/server/client';
import {
  clientEvictionLimit, clientsMemCron, evictClients, clientEvictionTotals, noteClientMemory,
} from '../../src/server/client-evict';
import { clientMemory } from '../../src/server/client-memory';
import { parseClientMemLimit } from '../../src/config/client-evict-params';

const OK = { simple: 'OK' };
const QUEUED = { simple: 'QUEUED' };
const PONG = { simple: 'PONG' };

/** One CLIENT LIST line's fields. */
function fields(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of line.trim().split(' ')) {
    const i = kv.indexOf('=');
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

/** tot-mem of client `id` as another client sees it (null when it is gone). */
async function totMem(obs: RawClient, id: number): Promise<number | null> {
  const r = (await obs.call('CLIENT', 'LIST', 'ID', String(id))) as string;
  return r === '' ? null : Number(fields(r)['tot-mem']);
}

async function clientId(c: RawClient): Promise<number> {
  return (await c.call('CLIENT', 'ID')) as number;
}

/** The server-side Client of id `id`. */
function serverClient(srv: Server, id: number): Client {
  const c = srv.clients.get(id);
  assert.ok(c !== undefined, `client ${id} exists`);
  return c;
}

/** Poll (bounded) until `cond` holds. */
async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

async function evictedCount(c: RawClient): Promise<number> {
  const info = (await c.call('INFO', 'stats')) as string;
  const m = /evicted_clients:(\d+)/.exec(info);
  assert.ok(m !== null);
  return Number(m[1]);
}

// --- configuration -------------------------------------------------------------------

test('maxmemory-clients: CONFIG SET / GET match Redis, errors included', async () => {
  const pair = await Pair.start();
  try {
    const values = [
      '0', '1', '100', '1kb', '1gb', '1G', '1m', '10%', '0%', '100%', '101%', '-1', '-5%', '%', '5', '',
      '9223372036854775807', '9223372036854775808', '18446744073709551615', '18446744073709551516',
      '18446744073709551515', '18446744073709551616', '99999999999999999999999', '99999999999999999999999kb',
      '1'.padEnd(130, '0'), '1.5%', ' 5%', '5 %', '5%%', '50%x', '+5%', '00010%', '9999999999999999999%',
      '9223372036854775807%', '-0', '-0%', '0x10', '10485760000000000000kb', '9223372036854775808b',
      '18014398509481984kb', '18014398509481983kb', ' 5', '+5', '5constructor', '9007199254740993', '2%',
    ];
    for (const v of values) {
      await pair.same('CONFIG', 'SET', 'maxmemory-clients', v);
      await pair.same('CONFIG', 'GET', 'maxmemory-clients');
    }
    await pair.same('CONFIG', 'SET', 'maxmemory-clients', '7%', 'maxmemory-clients', '8%');
    await pair.same('CONFIG', 'SET', 'maxmemory-clients', '7%', 'maxmemory', 'x');
    await pair.same('CONFIG', 'GET', 'maxmemory-clients');
    await pair.same('CONFIG', 'GET', 'maxmemory-c*');
  } finally {
    await pair.close();
  }
});

test('maxmemory-clients: CONFIG REWRITE, redis.conf form and the effective limit', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'respite-cevict-'));
  const s = await startRespite({ maxmemoryClients: '5%' });
  const c = await RawClient.connect(s.port);
  try {
    const file = path.join(dir, 'redis.conf');
    fs.writeFileSync(file, 'maxmemory-clients 1mb\n');
    s.server.configFile = file;
    assert.deepEqual(await c.call('CONFIG', 'GET', 'maxmemory-clients'), ['maxmemory-clients', '5%']);
    const cases: [string, string | null][] = [
      ['10%', 'maxmemory-clients 10%'], ['1gb', 'maxmemory-clients 1gb'], ['1000', 'maxmemory-clients 1000'],
      ['3145728', 'maxmemory-clients 3mb'], ['0', 'maxmemory-clients 0'], ['100%', 'maxmemory-clients 100%'],
    ];
    for (const [v, line] of cases) {
      assert.deepEqual(await c.call('CONFIG', 'SET', 'maxmemory-clients', v), OK);
      assert.deepEqual(await c.call('CONFIG', 'REWRITE'), OK);
      const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('maxmemory-clients'));
      assert.deepEqual(lines, [line], v);
    }
    // a value at the default is not added to a file that lacks it
    fs.writeFileSync(file, 'port 0\n');
    assert.deepEqual(await c.call('CONFIG', 'SET', 'maxmemory-clients', '0'), OK);
    assert.deepEqual(await c.call('CONFIG', 'REWRITE'), OK);
    assert.ok(!fs.readFileSync(file, 'utf8').includes('maxmemory-clients'));

    // effective limit: bytes, percent of maxmemory (off without maxmemory), 128 KB floor
    const cfg = s.server.config;
    assert.deepEqual(await c.call('CONFIG', 'SET', 'maxmemory-clients', '10%'), OK);
    assert.equal(clientEvictionLimit(cfg), 0);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'maxmemory', '10mb'), OK);
    assert.equal(clientEvictionLimit(cfg), 1048576);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'maxmemory-clients', '1%'), OK);
    assert.equal(clientEvictionLimit(cfg), 131072);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'maxmemory-clients', '300000', 'maxmemory', '0'), OK);
    assert.equal(clientEvictionLimit(cfg), 300000);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'maxmemory-clients', '1'), OK);
    assert.equal(clientEvictionLimit(cfg), 131072);
    assert.deepEqual(await c.call('CONFIG', 'SET', 'maxmemory-clients', '0'), OK);
    assert.equal(clientEvictionLimit(cfg), 0);
    // the parser alone (no table loaded first)
    const l = parseClientMemLimit('12%') as { raw: bigint; bytes: number; percent: number };
    assert.deepEqual([l.raw, l.bytes, l.percent], [-12n, 0, 12]);
  } finally {
    c.close();
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// --- tot-mem ---------------------------------------------------------------------------

test('tot-mem grows with each component and CLIENT LIST / INFO agree', async () => {
  const s = await startRespite();
  const obs = await RawClient.connect(s.port);
  const subj = await RawClient.connect(s.port);
  try {
    const id = await clientId(subj);
    const base = (await totMem(obs, id))!;
    assert.ok(base > 1000 && base < 20000, `idle client ${base}`);
    // CLIENT INFO (self, running) = CLIENT LIST line of self
    const info = fields((await subj.call('CLIENT', 'INFO')) as string);
    assert.ok(Number(info['tot-mem']) >= base + Number(info['argv-mem']), 'CLIENT INFO counts the running argv');
    const selfList = fields((await subj.call('CLIENT', 'LIST', 'ID', String(id))) as string);
    const more = ['CLIENT', 'LIST', 'ID', String(id)];
    for (let i = 0; i < 200; i++) more.push(String(1000000 + i));
    const selfListBig = fields((await subj.call(...more)) as string);
    assert.ok(Number(selfListBig['argv-mem']) > Number(selfList['argv-mem']));
    assert.ok(Number(selfListBig['tot-mem']) > Number(selfList['tot-mem']) + 1000, 'argv');
    assert.equal(await totMem(obs, id), base, 'idle figure is stable');

    // WATCH: each key
    let prev = base;
    for (const n of [1, 10]) {
      const keys: string[] = [];
      for (let i = 0; i < n; i++) keys.push(`w${n}:${i}`);
      assert.deepEqual(await subj.call('WATCH', ...keys), OK);
      const now = (await totMem(obs, id))!;
      assert.ok(now > prev + 100 * (n - 1), `watch ${n}: ${now} vs ${prev}`);
      prev = now;
    }
    // MULTI queue
    assert.deepEqual(await subj.call('MULTI'), OK);
    for (let i = 0; i < 5; i++) {
      assert.deepEqual(await subj.call('SET', 'k' + i, 'x'.repeat(1000)), QUEUED);
      const now = (await totMem(obs, id))!;
      assert.ok(now >= prev + 1000, `multi ${i}: ${now} vs ${prev}`);
      prev = now;
    }
    assert.deepEqual(await subj.call('DISCARD'), OK);
    const afterDiscard = (await totMem(obs, id))!;
    assert.ok(afterDiscard < prev - 5000, 'DISCARD drops the queue and the watches');

    // tracking prefixes
    assert.deepEqual(await subj.call('CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'a:', 'PREFIX', 'b:'), OK);
    const tracked = (await totMem(obs, id))!;
    assert.ok(tracked > afterDiscard + 500, `prefixes ${tracked} vs ${afterDiscard}`);
    assert.deepEqual(await subj.call('CLIENT', 'TRACKING', 'OFF'), OK);

    // subscriptions: channels, patterns, shard channels
    prev = (await totMem(obs, id))!;
    for (const cmd of ['SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE']) {
      for (let i = 0; i < 3; i++) {
        subj.write(`${cmd} ${cmd.toLowerCase()}-${i}\r\n`);
        await subj.readReply();
        const now = (await totMem(obs, id))!;
        assert.ok(now > prev + 100, `${cmd} ${i}: ${now} vs ${prev}`);
        prev = now;
      }
    }
  } finally {
    obs.close();
    subj.close();
    await s.close();
  }
});

test('tot-mem counts a partial command (query buffer) and unread output', async () => {
  const s = await startRespite();
  const obs = await RawClient.connect(s.port);
  const sock = net.connect(s.port, '127.0.0.1');
  try {
    await new Promise((r) => sock.once('connect', r));
    const id = Math.max(...s.server.clients.keys());
    const base = (await totMem(obs, id))!;
    // a big argument announced and partly sent: the collector is allocated at its full length
    sock.write('*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$500000\r\n' + 'x'.repeat(1000));
    await until(async () => ((await totMem(obs, id)) ?? 0) > base + 500000, 'query buffer counted');
    sock.write('x'.repeat(499000) + '\r\n');
    await until(async () => (await obs.call('EXISTS', 'big')) === 1, 'SET done');
    // a multibulk with many small arguments, partly read: the arguments parsed so far count
    let partial = '*20003\r\n$4\r\nMSET\r\n';
    for (let i = 0; i < 10000; i++) partial += `$5\r\nk${String(i).padStart(4, '0')}\r\n$1\r\nv\r\n`;
    const before = (await totMem(obs, id))!;
    sock.write(partial);
    await until(async () => ((await totMem(obs, id)) ?? 0) > before + 20000 * 24, 'partial arguments counted');
    sock.write('$5\r\nlastk\r\n$1\r\nv\r\n');
    await until(async () => (await obs.call('EXISTS', 'lastk')) === 1, 'MSET done');
    await until(async () => ((await totMem(obs, id)) ?? 0) < before + 10000, 'arguments released');
    // replies the peer does not read pile up in the socket
    sock.pause();
    for (let i = 0; i < 40; i++) sock.write('GET big\r\n');
    await until(async () => ((await totMem(obs, id)) ?? 0) > base + 4000000, 'unread output counted');
    assert.ok(clientMemory(serverClient(s.server, id)) > 4000000);
  } finally {
    sock.destroy();
    obs.close();
    await s.close();
  }
});

// --- eviction --------------------------------------------------------------------------

test('clients over maxmemory-clients are evicted, largest first, NO-EVICT ones never', async () => {
  const s = await startRespite();
  const srv = s.server;
  const admin = await RawClient.connect(s.port);
  const small = await RawClient.connect(s.port);
  const big = await RawClient.connect(s.port);
  const keeper = await RawClient.connect(s.port);
  try {
    assert.deepEqual(await admin.call('CLIENT', 'NO-EVICT', 'on'), OK);
    assert.deepEqual(await keeper.call('CLIENT', 'NO-EVICT', 'on'), OK);
    const smallId = await clientId(small);
    const bigId = await clientId(big);
    const keeperId = await clientId(keeper);
    assert.equal(await evictedCount(admin), 0);
    // off: nothing happens whatever the sizes
    assert.equal(evictClients(srv), false);
    assert.equal(clientEvictionTotals(srv), null);
    assert.deepEqual(await admin.call('CONFIG', 'SET', 'maxmemory-clients', '200kb'), OK);
    assert.equal(evictClients(srv), false);
    assert.ok(clientEvictionTotals(srv)!.total < 200 * 1024);

    // the biggest evictable client goes, the small one stays
    big.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000000\r\nabc');
    await until(async () => !srv.clients.has(bigId) || ((await totMem(admin, bigId)) ?? 0) > 1000000, 'big buffer');
    clientsMemCron(srv);
    await big.waitClose();
    assert.ok(!srv.clients.has(bigId));
    assert.ok(srv.clients.has(smallId) && srv.clients.has(keeperId));
    assert.deepEqual(await small.call('PING'), PONG);
    assert.equal(await evictedCount(admin), 1);

    // a NO-EVICT client with a big query buffer is counted but never evicted: as in Redis, the
    // evictable clients go instead, however small, and the server then warns it is still over
    keeper.write('*3\r\n$3\r\nSET\r\n$4\r\nkeep\r\n$300000\r\nabc');
    await until(async () => ((await totMem(admin, keeperId)) ?? 0) > 300000, 'keeper buffer');
    clientsMemCron(srv);
    await small.waitClose();
    assert.ok(srv.clients.has(keeperId) && !srv.clients.has(smallId));
    assert.ok(clientEvictionTotals(srv)!.total >= 300000);
    assert.equal(clientEvictionTotals(srv)!.evictable, 0);
    keeper.write('x'.repeat(299997) + '\r\n');
    assert.deepEqual((await keeper.readReply())[0], OK);
    assert.equal(await evictedCount(admin), 2);
    assert.deepEqual(await admin.call('CONFIG', 'RESETSTAT'), OK);
    assert.equal(await evictedCount(admin), 0);
  } finally {
    for (const c of [admin, small, big, keeper]) c.close();
    await s.close();
  }
});

test('eviction of the running client, of a subscriber and after lowering the limit', async () => {
  const s = await startRespite();
  const srv = s.server;
  const admin = await RawClient.connect(s.port);
  const sub = await RawClient.connect(s.port);
  const runner = await RawClient.connect(s.port);
  try {
    assert.deepEqual(await admin.call('CLIENT', 'NO-EVICT', 'on'), OK);
    const subId = await clientId(sub);
    const runnerId = await clientId(runner);
    // many subscriptions, under a high limit first
    assert.deepEqual(await admin.call('CONFIG', 'SET', 'maxmemory-clients', '10mb'), OK);
    const chans: string[] = [];
    for (let i = 0; i < 2000; i++) chans.push('ch:' + i);
    sub.write(`SUBSCRIBE ${chans.join(' ')}\r\n`);
    for (let i = 0; i < 2000; i++) await sub.readReply();
    assert.ok(((await totMem(admin, subId)) ?? 0) > 300000);
    clientsMemCron(srv);
    assert.ok(srv.clients.has(subId));
    // lowering the limit: the next check (any client) evicts the subscriber
    assert.deepEqual(await admin.call('CONFIG', 'SET', 'maxmemory-clients', '200kb'), OK);
    evictClients(srv, serverClient(srv, runnerId), false);
    await sub.waitClose();
    assert.ok(srv.clients.has(runnerId));

    // the client about to run a command is itself the biggest: evictClients says so
    const c = serverClient(srv, runnerId);
    const argv = ['SET', 'k', 'v'.repeat(400000)];
    c.argv = argv;
    assert.equal(evictClients(srv, c, true), true);
    await runner.waitClose();
    assert.ok(!srv.clients.has(runnerId));
    assert.equal(await evictedCount(admin), 2);
    assert.deepEqual(await admin.call('PING'), PONG);
    // totals follow disconnections
    assert.ok(clientEvictionTotals(srv)!.total < 200 * 1024);
  } finally {
    for (const x of [admin, sub, runner]) x.close();
    await s.close();
  }
});

test('a subscriber that does not read its pushes is measured and evicted', async () => {
  const s = await startRespite();
  const srv = s.server;
  const admin = await RawClient.connect(s.port);
  const sock = net.connect(s.port, '127.0.0.1');
  try {
    await new Promise((r) => sock.once('connect', r));
    assert.deepEqual(await admin.call('CLIENT', 'NO-EVICT', 'on'), OK);
    assert.deepEqual(await admin.call('CONFIG', 'SET', 'maxmemory-clients', '10mb'), OK);
    const subId = Math.max(...srv.clients.keys());
    sock.write('SUBSCRIBE news\r\n');
    await until(() => serverClient(srv, subId).subCount === 1, 'subscribed');
    sock.pause();
    const msg = 'm'.repeat(100000);
    for (let i = 0; i < 250 && ((await totMem(admin, subId)) ?? 0) < 1000000; i++) {
      assert.equal(await admin.call('PUBLISH', 'news', msg), 1);
    }
    const c = serverClient(srv, subId);
    const mem = clientMemory(c);
    assert.ok(mem > 1000000, `unread pushes counted: ${mem}`);
    noteClientMemory(c);
    assert.ok(clientEvictionTotals(srv)!.total >= mem);
    assert.deepEqual(await admin.call('CONFIG', 'SET', 'maxmemory-clients', '200kb'), OK);
    evictClients(srv);
    assert.ok(!srv.clients.has(subId));
    assert.equal(await evictedCount(admin), 1);
    assert.equal(await admin.call('PUBLISH', 'news', 'x'), 0);
  } finally {
    sock.destroy();
    admin.close();
    await s.close();
  }
});
