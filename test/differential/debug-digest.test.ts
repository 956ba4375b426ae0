/* ==========================================================================
 * DEBUG DIGEST / DIGEST-VALUE against real Redis: the same data in every
 * type and encoding (with TTLs, several databases, odd bytes and scores)
 * gives the same signatures, and a seeded random dataset does too.
 * ========================================================================== */

import { test, before, after } from 'node:test';
import { Pair, rng } from '../helpers/servers';

let pair: Pair;

before(async () => {
  pair = await Pair.start({ respite: { 'enable-debug-command': 'yes' }, redisArgs: ['--enable-debug-command', 'yes'] });
});

after(async () => {
  await pair.close();
});

test('signatures of every type and encoding, TTLs and databases', async () => {
  await pair.sameAll([
    ['DEBUG', 'DIGEST'],
    ['DEBUG', 'DIGEST-VALUE'],
    ['DEBUG', 'DIGEST', 'extra'],
    ['SET', 's', 'hello'], ['SET', 'i', '12345'], ['SET', 'neg', '-7'], ['SET', 'bin', 'a\x00\xff\r\n'],
    ['APPEND', 'raw', 'grown'], ['INCRBYFLOAT', 'f', '1.5'],
    ['RPUSH', 'l', 'a', '1', '-2', 'xyz', ''], ['LPUSH', 'big', ...Array.from({ length: 300 }, (_, i) => 'e' + i)],
    ['SADD', 'iset', '3', '1', '2'], ['SADD', 'sset', 'x', 'y', 'z', '10'],
    ['ZADD', 'zl', '1', 'a', '2.5', 'b', '-3', 'c', 'inf', 'd'],
    ['ZADD', 'zs', ...Array.from({ length: 200 }, (_, i) => [String(i / 7), 'm' + i]).flat()],
    ['HSET', 'hl', 'f1', 'v1', 'f2', '2'],
    ['HSET', 'hh', ...Array.from({ length: 600 }, (_, i) => ['field' + i, 'v' + i]).flat()],
    ['PFADD', 'hll', 'a', 'b', 'c'],
    ['SET', 'ttl', 'v', 'EX', '1000'], ['RPUSH', 'lttl', 'x'], ['EXPIRE', 'lttl', '500'],
    ['DEBUG', 'DIGEST'],
    ['DEBUG', 'DIGEST-VALUE', 's', 'i', 'neg', 'bin', 'raw', 'f', 'l', 'big', 'iset', 'sset', 'zl', 'zs', 'hl', 'hh',
      'hll', 'ttl', 'lttl', 'nokey'],
    ['SELECT', '3'], ['SET', 's', 'hello'],
    ['DEBUG', 'DIGEST'],
    ['DEBUG', 'DIGEST-VALUE', 's'],
    ['SELECT', '0'], ['PERSIST', 'ttl'],
    ['DEBUG', 'DIGEST'],
    ['DEBUG', 'DIGEST-VALUE', 'ttl'],
  ]);
});

test('a seeded random dataset has the same signature', async () => {
  const r = rng(20261126);
  await pair.same('FLUSHALL');
  for (let i = 0; i < 1500; i++) {
    const k = 'k' + Math.floor(r() * 60);
    const roll = r();
    const m = String(Math.floor(r() * 1000) - 300);
    if (roll < 0.2) await pair.both('SET', k, m);
    else if (roll < 0.4) await pair.both('RPUSH', 'l' + k, m);
    else if (roll < 0.55) await pair.both('SADD', 's' + k, r() < 0.5 ? m : 'x' + m);
    else if (roll < 0.7) await pair.both('ZADD', 'z' + k, String(r() * 100 - 50), 'm' + m);
    else if (roll < 0.85) await pair.both('HSET', 'h' + k, 'f' + m, m);
    else if (roll < 0.9) await pair.both('EXPIRE', k, '1000');
    else await pair.both('DEL', 'l' + k);
  }
  await pair.same('DEBUG', 'DIGEST');
});
