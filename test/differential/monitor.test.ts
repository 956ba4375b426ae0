/* Differential MONITOR tests: a monitor connection on real Redis 7.0 and on Respite, the same
 * commands sent to both, and the two monitor streams compared line by line with the timestamps
 * and client ports masked — covering quoting of binary arguments, databases, redaction, hidden
 * commands (admin, rejected, queued), transactions, and a seeded randomized sequence. */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { Pair, rng, RawClient } from '../helpers/servers';
import type { Reply } from '../helpers/resp';

let pair: Pair;
let monOurs: RawClient;
let monTheirs: RawClient;
let sentinel = 0;

before(async () => {
  pair = await Pair.start({ respite: { 'enable-debug-command': 'yes' }, redisArgs: ['--enable-debug-command', 'yes'] });
  [monOurs, monTheirs] = await pair.connectMore();
  assert.deepEqual(await monOurs.call('MONITOR'), { simple: 'OK' });
  assert.deepEqual(await monTheirs.call('MONITOR'), { simple: 'OK' });
});

after(async () => {
  monOurs.close();
  monTheirs.close();
  await pair.close();
});

/** Read monitor lines until the sentinel ECHO shows up; timestamps and ports masked. */
async function drain(m: RawClient, mark: string): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const [r] = await m.readReply();
    const line = (r as { simple: string }).simple;
    assert.ok(typeof line === 'string', `not a monitor line: ${JSON.stringify(r)}`);
    assert.match(line, /^\d{10}\.\d{6} \[\d+ [^\]]+\] /);
    const l = line.replace(/^\d+\.\d{6} /, 'T ').replace(/127\.0\.0\.1:\d+\]/, 'ADDR]');
    if (l.endsWith(`"ECHO" "${mark}"`)) return out;
    out.push(l);
  }
}

/** Both monitor streams since the last check, compared. */
async function sameStream(): Promise<number> {
  const mark = `sentinel-${++sentinel}`;
  // The sentinel runs on a connection that is never in MULTI, in db 0.
  await pair.same('ECHO', mark).catch(async () => undefined);
  const [a, b] = await Promise.all([drain(monOurs, mark), drain(monTheirs, mark)]);
  assert.deepEqual(a, b);
  return a.length;
}

/** Send to both, compare replies with HELLO's client id masked. */
async function same(...cmd: string[]): Promise<Reply> {
  const [a, b] = await pair.both(...cmd);
  const mask = (x: string): string => (cmd[0].toUpperCase() === 'HELLO' ? x.replace(/\bid\r\n:\d+/, 'id\r\n:N') : x);
  assert.equal(mask(a), mask(b), `reply differs for ${JSON.stringify(cmd).slice(0, 200)}`);
  return a;
}

test('fixed sequence: the monitor streams are identical', async () => {
  for (const cmd of [
    ['SET', 'k', 'v'],
    ['SET', 'bin', 'a\nb\r\t\x07\x08"\\\x00\xff\x7f \xe9~'],
    ['SELECT', '5'],
    ['GET', 'k'],
    ['SELECT', '0'],
    ['AUTH', 'pw'],
    ['AUTH', 'user', 'pw'],
    ['AUTH', 'a', 'b', 'c'],
    ['HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME', 'mon'],
    ['HELLO', '9', 'AUTH', 'default', 'pw'],
    ['CONFIG', 'SET', 'hz', '10'],
    ['CONFIG', 'GET', 'hz'],
    ['DEBUG', 'SLEEP', '0'],
    ['SLOWLOG', 'LEN'],
    ['LATENCY', 'LATEST'],
    ['CLIENT', 'GETNAME'],
    ['CLIENT', 'LIST', 'ID', '999999'],
    ['NOSUCH'],
    ['GET'],
    ['MULTI'],
    ['SET', 'a', '1'],
    ['INCR', 'a'],
    ['EXEC'],
    ['MULTI'],
    ['INCR', 'a'],
    ['DISCARD'],
    ['MULTI'],
    ['GET'],
    ['EXEC'],
    ['MULTI'],
    ['MONITOR'],
    ['EXEC'],
    ['ECHO', ''],
    ['PING', 'x y'],
  ]) await same(...cmd);
  assert.ok((await sameStream()) > 15);
});

test('a monitor\'s own commands and RESET on both servers', async () => {
  const [a, b] = await pair.connectMore();
  try {
    for (const c of [a, b]) assert.deepEqual(await c.call('MONITOR'), { simple: 'OK' });
    for (const cmd of [['PING'], ['GET', 'k'], ['MONITOR'], ['CLIENT', 'GETNAME'], ['RESET'], ['GET', 'k'], ['QUIT']]) {
      const [ra, rb] = await Promise.all([a.raw(...cmd), b.raw(...cmd)]);
      // A monitor's own command line follows its reply: compare the reply part, lines masked.
      const mask = (s: string): string => s.replace(/\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\]/g, '+T [$1 ADDR]');
      assert.equal(mask(ra), mask(rb), JSON.stringify(cmd));
    }
  } finally {
    a.close();
    b.close();
  }
  assert.ok((await sameStream()) >= 4);
});

test('seeded random sequence: the monitor streams stay identical', async () => {
  const r = rng(424242);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const word = (): string => {
    const x = r();
    if (x < 0.6) return pick(['a', 'b', 'key', '', '0', '-1', '42', 'x y', '"q"', '\\']);
    return String.fromCharCode(...Array.from({ length: 1 + Math.floor(r() * 8) }, () => Math.floor(r() * 256)));
  };
  await same('FLUSHALL');
  let lines = 0;
  for (let i = 0; i < 2500; i++) {
    const x = r();
    let cmd: string[];
    if (x < 0.35) cmd = [pick(['SET', 'GET', 'APPEND', 'STRLEN', 'EXISTS', 'DEL', 'INCR', 'LPUSH', 'SADD', 'HSET']), `k${Math.floor(r() * 5)}`, word(), word()].slice(0, 2 + Math.floor(r() * 3));
    else if (x < 0.45) cmd = pick([['AUTH', word()], ['AUTH', word(), word()], ['AUTH', 'a', 'b', 'c'], ['HELLO', pick(['2', '4', 'x']), 'AUTH', 'default', word()], ['HELLO', '2', 'SETNAME', 'n1', 'AUTH', 'u', 'p']]);
    else if (x < 0.5) cmd = ['SELECT', String(Math.floor(r() * 4))];
    else if (x < 0.58) cmd = pick([['MULTI'], ['EXEC'], ['DISCARD']]);
    else if (x < 0.63) cmd = [pick(['NOSUCH', 'GET', 'SET'])].concat(r() < 0.5 ? [] : ['only']);
    else if (x < 0.68) cmd = pick([['CONFIG', 'GET', 'hz'], ['DEBUG', 'SLEEP', '0'], ['SLOWLOG', 'LEN'], ['LATENCY', 'LATEST'], ['CLIENT', 'KILL', 'ID', '999999']]);
    else if (x < 0.73) cmd = ['CLIENT', 'SETNAME', pick(['', 'alpha'])];
    else if (x < 0.78) cmd = ['CONFIG', 'SET', 'requirepass', word()];
    else cmd = [pick(['ECHO', 'PING', 'TYPE', 'TTL']), word()];
    await same(...cmd);
    if (cmd[0] === 'CONFIG' && cmd[1] === 'SET') await same('CONFIG', 'SET', 'requirepass', '');
    if (i % 250 === 249) {
      await same('DISCARD').catch(() => undefined);
      lines += await sameStream();
    }
  }
  await same('DISCARD').catch(() => undefined);
  await same('SELECT', '0');
  lines += await sameStream();
  assert.ok(lines > 1000, `only ${lines} monitor lines`);
});
