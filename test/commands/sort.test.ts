/* SORT / SORT_RO command tests against an in-process Respite: lists, sets and sorted sets, numeric
 * and ALPHA order, BY (keys, hash fields, constant patterns), GET (#, keys, hash fields, misses),
 * LIMIT clamping, DESC, STORE (list result, empty result deletes, events, dirty, source as
 * destination), weight parsing (strtod rules), C-string semantics of patterns and ALPHA compares,
 * tie order of the full and the partial sort, syntax errors, key extraction, RESP3 shape.
 * (Byte-for-byte agreement with Redis, incl. a seeded random sequence, is in test/differential/sort.) */

import { test, before, after, beforeEach } from 'node:test';
import * as assert from 'node:assert/strict';
import { startRespite, RawClient } from '../helpers/servers';
import type { RunningServer } from '../../src/index';
import { ListValue } from '../../src/store/list';
import { sortWeight, SortItem, setSortMode, sortItems, partialSort, sortCompare, alphaKey } from '../../src/commands/sort-core';

let srv: RunningServer;
let c: RawClient;
let events: string[] = [];

before(async () => {
  srv = await startRespite();
  c = await RawClient.connect(srv.port);
  srv.server.keyHooks.event.push((cls, event, key) => { events.push(`${event}:${key}`); void cls; });
});

after(async () => {
  c.close();
  await srv.close();
});

beforeEach(async () => {
  await c.call('FLUSHALL');
  events = [];
});

const ERR_SCORE = { error: 'ERR One or more scores can\'t be converted into double' };
const SYNTAX = { error: 'ERR syntax error' };
const NOT_INT = { error: 'ERR value is not an integer or out of range' };

test('sortWeight follows strtod over a C string', () => {
  assert.equal(sortWeight('10'), 10);
  assert.equal(sortWeight('-1.5'), -1.5);
  assert.equal(sortWeight(' \t7'), 7); // leading blanks
  assert.equal(sortWeight('7 '), null); // trailing garbage
  assert.equal(sortWeight(''), 0); // nothing to convert, nothing left over
  assert.equal(sortWeight('\x00abc'), 0); // empty C string
  assert.equal(sortWeight('12\x00zz'), 12); // the NUL ends the C string
  assert.equal(sortWeight('0x10'), 16);
  assert.equal(sortWeight('0x1p3'), 8);
  assert.equal(sortWeight('-0x.8'), -0.5);
  assert.equal(sortWeight('0x'), null);
  assert.equal(sortWeight('1e5'), 100000);
  assert.equal(sortWeight('1e'), null);
  assert.equal(sortWeight('5.'), 5);
  assert.equal(sortWeight('.5'), 0.5);
  assert.equal(sortWeight('.'), null);
  assert.equal(sortWeight('+'), null);
  assert.equal(sortWeight('inf'), Infinity);
  assert.equal(sortWeight('-Infinity'), -Infinity);
  assert.equal(sortWeight('infinit'), null);
  assert.equal(sortWeight('nan'), null);
  assert.equal(sortWeight('1e400'), null); // overflow: ERANGE
  assert.equal(sortWeight('1e-400'), null); // underflow to zero: ERANGE
  assert.equal(sortWeight('2.2e-308'), null); // subnormal: ERANGE
  assert.equal(sortWeight('2.2250738585072014e-308'), 2.2250738585072014e-308);
  assert.equal(sortWeight('0e-999'), 0);
  assert.equal(sortWeight('abc'), null);
});

test('partialSort puts the requested window in place like a full sort', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let round = 0; round < 200; round++) {
    const n = 1 + Math.floor(rnd() * 120);
    const items: SortItem[] = [];
    for (let i = 0; i < n; i++) {
      const it = new SortItem('e' + i);
      it.score = Math.floor(rnd() * 1000);
      items.push(it);
    }
    setSortMode(false, rnd() < 0.5);
    const full = items.slice();
    sortItems(full);
    const lo = Math.floor(rnd() * n), hi = lo + Math.floor(rnd() * (n - lo));
    const part = items.slice();
    partialSort(part, lo, hi);
    // Numeric ties are broken by the elements, which are distinct: the window is exact.
    assert.deepEqual(part.slice(lo, hi + 1).map((x) => x.obj), full.slice(lo, hi + 1).map((x) => x.obj));
  }
});

test('ALPHA keys are C strings (strcoll stops at NUL) unless storing (binary)', () => {
  assert.equal(alphaKey('a\x00b', false), 'a');
  assert.equal(alphaKey('a\x00b', true), 'a\x00b');
  assert.equal(alphaKey('\x00', false), '');
  const item = (k: string | null) => { const it = new SortItem('e'); it.cmpobj = k; return it; };
  setSortMode(true, false);
  assert.equal(sortCompare(item('a'), item('a')), 0);
  assert.equal(sortCompare(item(null), item('')), -1); // missing BY weights first
  assert.equal(sortCompare(item(null), item(null)), 0);
  assert.equal(sortCompare(item('\xff'), item('b')), 1);
  setSortMode(true, true);
  assert.equal(sortCompare(item(null), item('')), 1);
});

test('numeric sort of lists and sets; ties broken by the element bytes', async () => {
  await c.call('RPUSH', 'l', '3', '1', '2', '10', '-5', '1.5', ' 7', '0x10', 'inf', '', '01', '1');
  assert.deepEqual(await c.call('SORT', 'l'),
    ['-5', '', '01', '1', '1', '1.5', '2', '3', ' 7', '10', '0x10', 'inf']);
  assert.deepEqual(await c.call('SORT', 'l', 'DESC'),
    ['inf', '0x10', '10', ' 7', '3', '2', '1.5', '1', '1', '01', '', '-5']);
  await c.call('SADD', 's', '5', '-3', '100', '7');
  assert.deepEqual(await c.call('SORT', 's'), ['-3', '5', '7', '100']);
  await c.call('SADD', 'hs', 'x1', '2.5', '-0.5', '1e1');
  await c.call('SREM', 'hs', 'x1');
  assert.deepEqual(await c.call('SORT', 'hs'), ['-0.5', '2.5', '1e1']);
  assert.deepEqual(await c.call('SORT', 'nokey'), []);
  assert.deepEqual(await c.call('SORT_RO', 'nokey', 'GET', '#', 'GET', 'x'), []);
});

test('numeric errors: non-numbers, NaN, overflow', async () => {
  await c.call('RPUSH', 'l', '1', 'abc');
  assert.deepEqual(await c.call('SORT', 'l'), ERR_SCORE);
  assert.deepEqual(await c.call('SORT', 'l', 'LIMIT', '0', '0'), ERR_SCORE); // weights are read first
  await c.call('RPUSH', 'n', 'nan');
  assert.deepEqual(await c.call('SORT', 'n'), ERR_SCORE);
  assert.deepEqual(await c.call('SORT', 'n', 'ALPHA'), ['nan']);
  assert.deepEqual(await c.call('SORT', 'n', 'BY', 'nosort'), ['nan']); // nothing parsed
  assert.deepEqual(await c.call('SORT', 'l', 'STORE', 'dst'), ERR_SCORE);
  assert.equal(await c.call('EXISTS', 'dst'), 0);
});

test('ALPHA order is byte order; DESC keeps ties in input order', async () => {
  await c.call('RPUSH', 'l', 'b', 'B', '\xff', 'a', '', 'ab', '\x80');
  assert.deepEqual(await c.call('SORT', 'l', 'ALPHA'), ['', 'B', 'a', 'ab', 'b', '\x80', '\xff']);
  assert.deepEqual(await c.call('SORT', 'l', 'ALPHA', 'DESC'), ['\xff', '\x80', 'b', 'ab', 'a', 'B', '']);
  await c.call('RPUSH', 'z', 'a\x00c', 'a\x00b', 'a', 'a\x00a');
  assert.deepEqual(await c.call('SORT', 'z', 'ALPHA'), ['a\x00c', 'a\x00b', 'a', 'a\x00a']);
  assert.deepEqual(await c.call('SORT', 'z', 'ALPHA', 'DESC'), ['a\x00c', 'a\x00b', 'a', 'a\x00a']);
  assert.equal(await c.call('SORT', 'z', 'ALPHA', 'STORE', 'd'), 4);
  assert.deepEqual(await c.call('LRANGE', 'd', '0', '-1'), ['a', 'a\x00a', 'a\x00b', 'a\x00c']);
});

test('BY: key weights, hash fields, missing weights, non-string keys', async () => {
  await c.call('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
  await c.call('MSET', 'w_a', '3', 'w_b', '-1', 'w_c', '2.5');
  await c.call('RPUSH', 'w_d', 'x'); // not a string: weight missing
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'w_*'), ['b', 'd', 'e', 'c', 'a']);
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'w_*', 'DESC'), ['a', 'c', 'e', 'd', 'b']);
  await c.call('HSET', 'h_a', 'f', 'zz', 'n', '1');
  await c.call('HSET', 'h_b', 'f', 'aa');
  await c.call('HSET', 'h_c', 'g', 'x');
  await c.call('SET', 'h_d', 'str');
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'h_*->f', 'ALPHA'), ['c', 'd', 'e', 'b', 'a']);
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'h_*->f', 'ALPHA', 'DESC'), ['a', 'b', 'c', 'd', 'e']);
  // "->" with an empty field name is part of the key name.
  await c.call('SET', 'h_b->', '9');
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'h_*->'), ['a', 'c', 'd', 'e', 'b']);
  // Only the first '*' is replaced; the arrow must come after it.
  await c.call('SET', 'p_a_*', '5');
  await c.call('SET', 'p_b_*', '1');
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'p_*_*', 'LIMIT', '0', '2'), ['c', 'd']);
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'p_*_*', 'DESC', 'LIMIT', '0', '2'), ['a', 'b']);
  // "x->*": the arrow is before the '*', so "x->a" is a key name (a hash here: no weight, no value).
  await c.call('HSET', 'x->a', 'f', '1');
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'x->*', 'GET', 'x->*'), [null, null, null, null, null]);
});

test('BY without * (nosort): lists keep their order, DESC reverses, LIMIT picks the window', async () => {
  await c.call('RPUSH', 'l', '5', 'x', '1', 'y', '3');
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'nosort'), ['5', 'x', '1', 'y', '3']);
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'nosort', 'DESC'), ['3', 'y', '1', 'x', '5']);
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'nosort', 'LIMIT', '1', '2'), ['x', '1']);
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'nosort', 'LIMIT', '1', '2', 'DESC'), ['y', '1']);
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'nosort', 'LIMIT', '4', '10', 'DESC'), ['5']);
  // A '*' after a NUL byte does not count: still no sort.
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'w\x00*'), ['5', 'x', '1', 'y', '3']);
  // BY # has no '*': no sort either.
  assert.deepEqual(await c.call('SORT', 'l', 'BY', '#', 'GET', '#'), ['5', 'x', '1', 'y', '3']);
});

test('BY nosort on a set: own order, but STORE forces a binary ALPHA sort', async () => {
  await c.call('SADD', 's', '30', '4', '100', '-2');
  assert.deepEqual(await c.call('SORT', 's', 'BY', 'nosort'), ['-2', '4', '30', '100']); // intset order
  assert.deepEqual(await c.call('SORT', 's', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'), ['4', '30']);
  assert.equal(await c.call('SORT', 's', 'BY', 'nosort', 'STORE', 'd'), 4);
  assert.deepEqual(await c.call('LRANGE', 'd', '0', '-1'), ['-2', '100', '30', '4']);
  assert.equal(await c.call('SORT', 's', 'BY', 'nosort', 'DESC', 'LIMIT', '0', '3', 'STORE', 'd'), 3);
  assert.deepEqual(await c.call('LRANGE', 'd', '0', '-1'), ['4', '30', '100']);
  // The forced sort drops the BY pattern, so GET still works on the elements.
  assert.equal(await c.call('SORT', 's', 'BY', 'nosort', 'GET', '#', 'STORE', 'd'), 4);
});

test('sorted sets: converted to skiplist; BY nosort keeps score order (DESC / LIMIT windows)', async () => {
  await c.call('ZADD', 'z', '3', 'c', '1', 'a', '2', 'b', '0', 'd', '5', '10');
  assert.equal(await c.call('OBJECT', 'ENCODING', 'z'), 'listpack');
  assert.deepEqual(await c.call('SORT', 'z', 'BAD'), SYNTAX);
  assert.equal(await c.call('OBJECT', 'ENCODING', 'z'), 'listpack');
  assert.deepEqual(await c.call('SORT_RO', 'z', 'BY', 'nosort'), ['d', 'a', 'b', 'c', '10']);
  assert.equal(await c.call('OBJECT', 'ENCODING', 'z'), 'skiplist');
  assert.deepEqual(await c.call('SORT', 'z', 'BY', 'nosort', 'DESC'), ['10', 'c', 'b', 'a', 'd']);
  assert.deepEqual(await c.call('SORT', 'z', 'BY', 'nosort', 'LIMIT', '1', '2'), ['a', 'b']);
  assert.deepEqual(await c.call('SORT', 'z', 'BY', 'nosort', 'LIMIT', '1', '2', 'DESC'), ['c', 'b']);
  assert.deepEqual(await c.call('SORT', 'z', 'ALPHA', 'DESC'), ['d', 'c', 'b', 'a', '10']);
  assert.deepEqual(await c.call('SORT', 'z'), ERR_SCORE);
  await c.call('ZADD', 'zn', '1', '5', '2', '-3', '3', '1.5');
  assert.deepEqual(await c.call('SORT', 'zn'), ['-3', '1.5', '5']);
  assert.equal(await c.call('SORT', 'z', 'BY', 'nosort', 'LIMIT', '0', '2', 'STORE', 'd'), 2);
  assert.deepEqual(await c.call('LRANGE', 'd', '0', '-1'), ['d', 'a']);
});

test('GET: #, string keys, hash fields, misses; several GETs per element', async () => {
  await c.call('RPUSH', 'l', '2', '1', '3');
  await c.call('MSET', 'o_1', 'one', 'o_2', 'two');
  await c.call('HSET', 'h_1', 'name', 'uno');
  await c.call('RPUSH', 'o_3', 'notastring');
  assert.deepEqual(await c.call('SORT', 'l', 'GET', 'o_*'), ['one', 'two', null]);
  assert.deepEqual(await c.call('SORT', 'l', 'GET', '#', 'GET', 'o_*', 'GET', 'h_*->name'),
    ['1', 'one', 'uno', '2', 'two', null, '3', null, null]);
  assert.deepEqual(await c.call('SORT', 'l', 'GET', 'fixedkey'), [null, null, null]); // no '*'
  assert.deepEqual(await c.call('SORT', 'l', 'GET', 'o_*->name'), [null, null, null]); // not hashes
  assert.deepEqual(await c.call('SORT', 'l', 'GET', '#\x00ignored'), ['1', '2', '3']); // C-string "#"
  assert.deepEqual(await c.call('SORT', 'l', 'LIMIT', '1', '1', 'GET', '#', 'GET', 'o_*'), ['2', 'two']);
});

test('LIMIT clamping: negative offset, negative / huge count, offset past the end', async () => {
  await c.call('RPUSH', 'l', '4', '2', '3', '1');
  assert.deepEqual(await c.call('SORT', 'l', 'LIMIT', '-5', '2'), ['1', '2']);
  assert.deepEqual(await c.call('SORT', 'l', 'LIMIT', '1', '-3'), ['2', '3', '4']);
  assert.deepEqual(await c.call('SORT', 'l', 'LIMIT', '2', '9223372036854775807'), ['3', '4']);
  assert.deepEqual(await c.call('SORT', 'l', 'LIMIT', '4', '1'), []);
  assert.deepEqual(await c.call('SORT', 'l', 'LIMIT', '9223372036854775807', '1'), []);
  assert.deepEqual(await c.call('SORT', 'l', 'LIMIT', '0', '0'), []);
  assert.deepEqual(await c.call('SORT', 'l', 'LIMIT', '1', '1', 'LIMIT', '0', '1'), ['1']); // last wins
  assert.deepEqual(await c.call('SORT', 'l', 'LIMIT', '0', 'x'), NOT_INT);
  assert.deepEqual(await c.call('SORT', 'l', 'LIMIT', '9223372036854775808', '1'), NOT_INT);
});

test('syntax errors come before the type check; STORE is not an option of SORT_RO', async () => {
  await c.call('SET', 'str', 'x');
  await c.call('RPUSH', 'l', '1');
  assert.deepEqual(await c.call('SORT', 'str'), { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
  await c.call('HSET', 'h', 'a', '1');
  assert.deepEqual(await c.call('SORT_RO', 'h'), { error: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
  assert.deepEqual(await c.call('SORT', 'str', 'FOO'), SYNTAX);
  assert.deepEqual(await c.call('SORT', 'str', 'LIMIT', 'a', '1'), NOT_INT);
  for (const args of [['LIMIT'], ['LIMIT', '1'], ['BY'], ['GET'], ['STORE'], ['ASC', 'x']]) {
    assert.deepEqual(await c.call('SORT', 'l', ...args), SYNTAX, args.join(' '));
  }
  assert.deepEqual(await c.call('SORT_RO', 'l', 'STORE', 'd'), SYNTAX);
  assert.deepEqual(await c.call('sort', 'l', 'desc', 'Asc', 'alpha', 'Limit', '0', '1'), ['1']);
  assert.deepEqual(await c.call('SORT'), { error: 'ERR wrong number of arguments for \'sort\' command' });
});

test('STORE: list result, TTL dropped, empty result deletes, source as destination, events', async () => {
  await c.call('RPUSH', 'l', '3', '1', '2');
  await c.call('SET', 'dst', 'old', 'EX', '100');
  const dirty0 = srv.server.dirty;
  events = [];
  assert.equal(await c.call('SORT', 'l', 'STORE', 'dst'), 3);
  assert.equal(srv.server.dirty - dirty0, 3); // one per stored element
  assert.deepEqual(events, ['sortstore:dst']);
  assert.deepEqual(await c.call('TYPE', 'dst'), { simple: 'list' });
  assert.equal(await c.call('TTL', 'dst'), -1);
  assert.ok(srv.server.dbs[0].peek('dst') instanceof ListValue);
  assert.deepEqual(await c.call('LRANGE', 'dst', '0', '-1'), ['1', '2', '3']);
  // GET misses are stored as empty strings; the count includes every GET.
  assert.equal(await c.call('SORT', 'l', 'GET', '#', 'GET', 'nope_*', 'STORE', 'dst'), 6);
  assert.deepEqual(await c.call('LRANGE', 'dst', '0', '-1'), ['1', '', '2', '', '3', '']);
  // Empty result: destination deleted ("del"), reply 0; nothing happens when it is absent.
  events = [];
  assert.equal(await c.call('SORT', 'l', 'LIMIT', '0', '0', 'STORE', 'dst'), 0);
  assert.equal(await c.call('EXISTS', 'dst'), 0);
  assert.deepEqual(events, ['del:dst']);
  events = [];
  const dirty1 = srv.server.dirty;
  assert.equal(await c.call('SORT', 'nokey', 'STORE', 'dst'), 0);
  assert.deepEqual(events, []);
  assert.equal(srv.server.dirty, dirty1);
  // Sorting a key into itself.
  assert.equal(await c.call('SORT', 'l', 'DESC', 'STORE', 'l'), 3);
  assert.deepEqual(await c.call('LRANGE', 'l', '0', '-1'), ['3', '2', '1']);
  // Last STORE wins.
  assert.equal(await c.call('SORT', 'l', 'STORE', 'a', 'STORE', 'b'), 3);
  assert.deepEqual([await c.call('EXISTS', 'a'), await c.call('EXISTS', 'b')], [0, 1]);
});

test('ALPHA with BY: missing weights first, ties keep input order (full sort) or pqsort order (LIMIT)', async () => {
  await c.call('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j');
  await c.call('MSET', 'w_c', 'x', 'w_f', 'x', 'w_a', 'm');
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'w_*', 'ALPHA'), ['b', 'd', 'e', 'g', 'h', 'i', 'j', 'a', 'c', 'f']);
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'w_*', 'ALPHA', 'DESC'), ['c', 'f', 'a', 'b', 'd', 'e', 'g', 'h', 'i', 'j']);
  // The partial quicksort (BY + narrowing LIMIT) orders ties its own way (values checked against Redis 7.0).
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'w_*', 'ALPHA', 'LIMIT', '0', '9'), ['d', 'b', 'j', 'h', 'e', 'i', 'g', 'a', 'f']);
  assert.deepEqual(await c.call('SORT', 'l', 'BY', 'w_*', 'ALPHA', 'LIMIT', '2', '3', 'DESC'), ['a', 'g', 'e']);
});

test('COMMAND GETKEYS follows sortGetKeys / sortROGetKeys', async () => {
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'SORT', 'a', 'BY', 'x', 'GET', 'y', 'STORE', 'd'), ['a', 'd']);
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'SORT', 'a', 'STORE', 'd', 'STORE', 'e'), ['a', 'e']);
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'SORT', 'a', 'LIMIT', 'store', '1', 'store', 'd'), ['a', 'd']);
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'SORT', 'a', 'GET', 'store', 'd'), ['a']);
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'SORT', 'a', 'STORE'), ['a']);
  assert.deepEqual(await c.call('COMMAND', 'GETKEYS', 'SORT_RO', 'a', 'STORE', 'd'), ['a']);
  assert.deepEqual(await c.call('COMMAND', 'GETKEYSANDFLAGS', 'SORT', 'a', 'STORE', 'd'),
    [['a', [{ simple: 'RO' }, { simple: 'access' }]], ['d', [{ simple: 'OW' }, { simple: 'update' }]]]);
});

test('RESP3 replies have the RESP2 shape (array of bulks and nulls)', async () => {
  const c3 = await RawClient.connect(srv.port);
  try {
    await c3.call('HELLO', '3');
    await c3.call('RPUSH', 'l', '2', '1');
    assert.equal(await c3.raw('SORT', 'l', 'GET', '#', 'GET', 'nokey_*'), '*4\r\n$1\r\n1\r\n_\r\n$1\r\n2\r\n_\r\n');
    assert.equal(await c3.raw('SORT_RO', 'l'), '*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
  } finally {
    c3.close();
  }
});
