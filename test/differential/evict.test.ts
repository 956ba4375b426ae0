/* ==========================================================================
 * maxmemory against real Redis 7.0.15: configuration, OOM replies and the
 * MULTI rules byte for byte, OBJECT FREQ / IDLETIME under each policy, and
 * policy invariants checked on both servers (which keys may be evicted).
 * Exact eviction counts differ by design (each server's own memory sizes),
 * so those are compared as invariants, not numbers.
 * ========================================================================== */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Pair } from '../helpers/servers';
import type { RawClient } from '../helpers/resp';

/** INFO field of one server. */
async function info(c: RawClient, section: string, field: string): Promise<string> {
  const text = (await c.call('INFO', section)) as string;
  const m = new RegExp(`^${field}:(.*)\\r?$`, 'm').exec(text);
  assert.ok(m, `INFO ${section} ${field}`);
  return m[1];
}

test('CONFIG SET / GET of the maxmemory parameters, errors included', async () => {
  const pair = await Pair.start();
  try {
    const values: Record<string, string[]> = {
      maxmemory: ['0', '100mb', '1GB', '-1', '1x', '18446744073709551615', '18446744073709551616',
        '99999999999999999999999', '100000000000gb', '20000000000gb', ' 5', '+5', '', 'mb', '00012kb', '0'],
      'maxmemory-policy': ['allkeys-lru', 'VOLATILE-TTL', 'foo', '', 'volatile-lfu', 'allkeys-random', 'noeviction'],
      'maxmemory-samples': ['0', '1', '64', '65', '2147483647', '2147483648', '-1', 'x', '5'],
      'maxmemory-eviction-tenacity': ['0', '100', '101', '-1', '10'],
      'lfu-log-factor': ['0', '-1', '2147483647', '2147483648', '10'],
      'lfu-decay-time': ['0', '-1', '2147483647', '2147483648', '1'],
    };
    for (const [name, list] of Object.entries(values)) {
      for (const v of list) {
        await pair.same('CONFIG', 'SET', name, v);
        await pair.same('CONFIG', 'GET', name);
      }
    }
    // Glob matches come in the order of Redis's (seeded) dict: compare them as sets.
    for (const pattern of ['maxmemory*', 'lfu-*']) {
      const [a, b] = await Promise.all([pair.ours.call('CONFIG', 'GET', pattern), pair.theirs.call('CONFIG', 'GET', pattern)]);
      const asPairs = (r: unknown) => {
        const flat = r as string[];
        const out: string[] = [];
        for (let i = 0; i < flat.length; i += 2) out.push(`${flat[i]}=${flat[i + 1]}`);
        return out.sort();
      };
      assert.deepEqual(asPairs(a), asPairs(b));
    }
    await pair.same('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu', 'maxmemory-samples', '0');
    await pair.same('CONFIG', 'GET', 'maxmemory-policy');
    for (const f of ['maxmemory', 'maxmemory_human', 'maxmemory_policy']) {
      assert.equal(await info(pair.ours, 'memory', f), await info(pair.theirs, 'memory', f));
    }
    await pair.same('CONFIG', 'SET', 'maxmemory', '3gb');
    assert.equal(await info(pair.ours, 'memory', 'maxmemory_human'), await info(pair.theirs, 'memory', 'maxmemory_human'));
  } finally {
    await pair.close();
  }
});

test('OOM replies and MULTI rules under noeviction, byte for byte', async () => {
  const pair = await Pair.start();
  const [ours2, theirs2] = await pair.connectMore();
  try {
    await pair.same('SET', 'keep', 'v');
    await pair.same('MULTI');
    await pair.same('SET', 'x', '1');
    // The budget drops while the transaction is open (set from the other connection).
    await Promise.all([ours2.call('CONFIG', 'SET', 'maxmemory', '1'), theirs2.call('CONFIG', 'SET', 'maxmemory', '1')]);
    await pair.sameAll([
      ['EXEC'],
      ['SET', 'k', 'v'], ['RPUSH', 'l', 'a'], ['INCR', 'n'], ['APPEND', 'keep', 'x'], ['GET', 'keep'],
      ['EXPIRE', 'keep', '100'], ['TTL', 'keep'], ['SETRANGE', 'keep', '0', 'z'], ['HSET', 'h', 'f', 'v'],
      ['MULTI'], ['GET', 'keep'], ['EXEC'],
      ['MULTI'], ['PING'], ['DISCARD'],
      ['MULTI'], ['SET', 'a', 'b'], ['RESET'],
      ['DEL', 'keep'], ['EXISTS', 'keep'], ['DBSIZE'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      ['SET', 'k', 'v'], ['GET', 'k'],
    ]);
  } finally {
    ours2.close();
    theirs2.close();
    await pair.close();
  }
});

test('OBJECT FREQ / IDLETIME follow the policy; LFU starts at 5 and keeps its counter on overwrite', async () => {
  const pair = await Pair.start();
  try {
    await pair.sameAll([
      ['SET', 'k', 'v'],
      ['OBJECT', 'FREQ', 'k'],
      ['OBJECT', 'FREQ', 'nokey'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'],
      ['OBJECT', 'IDLETIME', 'k'],
      ['OBJECT', 'IDLETIME', 'nokey'],
      ['SET', 'f', 'v'],
      ['OBJECT', 'FREQ', 'f'],
      // The overwrite's write lookup is an access (5 -> 6 with probability 1), and the counter stays.
      ['SET', 'f', 'other'],
      ['OBJECT', 'FREQ', 'f'],
      ['SET', 'g2', 'v'],
      ['GET', 'g2'], // 5 -> 6 with probability 1
      ['OBJECT', 'FREQ', 'g2'],
      ['SUNIONSTORE', 'f', 'nosuch'], // deletes f (empty result): no counter to compare
      ['SADD', 's1', 'a'],
      ['SUNIONSTORE', 'u', 's1'],
      ['OBJECT', 'FREQ', 'u'],
      ['SUNIONSTORE', 'u', 's1'], // overwrite: write lookup 5 -> 6, kept
      ['OBJECT', 'FREQ', 'u'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu'],
      ['OBJECT', 'FREQ', 'f'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-lru'],
      ['OBJECT', 'FREQ', 'f'],
      ['SET', 'g', 'v'],
      ['OBJECT', 'IDLETIME', 'g'],
    ]);
  } finally {
    await pair.close();
  }
});

test('invariants on both servers: volatile policies keep keys without a TTL; evicted_keys counts', async () => {
  for (const policy of ['volatile-lru', 'volatile-random', 'volatile-ttl', 'allkeys-lru']) {
    const pair = await Pair.start();
    try {
      await pair.same('CONFIG', 'SET', 'maxmemory-policy', policy);
      for (const c of [pair.ours, pair.theirs]) {
        await Promise.all(Array.from({ length: 200 }, (_, i) => c.call('SET', 'plain:' + i, 'x'.repeat(100))));
        await Promise.all(Array.from({ length: 400 }, (_, i) => c.call('SET', 'vol:' + i, 'x'.repeat(100), 'EX', '1000')));
        const used = Number(await info(c, 'memory', 'used_memory'));
        await c.call('CONFIG', 'SET', 'maxmemory', String(used));
        for (let i = 0; i < 300; i++) await c.call('SET', 'new:' + i, 'x'.repeat(100), 'EX', '1000');
      }
      const count = async (c: RawClient, prefix: string, n: number) =>
        (await Promise.all(Array.from({ length: n }, (_, i) => c.call('EXISTS', prefix + i)))).filter((x) => x === 1).length;
      const [oursPlain, theirsPlain] = [await count(pair.ours, 'plain:', 200), await count(pair.theirs, 'plain:', 200)];
      if (policy.startsWith('volatile')) {
        assert.equal(oursPlain, 200, `${policy}: Respite kept every plain key`);
        assert.equal(theirsPlain, 200, `${policy}: Redis kept every plain key`);
      }
      for (const c of [pair.ours, pair.theirs]) {
        assert.ok(Number(await info(c, 'stats', 'evicted_keys')) > 0, `${policy} evicted something`);
        const used = Number(await info(c, 'memory', 'used_memory'));
        const max = Number(await info(c, 'memory', 'maxmemory'));
        assert.ok(used <= max + 4096, `${policy}: used ${used} within the budget ${max}`);
      }
    } finally {
      await pair.close();
    }
  }
});
