/* Differential tests of the blocking list commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) and
 * CLIENT UNBLOCK: the same multi-client scenarios against real Redis 7.0 and Respite, every reply
 * compared byte for byte. A scenario drives named consumer connections on both servers; after each
 * step it waits until both servers agree on which consumers are blocked (CLIENT LIST flag b), then
 * reads and compares the replies of the consumers that were served. The randomized part races
 * several consumers on a few keys against a producer (seeded, reproducible). */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { Pair, rng, type RawClient } from '../helpers/servers';
import { Scenario } from '../helpers/scenario';

let pair: Pair;

before(async () => {
  pair = await Pair.start();
});

after(async () => {
  await pair.close();
});

test('argument errors and immediate serving', async () => {
  await pair.sameAll([
    ['FLUSHALL'], ['SET', 'str', 'v'], ['RPUSH', 'l', ...'abcdefghijklmnopqrstuvwxyz'],
    ['BLPOP', 'l', 'abc'], ['BLPOP', 'l', '-1'], ['BLPOP', 'l', 'inf'], ['BLPOP', 'l', '-inf'], ['BLPOP', 'l', 'nan'],
    ['BLPOP', 'l', '1e20'], ['BLPOP', 'l', ''], ['BLPOP', 'l', ' 1'], ['BLPOP', 'l', '1e400'], ['BLPOP', 'l', '1e5000'],
    ['BLPOP', 'l', '0x10'], ['BLPOP', 'l', '-0.0001'], ['BLPOP', 'l', '0.5e-3'],
    ['BLPOP', 'l', '0'], ['BRPOP', 'l', '0'], ['BLPOP', 'nokey', 'l', '0'], ['BLPOP', 'str', 'l', '0'],
    ['BLPOP', 'nokey', 'str', '0'], ['BRPOP', 'l', 'str', '0'],
    ['RPUSH', 'l', 'a', 'b', 'c', 'd'],
    ['BLMOVE', 'l', 'd', 'middle', 'left', '0'], ['BLMOVE', 'l', 'd', 'left', 'middle', 'abc'],
    ['BLMOVE', 'l', 'd', 'left', 'left', 'abc'], ['BLMOVE', 'l', 'str', 'left', 'left', '0'],
    ['BLMOVE', 'str', 'd', 'left', 'left', '0'], ['BLMOVE', 'l', 'd', 'left', 'right', '0'],
    ['BLMOVE', 'l', 'l', 'left', 'right', '0'], ['LRANGE', 'l', '0', '-1'], ['LRANGE', 'd', '0', '-1'],
    ['BRPOPLPUSH', 'l', 'd', '0'], ['BRPOPLPUSH', 'l', 'd', '-1'], ['BRPOPLPUSH', 'l', 'str', '0'],
    ['BLMPOP', 'abc', '0', 'l', 'left'], ['BLMPOP', 'abc', '1', 'l', 'middle'], ['BLMPOP', 'abc', '1', 'l', 'left'],
    ['BLMPOP', '0', '1', 'l', 'left', 'count', '0'], ['BLMPOP', '0', '1', 'l', 'left', 'count', '1', 'count', '1'],
    ['BLMPOP', '0', '2', 'nokey', 'l', 'right', 'count', '10'], ['BLMPOP', '0', '2', 'str', 'l', 'left'],
    ['BLMPOP', '0', '5', 'l', 'left'], ['BLMPOP', '0', '-1', 'l', 'left'],
    ['RPUSH', 'l', 'x'], ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '5'], ['EXISTS', 'l'],
    ['BLPOP', 'nokey', '0.01'], ['BLMOVE', 'nokey', 'd', 'left', 'left', '0.01'], ['BLMPOP', '0.01', '1', 'nokey', 'left'],
    ['BRPOPLPUSH', 'nokey', 'd', '0.01'],
    ['CLIENT', 'UNBLOCK', 'abc'], ['CLIENT', 'UNBLOCK', '1', 'foo'], ['CLIENT', 'UNBLOCK', 'abc', 'foo'],
    ['CLIENT', 'UNBLOCK', '999999'], ['CLIENT', 'UNBLOCK', '1', 'timeout', 'x'], ['CLIENT', 'UNBLOCK', '-1', 'ERROR'],
  ]);
  await pair.both('HELLO', '3');
  await pair.sameAll([['BLPOP', 'nokey', '0.01'], ['BLMOVE', 'nokey', 'd', 'left', 'left', '0.01'], ['BLMPOP', '0.01', '1', 'nokey', 'left']]);
  await pair.both('HELLO', '2');
});

test('waiters are served in the order they blocked, per key, across commands', async () => {
  await pair.same('FLUSHALL');
  const s = new Scenario(pair);
  await s.add(6);
  s.send(0, 'BLPOP', 'q1', 'q2', '0');
  await s.settle();
  s.send(1, 'BRPOP', 'q2', '0');
  await s.settle();
  s.send(2, 'BLMOVE', 'q2', 'dst', 'LEFT', 'RIGHT', '0');
  await s.settle();
  s.send(3, 'BLMPOP', '0', '2', 'q3', 'q2', 'RIGHT', 'COUNT', '2');
  await s.settle();
  s.send(4, 'BRPOPLPUSH', 'dst', 'q1', '0');
  await s.settle();
  s.send(5, 'BLPOP', 'q1', '0');
  await s.settle();
  await pair.same('RPUSH', 'q2', 'a', 'b', 'c', 'd', 'e', 'f');
  await s.settle();
  await pair.sameAll([['LRANGE', 'q2', '0', '-1'], ['LRANGE', 'dst', '0', '-1'], ['LRANGE', 'q1', '0', '-1']]);
  await s.end();
});

test('a push inside MULTI / by LMOVE / by RENAME wakes waiters', async () => {
  await pair.same('FLUSHALL');
  const s = new Scenario(pair);
  await s.add(4);
  s.send(0, 'BLPOP', 'k', '0');
  s.send(1, 'BLMOVE', 'k2', 'k3', 'RIGHT', 'LEFT', '0');
  await s.settle();
  s.send(2, 'BLPOP', 'k3', '0');
  await s.settle();
  await pair.sameAll([['RPUSH', 'tmp', 'x', 'y'], ['RENAME', 'tmp', 'k'], ['LRANGE', 'k', '0', '-1']]);
  await s.settle();
  await pair.sameAll([['RPUSH', 'src', 'z'], ['LMOVE', 'src', 'k2', 'LEFT', 'LEFT']]);
  await s.settle();
  await pair.sameAll([['SET', 'k', 'str'], ['DEL', 'k']]);
  s.send(3, 'BRPOP', 'k', '0');
  await s.settle();
  await pair.sameAll([['SET', 'k', 'str'], ['DEL', 'k'], ['LPUSH', 'k', 'p', 'q']]);
  await s.settle();
  await s.end();
});

test('SWAPDB and MOVE bring lists to waiters; stats count a blocked command once', async () => {
  await pair.sameAll([['FLUSHALL'], ['CONFIG', 'RESETSTAT']]);
  const s = new Scenario(pair);
  await s.add(3);
  s.send(0, 'BLPOP', 'sw', '0');
  s.send(1, 'BRPOP', 'mv', '0');
  await s.settle();
  await pair.sameAll([['SELECT', '1'], ['RPUSH', 'sw', 'a', 'b'], ['RPUSH', 'mv', 'c'], ['SWAPDB', '0', '1']]);
  await s.settle();
  await pair.sameAll([['MOVE', 'mv', '1'], ['SELECT', '0'], ['MOVE', 'mv', '1'], ['SELECT', '1'], ['LRANGE', 'sw', '0', '-1'], ['SELECT', '0']]);
  await s.settle();
  const stat = async (c: RawClient): Promise<string> => {
    const txt = String(await c.call('INFO', 'commandstats'));
    return (/cmdstat_blpop:calls=\d+/.exec(txt)?.[0] ?? '') + (/cmdstat_brpop:calls=\d+/.exec(txt)?.[0] ?? '');
  };
  assert.equal(await stat(pair.ours), await stat(pair.theirs));
  await s.end();
});

test('wrong type at wake-up: BLMOVE destination and a key that became a string', async () => {
  await pair.same('FLUSHALL');
  const s = new Scenario(pair);
  await s.add(3);
  s.send(0, 'BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0');
  s.send(1, 'BLPOP', 'a', 'b', '0');
  await s.settle();
  await pair.sameAll([['SET', 'dst', 'x'], ['SET', 'a', 'str'], ['RPUSH', 'src', '1', '2'], ['RPUSH', 'b', '3']]);
  await s.settle();
  await pair.sameAll([['LRANGE', 'src', '0', '-1'], ['LRANGE', 'b', '0', '-1']]);
  await s.end();
});

test('timeouts, CLIENT UNBLOCK TIMEOUT|ERROR, blocked_clients, RESP3 nulls', async () => {
  await pair.same('FLUSHALL');
  const s = new Scenario(pair);
  await s.add(2);
  const s3 = new Scenario(pair);
  await s3.add(2, 3);
  s.send(0, 'BLPOP', 'none', '0.05');
  s.send(1, 'BLMOVE', 'none', 'd', 'LEFT', 'LEFT', '0.05');
  s3.send(0, 'BLMPOP', '0.05', '1', 'none', 'LEFT');
  s3.send(1, 'BRPOPLPUSH', 'none', 'd', '0.05');
  for (const sc of [s, s3]) {
    for (const c of sc.consumers) {
      const [[, a], [, b]] = await Promise.all([c.ours.readReply(), c.theirs.readReply()]);
      assert.equal(a.toString('latin1'), b.toString('latin1'), c.pending!);
      c.pending = null;
    }
  }
  s.send(0, 'BLPOP', 'none', '0');
  s3.send(0, 'BLMPOP', '0', '1', 'none', 'LEFT');
  await s.settle();
  const clients = async (c: RawClient): Promise<string> => /blocked_clients:\d+/.exec(String(await c.call('INFO', 'clients')))![0];
  assert.equal(await clients(pair.ours), await clients(pair.theirs));
  await s.end();
  // ERROR flavour for the RESP3 consumer.
  const idOf = async (c: RawClient): Promise<string> =>
    /id=(\d+)/.exec(String(await c.call('CLIENT', 'LIST')).split('\n').find((l) => l.includes(` name=${s3.prefix}0 `) && l.includes('flags=b'))!)![1];
  const [a, b] = await Promise.all([
    (async () => pair.ours.raw('CLIENT', 'UNBLOCK', await idOf(pair.ours), 'ERROR'))(),
    (async () => pair.theirs.raw('CLIENT', 'UNBLOCK', await idOf(pair.theirs), 'ERROR'))(),
  ]);
  assert.equal(a, b);
  await s3.settle();
  await s3.end();
});

test('blocking commands inside MULTI answer at once', async () => {
  await pair.sameAll([
    ['MULTI'], ['BLPOP', 'none', '0'], ['BRPOP', 'none', '1'], ['BLMOVE', 'none', 'd', 'LEFT', 'LEFT', '0'],
    ['BRPOPLPUSH', 'none', 'd', '0'], ['BLMPOP', '0', '1', 'none', 'LEFT'], ['BLPOP', 'none', '-1'], ['EXEC'],
  ]);
  await pair.both('HELLO', '3');
  await pair.sameAll([['MULTI'], ['BLPOP', 'none', '0'], ['BLMOVE', 'none', 'd', 'LEFT', 'LEFT', '0'], ['EXEC']]);
  await pair.both('HELLO', '2');
});

test('a disconnected blocked client leaves no trace', async () => {
  await pair.same('FLUSHALL');
  const s = new Scenario(pair);
  await s.add(2);
  s.send(0, 'BLPOP', 'gone', '0');
  await s.settle();
  s.send(1, 'BLPOP', 'gone', '0');
  await s.settle();
  s.consumers[0].ours.close();
  s.consumers[0].theirs.close();
  s.consumers[0].pending = null;
  const gone = s.consumers.splice(0, 1)[0].name;
  for (let i = 0; i < 400; i++) {
    const lists = await Promise.all([pair.ours.call('CLIENT', 'LIST'), pair.theirs.call('CLIENT', 'LIST')]);
    if (!lists.some((l) => String(l).includes(` name=${gone} `))) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  await s.settle();
  await pair.same('RPUSH', 'gone', 'v1', 'v2');
  await s.settle();
  await pair.same('LRANGE', 'gone', '0', '-1');
  await s.end();
});

test('randomized: consumers racing on a few keys against a producer (seeded)', async () => {
  await pair.same('FLUSHALL');
  const s = new Scenario(pair);
  await s.add(6);
  const r = rng(4242);
  const keys = ['ka', 'kb', 'kc'];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const dir = (): string => pick(['LEFT', 'RIGHT']);
  for (let step = 0; step < 150; step++) {
    const idle = s.consumers.map((c, i) => (c.pending === null ? i : -1)).filter((i) => i >= 0);
    if (idle.length > 0 && r() < 0.5) {
      const i = pick(idle);
      const k = [...keys].sort(() => r() - 0.5).slice(0, 1 + Math.floor(r() * 3));
      switch (Math.floor(r() * 5)) {
        case 0: s.send(i, 'BLPOP', ...k, '0'); break;
        case 1: s.send(i, 'BRPOP', ...k, '0'); break;
        case 2: s.send(i, 'BLMOVE', k[0], pick(keys), dir(), dir(), '0'); break;
        case 3: s.send(i, 'BRPOPLPUSH', k[0], pick(keys), '0'); break;
        default: s.send(i, 'BLMPOP', '0', String(k.length), ...k, dir(), 'COUNT', String(1 + Math.floor(r() * 3))); break;
      }
      await s.settle();
      continue;
    }
    const k = pick(keys);
    const els = Array.from({ length: 1 + Math.floor(r() * 3) }, () => 'e' + step + '_' + Math.floor(r() * 100));
    switch (Math.floor(r() * 6)) {
      case 0: await pair.same('LPUSH', k, ...els); break;
      case 1: await pair.same('RPUSH', k, ...els); break;
      case 2: await pair.same('LPOP', k); break;
      case 3: await pair.same('LMOVE', k, pick(keys), dir(), dir()); break;
      case 4: await pair.same('DEL', k); break;
      default: await pair.same('LRANGE', k, '0', '-1'); break;
    }
    await s.settle();
  }
  for (const k of keys) await pair.same('LRANGE', k, '0', '-1');
  await s.end();
});
