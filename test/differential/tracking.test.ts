/* Differential tests of client-side caching (CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO):
 * scripted sessions of several connections run against real Redis 7.0 and Respite, and the complete
 * byte stream each connection receives (replies interleaved with invalidation pushes and
 * __redis__:invalidate messages) is compared, with client ids masked. Each step waits until both
 * servers have answered it, so interleavings are deterministic. */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { Pair, rng, type RawClient } from '../helpers/servers';
import { encodeCommand } from '../helpers/resp';

let pair: Pair;

before(async () => {
  pair = await Pair.start();
});

after(async () => {
  await pair.close();
});

/** A connection on each server whose every received byte is recorded. */
class Conn {
  ours = '';
  theirs = '';
  constructor(readonly a: RawClient, readonly b: RawClient) {
    a.sock.on('data', (d: Buffer) => { this.ours += d.toString('latin1'); });
    b.sock.on('data', (d: Buffer) => { this.theirs += d.toString('latin1'); });
  }
  static async open(): Promise<Conn> {
    const [a, b] = await pair.connectMore();
    return new Conn(a, b);
  }
  close(): void {
    this.a.close();
    this.b.close();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Send commands on `c` and wait until both servers' byte streams stop growing. */
async function send(c: Conn, ...cmds: string[][]): Promise<void> {
  for (const cmd of cmds) {
    const bytes = encodeCommand(cmd);
    c.a.write(bytes);
    c.b.write(bytes);
  }
  await settle();
}

let all: Conn[] = [];

async function settle(): Promise<void> {
  let last = '';
  for (let i = 0; i < 100; i++) {
    await sleep(15);
    const now = all.map((c) => c.ours.length + ':' + c.theirs.length).join(',');
    if (now === last) return;
    last = now;
  }
}

/** Replace client ids (which differ between servers) by N in a byte stream. */
function mask(s: string): string {
  return s.replace(/(id\r\n:|redirect\r\n:|tracking-redir-broken\r\n:)\d+/g, '$1N');
}

function compare(c: Conn, label: string): void {
  assert.equal(mask(c.ours), mask(c.theirs), label);
}

async function idOf(c: Conn): Promise<[string, string]> {
  const before = [c.ours.length, c.theirs.length];
  await send(c, ['CLIENT', 'ID']);
  const a = /:(\d+)/.exec(c.ours.slice(before[0]))![1];
  const b = /:(\d+)/.exec(c.theirs.slice(before[1]))![1];
  c.ours = c.ours.slice(0, before[0]);
  c.theirs = c.theirs.slice(0, before[1]);
  return [a, b];
}

/** Send a command whose argument is a client id (different on each server). */
async function sendWithId(c: Conn, ids: [string, string], build: (id: string) => string[]): Promise<void> {
  c.a.write(encodeCommand(build(ids[0])));
  c.b.write(encodeCommand(build(ids[1])));
  await settle();
}

test('option errors and TRACKINGINFO / GETREDIR in RESP2 and RESP3', async () => {
  const a = await Conn.open();
  all = [a];
  for (const proto of ['2', '3']) {
    await send(a, ['HELLO', proto], ['CLIENT', 'GETREDIR'], ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING'], ['CLIENT', 'TRACKING', 'foo'], ['CLIENT', 'TRACKING', 'on', 'redirect', 'abc'],
      ['CLIENT', 'TRACKING', 'on', 'redirect', '999999'], ['CLIENT', 'TRACKING', 'on', 'redirect'],
      ['CLIENT', 'TRACKING', 'on', 'prefix', 'a'], ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'a', 'prefix', 'ab'],
      ['CLIENT', 'TRACKING', 'on', 'optin', 'optout'], ['CLIENT', 'TRACKING', 'on', 'bcast', 'optin'],
      ['CLIENT', 'TRACKING', 'on', 'foo'], ['CLIENT', 'TRACKING', 'maybe'], ['CLIENT', 'CACHING', 'yes'],
      ['CLIENT', 'CACHING'], ['CLIENT', 'TRACKING', 'on', 'optin', 'noloop'], ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'CACHING', 'maybe'], ['CLIENT', 'CACHING', 'no'], ['CLIENT', 'CACHING', 'yes'],
      ['CLIENT', 'TRACKINGINFO'], ['CLIENT', 'TRACKING', 'on', 'optout'], ['CLIENT', 'TRACKING', 'on', 'bcast'],
      ['CLIENT', 'GETREDIR'], ['CLIENT', 'TRACKING', 'off'], ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'b', 'prefix', 'a'],
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'bc'], ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'x', 'prefix', 'y', 'prefix', 'yz'],
      ['CLIENT', 'TRACKINGINFO'], ['CLIENT', 'TRACKING', 'off'], ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'on', 'optout'], ['CLIENT', 'CACHING', 'no'], ['CLIENT', 'TRACKINGINFO'], ['CLIENT', 'TRACKING', 'off']);
  }
  compare(a, 'option handling');
  a.close();
});

test('default mode: own changes after the reply, MULTI, FLUSHDB, OPTIN, NOLOOP, redirection', async () => {
  await pair.same('FLUSHALL');
  const a = await Conn.open();
  const b = await Conn.open();
  const rd = await Conn.open();
  all = [a, b, rd];
  const rid = await idOf(rd);
  await send(rd, ['SUBSCRIBE', '__redis__:invalidate']);
  await send(a, ['HELLO', '3'], ['CLIENT', 'TRACKING', 'ON'], ['SET', 'k', '1'], ['GET', 'k'], ['SET', 'k', '2'],
    ['GET', 'k'], ['MGET', 'k', 'k2'], ['MULTI'], ['SET', 'k', '3'], ['GET', 'k2'], ['SET', 'k2', 'x'], ['EXEC'],
    ['GET', 'k'], ['HGET', 'h', 'f'], ['EXISTS', 'e1', 'e2'], ['STRLEN', 'k']);
  await send(b, ['SET', 'k', 'other'], ['HSET', 'h', 'f', 'v'], ['DEL', 'e1', 'e2'], ['SET', 'e2', '1']);
  await send(a, ['GET', 'k'], ['FLUSHDB'], ['GET', 'k'], ['CLIENT', 'TRACKING', 'OFF'], ['CLIENT', 'TRACKING', 'ON', 'OPTIN'],
    ['GET', 'k'], ['CLIENT', 'CACHING', 'YES'], ['CLIENT', 'GETNAME'], ['GET', 'k'], ['GET', 'k3']);
  await send(b, ['SET', 'k', 'z'], ['SET', 'k3', 'z']);
  await send(a, ['CLIENT', 'TRACKING', 'OFF'], ['CLIENT', 'TRACKING', 'ON', 'NOLOOP'], ['GET', 'n'], ['SET', 'n', '1'],
    ['GET', 'n']);
  await send(b, ['SET', 'n', '2']);
  await sendWithId(b, rid, (id) => ['CLIENT', 'TRACKING', 'ON', 'REDIRECT', id]);
  await send(b, ['GET', 'q'], ['CLIENT', 'TRACKINGINFO']);
  await send(a, ['SET', 'q', '1'], ['PEXPIRE', 'k', '1']);
  await sleep(30);
  await send(b, ['GET', 'k']);
  await send(a, ['GET', 'k']);
  for (const [c, l] of [[a, 'a'], [b, 'b'], [rd, 'redirect target']] as const) compare(c, l);
  // Redirect target gone: RESP3 clients get tracking-redir-broken.
  await sendWithId(b, rid, (id) => ['CLIENT', 'KILL', 'ID', id]);
  await send(b, ['HELLO', '3'], ['GET', 'r']);
  await send(a, ['SET', 'r', '1']);
  await send(b, ['CLIENT', 'TRACKINGINFO'], ['PING']);
  compare(b, 'broken redirect');
  for (const c of all) c.close();
});

test('BCAST with prefixes and NOLOOP', async () => {
  await pair.same('FLUSHALL');
  const a = await Conn.open();
  const b = await Conn.open();
  const c = await Conn.open();
  all = [a, b, c];
  await send(a, ['HELLO', '3'], ['CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'obj:']);
  await send(b, ['HELLO', '3'], ['CLIENT', 'TRACKING', 'ON', 'BCAST', 'NOLOOP']);
  await send(c, ['MSET', 'user:2', 'x', 'user:1', 'y', 'other', 'z', 'obj:9', 'w']);
  // One command per step: Redis broadcasts once per event-loop turn, so pipelined writes may batch.
  await send(b, ['SET', 'user:3', '1']);
  await send(b, ['SET', 'mine', '1']);
  await send(c, ['DEL', 'user:1']);
  await send(c, ['SET', 'zzz', '1']);
  await send(c, ['SET', 'aaa', '1']);
  await send(c, ['MSET', 'user:5', '1', 'aaa', '2', 'obj:1', '3']);
  await send(a, ['CLIENT', 'TRACKINGINFO'], ['FLUSHALL']);
  await send(b, ['CLIENT', 'TRACKINGINFO']);
  for (const [x, l] of [[a, 'a'], [b, 'b'], [c, 'c']] as const) compare(x, l);
  for (const x of all) x.close();
});

test('randomized reads and writes by tracking clients (seeded)', async () => {
  await pair.same('FLUSHALL');
  const conns: Conn[] = [];
  for (let i = 0; i < 4; i++) conns.push(await Conn.open());
  all = conns;
  await send(conns[0], ['HELLO', '3'], ['CLIENT', 'TRACKING', 'ON']);
  await send(conns[1], ['HELLO', '3'], ['CLIENT', 'TRACKING', 'ON', 'NOLOOP']);
  await send(conns[2], ['HELLO', '3'], ['CLIENT', 'TRACKING', 'ON', 'OPTOUT']);
  const r = rng(777);
  const keys = ['a', 'b', 'c', 'd'];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  for (let i = 0; i < 200; i++) {
    const c = pick(conns);
    const k = pick(keys);
    const cmd = pick([
      ['GET', k], ['MGET', k, pick(keys)], ['SET', k, String(i)], ['DEL', k], ['INCR', k], ['EXISTS', k],
      ['APPEND', k, 'x'], ['CLIENT', 'CACHING', 'NO'], ['STRLEN', k], ['TYPE', k], ['RENAME', k, pick(keys)],
    ]);
    await send(c, cmd);
  }
  conns.forEach((c, i) => compare(c, 'connection ' + i));
  for (const x of conns) x.close();
});
