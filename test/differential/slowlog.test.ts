/* Differential SLOWLOG tests: the same commands against real Redis 7.0 and Respite, then the
 * slow logs compared entry by entry — relative ids, arguments (trimming, redaction, binary
 * bytes), client names exactly; unix time within a few seconds of now; durations and client
 * ports masked (they depend on the machine). Includes a seeded randomized sequence. */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { Pair, rng, type RawClient } from '../helpers/servers';
import type { Reply } from '../helpers/resp';

let pair: Pair;

before(async () => {
  pair = await Pair.start({ respite: { 'enable-debug-command': 'yes' }, redisArgs: ['--enable-debug-command', 'yes'] });
});

after(async () => {
  await pair.close();
});

/** A SLOWLOG GET reply made comparable: ids relative to the newest, times checked then dropped, durations and ports masked. */
function normalize(r: Reply): unknown {
  if (!Array.isArray(r)) return r; // an error: compared as is
  const now = Math.floor(Date.now() / 1000);
  const top = r.length > 0 ? ((r[0] as Reply[])[0] as number) : 0;
  return r.map((e) => {
    const [id, time, us, args, addr, name] = e as [number, number, number, string[], string, string];
    assert.ok(Math.abs(time - now) <= 10, `entry time ${time}`);
    assert.ok(typeof us === 'number' && us >= 0);
    return [top - id, args, addr.replace(/:\d+$/, ':PORT'), name];
  });
}

/** Send to both and compare the replies, HELLO's client id masked. */
async function same(...cmd: string[]): Promise<void> {
  const [a, b] = await pair.both(...cmd);
  const mask = (x: string): string => (cmd[0].toUpperCase() === 'HELLO' ? x.replace(/\bid\r\n:\d+/, 'id\r\n:N') : x);
  assert.equal(mask(a), mask(b), `reply differs for ${JSON.stringify(cmd).slice(0, 200)}`);
}

async function sameLog(count: string | null = '-1', ours: RawClient = pair.ours, theirs: RawClient = pair.theirs): Promise<void> {
  const args = count === null ? ['SLOWLOG', 'GET'] : ['SLOWLOG', 'GET', count];
  const [a, b] = await Promise.all([ours.call(...args), theirs.call(...args)]);
  assert.deepEqual(normalize(a), normalize(b), `SLOWLOG GET ${count}`);
}

test('fixed sequence: entries, trimming, redaction, errors and transactions match Redis', async () => {
  await pair.same('CONFIG', 'SET', 'slowlog-log-slower-than', '0', 'slowlog-max-len', '128');
  await pair.same('SLOWLOG', 'RESET');
  const many = ['RPUSH', 'l'];
  for (let i = 0; i < 50; i++) many.push(`e${i}`);
  for (const cmd of [
    ['CLIENT', 'SETNAME', 'diff'],
    ['SET', 'k', 'v'],
    ['SET', 'bin', '\x00\xff\r\n"x"'],
    many,
    ['SET', 'long'.repeat(50), 'w'.repeat(129)],
    ['AUTH', 'pw'],
    ['AUTH', 'u', 'pw'],
    ['AUTH', 'a', 'b', 'c'],
    ['HELLO', '2', 'AUTH', 'default', 'pw'],
    ['HELLO', '2', 'AUTH', 'default', 'pw', 'SETNAME'],
    ['HELLO', '5', 'AUTH', 'default', 'pw'],
    ['HELLO', 'x', 'AUTH', 'default', 'pw'],
    ['CONFIG', 'SET', 'requirepass', 'secret', 'timeout', '0'],
    ['CONFIG', 'SET', 'requirepass', ''],
    ['CONFIG', 'SET', 'REQUIREPASS', 'a', 'nosuch', 'b'],
    ['CONFIG', 'SET', 'requirepass'],
    ['GET'],
    ['NOSUCHCOMMAND', 'x'],
    ['MULTI'],
    ['INCR', 'n'],
    ['GET', 'n'],
    ['EXEC'],
    ['MULTI'],
    ['GET'],
    ['EXEC'],
    ['SELECT', '2'],
    ['SELECT', '0'],
    ['CLIENT', 'SETNAME', ''],
    ['SLOWLOG', 'GET', '-2'],
    ['SLOWLOG', 'GET', 'x'],
    ['SLOWLOG', 'GET', '1', '2'],
    ['SLOWLOG', 'LEN'],
  ]) await same(...cmd);
  // masterauth / masteruser are not Respite parameters (no replication yet): only their redaction must agree.
  await pair.both('CONFIG', 'SET', 'masterauth', 'secret');
  await pair.both('CONFIG', 'SET', 'hz', '10', 'MasterUser', 'someone');
  await pair.both('CONFIG', 'SET', 'masterauth', '');
  await pair.both('CONFIG', 'SET', 'masteruser', '');
  await sameLog('-1');
  await sameLog(null);
  await sameLog('3');
  await sameLog('0');
  await pair.same('SLOWLOG', 'HELP');
  await pair.same('slowlog', 'len', 'x');
  await pair.same('SLOWLOG', 'nope');
  await pair.same('SLOWLOG');
});

test('max-len trimming and disabling match Redis', async () => {
  await pair.same('CONFIG', 'SET', 'slowlog-log-slower-than', '0', 'slowlog-max-len', '4');
  for (let i = 0; i < 9; i++) await pair.same('SET', 'k', String(i));
  await sameLog('-1');
  await pair.same('CONFIG', 'SET', 'slowlog-max-len', '0');
  await pair.same('PING');
  await pair.same('SLOWLOG', 'LEN');
  await pair.same('CONFIG', 'SET', 'slowlog-max-len', '10');
  await pair.same('PING');
  await sameLog('-1');
  await pair.same('CONFIG', 'SET', 'slowlog-log-slower-than', '-1');
  await pair.same('SLOWLOG', 'RESET');
  await pair.same('PING');
  await pair.same('SLOWLOG', 'LEN');
  await pair.same('CONFIG', 'SET', 'slowlog-log-slower-than', '-2');
  await pair.same('CONFIG', 'SET', 'slowlog-max-len', '-1');
  // A glob's matches come in Redis's dict order (random between runs): compare them as sorted pairs.
  const [ours, theirs] = await Promise.all([pair.ours.call('CONFIG', 'GET', 'slowlog-*'), pair.theirs.call('CONFIG', 'GET', 'slowlog-*')]);
  const pairs = (r: unknown): string[] => {
    const a = r as string[];
    const out: string[] = [];
    for (let i = 0; i < a.length; i += 2) out.push(a[i] + '=' + a[i + 1]);
    return out.sort();
  };
  assert.deepEqual(pairs(ours), pairs(theirs));
  // A slow command over a real threshold.
  await pair.same('CONFIG', 'SET', 'slowlog-log-slower-than', '20000');
  await pair.same('DEBUG', 'SLEEP', '0.03');
  await sameLog('1');
});

test('in RESP3 the entries have the same shape', async () => {
  const [a, b] = await pair.connectMore();
  try {
    await Promise.all([a.call('HELLO', '3'), b.call('HELLO', '3')]);
    await Promise.all([a.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0'), b.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0')]);
    await Promise.all([a.call('SET', 'x', 'y'), b.call('SET', 'x', 'y')]);
    const [ra, rb] = await Promise.all([a.raw('SLOWLOG', 'GET', '1'), b.raw('SLOWLOG', 'GET', '1')]);
    const mask = (s: string): string => s.replace(/:\d+\r\n/g, ':N\r\n').replace(/\$\d+\r\n127\.0\.0\.1:\d+/, '$A\r\nADDR');
    assert.equal(mask(ra), mask(rb));
  } finally {
    a.close();
    b.close();
  }
});

test('seeded random sequence: the slow logs stay identical', async () => {
  const r = rng(60606);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const word = (): string => {
    const x = r();
    if (x < 0.6) return pick(['a', 'b', 'key', '', '0', '-1', '42', 'x y']);
    if (x < 0.8) return String.fromCharCode(...Array.from({ length: 1 + Math.floor(r() * 6) }, () => Math.floor(r() * 256)));
    return 'z'.repeat(100 + Math.floor(r() * 60)); // around the 128-byte cut
  };
  await pair.same('CONFIG', 'SET', 'slowlog-log-slower-than', '0', 'slowlog-max-len', '50');
  await pair.same('FLUSHALL');
  await pair.same('SLOWLOG', 'RESET');
  for (let i = 0; i < 2500; i++) {
    const x = r();
    let cmd: string[];
    if (x < 0.3) cmd = [pick(['SET', 'GET', 'APPEND', 'STRLEN', 'EXISTS', 'DEL', 'INCR']), `k${Math.floor(r() * 5)}`, word()].slice(0, 2 + Math.floor(r() * 2));
    else if (x < 0.4) {
      cmd = [pick(['RPUSH', 'SADD', 'DEL', 'EXISTS']), `m${Math.floor(r() * 3)}`];
      const n = Math.floor(r() * 45);
      for (let j = 0; j < n; j++) cmd.push(word());
    } else if (x < 0.5) cmd = pick([['AUTH', word()], ['AUTH', word(), word()], ['AUTH', 'a', 'b', 'c'], ['HELLO', pick(['2', '3', '4', 'x']), 'AUTH', 'default', word()], ['HELLO', '2', 'SETNAME', 'n1', 'AUTH', 'u', 'p'], ['HELLO', '2', 'AUTH', 'u']]);
    else if (x < 0.55) cmd = ['CLIENT', 'SETNAME', pick(['', 'alpha', 'beta'])];
    else if (x < 0.6) cmd = pick([['MULTI'], ['EXEC'], ['DISCARD']]);
    else if (x < 0.65) cmd = [pick(['NOSUCH', 'GET', 'SET']), ...(r() < 0.5 ? [] : ['only'])].slice(0, 1 + Math.floor(r() * 2));
    else if (x < 0.7) cmd = ['CONFIG', 'SET', 'slowlog-max-len', String(Math.floor(r() * 60))];
    else if (x < 0.75) cmd = ['SELECT', String(Math.floor(r() * 3))];
    else if (x < 0.8) cmd = ['SLOWLOG', 'LEN'];
    else if (x < 0.85) cmd = ['CONFIG', 'SET', 'requirepass', word(), 'hz', '10'].slice(0, r() < 0.8 ? 4 : 6);
    else if (x < 0.88) cmd = ['SLOWLOG', 'RESET'];
    else cmd = ['ECHO', word()];
    await same(...cmd);
    // requirepass must not stay set (it would not change this connection, but keep the servers alike anyway).
    if (cmd[0] === 'CONFIG' && cmd[2] === 'requirepass') await pair.same('CONFIG', 'SET', 'requirepass', '');
    if (i % 100 === 99) await sameLog(pick(['-1', '5', null]));
  }
  await pair.same('EXEC').catch(() => undefined);
  await pair.same('CONFIG', 'SET', 'requirepass', '');
  await sameLog('-1');
});
