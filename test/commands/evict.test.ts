/* ==========================================================================
 * maxmemory and eviction (in-process server): the memory account, which
 * keys each policy evicts first, OOM rules, the "evicted" side effects,
 * background eviction, LFU/LRU metadata, and a bounded memory-budget soak.
 *
 * Key ages and LFU counters are set directly in the entries' metadata words
 * (the server object is in-process), so policy order is tested without
 * waiting for clocks to move.
 * ========================================================================== */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, RawClient, rng } from '../helpers/servers';
import { encodeCommand } from '../helpers/resp';
import type { RunningServer } from '../../src/index';
import { usedMemory } from '../../src/server/memory';
import { lfuMinutes } from '../../src/server/evict';

const OK = { simple: 'OK' };
const QUEUED = { simple: 'QUEUED' };

async function infoField(c: RawClient, section: string, field: string): Promise<string> {
  const text = (await c.call('INFO', section)) as string;
  const m = new RegExp(`^${field}:(.*)\\r?$`, 'm').exec(text);
  assert.ok(m, `INFO ${section} has ${field}`);
  return m[1];
}

async function used(c: RawClient): Promise<number> {
  return Number(await infoField(c, 'memory', 'used_memory'));
}

/** Pipeline `cmds` and return the replies. */
async function pipeline(c: RawClient, cmds: string[][]): Promise<unknown[]> {
  return Promise.all(cmds.map((a) => c.call(...a)));
}

async function withServer(fn: (srv: RunningServer, c: RawClient) => Promise<void>, opts = {}): Promise<void> {
  const srv = await startRespite(opts);
  const c = await RawClient.connect(srv.port);
  try {
    await fn(srv, c);
  } finally {
    c.close();
    await srv.close();
  }
}

/** Set maxmemory to the current usage + `extra` bytes. */
async function budget(c: RawClient, extra: number): Promise<number> {
  const limit = (await used(c)) + extra;
  assert.deepEqual(await c.call('CONFIG', 'SET', 'maxmemory', String(limit)), OK);
  return limit;
}

test('the account follows writes, in-place edits and deletes exactly', async () => {
  await withServer(async (srv, c) => {
    const base = await used(c);
    await c.call('SET', 'a', 'x'.repeat(1000));
    const afterSet = await used(c);
    assert.ok(afterSet - base >= 1000 && afterSet - base < 1400, `SET 1000 B costs ${afterSet - base}`);
    for (let i = 0; i < 200; i++) await c.call('HSET', 'h', 'field' + i, 'v'.repeat(50));
    for (let i = 0; i < 200; i++) await c.call('RPUSH', 'l', 'e'.repeat(20));
    for (let i = 0; i < 200; i++) await c.call('ZADD', 'z', String(i * 1.5), 'm' + i);
    for (let i = 0; i < 200; i++) await c.call('SADD', 's', 'member' + i);
    await c.call('APPEND', 'r', 'y'.repeat(5000));
    const grown = await used(c);
    assert.ok(grown - afterSet > 200 * 60, `collections grew the account by ${grown - afterSet}`);
    // The account equals the sum of what is charged per key (no drift), then returns to base.
    await c.call('DEL', 'a', 'h', 'l', 'z', 's', 'r');
    assert.equal(srv.server.dbs[0].bytes, 0);
    // Only the keyspace dict's grown slot pool remains (dict structure, not data).
    const left = (await used(c)) - base;
    assert.ok(left >= 0 && left < 1024, `left after DEL: ${left}`);
  });
});

test('config parameters and INFO fields', async () => {
  await withServer(async (_srv, c) => {
    assert.deepEqual(await c.call('CONFIG', 'SET', 'maxmemory', '1gb'), OK);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'maxmemory'), ['maxmemory', '1073741824']);
    assert.equal(await infoField(c, 'memory', 'maxmemory'), '1073741824');
    assert.equal(await infoField(c, 'memory', 'maxmemory_human'), '1.00G');
    assert.deepEqual(await c.call('CONFIG', 'SET', 'maxmemory-policy', 'ALLKEYS-LFU'), OK);
    assert.equal(await infoField(c, 'memory', 'maxmemory_policy'), 'allkeys-lfu');
    assert.deepEqual(await c.call('CONFIG', 'SET', 'maxmemory', '99999999999999999999'), OK);
    assert.equal(await infoField(c, 'memory', 'maxmemory'), '18446744073709551615');
    assert.equal(await infoField(c, 'memory', 'maxmemory_human'), '18446744073709551615B');
  });
});

test('noeviction: denyoom commands get OOM, reads and deletes still run, MULTI rules', async () => {
  await withServer(async (_srv, c) => {
    await c.call('SET', 'keep', 'v');
    await c.call('CONFIG', 'SET', 'maxmemory', '1');
    const oom = { error: "OOM command not allowed when used memory > 'maxmemory'." };
    assert.deepEqual(await c.call('SET', 'k', 'v'), oom);
    assert.deepEqual(await c.call('RPUSH', 'l', 'a'), oom);
    assert.equal(await c.call('GET', 'keep'), 'v');
    assert.equal(await c.call('EXPIRE', 'keep', '100'), 1); // not denyoom
    // Inside MULTI anything but EXEC/DISCARD/QUIT/RESET is refused, and EXEC then aborts.
    assert.deepEqual(await c.call('MULTI'), OK);
    assert.deepEqual(await c.call('GET', 'keep'), oom);
    assert.deepEqual(await c.call('EXEC'), { error: 'EXECABORT Transaction discarded because of previous errors.' });
    assert.deepEqual(await c.call('MULTI'), OK);
    assert.deepEqual(await c.call('PING'), oom);
    assert.deepEqual(await c.call('DISCARD'), OK);
    // A transaction queued before memory ran out: EXEC with a denyoom command is refused.
    await c.call('CONFIG', 'SET', 'maxmemory', '0');
    assert.deepEqual(await c.call('MULTI'), OK);
    assert.deepEqual(await c.call('SET', 'x', '1'), QUEUED);
    const other = await RawClient.connect(_srv.port);
    try {
      await other.call('CONFIG', 'SET', 'maxmemory', '1');
      assert.deepEqual(await c.call('EXEC'), { error: 'EXECABORT Transaction discarded because of: ' + oom.error });
      assert.equal(await c.call('EXISTS', 'x'), 0);
      assert.equal(await c.call('DEL', 'keep'), 1);
      const stats = await infoField(c, 'stats', 'current_eviction_exceeded_time');
      assert.match(stats, /^\d+$/);
    } finally {
      other.close();
    }
  }, { maxmemoryPolicy: 'noeviction' });
});

test('volatile-* policies evict only keys with a TTL; OOM once none is left', async () => {
  for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
    await withServer(async (srv, c) => {
      await pipeline(c, Array.from({ length: 300 }, (_, i) => ['SET', 'plain:' + i, 'x'.repeat(100)]));
      await pipeline(c, Array.from({ length: 300 }, (_, i) => ['SET', 'vol:' + i, 'x'.repeat(100), 'EX', '1000']));
      await budget(c, 0);
      // Each new volatile key needs room: older volatile keys go, plain ones stay.
      for (let i = 0; i < 200; i++) {
        const r = await c.call('SET', 'new:' + i, 'x'.repeat(100), 'EX', '1000');
        assert.deepEqual(r, OK, `${policy}: SET new:${i} -> ${JSON.stringify(r)}`);
      }
      assert.ok(((await c.call('DBSIZE')) as number) >= 300);
      const plain = await pipeline(c, Array.from({ length: 300 }, (_, i) => ['EXISTS', 'plain:' + i]));
      assert.equal(plain.filter((x) => x === 1).length, 300, `${policy} kept every key without a TTL`);
      assert.ok(Number(await infoField(c, 'stats', 'evicted_keys')) > 0);
      // Once only plain keys are left and memory is still over the budget, writes get OOM. (The first
      // commands may still run while the background loop evicts the volatile keys: RUNNING is not OOM.)
      await c.call('CONFIG', 'SET', 'maxmemory', '1');
      for (let i = 0; i < 500 && srv.server.dbs[0].expires.size > 0; i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal(srv.server.dbs[0].expires.size, 0);
      assert.deepEqual(await c.call('SET', 'more', 'x'), { error: "OOM command not allowed when used memory > 'maxmemory'." });
      assert.equal(await c.call('EXISTS', 'plain:0'), 1);
    }, { maxmemoryPolicy: policy });
  }
});

test('allkeys-lru evicts the longest idle keys first', async () => {
  await withServer(async (srv, c) => {
    await pipeline(c, Array.from({ length: 2000 }, (_, i) => ['SET', 'k' + i, 'x'.repeat(100)]));
    // Keys k0..k999 idle for an hour, the others just used.
    const db = srv.server.dbs[0];
    const clock = srv.server.lruClock;
    for (let i = 0; i < 1000; i++) db.dict.setMetaAt(db.dict.find('k' + i), (clock - 3600) & 0xffffff);
    await budget(c, 0);
    await pipeline(c, Array.from({ length: 300 }, (_, i) => ['SET', 'n' + i, 'x'.repeat(100)]));
    const evicted = Number(await infoField(c, 'stats', 'evicted_keys'));
    assert.ok(evicted >= 250, `evicted ${evicted}`);
    const recent = await pipeline(c, Array.from({ length: 1000 }, (_, i) => ['EXISTS', 'k' + (1000 + i)]));
    const lostRecent = recent.filter((x) => x === 0).length;
    // Sampling is approximate (like Redis), but recent keys are almost never chosen.
    assert.ok(lostRecent <= evicted * 0.05, `recent keys evicted: ${lostRecent} of ${evicted}`);
  }, { maxmemoryPolicy: 'allkeys-lru' });
});

test('allkeys-lfu evicts the least frequently used keys first; OBJECT FREQ reads the counter', async () => {
  await withServer(async (srv, c) => {
    await pipeline(c, Array.from({ length: 2000 }, (_, i) => ['SET', 'k' + i, 'x'.repeat(100)]));
    assert.equal(await c.call('OBJECT', 'FREQ', 'k0'), 5); // LFU_INIT_VAL
    const db = srv.server.dbs[0];
    const mins = lfuMinutes(Date.now());
    // k1000.. are hot (counter 100), k0..k999 cold (counter 1).
    for (let i = 0; i < 2000; i++) db.dict.setMetaAt(db.dict.find('k' + i), ((mins << 8) | (i < 1000 ? 1 : 100)) >>> 0);
    assert.equal(await c.call('OBJECT', 'FREQ', 'k1500'), 100);
    await budget(c, 0);
    await pipeline(c, Array.from({ length: 300 }, (_, i) => ['SET', 'n' + i, 'x'.repeat(100)]));
    const hot = await pipeline(c, Array.from({ length: 1000 }, (_, i) => ['EXISTS', 'k' + (1000 + i)]));
    const evicted = Number(await infoField(c, 'stats', 'evicted_keys'));
    // Sampling: a pass whose samples are all hot may pick one (as in Redis), but rarely.
    assert.ok(hot.filter((x) => x === 0).length <= evicted * 0.05, 'hot keys almost never evicted');
    assert.deepEqual(await c.call('OBJECT', 'IDLETIME', 'k1500'), {
      error: 'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching ' +
        'between policies at runtime LRU and LFU data will take some time to adjust.',
    });
    // Overwriting keeps the counter under LFU (after the write lookup's access: 100 or 101).
    await c.call('CONFIG', 'SET', 'maxmemory', '0');
    await c.call('SET', 'k1500', 'new');
    assert.ok([100, 101].includes((await c.call('OBJECT', 'FREQ', 'k1500')) as number));
  }, { maxmemoryPolicy: 'allkeys-lfu' });
});

test('LFU counters decay with lfu-decay-time and grow logarithmically with access', async () => {
  await withServer(async (srv, c) => {
    await c.call('SET', 'k', 'v');
    const db = srv.server.dbs[0];
    const mins = lfuMinutes(Date.now());
    db.dict.setMetaAt(db.dict.find('k'), ((((mins - 10) & 0xffff) << 8) | 20) >>> 0);
    assert.equal(await c.call('OBJECT', 'FREQ', 'k'), 10); // 10 minutes idle, decay 1 per minute
    await c.call('CONFIG', 'SET', 'lfu-decay-time', '0');
    assert.equal(await c.call('OBJECT', 'FREQ', 'k'), 20); // no decay
    await c.call('CONFIG', 'SET', 'lfu-log-factor', '0');
    for (let i = 0; i < 30; i++) await c.call('GET', 'k');
    assert.equal(await c.call('OBJECT', 'FREQ', 'k'), 50); // factor 0: every access counts
    await c.call('CONFIG', 'SET', 'lfu-log-factor', '10');
    for (let i = 0; i < 100; i++) await c.call('GET', 'k');
    const f = (await c.call('OBJECT', 'FREQ', 'k')) as number;
    assert.ok(f >= 50 && f < 60, `logarithmic growth: ${f}`);
  }, { maxmemoryPolicy: 'allkeys-lfu' });
});

test('volatile-ttl evicts the keys that expire soonest first', async () => {
  await withServer(async (_srv, c) => {
    await pipeline(c, Array.from({ length: 1000 }, (_, i) => ['SET', 'soon' + i, 'x'.repeat(100), 'EX', String(1000 + i)]));
    await pipeline(c, Array.from({ length: 1000 }, (_, i) => ['SET', 'late' + i, 'x'.repeat(100), 'EX', String(100000 + i)]));
    await budget(c, 0);
    await pipeline(c, Array.from({ length: 200 }, (_, i) => ['SET', 'n' + i, 'x'.repeat(100)]));
    const late = await pipeline(c, Array.from({ length: 1000 }, (_, i) => ['EXISTS', 'late' + i]));
    const evicted = Number(await infoField(c, 'stats', 'evicted_keys'));
    assert.ok(late.filter((x) => x === 0).length <= evicted * 0.05, 'late keys almost never evicted');
  }, { maxmemoryPolicy: 'volatile-ttl' });
});

test('an evicted key: "evicted" event, WATCH fails, tracking invalidation, stats', async () => {
  await withServer(async (srv, c) => {
    const sub = await RawClient.connect(srv.port);
    const watcher = await RawClient.connect(srv.port);
    try {
      await c.call('CONFIG', 'SET', 'notify-keyspace-events', 'Ee');
      await sub.call('SUBSCRIBE', '__keyevent@0__:evicted');
      await c.call('SET', 'victim', 'x'.repeat(100));
      assert.deepEqual(await watcher.call('WATCH', 'victim'), OK);
      await c.call('CONFIG', 'SET', 'maxmemory', '1');
      await c.call('GET', 'victim'); // any command triggers the eviction (GET itself runs: not denyoom)
      assert.equal(await c.call('EXISTS', 'victim'), 0);
      assert.deepEqual((await sub.readReply())[0], ['message', '__keyevent@0__:evicted', 'victim']);
      await c.call('CONFIG', 'SET', 'maxmemory', '0');
      assert.deepEqual(await watcher.call('MULTI'), OK);
      assert.deepEqual(await watcher.call('DEL', 'victim'), QUEUED);
      assert.equal(await watcher.call('EXEC'), null);
      assert.equal(await infoField(c, 'stats', 'evicted_keys'), '1');
    } finally {
      sub.close();
      watcher.close();
    }
  }, { maxmemoryPolicy: 'allkeys-random' });
});

test('an eviction triggered by a NOLOOP tracking client still invalidates its own cached key', async () => {
  await withServer(async (_srv, c) => {
    await c.call('HELLO', '3');
    await c.call('SET', 'victim', 'x'.repeat(100));
    assert.deepEqual(await c.call('CLIENT', 'TRACKING', 'on', 'NOLOOP'), OK);
    assert.equal(await c.call('GET', 'victim'), 'x'.repeat(100));
    assert.deepEqual(await c.call('CONFIG', 'SET', 'maxmemory', '1'), OK);
    // This client's next command evicts the key before it runs: not a change made by the client, so NOLOOP
    // does not apply, and (as Redis, which sends it right after performEvictions) the push precedes the reply.
    c.write(encodeCommand(['PING']));
    assert.deepEqual((await c.readReply())[0], { push: ['invalidate', ['victim']] });
    assert.deepEqual((await c.readReply())[0], { simple: 'PONG' });
  }, { maxmemoryPolicy: 'allkeys-random' });
});

test('CONFIG SET maxmemory below usage evicts in the background, without further commands', async () => {
  await withServer(async (srv, c) => {
    await pipeline(c, Array.from({ length: 5000 }, (_, i) => ['SET', 'k' + i, 'x'.repeat(200)]));
    const limit = (await used(c)) - 500 * 1000;
    await c.call('CONFIG', 'SET', 'maxmemory', String(limit), 'maxmemory-eviction-tenacity', '0');
    // Tenacity 0: each pass stops after 16 keys, so the rest is done by the background loop.
    for (let i = 0; i < 200 && usedMemory(srv.server) > limit; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(usedMemory(srv.server) <= limit, 'memory brought under the budget');
    assert.ok(Number(await infoField(c, 'stats', 'evicted_keys')) >= 1000);
  }, { maxmemoryPolicy: 'allkeys-lru' });
});

test('soak: a random workload 4x the budget stays within it (bounded)', async () => {
  for (const policy of ['allkeys-lru', 'allkeys-lfu', 'allkeys-random']) {
    await withServer(async (srv, c) => {
      const limit = await budget(c, 2 * 1024 * 1024);
      const r = rng(42);
      let over = 0;
      for (let round = 0; round < 40; round++) {
        const cmds: string[][] = [];
        for (let i = 0; i < 500; i++) {
          const k = 'key:' + Math.floor(r() * 40000);
          const roll = r();
          if (roll < 0.6) cmds.push(['SET', k, 'v'.repeat(50 + Math.floor(r() * 200))]);
          else if (roll < 0.7) cmds.push(['HSET', 'h' + k, 'f' + Math.floor(r() * 20), 'v'.repeat(30)]);
          else if (roll < 0.8) cmds.push(['RPUSH', 'l' + k, 'e'.repeat(40)]);
          else cmds.push(['GET', k]);
        }
        await pipeline(c, cmds);
        // Eviction runs before each command: at most the last command's growth over the budget.
        over = Math.max(over, usedMemory(srv.server) - limit);
      }
      assert.ok(over < 64 * 1024, `${policy}: over the budget by ${over} bytes`);
      assert.ok(Number(await infoField(c, 'stats', 'evicted_keys')) > 1000);
      assert.deepEqual(await c.call('PING'), { simple: 'PONG' });
    }, { maxmemoryPolicy: policy });
  }
});
