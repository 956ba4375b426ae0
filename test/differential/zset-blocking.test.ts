/* Differential tests of the blocking sorted-set pops (BZPOPMIN, BZPOPMAX, BZMPOP) against real
 * Redis 7.0: argument errors, immediate serving, waiters woken by ZADD / ZUNIONSTORE / RENAME in the
 * order they blocked, list and zset waiters on the same key, timeouts and RESP3 shapes. */

import { test, before, after } from 'node:test';
import { Pair, rng } from '../helpers/servers';
import { Scenario } from '../helpers/scenario';

let pair: Pair;

before(async () => {
  pair = await Pair.start();
});

after(async () => {
  await pair.close();
});

test('argument errors and immediate serving, RESP2 and RESP3', async () => {
  for (const proto of ['2', '3']) {
    await pair.both('HELLO', proto);
    await pair.sameAll([
      ['FLUSHALL'], ['SET', 'str', 'v'], ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f'],
      ['BZPOPMIN', 'z', 'abc'], ['BZPOPMIN', 'z', '-1'], ['BZPOPMIN', 'z', 'inf'], ['BZPOPMAX', 'z', ''],
      ['BZPOPMIN', 'z', '0'], ['BZPOPMAX', 'z', '0'], ['BZPOPMIN', 'nokey', 'z', '0'], ['BZPOPMIN', 'str', 'z', '0'],
      ['BZPOPMAX', 'nokey', 'str', '0'],
      ['BZMPOP', 'abc', '0', 'z', 'min'], ['BZMPOP', 'abc', '1', 'z', 'middle'], ['BZMPOP', 'abc', '1', 'z', 'min'],
      ['BZMPOP', '0', '1', 'z', 'min', 'count', '0'], ['BZMPOP', '0', '1', 'z', 'max', 'count', '1', 'count', '1'],
      ['BZMPOP', '0', '2', 'nokey', 'z', 'max', 'count', '2'], ['BZMPOP', '0', '2', 'str', 'z', 'min'],
      ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '10'], ['EXISTS', 'z'],
      ['BZPOPMIN', 'nokey', '0.01'], ['BZPOPMAX', 'nokey', '0.01'], ['BZMPOP', '0.01', '1', 'nokey', 'min'],
    ]);
  }
  await pair.both('HELLO', '2');
});

test('waiters woken in order by ZADD, ZUNIONSTORE, RENAME; mixed list and zset waiters', async () => {
  await pair.same('FLUSHALL');
  const s = new Scenario(pair);
  await s.add(6);
  s.send(0, 'BZPOPMIN', 'z1', 'z2', '0');
  await s.settle();
  s.send(1, 'BLPOP', 'z2', '0');
  await s.settle();
  s.send(2, 'BZPOPMAX', 'z2', '0');
  await s.settle();
  s.send(3, 'BZMPOP', '0', '2', 'z3', 'z2', 'MAX', 'COUNT', '2');
  await s.settle();
  s.send(4, 'BZPOPMIN', 'z3', '0');
  await s.settle();
  s.send(5, 'BZMPOP', '0', '1', 'z4', 'MIN');
  await s.settle();
  await pair.same('ZADD', 'z2', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
  await s.settle();
  await pair.sameAll([['ZADD', 'src', '1', 'x', '2', 'y'], ['ZUNIONSTORE', 'z3', '1', 'src']]);
  await s.settle();
  await pair.sameAll([['ZADD', 'tmp', '7', 'q'], ['RENAME', 'tmp', 'z4']]);
  await s.settle();
  await pair.same('RPUSH', 'z2', 'listval');
  await s.settle();
  await pair.sameAll([['ZRANGE', 'z2', '0', '-1', 'WITHSCORES'], ['ZRANGE', 'z3', '0', '-1', 'WITHSCORES'], ['EXISTS', 'z4']]);
  await s.end();
});

test('randomized: zset consumers racing against ZADD / ZREM / DEL (seeded)', async () => {
  await pair.same('FLUSHALL');
  const s = new Scenario(pair);
  await s.add(5);
  const r = rng(9090);
  const keys = ['za', 'zb', 'zc'];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  for (let step = 0; step < 120; step++) {
    const idle = s.consumers.map((c, i) => (c.pending === null ? i : -1)).filter((i) => i >= 0);
    if (idle.length > 0 && r() < 0.5) {
      const i = pick(idle);
      const k = [...keys].sort(() => r() - 0.5).slice(0, 1 + Math.floor(r() * 3));
      switch (Math.floor(r() * 3)) {
        case 0: s.send(i, 'BZPOPMIN', ...k, '0'); break;
        case 1: s.send(i, 'BZPOPMAX', ...k, '0'); break;
        default: s.send(i, 'BZMPOP', '0', String(k.length), ...k, pick(['MIN', 'MAX']), 'COUNT', String(1 + Math.floor(r() * 3))); break;
      }
      await s.settle();
      continue;
    }
    const k = pick(keys);
    const args: string[] = [];
    for (let n = 1 + Math.floor(r() * 3); n > 0; n--) args.push(String(Math.floor(r() * 10)), 'm' + Math.floor(r() * 8));
    switch (Math.floor(r() * 4)) {
      case 0: case 1: await pair.same('ZADD', k, ...args); break;
      case 2: await pair.same('ZREM', k, 'm' + Math.floor(r() * 8)); break;
      default: await pair.same('DEL', k); break;
    }
    await s.settle();
  }
  for (const k of keys) await pair.same('ZRANGE', k, '0', '-1', 'WITHSCORES');
  await s.end();
});
