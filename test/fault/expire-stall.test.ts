/* ==========================================================================
 * Active expiry under a mass expiry, and the Dict under bulk insert/delete:
 * structural checks that the work is incremental (no single call does it
 * all), bounded, and complete. The wall-clock stall measurement with
 * millions of keys lives in bench/expire-stall.mjs (too slow for CI).
 * No timing assertions: only "it cannot be done in one call" facts that
 * hold on any machine (300k deletions never fit in a 25 ms budget in JS).
 * ========================================================================== */

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite } from '../helpers/servers';
import { Dict } from '../../src/store/dict';

const N = 300_000;

test('a mass expiry is reclaimed incrementally, under the time cap, without any access', async () => {
  const srv = await startRespite();
  const server = srv.server;
  try {
    server.cron.stop(); // drive the cycle by hand
    const db = server.dbs[0];
    const past = Date.now() - 1000;
    for (let i = 0; i < N; i++) {
      const k = 'mass:' + i;
      db.add(k, 'v');
      db.setExpire(k, past);
    }
    for (let i = 0; i < 1000; i++) {
      const k = 'live:' + i;
      db.add(k, 'v');
      db.setExpire(k, Date.now() + 3_600_000);
    }
    const events: string[] = [];
    server.keyHooks.event.push((_c, ev) => { if (events.length < 5) events.push(ev); });
    const cap0 = server.stats.expiredTimeCapReached;
    server.cron.activeExpireCycle();
    const first = server.stats.expiredKeys;
    assert.ok(first > 0, 'the first cycle reclaimed nothing');
    assert.ok(first < N, 'one cycle reclaimed everything: the work is not incremental');
    assert.equal(server.stats.expiredTimeCapReached, cap0 + 1);
    assert.equal(db.size, N + 1000 - first);
    assert.deepEqual(events.slice(0, 1), ['expired']);
    let cycles = 1;
    while (db.size > 1000) {
      await new Promise((r) => setImmediate(r));
      server.cron.activeExpireCycle();
      db.resize();
      db.rehashFor(1);
      assert.ok(++cycles < 100_000, 'active expiry made no progress');
    }
    assert.ok(cycles > 1);
    assert.equal(server.stats.expiredKeys, N);
    assert.equal(db.expires.size, 1000);
    assert.ok(server.stats.expiredStalePerc > 0);
    // Only live keys left: a cycle samples, finds nothing stale, and stops early.
    const cap1 = server.stats.expiredTimeCapReached;
    server.cron.activeExpireCycle();
    assert.equal(server.stats.expiredTimeCapReached, cap1);
    assert.equal(db.size, 1000);
    assert.ok(db.avgTtl > 3_000_000 && db.avgTtl <= 3_600_000, `avg_ttl ${db.avgTtl}`);
    // Tables shrink back once the cron resizes them, to Redis's fill rule: a table is
    // resized while under 10% full, so at rest it holds at most 10 buckets per key (the
    // exact size depends on when the shrinks ran during the expiry).
    const sparse = () => db.dict.buckets > 10 * db.dict.size || db.expires.buckets > 10 * db.expires.size;
    for (let i = 0; i < 10_000 && (db.dict.rehashing || db.expires.rehashing || sparse()); i++) {
      db.resize();
      db.rehashFor(1);
    }
    assert.ok(!sparse(), `dict ${db.dict.buckets} / expires ${db.expires.buckets} buckets for ${db.dict.size} keys`);
    assert.ok(db.dict.buckets < 131072, 'the table never shrank');
  } finally {
    await srv.close();
  }
});

test('fast cycles (beforeSleep) only run while the slow cycle is over its time cap', async () => {
  const srv = await startRespite({ hz: 1 });
  const server = srv.server;
  try {
    const db = server.dbs[0];
    const past = Date.now() - 1000;
    for (let i = 0; i < N; i++) {
      db.add('f:' + i, 'v');
      db.setExpire('f:' + i, past);
    }
    server.cron.beforeSleep(); // no slow cycle capped yet: nothing to do
    assert.equal(db.size, N);
    const cap = server.stats.expiredTimeCapReached;
    server.cron.activeExpireCycle();
    assert.equal(server.stats.expiredTimeCapReached, cap + 1);
    const afterSlow = db.size;
    server.cron.beforeSleep();
    assert.ok(db.size < afterSlow, 'the fast cycle reclaimed nothing');
    assert.ok(afterSlow - db.size < N / 2, 'a 1 ms fast cycle reclaimed half of the keys');
  } finally {
    await srv.close();
  }
});

test('no active expiry while the host disables expiry (replica / loading)', async () => {
  const srv = await startRespite();
  const server = srv.server;
  try {
    server.cron.stop();
    const db = server.dbs[0];
    db.add('x', 'v');
    db.setExpire('x', Date.now() - 10);
    server.expireEnabled = false;
    server.cron.activeExpireCycle();
    assert.equal(db.size, 1);
    assert.equal(server.stats.expiredKeys, 0);
    server.expireEnabled = true;
    server.cron.activeExpireCycle();
    assert.equal(db.size, 0);
    assert.equal(server.stats.expiredKeys, 1);
  } finally {
    await srv.close();
  }
});

test('the active-expire-enabled switch and effort are honoured by the cron', async () => {
  const srv = await startRespite({ hz: 100, activeExpireEffort: 10 });
  const server = srv.server;
  try {
    const db = server.dbs[0];
    server.config.activeExpireEnabled = false;
    for (let i = 0; i < 5000; i++) {
      db.add('e:' + i, 'v');
      db.setExpire('e:' + i, Date.now() - 1);
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(db.size, 5000);
    server.config.activeExpireEnabled = true;
    const until = Date.now() + 30_000;
    while (db.size > 0) {
      assert.ok(Date.now() < until, `${db.size} keys left`);
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(server.stats.expiredKeys, 5000);
  } finally {
    await srv.close();
  }
});

test('Dict: insert-only growth keeps rehashing (short chains), deletes shrink it', () => {
  const d = new Dict<number>(0);
  for (let i = 0; i < N; i++) d.add('k' + i, i);
  // Before the fix add() never advanced a rehash: the table stayed at a few
  // buckets and every chain held tens of thousands of keys.
  assert.ok(d.buckets >= N / 2, `only ${d.buckets} buckets for ${N} keys`);
  for (let i = 0; i < N; i += 7) assert.equal(d.get('k' + i), i);
  for (let i = 0; i < N; i++) {
    assert.equal(d.delete('k' + i), true);
    d.shrinkIfNeeded();
  }
  assert.equal(d.size, 0);
  for (let i = 0; i < 1000 && d.rehashing; i++) d.rehashFor(1);
  d.shrinkIfNeeded();
  assert.ok(d.buckets <= 8, `${d.buckets} buckets left after deleting everything`);
});
