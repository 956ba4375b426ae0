/* ==========================================================================
 * Expire family: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL,
 * EXPIRETIME, PEXPIRETIME, PERSIST, and active expiry (keys that nobody
 * touches disappear; INFO / stats count them).
 *
 * Most checks use absolute far-future deadlines so they are exact; relative
 * ones assert ranges, never wall-clock timing beyond generous upper bounds.
 * ========================================================================== */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, RawClient } from '../helpers/servers';
import type { RunningServer } from '../../src/index';

let srv: RunningServer;
let c: RawClient;

before(async () => {
  srv = await startRespite();
  c = await RawClient.connect(srv.port);
});

after(async () => {
  c.close();
  await srv.close();
});

const FAR_S = 4102444800; // 2100-01-01
const FAR_MS = FAR_S * 1000;

/** Plain-number reply (fails on anything else). */
async function int(...args: (string | number)[]): Promise<number | bigint> {
  const r = await c.call(...args.map(String));
  assert.ok(typeof r === 'number' || typeof r === 'bigint', `expected integer for ${args.join(' ')}, got ${typeof r === 'object' ? JSON.stringify(r) : String(r)}`);
  return r;
}

async function err(...args: (string | number)[]): Promise<string> {
  const r = await c.call(...args.map(String));
  assert.ok(r !== null && typeof r === 'object' && 'error' in r, `expected error for ${args.join(' ')}`);
  return (r as { error: string }).error;
}

function hasKey(key: string): boolean {
  return srv.server.dbs[0].peek(key) !== undefined;
}

test('TTL family on missing keys and keys without TTL', async () => {
  for (const cmd of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) assert.equal(await int(cmd, 'nokey'), -2);
  await c.call('SET', 'plain', 'v');
  for (const cmd of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) assert.equal(await int(cmd, 'plain'), -1);
});

test('EXPIRE family sets deadlines; TTL rounds like Redis', async () => {
  await c.call('SET', 'k', 'v');
  assert.equal(await int('EXPIREAT', 'k', FAR_S), 1);
  assert.equal(await int('EXPIRETIME', 'k'), FAR_S);
  assert.equal(await int('PEXPIRETIME', 'k'), FAR_MS);
  assert.equal(await int('PEXPIREAT', 'k', FAR_MS + 499), 1);
  assert.equal(await int('EXPIRETIME', 'k'), FAR_S); // (ms + 500) / 1000 rounds down
  assert.equal(await int('PEXPIREAT', 'k', FAR_MS + 500), 1);
  assert.equal(await int('EXPIRETIME', 'k'), FAR_S + 1); // and up from .500
  assert.equal(await int('EXPIRE', 'k', 100), 1);
  const ttl = await int('TTL', 'k');
  assert.ok(ttl === 100 || ttl === 99, `ttl ${ttl}`);
  const pttl = Number(await int('PTTL', 'k'));
  assert.ok(pttl > 90_000 && pttl <= 100_000, `pttl ${pttl}`);
  assert.equal(await int('PEXPIRE', 'k', 5000), 1);
  const p2 = Number(await int('PTTL', 'k'));
  assert.ok(p2 > 4000 && p2 <= 5000);
  const abs = Number(await int('PEXPIRETIME', 'k'));
  assert.ok(Math.abs(abs - (Date.now() + p2)) < 2000);
  assert.equal(await int('EXPIRE', 'missing', 100), 0);
  assert.equal(await int('PEXPIREAT', 'missing', FAR_MS), 0);
});

test('NX / XX / GT / LT, with "no TTL" meaning infinite', async () => {
  await c.call('SET', 'o', 'v');
  assert.equal(await int('EXPIREAT', 'o', FAR_S, 'XX'), 0); // no TTL yet
  assert.equal(await int('EXPIREAT', 'o', FAR_S, 'GT'), 0); // infinite is never exceeded
  assert.equal(await int('TTL', 'o'), -1);
  assert.equal(await int('EXPIREAT', 'o', FAR_S, 'lt'), 1); // anything is less than infinite
  assert.equal(await int('EXPIREAT', 'o', FAR_S + 10, 'NX'), 0);
  assert.equal(await int('EXPIRETIME', 'o'), FAR_S);
  assert.equal(await int('EXPIREAT', 'o', FAR_S, 'GT'), 0); // equal is not greater
  assert.equal(await int('EXPIREAT', 'o', FAR_S, 'LT'), 0); // nor less
  assert.equal(await int('EXPIREAT', 'o', FAR_S + 10, 'GT'), 1);
  assert.equal(await int('EXPIREAT', 'o', FAR_S + 5, 'xx', 'lt'), 1);
  assert.equal(await int('EXPIREAT', 'o', FAR_S + 6, 'XX', 'GT', 'gt'), 1); // repeats are fine
  assert.equal(await int('EXPIRETIME', 'o'), FAR_S + 6);
  assert.equal(await int('PERSIST', 'o'), 1);
  assert.equal(await int('EXPIREAT', 'o', FAR_S, 'NX'), 1);
  assert.equal(await int('EXPIRETIME', 'o'), FAR_S);
});

test('option errors: exact texts, checked before the number and the key', async () => {
  await c.call('SET', 'e', 'v');
  await c.call('EXPIREAT', 'e', FAR_S);
  const NXC = 'ERR NX and XX, GT or LT options at the same time are not compatible';
  const GLC = 'ERR GT and LT options at the same time are not compatible';
  for (const cmd of ['EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT']) {
    assert.equal(await err(cmd, 'e', 10, 'NX', 'XX'), NXC);
    assert.equal(await err(cmd, 'e', 10, 'nx', 'gt'), NXC);
    assert.equal(await err(cmd, 'e', 10, 'LT', 'NX'), NXC);
    assert.equal(await err(cmd, 'e', 10, 'GT', 'LT'), GLC);
    assert.equal(await err(cmd, 'e', 10, 'XX', 'GT', 'LT'), GLC);
    assert.equal(await err(cmd, 'e', 10, 'foo'), 'ERR Unsupported option foo');
    assert.equal(await err(cmd, 'e', 'abc', 'NX', 'bar'), 'ERR Unsupported option bar');
    assert.equal(await err(cmd, 'missing', 10, 'nx', 'xx'), NXC);
    assert.equal(await err(cmd, 'e', 'abc'), 'ERR value is not an integer or out of range');
    assert.equal(await err(cmd, 'e', '1.5'), 'ERR value is not an integer or out of range');
    assert.equal(await err(cmd, 'e', ''), 'ERR value is not an integer or out of range');
    assert.equal(await err(cmd, 'e', '9223372036854775808'), 'ERR value is not an integer or out of range');
  }
  // The unknown token is printed as a C string: cut at NUL, CR/LF as spaces.
  assert.equal(await err('EXPIRE', 'e', 10, 'a\r\nb'), 'ERR Unsupported option a  b');
  assert.equal(await err('EXPIRE', 'e', 10, 'f\0oo'), 'ERR Unsupported option f');
  assert.equal(await int('EXPIRETIME', 'e'), FAR_S); // data intact
});

test('overflow checks and "invalid expire time" texts', async () => {
  await c.call('SET', 'ov', 'v');
  await c.call('EXPIREAT', 'ov', FAR_S);
  const inv = (cmd: string) => `ERR invalid expire time in '${cmd}' command`;
  assert.equal(await err('EXPIRE', 'ov', '9223372036854775807'), inv('expire'));
  assert.equal(await err('EXPIRE', 'ov', '9223372036854775'), inv('expire')); // *1000 + now overflows
  assert.equal(await err('EXPIRE', 'ov', '-9223372036854776'), inv('expire'));
  assert.equal(await err('PEXPIRE', 'ov', '9223372036854775807'), inv('pexpire'));
  assert.equal(await err('EXPIREAT', 'ov', '9223372036854776'), inv('expireat'));
  assert.equal(await err('expireAT', 'ov', '-9223372036854776'), inv('expireat'));
  assert.equal(await int('EXPIRETIME', 'ov'), FAR_S); // untouched by the failures
  // Errors come before the key lookup.
  assert.equal(await err('EXPIRE', 'nokey', '9223372036854775807'), inv('expire'));
});

test('far-future deadlines beyond 2^53 ms are exact', async () => {
  await c.call('SET', 'big', 'v');
  assert.equal(await int('PEXPIREAT', 'big', '9223372036854775807'), 1);
  assert.equal(await int('PEXPIRETIME', 'big'), 9223372036854775807n);
  assert.equal(await int('EXPIRETIME', 'big'), 9223372036854776n);
  assert.equal(await int('EXPIREAT', 'big', '9223372036854775'), 1);
  assert.equal(await int('PEXPIRETIME', 'big'), 9223372036854775000n);
  assert.equal(await int('EXPIRETIME', 'big'), 9223372036854775n);
  assert.equal(await int('PEXPIREAT', 'big', '9223372036854775001', 'GT'), 1);
  assert.equal(await int('PEXPIREAT', 'big', '9223372036854775001', 'GT'), 0);
  assert.equal(await int('PEXPIREAT', 'big', '9223372036854775000', 'LT'), 1);
  assert.equal(await int('PEXPIRETIME', 'big'), 9223372036854775000n);
  const ttl = await int('PTTL', 'big');
  assert.equal(typeof ttl, 'bigint');
  assert.ok((ttl as bigint) > 9223370000000000000n);
  assert.equal(await int('PERSIST', 'big'), 1);
  assert.equal(await int('PEXPIRETIME', 'big'), -1);
});

test('a deadline in the past deletes the key at once (a "del", not an expiry)', async () => {
  const events: string[] = [];
  const hook = (_cls: number, ev: string, key: string) => { events.push(`${ev}:${key}`); };
  srv.server.keyHooks.event.push(hook);
  const expiredBefore = srv.server.stats.expiredKeys;
  try {
    for (const [cmd, arg] of [['EXPIRE', '0'], ['PEXPIRE', '-5'], ['EXPIREAT', '1'], ['PEXPIREAT', '-9223372036854775808'],
      ['EXPIRE', '-9223372036854775']] as const) {
      await c.call('SET', 'past', 'v');
      events.length = 0;
      const dirty = srv.server.dirty;
      assert.equal(await int(cmd, 'past', arg), 1, `${cmd} ${arg}`);
      assert.equal(hasKey('past'), false);
      assert.deepEqual(events, ['del:past']);
      assert.equal(srv.server.dirty, dirty + 1);
    }
    // Options still apply first: XX on a key without TTL refuses, key survives.
    await c.call('SET', 'past', 'v');
    assert.equal(await int('EXPIRE', 'past', 0, 'XX'), 0);
    assert.equal(hasKey('past'), true);
    assert.equal(await int('EXPIRE', 'past', -1, 'LT'), 1);
    assert.equal(hasKey('past'), false);
    assert.equal(srv.server.stats.expiredKeys, expiredBefore);
    // Setting a future deadline emits 'expire'; PERSIST emits 'persist'.
    await c.call('SET', 'fut', 'v');
    events.length = 0;
    await c.call('EXPIREAT', 'fut', FAR_S);
    await c.call('PERSIST', 'fut');
    await c.call('PERSIST', 'fut');
    await c.call('EXPIREAT', 'fut', FAR_S, 'GT');
    assert.deepEqual(events, ['expire:fut', 'persist:fut']);
  } finally {
    srv.server.keyHooks.event.splice(srv.server.keyHooks.event.indexOf(hook), 1);
  }
});

test('PERSIST', async () => {
  assert.equal(await int('PERSIST', 'nokey'), 0);
  await c.call('SET', 'p', 'v');
  assert.equal(await int('PERSIST', 'p'), 0);
  await c.call('PEXPIREAT', 'p', FAR_MS);
  assert.equal(await int('PERSIST', 'p'), 1);
  assert.equal(await int('TTL', 'p'), -1);
  assert.equal(await c.call('GET', 'p'), 'v');
});

test('SET without KEEPTTL clears the deadline; lazily expired keys read as missing', async () => {
  await c.call('SET', 's', 'v');
  await c.call('EXPIREAT', 's', FAR_S);
  await c.call('SET', 's', 'w');
  assert.equal(await int('TTL', 's'), -1);
  srv.server.config.activeExpireEnabled = false;
  try {
    await c.call('SET', 'lazy', 'v');
    assert.equal(await int('PEXPIRE', 'lazy', 30), 1);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(hasKey('lazy'), true); // nothing reclaimed it yet
    const before = srv.server.stats.expiredKeys;
    assert.equal(await int('PTTL', 'lazy'), -2);
    assert.equal(hasKey('lazy'), false);
    assert.equal(srv.server.stats.expiredKeys, before + 1);
    await c.call('SET', 'lazy', 'v', 'PX', '20');
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(await int('EXPIRE', 'lazy', 100), 0); // write lookup sees it gone
    assert.equal(await int('PERSIST', 'lazy'), 0);
  } finally {
    srv.server.config.activeExpireEnabled = true;
  }
});

test('TTL reads count keyspace hits/misses; writes do not', async () => {
  const st = srv.server.stats;
  await c.call('SET', 'h', 'v');
  const h = st.keyspaceHits, m = st.keyspaceMisses;
  await c.call('TTL', 'h');
  await c.call('PEXPIRETIME', 'nope');
  // Write lookups (EXPIRE*, PERSIST) count neither, as in Redis.
  await c.call('EXPIRE', 'h', 100);
  await c.call('PERSIST', 'h');
  await c.call('EXPIRE', 'nope', 100);
  assert.equal(st.keyspaceHits, h + 1);
  assert.equal(st.keyspaceMisses, m + 1);
});

test('TTL family does not touch the LRU clock of a key; EXPIRE and PERSIST do', async () => {
  const server = srv.server;
  const db = server.dbs[0];
  server.cron.stop(); // keep the LRU clock still
  try {
    await c.call('SET', 'lru', 'v');
    const base = db.getMeta('lru');
    server.lruClock = (base + 100) & 0xffffff;
    for (const cmd of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) await c.call(cmd, 'lru');
    assert.equal(db.getMeta('lru'), base);
    await c.call('EXPIREAT', 'lru', FAR_S);
    assert.equal(db.getMeta('lru'), (base + 100) & 0xffffff);
    server.lruClock = (base + 200) & 0xffffff;
    await c.call('PERSIST', 'lru');
    assert.equal(db.getMeta('lru'), (base + 200) & 0xffffff);
  } finally {
    server.updateLruClock();
    server.cron.start();
  }
});

test('wrong arity', async () => {
  assert.match(await err('EXPIRE', 'k'), /^ERR wrong number of arguments for 'expire' command$/);
  assert.match(await err('TTL'), /^ERR wrong number of arguments for 'ttl' command$/);
  assert.match(await err('TTL', 'a', 'b'), /^ERR wrong number of arguments for 'ttl' command$/);
  assert.match(await err('PERSIST'), /^ERR wrong number of arguments for 'persist' command$/);
});

test('active expiry reclaims keys that are never accessed', async () => {
  const s2 = await startRespite({ hz: 100 });
  const c2 = await RawClient.connect(s2.port);
  try {
    const server = s2.server;
    const db = server.dbs[0];
    const N = 2000;
    server.config.activeExpireEnabled = false;
    for (let i = 0; i < N; i++) {
      c2.write(Buffer.from(`*5\r\n$3\r\nSET\r\n$${String(i).length + 2}\r\nk:${i}\r\n$1\r\nv\r\n$2\r\nPX\r\n$2\r\n50\r\n`));
    }
    for (let i = 0; i < 100; i++) {
      c2.write(Buffer.from(`*3\r\n$3\r\nSET\r\n$${String(i).length + 2}\r\np:${i}\r\n$1\r\nv\r\n`));
    }
    for (let i = 0; i < N + 100; i++) await c2.readReply();
    assert.equal(db.size, N + 100);
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(db.size, N + 100); // disabled: nothing reclaimed
    server.config.activeExpireEnabled = true;
    const hasDbsize = server.table.lookup('dbsize') !== undefined;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const size = hasDbsize ? Number(await c2.call('DBSIZE')) : db.size;
      if (size === 100) break;
      assert.ok(Date.now() < deadline, `active expiry left ${size - 100} keys`);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(server.stats.expiredKeys, N);
    assert.equal(db.expires.size, 0);
    assert.ok(server.stats.expireCycleCpuMs > 0);
    if (server.table.lookup('info') !== undefined) {
      const info = String(await c2.call('INFO', 'stats'));
      assert.match(info, new RegExp(`\\r\\nexpired_keys:${N}\\r\\n`));
    }
  } finally {
    c2.close();
    await s2.close();
  }
});
