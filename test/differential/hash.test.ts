/* Differential tests of the hash family: the same commands against real Redis 7.0 and Respite,
 * replies compared byte for byte (listpack hashes keep insertion order, so HGETALL/HKEYS/HVALS and
 * HSCAN match exactly while small; hashtable-ordered replies are compared sorted). Edge cases per
 * command, encoding conversions, RESP3 shapes, then a seeded random sequence over a few small hashes. */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { Pair, rng } from '../helpers/servers';
import type { Reply } from '../helpers/resp';

let pair: Pair;

async function all(cmds: (string | number)[][]): Promise<void> {
  for (const cmd of cmds) {
    if (cmd[0] === 'HELLO') await pair.both(...cmd); // connection ids differ
    else await pair.same(...cmd);
  }
}

/** Flatten a reply to a sorted list of strings (order-insensitive comparison). */
function flatSorted(r: Reply): string[] {
  const out: string[] = [];
  const walk = (v: Reply): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object' && 'map' in v) for (const [a, b] of v.map) { walk(a); walk(b); }
    else out.push(String(v));
  };
  walk(r);
  return out.sort();
}

/** Field=value pairs of a flat HGETALL-shaped reply, sorted. */
function pairsSorted(r: Reply): string[] {
  const a = r as string[];
  const out: string[] = [];
  for (let i = 0; i < a.length; i += 2) out.push(`${a[i]}=${a[i + 1]}`);
  return out.sort();
}

/** Every field=value pair of a complete HSCAN iteration, sorted. */
async function fullScan(cl: Pair['ours'], key: string, opts: string[]): Promise<string[]> {
  const seen = new Map<string, string>();
  let cursor = '0';
  do {
    const r = await cl.call('HSCAN', key, cursor, ...opts) as [string, string[]];
    cursor = r[0];
    for (let i = 0; i < r[1].length; i += 2) seen.set(r[1][i], r[1][i + 1]);
  } while (cursor !== '0');
  return [...seen].map(([k, v]) => `${k}=${v}`).sort();
}

before(async () => {
  pair = await Pair.start({ respite: { 'enable-debug-command': 'yes' }, redisArgs: ['--enable-debug-command', 'yes'] });
});

after(async () => {
  await pair.close();
});

test('HSET / HMSET / HSETNX / HGET / HMGET replies and errors', async () => {
  await all([
    ['FLUSHALL'],
    ['HSET', 'h', 'a', '1', 'b', '2', 'a', '3'],
    ['HGETALL', 'h'],
    ['HSET', 'h', 'a'],
    ['HSET', 'h', 'a', '1', 'b'],
    ['HMSET', 'h', 'c'],
    ['HMSET', 'h', 'c', '4', 'd', ''],
    ['HSETNX', 'h', 'c', 'zz'],
    ['HSETNX', 'h', 'e', 'zz'],
    ['HSETNX', 'new', 'f', 'v'],
    ['HGET', 'h', 'a'], ['HGET', 'h', 'nope'], ['HGET', 'missing', 'a'],
    ['HMGET', 'h', 'a', 'nope', 'd', 'a'], ['HMGET', 'missing', 'a', 'b'],
    ['HGETALL', 'h'], ['HKEYS', 'h'], ['HVALS', 'h'],
    ['HGETALL', 'missing'], ['HKEYS', 'missing'], ['HVALS', 'missing'],
    ['SET', 'str', 'x'],
    ['HSET', 'str', 'a', '1'], ['HMSET', 'str', 'a', '1'], ['HSETNX', 'str', 'a', '1'],
    ['HGET', 'str', 'a'], ['HMGET', 'str', 'a'], ['HGETALL', 'str'], ['HKEYS', 'str'], ['HVALS', 'str'],
    ['HLEN', 'str'], ['HSTRLEN', 'str', 'a'], ['HEXISTS', 'str', 'a'], ['HDEL', 'str', 'a'],
    ['HLEN', 'h'], ['HLEN', 'missing'], ['HSTRLEN', 'h', 'a'], ['HSTRLEN', 'h', 'd'], ['HSTRLEN', 'h', 'x'],
    ['HSTRLEN', 'missing', 'x'], ['HEXISTS', 'h', 'a'], ['HEXISTS', 'h', 'x'], ['HEXISTS', 'missing', 'x'],
    ['HSET', 'bin', '\x00\xff\r\n', '\x01\x02', '', ''],
    ['HGETALL', 'bin'], ['HSTRLEN', 'bin', '\x00\xff\r\n'],
    ['OBJECT', 'ENCODING', 'h'], ['TYPE', 'h'],
  ]);
});

test('HDEL removes fields and the emptied key', async () => {
  await all([
    ['FLUSHALL'],
    ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'],
    ['HDEL', 'h', 'x'], ['HDEL', 'h', 'a', 'a', 'x'], ['HGETALL', 'h'],
    ['HDEL', 'missing', 'a'],
    ['HDEL', 'h', 'b', 'c', 'd'], ['EXISTS', 'h'], ['HLEN', 'h'],
    ['HSET', 'h', 'z', '1', 'y', '2'], ['HDEL', 'h', 'z'], ['HSET', 'h', 'z', '3'], ['HGETALL', 'h'],
  ]);
});

test('HINCRBY / HINCRBYFLOAT values, limits and errors', async () => {
  await all([
    ['FLUSHALL'],
    ['HINCRBY', 'h', 'n', '5'], ['HINCRBY', 'h', 'n', '-10'], ['HGET', 'h', 'n'],
    ['HINCRBY', 'h', 'n', 'x'], ['HINCRBY', 'h', 'n', '1.5'], ['HINCRBY', 'h', 'n', ''],
    ['HSET', 'h', 'big', '9223372036854775806'], ['HINCRBY', 'h', 'big', '1'], ['HINCRBY', 'h', 'big', '1'],
    ['HSET', 'h', 'small', '-9223372036854775807'], ['HINCRBY', 'h', 'small', '-1'], ['HINCRBY', 'h', 'small', '-1'],
    ['HINCRBY', 'h', 'x', '9223372036854775807'], ['HINCRBY', 'h', 'x', '-9223372036854775808'],
    ['HINCRBY', 'h', 'y', '9007199254740993'], ['HINCRBY', 'h', 'y', '9007199254740993'],
    ['HSET', 'h', 's', 'abc', 'sp', ' 1', 'f', '1.5', 'lead', '01'],
    ['HINCRBY', 'h', 's', '1'], ['HINCRBY', 'h', 'sp', '1'], ['HINCRBY', 'h', 'f', '1'], ['HINCRBY', 'h', 'lead', '1'],
    ['HINCRBYFLOAT', 'h', 'fl', '0.1'], ['HINCRBYFLOAT', 'h', 'fl', '0.2'], ['HINCRBYFLOAT', 'h', 'f', '1e3'],
    ['HINCRBYFLOAT', 'h', 'fl', '-0.3'], ['HINCRBYFLOAT', 'h', 'n', '2.5e-3'], ['HINCRBYFLOAT', 'h', 'n', '0x10'],
    ['HINCRBYFLOAT', 'h', 's', '1'], ['HINCRBYFLOAT', 'h', 'fl', 'x'], ['HINCRBYFLOAT', 'h', 'fl', 'inf'],
    ['HINCRBYFLOAT', 'h', 'fl', '-inf'], ['HINCRBYFLOAT', 'h', 'fl', 'nan'], ['HINCRBYFLOAT', 'h', 'fl', ''],
    ['HSET', 'h', 'inf', 'inf'], ['HINCRBYFLOAT', 'h', 'inf', '1'],
    ['HSET', 'h', 'huge', '1e4900'], ['HINCRBYFLOAT', 'h', 'huge', '1e4900'], ['HINCRBYFLOAT', 'h', 'huge', '-1e4900'],
    ['HMGET', 'h', 'n', 'big', 'small', 'x', 'y', 's', 'sp', 'f', 'lead', 'fl', 'inf', 'huge'], ['OBJECT', 'ENCODING', 'h'],
    ['SET', 'str', '1'], ['HINCRBY', 'str', 'a', '1'], ['HINCRBY', 'str', 'a', 'x'],
    ['HINCRBYFLOAT', 'str', 'a', '1'], ['HINCRBYFLOAT', 'str', 'a', 'x'], ['HINCRBYFLOAT', 'str', 'a', 'inf'],
    ['HINCRBY', 'nokey', 'a', 'x'], ['EXISTS', 'nokey'],
    ['HINCRBYFLOAT', 'nokey', 'a', 'inf'], ['EXISTS', 'nokey'],
  ]);
});

test('HRANDFIELD argument errors and deterministic shapes', async () => {
  await all([
    ['FLUSHALL'],
    ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'], ['SET', 'str', 'x'],
    ['HRANDFIELD', 'missing'], ['HRANDFIELD', 'missing', '3'], ['HRANDFIELD', 'missing', '-3', 'WITHVALUES'],
    ['HRANDFIELD', 'str'], ['HRANDFIELD', 'str', '1'], ['HRANDFIELD', 'str', '0'],
    ['HRANDFIELD', 'h', 'x'], ['HRANDFIELD', 'h', 'x', 'foo'], ['HRANDFIELD', 'h', '1', 'foo'],
    ['HRANDFIELD', 'h', '1', 'withvalues', 'x'], ['HRANDFIELD', 'missing', '1', 'withvalue'],
    ['HRANDFIELD', 'h', '-9223372036854775808'], ['HRANDFIELD', 'h', '-9223372036854775807', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES'], ['HRANDFIELD', 'h', '-4611686018427387904', 'withvalues'],
    ['HRANDFIELD', 'h', '0'], ['HRANDFIELD', 'h', '0', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '3'], ['HRANDFIELD', 'h', '10', 'WITHVALUES'], ['HRANDFIELD', 'h', '9223372036854775807'],
    ['HELLO', '3'],
    ['HRANDFIELD', 'h', '3', 'WITHVALUES'], ['HRANDFIELD', 'missing', '2', 'WITHVALUES'], ['HRANDFIELD', 'missing'],
    ['HGETALL', 'h'], ['HGETALL', 'missing'],
    ['HELLO', '2'],
  ]);
  // Random replies: right shape and members.
  for (const args of [['2'], ['-5'], ['2', 'WITHVALUES'], ['-5', 'WITHVALUES'], ['1'], ['-1', 'WITHVALUES']]) {
    const r = await pair.ours.call('HRANDFIELD', 'h', ...args) as string[];
    const n = Math.abs(+args[0]) * (args.length > 1 ? 2 : 1);
    assert.equal(r.length, n);
    for (let i = 0; i < r.length; i += args.length > 1 ? 2 : 1) {
      assert.ok(['a', 'b', 'c'].includes(r[i]));
      if (args.length > 1) assert.equal(r[i + 1], String(['a', 'b', 'c'].indexOf(r[i]) + 1));
    }
    if (+args[0] > 0) assert.equal(new Set(r.filter((_, i) => args.length === 1 || i % 2 === 0)).size, +args[0]);
  }
});

test('HSCAN: listpack in one call, options and errors', async () => {
  await all([
    ['FLUSHALL'],
    ['HSET', 'h', 'a1', '1', 'b1', '2', 'a2', '3'], ['SET', 'str', 'x'],
    ['HSCAN', 'h', '0'], ['HSCAN', 'h', '17'], ['HSCAN', 'h', '0', 'MATCH', 'a*'], ['HSCAN', 'h', '0', 'count', '1'],
    ['HSCAN', 'h', '0', 'MATCH', 'zz', 'COUNT', '100'], ['HSCAN', 'h', 'x'], ['HSCAN', 'h', '-1'],
    ['HSCAN', 'h', '0', 'COUNT', '0'], ['HSCAN', 'h', '0', 'COUNT', 'x'], ['HSCAN', 'h', '0', 'TYPE', 'hash'],
    ['HSCAN', 'h', '0', 'MATCH'], ['HSCAN', 'h', '0', 'foo', 'bar'],
    ['HSCAN', 'missing', '0', 'foo'], ['HSCAN', 'missing', 'x'], ['HSCAN', 'str', '0'], ['HSCAN', 'str', '0', 'foo'],
    ['HELLO', '3'], ['HSCAN', 'h', '0'], ['HELLO', '2'],
  ]);
});

test('encoding conversion thresholds and config aliases', async () => {
  await all([
    ['FLUSHALL'],
    ['CONFIG', 'GET', 'hash-max-listpack-entries'], ['CONFIG', 'GET', 'hash-max-ziplist-value'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '4'], ['CONFIG', 'SET', 'hash-max-ziplist-value', '8'],
    ['CONFIG', 'GET', 'hash-max-ziplist-entries'], ['CONFIG', 'GET', 'hash-max-listpack-value'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '-1'], ['CONFIG', 'SET', 'hash-max-listpack-value', '-1'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '1k'],
    ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4'], ['OBJECT', 'ENCODING', 'h'],
    ['HSET', 'h', 'e', '5'], ['OBJECT', 'ENCODING', 'h'],
    ['HDEL', 'h', 'a', 'b', 'c'], ['OBJECT', 'ENCODING', 'h'],
    ['HSET', 'v', 'f', '12345678'], ['OBJECT', 'ENCODING', 'v'],
    ['HSET', 'v', 'f', '123456789'], ['OBJECT', 'ENCODING', 'v'],
    ['HSET', 'w', '123456789', 'x'], ['OBJECT', 'ENCODING', 'w'],
    ['HSET', 'x', 'a', '1'], ['HSETNX', 'x', 'a', '123456789'], ['OBJECT', 'ENCODING', 'x'],
    ['HSETNX', 'x', 'b', '123456789'], ['OBJECT', 'ENCODING', 'x'],
    ['HSET', 'y', 'n', '99999999'], ['HINCRBY', 'y', 'n', '1'], ['OBJECT', 'ENCODING', 'y'],
    ['HSET', 'z', 'n', '1.5'], ['HINCRBYFLOAT', 'z', 'n', '1234567.25'], ['OBJECT', 'ENCODING', 'z'],
    ['COPY', 'h', 'h2'], ['OBJECT', 'ENCODING', 'h2'], ['COPY', 'y', 'y2'], ['OBJECT', 'ENCODING', 'y2'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '0'],
    ['HSET', 'zero', 'a', '1'], ['OBJECT', 'ENCODING', 'zero'],
    ['CONFIG', 'SET', 'hash-max-listpack-entries', '512'], ['CONFIG', 'SET', 'hash-max-listpack-value', '64'],
  ]);
  // Hashtable order is Respite's own: compare contents sorted.
  for (const cmd of [['HGETALL', 'h'], ['HKEYS', 'h'], ['HVALS', 'h'], ['HGETALL', 'h2']]) {
    const [a, b] = [await pair.ours.call(...cmd), await pair.theirs.call(...cmd)];
    assert.deepEqual(flatSorted(a), flatSorted(b));
  }
});

test('HSCAN over a large hashtable returns every field exactly as Redis holds it', async () => {
  await pair.same('FLUSHALL');
  const args: string[] = [];
  for (let i = 0; i < 1000; i++) args.push(`f${i}`, `v${i}`);
  await pair.same('HSET', 'big', ...args);
  await pair.same('OBJECT', 'ENCODING', 'big');
  for (const opts of [[], ['COUNT', '7'], ['MATCH', 'f1*', 'COUNT', '50']]) {
    const got: string[][] = [];
    for (const cl of [pair.ours, pair.theirs]) {
      const seen = new Map<string, string>();
      let cursor = '0';
      let calls = 0;
      do {
        const r = await cl.call('HSCAN', 'big', cursor, ...opts) as [string, string[]];
        cursor = r[0];
        for (let i = 0; i < r[1].length; i += 2) seen.set(r[1][i], r[1][i + 1]);
        calls++;
      } while (cursor !== '0');
      assert.ok(calls > 1);
      got.push([...seen].map(([k, v]) => `${k}=${v}`).sort());
    }
    assert.deepEqual(got[0], got[1]);
  }
  const [a, b] = [await pair.ours.call('HGETALL', 'big'), await pair.theirs.call('HGETALL', 'big')];
  assert.deepEqual(pairsSorted(a), pairsSorted(b));
});

test('seeded random hash sequence (raw replies compared)', async () => {
  await pair.same('FLUSHALL');
  await pair.same('CONFIG', 'SET', 'hash-max-listpack-entries', '12');
  await pair.same('CONFIG', 'SET', 'hash-max-listpack-value', '10');
  const rand = rng(20240517);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
  const keys = ['h1', 'h2', 'h3', 'str'];
  const fields = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'longfieldname1', ''];
  const value = (): string => pick(['0', '1', '-7', '42', '3.5', 'x', '', '9223372036854775807', '1e3', 'abcdefghijklm', String(Math.floor(rand() * 1000))]);
  const num = (): string => pick(['1', '-1', '0', '100', 'x', '2.5', '9223372036854775807', '-9223372036854775808', '1e2']);
  await pair.same('SET', 'str', 'x');
  for (let step = 0; step < 3000; step++) {
    const k = pick(keys);
    const f = pick(fields);
    const r = rand();
    let cmd: string[];
    let sorted = false;
    if (r < 0.22) {
      cmd = ['HSET', k];
      const n = 1 + Math.floor(rand() * 3);
      for (let i = 0; i < n; i++) cmd.push(pick(fields), value());
    } else if (r < 0.27) cmd = ['HSETNX', k, f, value()];
    else if (r < 0.3) cmd = ['HMSET', k, f, value()];
    else if (r < 0.38) cmd = ['HGET', k, f];
    else if (r < 0.42) cmd = ['HMGET', k, f, pick(fields)];
    else if (r < 0.54) cmd = ['HDEL', k, f, pick(fields)];
    else if (r < 0.58) cmd = ['HLEN', k];
    else if (r < 0.61) cmd = ['HSTRLEN', k, f];
    else if (r < 0.64) cmd = ['HEXISTS', k, f];
    else if (r < 0.72) cmd = ['HINCRBY', k, f, num()];
    else if (r < 0.78) cmd = ['HINCRBYFLOAT', k, f, pick(['0.1', '-1.5', '1e3', 'x', '3', 'inf', '0.0001'])];
    else if (r < 0.84) { cmd = [pick(['HGETALL', 'HKEYS', 'HVALS']), k]; sorted = true; }
    else if (r < 0.88) { cmd = ['HSCAN', k, '0', ...(rand() < 0.5 ? ['MATCH', pick(['a*', '*', '?', 'l*'])] : [])]; sorted = true; }
    else if (r < 0.92) cmd = ['OBJECT', 'ENCODING', k];
    else if (r < 0.95) {
      cmd = ['HRANDFIELD', k, pick(['0', 'x', '-0', '100'])].concat(rand() < 0.5 ? ['WITHVALUES'] : []);
      sorted = true;
    }
    else cmd = ['EXISTS', k];
    if (!sorted) {
      await pair.same(...cmd);
      continue;
    }
    // Listpack replies must match exactly; hashtable ones as sorted contents.
    const enc = await pair.theirs.call('OBJECT', 'ENCODING', k);
    if (enc !== 'hashtable') {
      await pair.same(...cmd);
      continue;
    }
    if (cmd[0] === 'HSCAN') {
      // Bucket layouts differ: compare whole iterations.
      const opts = cmd.slice(3);
      assert.deepEqual(await fullScan(pair.ours, k, opts), await fullScan(pair.theirs, k, opts), `differs for ${JSON.stringify(cmd)}`);
      continue;
    }
    const [a, b] = [await pair.ours.call(...cmd), await pair.theirs.call(...cmd)];
    assert.deepEqual(flatSorted(a), flatSorted(b), `differs for ${JSON.stringify(cmd)}`);
  }
  for (const k of keys) {
    const [a, b] = [await pair.ours.call('HGETALL', k), await pair.theirs.call('HGETALL', k)];
    assert.deepEqual(flatSorted(a), flatSorted(b));
  }
  await pair.same('CONFIG', 'SET', 'hash-max-listpack-entries', '512');
  await pair.same('CONFIG', 'SET', 'hash-max-listpack-value', '64');
});

test('DEBUG OBJECT serializedlength of listpack and hashtable hashes', async () => {
  await pair.same('FLUSHALL');
  const big: string[] = [];
  for (let i = 0; i < 600; i++) big.push('f' + i, 'v' + i);
  const cases: string[][] = [
    ['HSET', 'a', 'f', '1'],
    ['HSET', 'b', 'f', '-1', 'g', '200', 'h', '-5000', 'i', '40000', 'j', '9000000', 'k', '3000000000', 'l', '-9223372036854775808'],
    ['HSET', 'c', 'x'.repeat(70), 'y'],
    ['HSET', 'd', 'abc', 'a'.repeat(55), 'q', '007', 'r', '-0', 's', ''],
    ['HSET', 'e', 'f1', 'z'.repeat(63), 'f2', 'w'.repeat(60), 'f3', 'q'.repeat(5000)],
    ['HSET', 'big', ...big],
  ];
  for (const cmd of cases) {
    await pair.same(...cmd);
    const [x, y] = await pair.both('DEBUG', 'OBJECT', cmd[1]);
    const len = (r: string): string => /serializedlength:(\d+)/.exec(r)?.[1] ?? r;
    assert.equal(len(x), len(y), `serializedlength of ${cmd[1]}`);
  }
});
