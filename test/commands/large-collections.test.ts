/* ==========================================================================
 * Hashes and sets of 1M elements over a real socket: bulk loading in
 * pipelined batches, point reads, full HSCAN / SSCAN iterations (every
 * element exactly once), random sampling, removals, intersections and
 * deletion — checking results, not timing. Bounded: fixed sizes.
 * ========================================================================== */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, RawClient } from '../helpers/servers';
import { encodeCommand } from '../helpers/resp';
import type { RunningServer } from '../../src/index';

const N = 1_000_000;
const PER_CMD = 500;

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

/** Send `count` commands built by `make(i)` pipelined in chunks, reading every reply. */
async function pipeline(count: number, make: (i: number) => string[]): Promise<void> {
  const CHUNK = 200;
  for (let i = 0; i < count; i += CHUNK) {
    const bufs: Buffer[] = [];
    const n = Math.min(CHUNK, count - i);
    for (let j = 0; j < n; j++) bufs.push(encodeCommand(make(i + j)));
    c.write(Buffer.concat(bufs));
    for (let j = 0; j < n; j++) {
      const [r] = await c.readReply(30000);
      if (typeof r === 'object' && r !== null && 'error' in (r as object)) assert.fail(String((r as { error: string }).error));
    }
  }
}

/** Iterate a SCAN-family command to the end; returns every element seen (with repeats). */
async function scanAll(cmd: string, key: string, pairs: boolean): Promise<string[]> {
  const seen: string[] = [];
  let cursor = '0';
  do {
    const r = (await c.call(cmd, key, cursor, 'COUNT', '5000')) as [string, string[]];
    cursor = String(r[0]);
    const items = r[1];
    for (let i = 0; i < items.length; i += pairs ? 2 : 1) seen.push(String(items[i]));
  } while (cursor !== '0');
  return seen;
}

test('hash of 1M fields: load, read, HSCAN covers each field once, sample, delete', async () => {
  await pipeline(N / PER_CMD, (i) => {
    const args = ['HSET', 'bigh'];
    for (let j = i * PER_CMD; j < (i + 1) * PER_CMD; j++) args.push('f' + j, 'v' + j);
    return args;
  });
  assert.equal(await c.call('HLEN', 'bigh'), N);
  assert.equal(await c.call('OBJECT', 'ENCODING', 'bigh'), 'hashtable');
  assert.equal(await c.call('HGET', 'bigh', 'f0'), 'v0');
  assert.equal(await c.call('HGET', 'bigh', 'f999999'), 'v999999');
  assert.equal(await c.call('HGET', 'bigh', 'f1000000'), null);
  assert.deepEqual(await c.call('HMGET', 'bigh', 'f17', 'nope', 'f500000'), ['v17', null, 'v500000']);
  assert.equal(await c.call('HINCRBY', 'bigh', 'counter', '5'), 5);
  assert.equal(await c.call('HDEL', 'bigh', 'counter'), 1);
  const fields = await scanAll('HSCAN', 'bigh', true);
  const uniq = new Set(fields);
  assert.equal(uniq.size, N, 'every field seen by HSCAN');
  const sample = (await c.call('HRANDFIELD', 'bigh', '10')) as string[];
  assert.equal(new Set(sample).size, 10);
  for (const f of sample) assert.ok(/^f\d+$/.test(f));
  assert.equal(((await c.call('HRANDFIELD', 'bigh', '-20')) as string[]).length, 20);
  await pipeline(N / 2 / PER_CMD, (i) => {
    const args = ['HDEL', 'bigh'];
    for (let j = i * PER_CMD; j < (i + 1) * PER_CMD; j++) args.push('f' + j * 2);
    return args;
  });
  assert.equal(await c.call('HLEN', 'bigh'), N / 2);
  assert.equal(await c.call('HEXISTS', 'bigh', 'f2'), 0);
  assert.equal(await c.call('HEXISTS', 'bigh', 'f3'), 1);
  assert.equal(await c.call('DEL', 'bigh'), 1);
  assert.equal(await c.call('EXISTS', 'bigh'), 0);
});

test('set of 1M members: load, membership, SSCAN covers each member once, pop, intersect, delete', async () => {
  await pipeline(N / PER_CMD, (i) => {
    const args = ['SADD', 'bigs'];
    for (let j = i * PER_CMD; j < (i + 1) * PER_CMD; j++) args.push('m' + j);
    return args;
  });
  assert.equal(await c.call('SCARD', 'bigs'), N);
  assert.equal(await c.call('OBJECT', 'ENCODING', 'bigs'), 'hashtable');
  assert.deepEqual(await c.call('SMISMEMBER', 'bigs', 'm0', 'm999999', 'x'), [1, 1, 0]);
  const members = await scanAll('SSCAN', 'bigs', false);
  assert.equal(new Set(members).size, N, 'every member seen by SSCAN');
  // Integers: an intset up to 512, then a hashtable of 1M numbers.
  await pipeline(N / PER_CMD, (i) => {
    const args = ['SADD', 'ints'];
    for (let j = i * PER_CMD; j < (i + 1) * PER_CMD; j++) args.push(String(j * 3));
    return args;
  });
  assert.equal(await c.call('SCARD', 'ints'), N);
  assert.equal(await c.call('SINTERCARD', '2', 'bigs', 'ints'), 0);
  await c.call('SADD', 'small', 'm5', 'm7', '9', 'zzz');
  assert.equal(await c.call('SINTERCARD', '2', 'bigs', 'small'), 2);
  assert.equal(await c.call('SINTERCARD', '3', 'bigs', 'small', 'ints'), 0);
  assert.deepEqual(((await c.call('SINTER', 'small', 'bigs')) as string[]).sort(), ['m5', 'm7']);
  const popped = (await c.call('SPOP', 'bigs', '1000')) as string[];
  assert.equal(new Set(popped).size, 1000);
  assert.equal(await c.call('SCARD', 'bigs'), N - 1000);
  for (const m of popped.slice(0, 10)) assert.equal(await c.call('SISMEMBER', 'bigs', m), 0);
  assert.equal(((await c.call('SRANDMEMBER', 'bigs', '-50')) as string[]).length, 50);
  assert.equal(await c.call('SDIFFSTORE', 'd', 'small', 'bigs'), 2);
  assert.equal(await c.call('DEL', 'bigs', 'ints', 'small', 'd'), 4);
});
