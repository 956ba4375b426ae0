/* MEMORY command tests against an in-process Respite: USAGE (argument rules, no side effects,
 * per-kind growth with value size and element count, sampling, TTL cost, and agreement with the
 * heap growth measured around creating keys), STATS (field names and order, per-db entries,
 * consistency with INFO memory), DOCTOR (every report section, from crafted figures), MALLOC-STATS,
 * PURGE and HELP. (Byte-level shapes and errors against Redis: test/differential/memory.test.ts.) */

import { test, before, after, beforeEach } from 'node:test';
import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { startRespite, RawClient } from '../helpers/servers';
import type { RunningServer } from '../../src/index';
import type { Reply } from '../helpers/resp';
import { doctorReport, mallocStatsText } from '../../src/commands/memory';
import { memoryOverhead, type MemOverhead } from '../../src/server/memory';
import { strBytes, pushCapacity } from '../../src/store/cost';

let srv: RunningServer;
let c: RawClient;

function assertError(r: unknown, re: RegExp): void {
  assert.ok(r !== null && typeof r === 'object' && 'error' in r, `expected an error, got ${JSON.stringify(r)}`);
  assert.match((r as { error: string }).error, re);
}

async function usage(key: string, ...opts: string[]): Promise<number> {
  const r = await c.call('MEMORY', 'USAGE', key, ...opts);
  assert.equal(typeof r, 'number', `MEMORY USAGE ${key}: ${JSON.stringify(r)}`);
  return r as number;
}

before(async () => {
  srv = await startRespite();
  c = await RawClient.connect(srv.port);
});

after(async () => {
  c.close();
  await srv.close();
});

beforeEach(async () => {
  await c.call('HELLO', '2');
  await c.call('FLUSHALL');
  await c.call('SELECT', '0');
});

// --- USAGE: arguments ------------------------------------------------------------

test('MEMORY USAGE: missing key is null; option errors come before the lookup', async () => {
  assert.equal(await c.call('MEMORY', 'USAGE', 'nokey'), null);
  await c.call('SET', 'a', 'b');
  assertError(await c.call('MEMORY', 'USAGE', 'a', 'SAMPLES'), /^ERR syntax error$/);
  assertError(await c.call('MEMORY', 'USAGE', 'a', 'SAMPLES', '-1'), /^ERR syntax error$/);
  assertError(await c.call('MEMORY', 'USAGE', 'a', 'SAMPLES', 'x'), /^ERR value is not an integer or out of range$/);
  assertError(await c.call('MEMORY', 'USAGE', 'a', 'SAMPLES', '1.0'), /^ERR value is not an integer/);
  assertError(await c.call('MEMORY', 'USAGE', 'a', 'SAMPLES', '9223372036854775808'), /^ERR value is not an integer/);
  assertError(await c.call('MEMORY', 'USAGE', 'nokey', 'SAMPLES', 'x'), /^ERR value is not an integer/);
  assertError(await c.call('MEMORY', 'USAGE', 'nokey', 'SAMPLES', '-1'), /^ERR syntax error$/);
  assertError(await c.call('MEMORY', 'USAGE', 'nokey', 'foo'), /^ERR syntax error$/);
  assertError(await c.call('MEMORY', 'USAGE', 'a', 'SAMPLES', '1', 'SAMPLES'), /^ERR syntax error$/);
  assertError(await c.call('MEMORY', 'USAGE'), /^ERR wrong number of arguments for 'memory\|usage' command$/);
  const base = await usage('a');
  assert.equal(await usage('a', 'samples', '0'), base);
  assert.equal(await usage('a', 'SAMPLES', '1', 'SAMPLES', '9223372036854775807'), base);
  assert.equal(await c.call('GET', 'a'), 'b', 'data intact');
});

test('MEMORY USAGE: no keyspace hits/misses, no LRU touch, no expiry side effects', async () => {
  await c.call('SET', 'a', 'b');
  const stats = async () => String(await c.call('INFO', 'stats')).match(/keyspace_(hits|misses):\d+/g)!.join(',');
  const before = await stats();
  await usage('a');
  await c.call('MEMORY', 'USAGE', 'nokey');
  assert.equal(await stats(), before);
});

// --- USAGE: growth per kind ------------------------------------------------------

test('MEMORY USAGE: strings cost align8(16 + length) and grow exactly with value and key length', async () => {
  await c.call('SET', 'k', 'x'.repeat(100));
  const u100 = await usage('k');
  await c.call('SET', 'k', 'x'.repeat(1100));
  assert.equal(await usage('k') - u100, strBytes(1100) - strBytes(100));
  await c.call('SET', 'k', 'x'.repeat(100));
  await c.call('RENAME', 'k', 'k'.repeat(41));
  assert.equal(await usage('k'.repeat(41)) - u100, strBytes(41) - strBytes(1));
  // A string edited in place (APPEND) is a Buffer-backed RawString: it costs more.
  await c.call('SET', 'r', 'x'.repeat(100));
  const plain = await usage('r');
  await c.call('APPEND', 'r', 'y');
  assert.ok(await usage('r') > plain + 200);
});

test('MEMORY USAGE: a TTL adds the expires entry', async () => {
  await c.call('SET', 'a', 'v');
  const u = await usage('a');
  await c.call('EXPIRE', 'a', '1000');
  const withTtl = await usage('a');
  assert.ok(withTtl >= u + 16 + 32, `${withTtl} vs ${u}`);
  await c.call('PERSIST', 'a');
  assert.equal(await usage('a'), u);
});

/** Fill `key` with `n` elements of the given kind (element i is `prefix` + i). */
async function fill(kind: string, key: string, n: number, prefix = 'element-'): Promise<void> {
  for (let i = 0; i < n; i += 200) {
    const args: string[] = [];
    for (let j = i; j < Math.min(n, i + 200); j++) {
      const m = prefix + j;
      if (kind === 'hash') args.push(m, 'value-' + j);
      else if (kind === 'zset') args.push(String(j + 0.25), m);
      else args.push(m);
    }
    const cmd = kind === 'hash' ? 'HSET' : kind === 'zset' ? 'ZADD' : kind === 'set' ? 'SADD' : 'RPUSH';
    await c.call(cmd, key, ...args);
  }
}

for (const kind of ['list', 'hash', 'set', 'zset']) {
  test(`MEMORY USAGE: ${kind} grows roughly linearly with the element count (both encodings)`, async () => {
    await fill(kind, 'small', 10);
    const small = await usage('small', 'SAMPLES', '0');
    const per = strBytes('element-0'.length);
    assert.ok(small > 10 * per, `${kind} small ${small}`);
    await fill(kind, 'big1', 2000);
    await fill(kind, 'big2', 4000);
    const u1 = await usage('big1', 'SAMPLES', '0');
    const u2 = await usage('big2', 'SAMPLES', '0');
    const ratio = u2 / u1;
    assert.ok(ratio > 1.7 && ratio < 2.3, `${kind}: 4000 elements ${u2} vs 2000 ${u1}`);
    // Longer elements cost proportionally more.
    await fill(kind, 'wide', 2000, 'element-'.repeat(8));
    const wide = await usage('wide', 'SAMPLES', '0');
    const growth = wide - u1;
    const expected = 2000 * (strBytes('element-'.repeat(8).length + 4) - strBytes('element-'.length + 4));
    assert.ok(growth > expected * 0.8 && growth < expected * 1.2, `${kind}: wide ${wide} narrow ${u1}`);
  });
}

test('MEMORY USAGE: SAMPLES extrapolates from the first elements; 0 samples all', async () => {
  await c.call('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
  const big = 'z'.repeat(1000);
  for (let i = 0; i < 50; i++) await c.call('RPUSH', 'l', big);
  const sampled = await usage('l');
  const all = await usage('l', 'SAMPLES', '0');
  assert.ok(all > 50 * 1000, `all ${all}`);
  assert.ok(sampled < all / 10, `default samples only see the 5 small heads: ${sampled} vs ${all}`);
  const six = await usage('l', 'SAMPLES', '6');
  assert.ok(six > sampled && six < all, `${six}`);
});

test('MEMORY USAGE: sum over keys stays within 0.6x-1.5x of the measured heap growth', async () => {
  // Measured ratios (docs/memory.md) are 0.8-0.95 per kind; the bounds leave room for GC noise.
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const heap = (): number => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const N = 3000;
  const build = async (): Promise<void> => {
    for (let i = 0; i < N; i += 100) {
      const args: string[] = [];
      for (let j = i; j < i + 100; j++) args.push(`key:${j}`, `value-${j}-`.padEnd(60, 'x'));
      await c.call('MSET', ...args);
    }
    for (let i = 0; i < 30; i++) await fill(i % 2 === 0 ? 'hash' : 'zset', `coll:${i}`, 300, `m${i}-`);
    for (let i = 0; i < 30; i++) await fill(i % 2 === 0 ? 'list' : 'set', `coll2:${i}`, 300, `m${i}-`);
  };
  const before = heap();
  await build();
  const after = heap();
  let sum = 0;
  const keys = (await c.call('KEYS', '*')) as string[];
  for (const k of keys) sum += await usage(k, 'SAMPLES', '0');
  const ratio = sum / (after - before);
  assert.ok(ratio > 0.6 && ratio < 1.5, `usage ${sum} vs heap growth ${after - before} (ratio ${ratio.toFixed(2)})`);
});

// --- STATS -------------------------------------------------------------------------

const TOP_FIELDS = [
  'peak.allocated', 'total.allocated', 'startup.allocated', 'replication.backlog', 'clients.slaves',
  'clients.normal', 'cluster.links', 'aof.buffer', 'lua.caches', 'functions.caches',
];
const TAIL_FIELDS = [
  'overhead.total', 'keys.count', 'keys.bytes-per-key', 'dataset.bytes', 'dataset.percentage',
  'peak.percentage', 'allocator.allocated', 'allocator.active', 'allocator.resident',
  'allocator-fragmentation.ratio', 'allocator-fragmentation.bytes', 'allocator-rss.ratio', 'allocator-rss.bytes',
  'rss-overhead.ratio', 'rss-overhead.bytes', 'fragmentation', 'fragmentation.bytes',
];

test('MEMORY STATS: Redis 7.0 field order, one db.N map per non-empty database', async () => {
  await c.call('SET', 'a', '1');
  await c.call('SELECT', '3');
  await c.call('SET', 'b', '1', 'EX', '100');
  await c.call('SET', 'c', '1');
  const r = (await c.call('MEMORY', 'STATS')) as Reply[];
  const names = r.filter((_, i) => i % 2 === 0);
  assert.deepEqual(names, [...TOP_FIELDS, 'db.0', 'db.3', ...TAIL_FIELDS]);
  const get = (k: string): Reply => r[r.indexOf(k) + 1];
  const db3 = get('db.3') as Reply[];
  assert.deepEqual(db3.filter((_, i) => i % 2 === 0),
    ['overhead.hashtable.main', 'overhead.hashtable.expires', 'overhead.hashtable.slot-to-keys']);
  assert.ok((db3[1] as number) > 0 && (db3[3] as number) > 0 && db3[5] === 0);
  const db0 = get('db.0') as Reply[];
  assert.equal(db0[3], 0, 'no expires in db 0');
  assert.equal(get('keys.count'), 3);
  assert.ok((get('overhead.total') as number) >= (get('startup.allocated') as number));
  assert.ok((get('peak.allocated') as number) >= (get('total.allocated') as number));
  assert.equal(typeof get('dataset.percentage'), 'string', 'RESP2 doubles are bulk strings');
  // RESP3: a map with doubles.
  await c.call('HELLO', '3');
  const m = (await c.call('MEMORY', 'STATS')) as { map: [Reply, Reply][] };
  assert.ok('map' in m);
  assert.equal(m.map.length, 27 + 2);
  const frag = m.map.find(([k]) => k === 'fragmentation')![1];
  assert.ok(typeof frag === 'object' && frag !== null && 'double' in frag);
});

test('MEMORY STATS and INFO memory report the same figures', async () => {
  await c.call('SET', 'a', '1');
  const info = String(await c.call('INFO', 'memory'));
  const field = (n: string): string => info.match(new RegExp(`^${n}:(.*)\r$`, 'm'))![1];
  const r = (await c.call('MEMORY', 'STATS')) as Reply[];
  const get = (k: string): Reply => r[r.indexOf(k) + 1];
  assert.equal(Number(field('used_memory_startup')), get('startup.allocated'));
  assert.ok(Number(field('used_memory_peak')) <= (get('peak.allocated') as number));
  assert.match(field('mem_allocator'), /^v8-/);
  const mh = memoryOverhead(srv.server);
  assert.equal(mh.totalKeys, 1);
  assert.equal(mh.overheadTotal, mh.startup + mh.clientsNormal + mh.dbs[0].main + mh.dbs[0].expires);
});

// --- DOCTOR ------------------------------------------------------------------------

function figures(over: Partial<MemOverhead>): MemOverhead {
  const base = memoryOverhead(srv.server);
  return {
    ...base, startup: 10e6, used: 100e6, peak: 100e6, totalFrag: 1, totalFragBytes: 0, allocFrag: 1,
    allocFragBytes: 0, allocRss: 1, allocRssBytes: 0, rssExtra: 1, rssExtraBytes: 0, clientsNormal: 0,
    normalClients: 1, ...over,
  };
}

test('MEMORY DOCTOR: Redis texts for empty, healthy and each issue', async () => {
  const r = String(await c.call('MEMORY', 'DOCTOR'));
  assert.match(r, /^(Hi Sam, |Sam, I detected)/);
  assert.ok(r.endsWith('\n'));
  assert.match(doctorReport(figures({ used: 4e6 })), /^Hi Sam, this instance is empty or is using very little memory, /);
  assert.equal(doctorReport(figures({})),
    "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n");
  const all = doctorReport(figures({
    peak: 200e6, totalFrag: 2, totalFragBytes: 50e6, allocFrag: 1.5, allocFragBytes: 20e6, allocRss: 1.2,
    allocRssBytes: 20e6, rssExtra: 1.3, rssExtraBytes: 20e6, clientsNormal: 10e6, normalClients: 2,
  }));
  assert.ok(all.startsWith('Sam, I detected a few issues in this Redis instance memory implants:\n\n * Peak memory:'));
  for (const s of [' * High total RSS:', ' * High allocator fragmentation:', ' * High allocator RSS overhead:',
    ' * High process RSS overhead:', ' * Big client buffers:']) assert.ok(all.includes(s), s);
  assert.ok(all.includes('Note: The currently used allocator is "v8-'));
  assert.ok(all.endsWith("I'm here to keep you safe, Sam. I want to help you.\n"));
  // Below the 10 MB floors nothing is reported.
  assert.ok(doctorReport(figures({ totalFrag: 3, totalFragBytes: 5e6 })).startsWith("Hi Sam, I can't find"));
  await c.call('HELLO', '3');
  const v = (await c.call('MEMORY', 'DOCTOR')) as { verbatim: string; format: string };
  assert.equal(v.format, 'txt');
});

// --- MALLOC-STATS, PURGE, HELP ------------------------------------------------------------

test('MEMORY MALLOC-STATS: a V8 heap report with every heap space', async () => {
  const r = String(await c.call('MEMORY', 'MALLOC-STATS'));
  assert.ok(r.startsWith('___ Begin V8 heap statistics ___\n'));
  assert.ok(r.endsWith('--- End V8 heap statistics ---\n'));
  for (const sp of v8.getHeapSpaceStatistics()) assert.ok(r.includes(`  ${sp.space_name} `), sp.space_name);
  assert.ok(mallocStatsText().includes('not jemalloc'));
  await c.call('HELLO', '3');
  const v = (await c.call('MEMORY', 'MALLOC-STATS')) as { verbatim: string; format: string };
  assert.equal(v.format, 'txt');
});

test('MEMORY PURGE and HELP; unknown subcommands and arity', async () => {
  assert.deepEqual(await c.call('MEMORY', 'PURGE'), { simple: 'OK' });
  const help = (await c.call('MEMORY', 'HELP')) as Reply[];
  assert.equal(help.length, 14);
  assert.deepEqual(help[0], { simple: 'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:' });
  assert.deepEqual(help[9], { simple: 'USAGE <key> [SAMPLES <count>]' });
  assertError(await c.call('MEMORY', 'FOO'), /^ERR unknown subcommand 'FOO'\. Try MEMORY HELP\.$/);
  for (const sub of ['STATS', 'DOCTOR', 'HELP', 'PURGE', 'MALLOC-STATS']) {
    assertError(await c.call('MEMORY', sub, 'x'), new RegExp(`^ERR wrong number of arguments for 'memory\\|${sub.toLowerCase()}' command$`));
  }
  assertError(await c.call('MEMORY'), /^ERR wrong number of arguments for 'memory' command$/);
});

test('pushCapacity follows V8 growth (n + n/2 + 16)', () => {
  assert.equal(pushCapacity(0), 0);
  assert.equal(pushCapacity(1), 17);
  assert.equal(pushCapacity(17), 17);
  assert.equal(pushCapacity(18), 43);
  assert.equal(strBytes(0), 16);
  assert.equal(strBytes(1), 24);
  assert.equal(strBytes(8), 24);
  assert.equal(strBytes(9), 32);
});
