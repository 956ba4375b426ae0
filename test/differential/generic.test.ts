/* Differential tests of the generic (keyspace) family against real Redis 7.0: replies compared
 * byte for byte, except where Redis's order is hash-dependent (KEYS, SCAN), where the sorted
 * key sets are compared instead. Fixed edge cases first, then KEYS with tricky and random
 * glob patterns, then a seeded random sequence over a few keys and databases. */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { Pair, rng } from '../helpers/servers';
import type { RawClient } from '../helpers/servers';
import type { Reply } from '../helpers/resp';

let pair: Pair;

/** Sorted reply of a command whose reply is an array of keys (or an error, compared as is). */
async function sortedBoth(...args: (string | number)[]): Promise<void> {
  const [a, b] = await Promise.all([pair.ours.call(...args), pair.theirs.call(...args)]);
  const norm = (r: Reply) => (Array.isArray(r) ? [...(r as string[])].sort() : r);
  assert.deepEqual(norm(a), norm(b), `differs for ${JSON.stringify(args.map(String)).slice(0, 200)}`);
}

/** Complete SCAN iteration on one connection: the sorted, de-duplicated keys, or an error reply. */
async function scanKeys(cl: RawClient, extra: (string | number)[]): Promise<string[] | Reply> {
  const seen = new Set<string>();
  let cursor = '0';
  for (let i = 0; i < 100000; i++) {
    const r = await cl.call('SCAN', cursor, ...extra);
    if (!Array.isArray(r)) return r;
    cursor = r[0] as string;
    for (const k of r[1] as string[]) seen.add(k);
    if (cursor === '0') break;
  }
  return [...seen].sort();
}

async function scanBoth(...extra: (string | number)[]): Promise<void> {
  const [a, b] = await Promise.all([scanKeys(pair.ours, extra), scanKeys(pair.theirs, extra)]);
  assert.deepEqual(a, b, `SCAN ${extra.join(' ')}`);
}

before(async () => {
  pair = await Pair.start();
});

after(async () => {
  await pair.close();
});

test('DEL, UNLINK, EXISTS, TYPE, TOUCH, DBSIZE, RANDOMKEY', async () => {
  await pair.sameAll([
    ['FLUSHALL'], ['RANDOMKEY'], ['DBSIZE'],
    ['SET', 'a', '1'], ['SET', 'b', '2'], ['SET', 'c', '3'], ['SET', '', 'empty'],
    ['EXISTS', 'a'], ['EXISTS', 'a', 'a', 'b', 'nosuch', ''], ['EXISTS', 'nosuch'],
    ['TYPE', 'a'], ['TYPE', 'nosuch'], ['TYPE', ''],
    ['TOUCH', 'a', 'b', 'nosuch', 'a'], ['DBSIZE'],
    ['DEL', 'a', 'a', 'nosuch'], ['UNLINK', 'b', 'c', 'b'], ['DEL', 'nosuch'], ['DBSIZE'], ['RANDOMKEY'],
    ['DEL', ''], ['RANDOMKEY'],
    ['DEL'], ['UNLINK'], ['EXISTS'], ['TOUCH'], ['TYPE'], ['TYPE', 'a', 'b'], ['RANDOMKEY', 'x'], ['DBSIZE', 'x'],
    ['SET', 'v', 'x', 'PX', '1'],
  ]);
  await new Promise((r) => setTimeout(r, 20));
  await pair.sameAll([['EXISTS', 'v'], ['TYPE', 'v'], ['DEL', 'v'], ['RANDOMKEY'], ['DBSIZE']]);
});

test('RENAME and RENAMENX', async () => {
  await pair.sameAll([
    ['FLUSHALL'],
    ['SET', 'src', 'v1'], ['SET', 'dst', 'v2'], ['EXPIRE', 'src', 1000], ['EXPIRE', 'dst', 5000],
    ['RENAME', 'src', 'dst'], ['GET', 'dst'], ['TTL', 'dst'], ['EXISTS', 'src'],
    ['SET', 'x', '1'], ['RENAME', 'x', 'dst'], ['TTL', 'dst'], ['GET', 'dst'],
    ['RENAME', 'dst', 'dst'], ['RENAMENX', 'dst', 'dst'], ['RENAME', 'nosuch', 'a'], ['RENAME', 'nosuch', 'nosuch'],
    ['RENAMENX', 'nosuch', 'a'], ['SET', 'y', '2'], ['RENAMENX', 'dst', 'y'], ['GET', 'y'], ['RENAMENX', 'dst', 'z'],
    ['GET', 'z'], ['EXISTS', 'dst'], ['RENAME', 'z', ''], ['GET', ''],
    ['RENAME', 'a'], ['RENAME', 'a', 'b', 'c'], ['RENAMENX', 'a'],
  ]);
});

test('COPY', async () => {
  await pair.sameAll([
    ['FLUSHALL'],
    ['SET', 'src', 'hello'], ['EXPIRE', 'src', 1000], ['COPY', 'src', 'dst'], ['GET', 'dst'], ['TTL', 'dst'],
    ['SET', 'other', 'x'], ['COPY', 'src', 'other'], ['GET', 'other'], ['COPY', 'src', 'other', 'REPLACE'],
    ['GET', 'other'], ['TTL', 'other'], ['COPY', 'src', 'src', 'DB', 3], ['COPY', 'src', 'src', 'db', '3', 'replace'],
    ['COPY', 'nosuch', 'x'], ['COPY', 'nosuch', 'x', 'DB', 1],
    ['COPY', 'src', 'src'], ['COPY', 'src', 'src', 'DB', 0], ['COPY', 'src', 'j', 'DB', 'x'],
    ['COPY', 'src', 'j', 'DB', 16], ['COPY', 'src', 'j', 'DB', -1], ['COPY', 'src', 'j', 'DB', '2147483648'],
    ['COPY', 'src', 'j', 'DB', '-2147483649'], ['COPY', 'src', 'j', 'DB', '9223372036854775808'],
    ['COPY', 'src', 'j', 'DB'], ['COPY', 'src', 'j', 'REPLACE', 'DB'], ['COPY', 'src', 'j', 'foo'],
    ['COPY', 'src', 'src', 'DB', '0', 'foo'], ['COPY', 'src', 'j', 'DB', '99', 'foo'], ['COPY', 'src', 'j', 'DB', '1', 'DB', '99'],
    ['COPY', 'src', 'j', 'REPLACE', 'REPLACE', 'DB', 2, 'DB', 2], ['COPY', 'src'],
    ['SET', 'n', '100'], ['COPY', 'n', 'n2'], ['OBJECT', 'ENCODING', 'n2'],
    ['SET', 'long', 'x'.repeat(60)], ['COPY', 'long', 'long2'], ['OBJECT', 'ENCODING', 'long2'], ['GET', 'long2'],
    ['SELECT', 3], ['GET', 'src'], ['TTL', 'src'], ['GET', 'j'], ['SELECT', 2], ['GET', 'j'], ['SELECT', 0],
  ]);
});

test('MOVE', async () => {
  await pair.sameAll([
    ['FLUSHALL'],
    ['SET', 'k', 'v'], ['EXPIRE', 'k', 1000], ['MOVE', 'k', 2], ['EXISTS', 'k'], ['SELECT', 2], ['GET', 'k'],
    ['TTL', 'k'], ['SELECT', 0], ['SET', 'k', 'mine'], ['MOVE', 'k', 2], ['GET', 'k'], ['MOVE', 'nosuch', 2],
    ['MOVE', 'k', 0], ['MOVE', 'nosuch', 0], ['MOVE', 'k', 16], ['MOVE', 'k', -1], ['MOVE', 'k', 'x'],
    ['MOVE', 'k', '99999999999'], ['MOVE', 'k', '-2147483648'], ['MOVE', 'k', ''], ['MOVE', 'k'], ['MOVE', 'k', 1, 2],
    ['GET', 'k'],
  ]);
});

test('SWAPDB', async () => {
  await pair.sameAll([
    ['FLUSHALL'],
    ['SET', 'in0', 'zero'], ['SELECT', 1], ['SET', 'in1', 'one'], ['EXPIRE', 'in1', 1000], ['SELECT', 0],
    ['SWAPDB', 0, 1], ['GET', 'in1'], ['GET', 'in0'], ['TTL', 'in1'], ['DBSIZE'], ['SELECT', 1], ['GET', 'in0'],
    ['SELECT', 0], ['SWAPDB', 3, 3], ['SWAPDB', '1', '0'], ['GET', 'in0'],
    ['SWAPDB', 'a', 1], ['SWAPDB', 1, 'b'], ['SWAPDB', 'a', 'b'], ['SWAPDB', '2147483648', 1],
    ['SWAPDB', 1, '-2147483649'], ['SWAPDB', 0, 16], ['SWAPDB', -1, 0], ['SWAPDB', 16, 'x'], ['SWAPDB', 16, 17],
    ['SWAPDB', 0], ['SWAPDB', 0, 1, 2],
  ]);
});

test('FLUSHDB and FLUSHALL', async () => {
  await pair.sameAll([
    ['FLUSHALL'], ['SET', 'a', '1'], ['SELECT', 1], ['SET', 'b', '1'], ['SELECT', 0],
    ['FLUSHDB'], ['DBSIZE'], ['SELECT', 1], ['DBSIZE'], ['FLUSHDB', 'ASYNC'], ['DBSIZE'], ['SELECT', 0],
    ['FLUSHDB', 'sync'], ['FLUSHDB', 'now'], ['FLUSHDB', 'async', 'sync'], ['FLUSHALL', 'now'],
    ['FLUSHALL', 'SYNC', 'x'], ['SET', 'c', '1'], ['FLUSHALL', 'async'], ['DBSIZE'], ['FLUSHALL', 'SYNC'],
  ]);
});

test('OBJECT', async () => {
  await pair.sameAll([['FLUSHALL']]);
  for (const v of ['0', '100', '9999', '10000', '-1', '100000', '9223372036854775807', '-9223372036854775808',
    '9223372036854775808', '01', '+1', ' 1', 'abc', '', 'x'.repeat(44), 'x'.repeat(45), '1.5', '12345678901234567890']) {
    await pair.sameAll([['SET', 'k', v], ['OBJECT', 'ENCODING', 'k'], ['OBJECT', 'REFCOUNT', 'k']]);
  }
  await pair.sameAll([
    ['OBJECT', 'HELP'], ['object', 'help'], ['OBJECT', 'ENCODING', 'nosuch'], ['OBJECT', 'REFCOUNT', 'nosuch'],
    ['OBJECT', 'IDLETIME', 'nosuch'], ['OBJECT', 'FREQ', 'nosuch'], ['OBJECT', 'FREQ', 'k'],
    ['OBJECT', 'foo'], ['OBJECT', 'foo', 'k'], ['OBJECT'], ['OBJECT', 'ENCODING'], ['OBJECT', 'ENCODING', 'a', 'b'],
    ['OBJECT', 'HELP', 'x'], ['OBJECT', 'IDLETIME'],
  ]);
});

test('RESP3 replies', async () => {
  const [ours] = await pair.both('HELLO', '3');
  assert.ok(!ours.startsWith('-'), 'HELLO 3 must be supported');
  await pair.sameAll([
    ['FLUSHALL'], ['OBJECT', 'HELP'], ['OBJECT', 'ENCODING', 'nosuch'], ['OBJECT', 'FREQ', 'nosuch'],
    ['SCAN', 0, 'MATCH', 'nomatch'], ['KEYS', 'nomatch'], ['RANDOMKEY'], ['SET', 'k', '1'], ['SCAN', 0], ['KEYS', '*'],
    ['RANDOMKEY'], ['TYPE', 'k'], ['EXISTS', 'k'],
  ]);
  await pair.both('HELLO', '2');
});

/** [dirty, keyspace_hits, keyspace_misses, expired_keys] read from INFO on one connection. */
async function counters(cl: RawClient): Promise<number[]> {
  const text = (await cl.call('INFO', 'all')) as string;
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return ['rdb_changes_since_last_save', 'keyspace_hits', 'keyspace_misses', 'expired_keys'].map(field);
}

test('write counting (dirty) and keyspace hit/miss accounting per command', async () => {
  await pair.sameAll([['FLUSHALL'], ['SELECT', 0]]);
  const cmds: (string | number)[][] = [
    ['SET', 'a', '1'], ['SET', 'b', '2'], ['SET', 'c', '3'], ['DEL', 'a', 'a', 'nosuch', 'b'], ['UNLINK', 'c'],
    ['SET', 'a', '1'], ['EXISTS', 'a', 'nosuch', 'a'], ['TYPE', 'a'], ['TYPE', 'nosuch'], ['TOUCH', 'a', 'zz'],
    ['RENAME', 'a', 'b'], ['RENAME', 'b', 'b'], ['RENAME', 'nosuch', 'x'], ['RENAMENX', 'b', 'c'],
    ['SET', 'd', '4'], ['RENAMENX', 'c', 'd'], ['COPY', 'c', 'e'], ['COPY', 'nosuch', 'e'], ['COPY', 'c', 'e'],
    ['COPY', 'c', 'e', 'REPLACE'], ['COPY', 'c', 'c', 'DB', 1], ['MOVE', 'e', 2], ['MOVE', 'e', 2], ['MOVE', 'd', 2],
    ['SWAPDB', 0, 1], ['SWAPDB', 1, 1], ['SWAPDB', 'x', 1], ['OBJECT', 'ENCODING', 'c'], ['OBJECT', 'REFCOUNT', 'nosuch'],
    ['OBJECT', 'FREQ', 'c'], ['OBJECT', 'IDLETIME', 'c'], ['KEYS', '*'], ['SCAN', 0], ['SCAN', 0, 'TYPE', 'string'],
    ['SCAN', 0, 'TYPE', 'list'], ['RANDOMKEY'], ['DBSIZE'],
    ['FLUSHDB'], ['FLUSHDB', 'ASYNC'], ['SELECT', 2], ['FLUSHALL'], ['FLUSHALL', 'SYNC'], ['SELECT', 0],
  ];
  for (const cmd of cmds) {
    const [a0, b0] = await Promise.all([counters(pair.ours), counters(pair.theirs)]);
    if (cmd[0] === 'OBJECT' && cmd[1] === 'IDLETIME') {
      // Idle seconds can differ by one when a second boundary falls between the two servers.
      const [a, b] = await pair.both(...cmd);
      assert.match(a, /^:[01]\r\n$/);
      assert.match(b, /^:[01]\r\n$/);
    } else {
      await pair.same(...cmd);
    }
    const [a1, b1] = await Promise.all([counters(pair.ours), counters(pair.theirs)]);
    assert.deepEqual(a1.map((v, i) => v - a0[i]), b1.map((v, i) => v - b0[i]), `counter deltas for ${cmd.join(' ')}`);
  }
});

test('SCAN: argument errors and filtered full iterations', async () => {
  await pair.sameAll([['FLUSHALL'], ['SCAN', 0], ['SCAN', '18446744073709551615'], ['SCAN', '']]);
  for (const args of [
    ['abc'], [' 0'], ['1 '], ['0x1'], ['18446744073709551616'], ['-18446744073709551616'], ['+'], ['-'], ['1.0'],
    ['0', 'count', '0'], ['0', 'count', '-1'], ['0', 'count', 'x'], ['0', 'count', '9223372036854775808'],
    ['0', 'count'], ['0', 'match'], ['0', 'type'], ['0', 'foo', 'bar'], ['0', 'match', '*', 'count', '0'],
    ['x', 'count', '0'], ['0', 'COUNT', '1', 'MATCH'], ['0', 'type', 'string', 'count', 'abc'],
  ]) await pair.same('SCAN', ...args);
  const r = rng(11);
  for (let i = 0; i < 400; i++) {
    const k = `key:${(r() * 1e6) | 0}:${i % 7 === 0 ? 'x' : 'y'}`;
    await pair.same('SET', k, String(i));
  }
  await pair.sameAll([['SET', 'short', '1', 'PX', '1'], ['SET', 'short2', '1', 'PX', '1']]);
  await new Promise((res) => setTimeout(res, 20));
  await scanBoth();
  await scanBoth('COUNT', 1);
  await scanBoth('COUNT', 7, 'MATCH', 'key:*:x');
  await scanBoth('MATCH', '*[0-3]:y');
  await scanBoth('TYPE', 'string');
  await scanBoth('TYPE', 'STRING', 'MATCH', 'key:1*', 'COUNT', 3);
  await scanBoth('TYPE', 'list');
  await scanBoth('TYPE', 'nosuch');
  await scanBoth('MATCH', '*', 'COUNT', 100000);
  await pair.sameAll([['DBSIZE']]);
});

test('KEYS: tricky glob patterns over binary keys', async () => {
  await pair.same('FLUSHALL');
  const keys = ['', 'a', 'b', 'ab', 'abc', 'A', 'aB', '[', ']', '^', '-', '\\', '*', '?', 'a*b', 'a?b', 'a[b',
    'a]b', 'a\\b', 'h\x00llo', '\x00', '\xff', '\x80', '\xe9t\xe9', '\x7f', 'foo:bar', 'foo:baz', 'foo:', 'foo'];
  for (const k of keys) await pair.same('SET', k, '1');
  const patterns = ['*', '**', '***', '', '?', '??', '*?', '?*', 'a*', '*b', 'a*b', 'a?b', 'a\\*b', 'a\\?b',
    'a[b', 'a[b]', 'a\\[b', '[ab]', '[^ab]', '[a-b]', '[b-a]', '[z-a]', '[a-]', '[-a]', '[]', '[]]', '[^]', '[',
    '[^', '[\\', '\\', '\\\\', 'a\\\\b', '[\\]]', '[\\-]', '[a-\xff]', '[\x80-\xff]', '[\xff-\x80]', '[\x00-a]',
    'h?llo', 'h*llo', 'h[\x00]llo', 'foo:*', 'foo*', 'foo:ba[rz]', 'foo:ba[^r]', '*:*', '[A-Z]', '[a-Z]',
    '*[', '*\\', 'a[', '[a', '[[]', '[^[]', '*]', '\xe9*', '*\xe9', '?t?', 'a**b', '*a*b*', 'a[*]b', 'a[?]b'];
  for (const p of patterns) await sortedBoth('KEYS', p);
  // the nesting limit: 1000 stars recurse fine, 1001 give up
  await pair.same('SET', 'a'.repeat(1200), '1');
  for (const n of [999, 1000, 1001, 1002]) await sortedBoth('KEYS', '*a'.repeat(n));
  await sortedBoth('KEYS', 'a*'.repeat(1001));
  await sortedBoth('KEYS', '*a'.repeat(60) + 'b');
  // random patterns built from metacharacters and the keys' bytes
  const r = rng(5);
  const alpha = ['a', 'b', 'A', '*', '?', '[', ']', '^', '-', '\\', '\x00', '\xff', '\x80', ':', 'o', 'f'];
  for (let i = 0; i < 1500; i++) {
    let p = '';
    const n = 1 + ((r() * 7) | 0);
    for (let j = 0; j < n; j++) p += alpha[(r() * alpha.length) | 0];
    await sortedBoth('KEYS', p);
  }
});

test('seeded random sequence over keys and databases', async () => {
  const r = rng(20241126);
  const pick = <T>(xs: readonly T[]): T => xs[(r() * xs.length) | 0];
  const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'key', 'kx', 'a', 'b'];
  const values = ['v', '0', '7', '9999', '10000', '-3', 'hello world', 'x'.repeat(50), '01'];
  const patterns = ['*', 'k*', 'k?', 'k[0-2]', 'k[^0-2]', '?', '[ab]', '*e*', 'k\\*', '[k-a]*'];
  await pair.sameAll([['FLUSHALL'], ['SELECT', 0]]);
  for (let i = 0; i < 3000; i++) {
    const k = pick(keys), k2 = pick(keys);
    const x = r();
    if (x < 0.18) await pair.same('SET', k, pick(values));
    else if (x < 0.22) await pair.same('SET', k, pick(values), 'EX', 1000 + ((r() * 5) | 0));
    else if (x < 0.27) await pair.same(pick(['DEL', 'UNLINK']), k, k2);
    else if (x < 0.32) await pair.same('EXISTS', k, k2, k);
    else if (x < 0.36) await pair.same('TYPE', k);
    else if (x < 0.42) await pair.same('RENAME', k, k2);
    else if (x < 0.46) await pair.same('RENAMENX', k, k2);
    else if (x < 0.52) {
      const args: (string | number)[] = ['COPY', k, k2];
      if (r() < 0.5) args.push('DB', (r() * 4) | 0);
      if (r() < 0.5) args.push('REPLACE');
      await pair.same(...args);
    } else if (x < 0.57) await pair.same('MOVE', k, (r() * 4) | 0);
    else if (x < 0.61) await sortedBoth('KEYS', pick(patterns));
    else if (x < 0.64) await scanBoth('MATCH', pick(patterns), 'COUNT', 1 + ((r() * 5) | 0));
    else if (x < 0.68) await pair.same('DBSIZE');
    else if (x < 0.73) await pair.same('SELECT', (r() * 4) | 0);
    else if (x < 0.75) await pair.same('SWAPDB', (r() * 4) | 0, (r() * 4) | 0);
    else if (x < 0.76) await pair.same(pick(['FLUSHDB', 'FLUSHALL']), pick(['SYNC', 'ASYNC']));
    else if (x < 0.8) await pair.same('OBJECT', 'ENCODING', k);
    else if (x < 0.85) await pair.same('TTL', k);
    else if (x < 0.9) await pair.same('GET', k);
    else if (x < 0.93) await pair.same('TOUCH', k, k2);
    else if (x < 0.94) await pair.same('EXPIRE', k, 2000);
    else if (x < 0.95) await pair.same('APPEND', k, 'zz'); // a mutable (raw) string: COPY must duplicate it
    else if (x < 0.97) {
      const rk = await pair.ours.call('RANDOMKEY');
      const theirs = await pair.theirs.call('EXISTS', (rk ?? 'nosuchkey') as string);
      assert.equal(theirs, rk === null ? 0 : 1, 'RANDOMKEY returned a key Redis does not have');
      assert.equal(await pair.theirs.call('RANDOMKEY') === null, rk === null);
    } else await sortedBoth('KEYS', '*');
  }
  for (let db = 0; db < 4; db++) {
    await pair.same('SELECT', db);
    await sortedBoth('KEYS', '*');
    await pair.same('DBSIZE');
  }
});

test('COPY of a shared small integer is a private int object (OBJECT REFCOUNT 1)', async () => {
  // Found by the cross-family fuzzer: Redis's dupStringObject does not reuse the shared integers.
  await pair.sameAll([
    ['FLUSHALL'], ['SET', 'n', '5'], ['COPY', 'n', 'c'], ['OBJECT', 'REFCOUNT', 'n'], ['OBJECT', 'REFCOUNT', 'c'],
    ['OBJECT', 'ENCODING', 'c'], ['COPY', 'c', 'c2'], ['OBJECT', 'REFCOUNT', 'c2'], ['OBJECT', 'ENCODING', 'c2'],
    ['RENAME', 'c2', 'c3'], ['OBJECT', 'REFCOUNT', 'c3'], ['MOVE', 'c3', '1'], ['SELECT', '1'],
    ['OBJECT', 'REFCOUNT', 'c3'], ['SELECT', '0'], ['INCR', 'c'], ['OBJECT', 'REFCOUNT', 'c'], ['GET', 'c'],
    ['COPY', 'n', 'd'], ['APPEND', 'd', ''], ['OBJECT', 'ENCODING', 'd'], ['OBJECT', 'REFCOUNT', 'd'],
    ['COPY', 'n', 'e'], ['SETBIT', 'e', '0', '0'], ['OBJECT', 'ENCODING', 'e'], ['GET', 'e'],
    ['SET', 'big', '10000'], ['COPY', 'big', 'bc'], ['OBJECT', 'REFCOUNT', 'bc'], ['OBJECT', 'ENCODING', 'bc'],
    ['SET', 's', '0'], ['COPY', 's', 's2'], ['OBJECT', 'REFCOUNT', 's2'], ['STRLEN', 's2'], ['GETRANGE', 's2', 0, -1],
  ]);
});
