/* Differential tests of the string family: the same commands against real Redis 7.0 and Respite,
 * replies compared byte for byte. Edge cases per command, INCRBYFLOAT against many random
 * decimals, then a seeded random sequence over a small key set. */

import { test, before, after } from 'node:test';
import { Pair, rng } from '../helpers/servers';

let pair: Pair;

/** Store a list at `key` on both servers (for the WRONGTYPE paths). */
async function makeList(key: string): Promise<void> {
  await pair.same('DEL', key);
  await pair.same('RPUSH', key, 'x');
}

/** Remove keys on both sides with a string-family command (GETDEL), whatever they hold. */
async function drop(...keys: string[]): Promise<void> {
  for (const k of keys) {
    await pair.theirs.call('DEL', k);
    pair.respiteServer.server.dbs[0].delete(k);
  }
}

before(async () => {
  pair = await Pair.start();
  await makeList('lst');
});

after(async () => {
  await pair.close();
});

test('GET / SET: options, conflicts, expire validation, GET flag', async () => {
  await pair.sameAll([
    ['GET', 'nokey'], ['SET', 's1', 'hello'], ['GET', 's1'], ['SET', 's1', ''], ['GET', 's1'],
    ['SET', 's1', 'v', 'NX'], ['SET', 's1', 'v2', 'XX'], ['GET', 's1'], ['SET', 'snew', 'v', 'XX'], ['GET', 'snew'],
    ['SET', 's1', 'v', 'nx', 'xx'], ['SET', 's1', 'v', 'XX', 'NX'], ['SET', 's1', 'v', 'NX', 'NX'],
    ['SET', 's1', 'v', 'EX', '10', 'PX', '100'], ['SET', 's1', 'v', 'EX', '10', 'EX', '20'],
    ['SET', 's1', 'v', 'KEEPTTL', 'EX', '10'], ['SET', 's1', 'v', 'EX', '10', 'KEEPTTL'],
    ['SET', 's1', 'v', 'EX'], ['SET', 's1', 'v', 'PERSIST'], ['SET', 's1', 'v', 'FOO'],
    ['SET', 's1', 'v', 'EX', 'abc'], ['SET', 's1', 'v', 'EX', '0'], ['SET', 's1', 'v', 'EX', '-5'],
    ['SET', 's1', 'v', 'PX', '0'], ['SET', 's1', 'v', 'EX', '1.5'], ['SET', 's1', 'v', 'EX', ' 10'],
    ['SET', 's1', 'v', 'EX', '9223372036854775807'], ['SET', 's1', 'v', 'EX', '9223372036854775'],
    ['SET', 's1', 'v', 'EX', '9223372036854776'], ['SET', 's1', 'v', 'PX', '9223372036854775807'],
    ['SET', 's1', 'v', 'EXAT', '9223372036854775'], ['SET', 's1', 'v', 'EXAT', '9223372036854776'],
    ['SET', 's1', 'v', 'PXAT', '9223372036854775807'], ['SET', 's1', 'v', 'EX', '9223372036854775808'],
    ['GET', 's1'],
    ['SET', 's1', 'v', 'PX', '100000'], ['SET', 's1', 'v', 'EXAT', '4000000000'], ['SET', 's1', 'v', 'pxat', '4000000000000'],
    ['SET', 's1', 'v', 'keepttl'], ['SET', 's1', 'v', 'Ex', '100', 'nX'], ['SET', 's1', 'w', 'GET'],
    ['SET', 's1', 'x', 'GET', 'NX'], ['SET', 's1', 'y', 'NX', 'GET'], ['GET', 's1'], ['SET', 'sg', 'z', 'GET', 'XX'],
    ['GET', 'sg'], ['SET', 'sg', 'z', 'GET'], ['SET', 'sg', 'z2', 'GET', 'EX', '0'], ['GET', 'sg'],
    ['SET', 'lst', 'v', 'GET'], ['SET', 'lst', 'v', 'NX'], ['GET', 'lst'],
    ['SET', 's1', 'v', 'PXAT', '1'], ['GET', 's1'], ['SET', 's1', 'v', 'EXAT', '1', 'GET'], ['GET', 's1'],
    ['SET', 's1', 'v', 'nx\0junk'], ['SET', 's1'], ['GET'], ['GET', 'a', 'b'],
    ['SET', 'bin', Buffer.from([0, 1, 2, 255, 13, 10])], ['GET', 'bin'],
  ]);
});

test('SETNX / SETEX / PSETEX / GETSET / GETDEL', async () => {
  await drop('n1', 'n2');
  await pair.sameAll([
    ['SETNX', 'n1', 'a'], ['SETNX', 'n1', 'b'], ['GET', 'n1'], ['SETNX', 'lst', 'b'], ['SETNX', 'n1'],
    ['SETEX', 'n2', '100', 'v'], ['GET', 'n2'], ['SETEX', 'n2', '0', 'v'], ['SETEX', 'n2', '-1', 'v'],
    ['SETEX', 'n2', 'x', 'v'], ['SETEX', 'n2', '9223372036854775807', 'v'], ['SETEX', 'lst', '10', 'v'],
    ['PSETEX', 'n2', '100000', 'w'], ['GET', 'n2'], ['PSETEX', 'n2', '0', 'w'], ['PSETEX', 'n2', '1.5', 'w'],
    ['PSETEX', 'n2', '9223372036854775807', 'w'], ['SETEX', 'n2', '10'],
    ['GETSET', 'n1', 'c'], ['GETSET', 'nx1', 'c'], ['GET', 'nx1'], ['GETSET', 'lst', 'c'],
    ['GETDEL', 'nx1'], ['GETDEL', 'nx1'], ['GET', 'nx1'], ['GETDEL', 'lst'], ['GETDEL', 'a', 'b'],
  ]);
  await makeList('lst');
});

test('GETEX: options, errors and their order, PERSIST and past timestamps', async () => {
  await drop('ge');
  await pair.sameAll([
    ['GETEX', 'ge'], ['GETEX', 'ge', 'EX', 'abc'], ['GETEX', 'ge', 'FOO'], ['GETEX', 'ge', 'EX', '10', 'PX', '10'],
    ['SET', 'ge', 'val'], ['GETEX', 'ge'], ['GETEX', 'ge', 'EX', '100'], ['GETEX', 'ge', 'PX', '100000'],
    ['GETEX', 'ge', 'EXAT', '4000000000'], ['GETEX', 'ge', 'PXAT', '4000000000000'], ['GETEX', 'ge', 'PERSIST'],
    ['GETEX', 'ge', 'PERSIST'], ['GETEX', 'ge', 'EX', '0'], ['GETEX', 'ge', 'EX', '-1'], ['GETEX', 'ge', 'EX', 'x'],
    ['GETEX', 'ge', 'EX', '9223372036854775807'], ['GETEX', 'ge', 'PERSIST', 'EX', '10'],
    ['GETEX', 'ge', 'EX', '10', 'PERSIST'], ['GETEX', 'ge', 'KEEPTTL'], ['GETEX', 'ge', 'NX'], ['GETEX', 'ge', 'GET'],
    ['GETEX', 'ge', 'EX'], ['GETEX', 'ge', 'ex', '10', 'ex', '20'], ['GETEX', 'lst'], ['GETEX', 'lst', 'EX', 'x'],
    ['GETEX', 'lst', 'FOO'], ['GETEX', 'ge', 'PXAT', '1'], ['GET', 'ge'], ['SET', 'ge', 'v2'],
    ['GETEX', 'ge', 'EXAT', '1'], ['GETEX', 'ge'], ['GETEX'],
  ]);
});

test('MGET / MSET / MSETNX', async () => {
  await drop('m1', 'm2', 'm3');
  await pair.sameAll([
    ['MGET', 'm1', 'm2'], ['MSET', 'm1', 'a', 'm2', 'b'], ['MGET', 'm1', 'm2', 'm3', 'lst', 'm1'],
    ['MSET', 'm1'], ['MSET', 'm1', 'a', 'm2'], ['MSETNX', 'm1', 'x', 'm3', 'y'], ['MGET', 'm1', 'm3'],
    ['MSETNX', 'm3', 'x', 'm4', 'y'], ['MGET', 'm3', 'm4'], ['MSETNX', 'm5', '1', 'm5', '2'], ['GET', 'm5'],
    ['MSET', 'm6', '1', 'm6', '2'], ['GET', 'm6'], ['MSETNX', 'lst', 'x'], ['MSET', 'lst', 'x'], ['GET', 'lst'],
    ['MSETNX', 'a'], ['MGET'],
  ]);
  await makeList('lst');
});

test('APPEND / STRLEN / GETRANGE / SUBSTR / SETRANGE', async () => {
  await drop('ap', 'sr', 'sr2');
  const big = 'x'.repeat(300);
  await pair.sameAll([
    ['APPEND', 'ap', 'hello'], ['APPEND', 'ap', ' world'], ['GET', 'ap'], ['STRLEN', 'ap'], ['STRLEN', 'nokey'],
    ['APPEND', 'ap', ''], ['APPEND', 'ap', big], ['STRLEN', 'ap'], ['APPEND', 'lst', 'x'], ['STRLEN', 'lst'],
    ['SET', 'num', '12345'], ['APPEND', 'num', '6'], ['GET', 'num'], ['INCR', 'num'], ['STRLEN', 'num'],
    ['GETRANGE', 'ap', '0', '4'], ['GETRANGE', 'ap', '-5', '-1'], ['GETRANGE', 'ap', '5', '3'],
    ['GETRANGE', 'ap', '-1', '-5'], ['GETRANGE', 'ap', '0', '-1'], ['GETRANGE', 'ap', '-1000', '1000'],
    ['GETRANGE', 'ap', '1000', '2000'], ['GETRANGE', 'ap', '0', '0'], ['GETRANGE', 'nokey', '0', '-1'],
    ['GETRANGE', 'ap', 'a', '1'], ['GETRANGE', 'ap', '1', 'b'], ['GETRANGE', 'lst', '0', '1'], ['GETRANGE', 'lst', 'x', '1'],
    ['GETRANGE', 'nokey', 'x', '1'], ['GETRANGE', 'num', '1', '3'],
    ['GETRANGE', 'ap', '-9223372036854775808', '9223372036854775807'],
    ['GETRANGE', 'ap', '-9223372036854775807', '-9223372036854775808'],
    ['GETRANGE', 'ap', '-9223372036854775808', '-9223372036854775807'],
    ['GETRANGE', 'ap', '9223372036854775807', '9223372036854775807'], ['GETRANGE', 'ap', '0', '9223372036854775808'],
    ['SUBSTR', 'ap', '0', '3'], ['SUBSTR', 'ap', '-3', '-1'], ['SUBSTR', 'ap', 'x', '1'],
    ['SETRANGE', 'sr', '5', 'abc'], ['GET', 'sr'], ['SETRANGE', 'sr', '0', 'XY'], ['GET', 'sr'],
    ['SETRANGE', 'sr', '1', ''], ['SETRANGE', 'sr2', '1', ''], ['GET', 'sr2'], ['SETRANGE', 'sr2', '-1', ''],
    ['SETRANGE', 'sr', '-1', 'x'], ['SETRANGE', 'sr', 'x', 'x'], ['SETRANGE', 'sr', '1.5', 'x'],
    ['SETRANGE', 'sr', '536870911', ''], ['SETRANGE', 'sr', '536870912', 'x'], ['SETRANGE', 'sr2', '536870912', 'x'],
    ['SETRANGE', 'sr', '9223372036854775807', 'x'], ['SETRANGE', 'sr', '9223372036854775808', 'x'],
    ['SETRANGE', 'lst', '0', 'x'], ['SETRANGE', 'lst', '0', ''], ['SETRANGE', 'lst', '-1', 'x'],
    ['SETRANGE', 'sr', '20', 'tail'], ['GET', 'sr'], ['STRLEN', 'sr'], ['SETRANGE', 'num', '0', '9'], ['GET', 'num'],
    ['INCR', 'num'], ['SETRANGE', 'sr', '2', Buffer.from([0, 255])], ['GETRANGE', 'sr', '0', '5'],
  ]);
});

test('INCR family: overflow, parsing, TTL kept', async () => {
  await drop('i1');
  await pair.sameAll([
    ['INCR', 'i1'], ['INCRBY', 'i1', '10'], ['DECR', 'i1'], ['DECRBY', 'i1', '5'], ['GET', 'i1'],
    ['INCRBY', 'i1', '-100'], ['DECRBY', 'i1', '-100'],
    ['SET', 'i1', '9223372036854775806'], ['INCR', 'i1'], ['INCR', 'i1'], ['GET', 'i1'],
    ['INCRBY', 'i1', '-9223372036854775807'], ['INCRBY', 'i1', '9223372036854775807'],
    ['SET', 'i1', '-9223372036854775807'], ['DECR', 'i1'], ['DECR', 'i1'], ['DECRBY', 'i1', '1'],
    ['INCRBY', 'i1', '9223372036854775807'], ['INCRBY', 'i1', '9223372036854775807'],
    ['SET', 'i1', '9007199254740991'], ['INCR', 'i1'], ['INCR', 'i1'], ['INCRBY', 'i1', '9007199254740993'],
    ['DECRBY', 'i1', '18014398509481990'], ['DECRBY', 'i1', '-9223372036854775808'],
    ['DECRBY', 'i1', '-9223372036854775807'], ['DECRBY', 'i1', '9223372036854775807'],
    ['DECRBY', 'x', '-9223372036854775808'], ['DECRBY', 'lst', '-9223372036854775808'],
    ['INCRBY', 'i1', '9223372036854775808'], ['INCRBY', 'i1', '1.0'], ['INCRBY', 'i1', ' 1'], ['INCRBY', 'i1', '+1'],
    ['INCRBY', 'i1', '01'], ['INCRBY', 'i1', '-0'], ['INCRBY', 'i1', ''], ['INCRBY', 'lst', 'x'], ['INCRBY', 'lst', '1'],
    ['SET', 'i1', 'abc'], ['INCR', 'i1'], ['SET', 'i1', '1.5'], ['INCR', 'i1'], ['SET', 'i1', ' 1'], ['INCR', 'i1'],
    ['SET', 'i1', '123456789012345678901'], ['INCR', 'i1'], ['SET', 'i1', ''], ['INCR', 'i1'], ['INCR', 'lst'],
    ['SET', 'i1', '-0'], ['INCR', 'i1'], ['SET', 'i1', '007'], ['DECR', 'i1'],
    ['SET', 'i1', '10', 'EX', '1000'], ['INCR', 'i1'], ['GETEX', 'i1', 'PERSIST'], ['INCR', 'i1'],
  ]);
});

test('INCRBYFLOAT: long double arithmetic and formatting, errors', async () => {
  await drop('f1');
  await pair.sameAll([
    ['INCRBYFLOAT', 'f1', '0.1'], ['INCRBYFLOAT', 'f1', '0.2'], ['INCRBYFLOAT', 'f1', '-0.3'], ['GET', 'f1'],
    ['SET', 'f1', '10.50'], ['INCRBYFLOAT', 'f1', '0.1'], ['INCRBYFLOAT', 'f1', '-5.0e3'], ['INCRBYFLOAT', 'f1', '5.0e3'],
    ['SET', 'f1', '5'], ['INCRBYFLOAT', 'f1', '2'], ['INCRBYFLOAT', 'f1', '1e400'], ['INCRBYFLOAT', 'f1', '-1e400'],
    ['INCRBYFLOAT', 'f1', '1.1e4932'], ['INCRBYFLOAT', 'f1', '1.1e4932'], ['INCRBYFLOAT', 'f1', '1.2e4932'],
    ['SET', 'f1', '0'], ['INCRBYFLOAT', 'f1', '1e-4950'], ['INCRBYFLOAT', 'f1', '1e-5000'], ['INCRBYFLOAT', 'f1', '0e-5000'],
    ['INCRBYFLOAT', 'f1', '0.000003814697265625'], ['INCRBYFLOAT', 'f1', '0.000000000000000005'],
    ['SET', 'f1', '0'], ['INCRBYFLOAT', 'f1', '-0.000000000000000001'], ['INCRBYFLOAT', 'f1', '-0'],
    ['INCRBYFLOAT', 'f1', 'inf'], ['INCRBYFLOAT', 'f1', '-inf'], ['INCRBYFLOAT', 'f1', 'Infinity'],
    ['INCRBYFLOAT', 'f1', 'infinit'], ['INCRBYFLOAT', 'f1', 'nan'], ['INCRBYFLOAT', 'f1', 'NaN(12)'],
    ['INCRBYFLOAT', 'f1', ''], ['INCRBYFLOAT', 'f1', ' 1'], ['INCRBYFLOAT', 'f1', '1 '], ['INCRBYFLOAT', 'f1', '1e'],
    ['INCRBYFLOAT', 'f1', '.'], ['INCRBYFLOAT', 'f1', '.5'], ['INCRBYFLOAT', 'f1', '5.'], ['INCRBYFLOAT', 'f1', '+1.5'],
    ['INCRBYFLOAT', 'f1', '0x10'], ['INCRBYFLOAT', 'f1', '0x1.8p1'], ['INCRBYFLOAT', 'f1', '-0x.8'],
    ['INCRBYFLOAT', 'f1', '0x'], ['INCRBYFLOAT', 'f1', '0x1p'], ['INCRBYFLOAT', 'f1', '1e+2'], ['INCRBYFLOAT', 'f1', '1E-2'],
    ['INCRBYFLOAT', 'f1', '1.5\0'], ['INCRBYFLOAT', 'f1', '0x1p99999'], ['INCRBYFLOAT', 'f1', '0x1p-99999'],
    ['INCRBYFLOAT', 'f1', '1' + '0'.repeat(5200)], ['INCRBYFLOAT', 'f1', '0.' + '0'.repeat(5000) + '1'],
    ['INCRBYFLOAT', 'f1', '1' + '0'.repeat(4000)], ['INCRBYFLOAT', 'f1', '-1' + '0'.repeat(4000)],
    ['INCRBYFLOAT', 'f1', '1e99999999999999999999'], ['INCRBYFLOAT', 'f1', '1e-99999999999999999999'],
    ['INCRBYFLOAT', 'lst', '1'], ['INCRBYFLOAT', 'lst', 'x'], ['SET', 'f1', 'abc'], ['INCRBYFLOAT', 'f1', 'x'],
    ['INCRBYFLOAT', 'f1', '1'], ['SET', 'f1', 'inf'], ['INCRBYFLOAT', 'f1', '1'], ['SET', 'f1', '1e4932'],
    ['INCRBYFLOAT', 'f1', '1e4932'], ['SET', 'f1', '9223372036854775807'], ['INCRBYFLOAT', 'f1', '1'],
    ['INCRBYFLOAT', 'f1', '0.5'], ['SET', 'f1', '3.0'], ['INCR', 'f1'], ['INCRBYFLOAT', 'f1', '0.0'], ['INCR', 'f1'],
    ['SET', 'f1', '1.23456789012345678901234567890'], ['INCRBYFLOAT', 'f1', '0'],
    ['SET', 'f1', '1', 'EX', '1000'], ['INCRBYFLOAT', 'f1', '1.5'], ['GETEX', 'f1', 'PERSIST'],
  ]);
});

test('stored representation: OBJECT ENCODING and TTL after each kind of write', async () => {
  await drop('e1', 'e2', 'e3');
  const enc = (k: string) => ['OBJECT', 'ENCODING', k];
  await pair.sameAll([
    ['SET', 'e1', '123'], enc('e1'), ['SET', 'e1', '-9223372036854775808'], enc('e1'), ['SET', 'e1', '12345678901234567890'],
    enc('e1'), ['SET', 'e1', '0123'], enc('e1'), ['SET', 'e1', 'x'.repeat(44)], enc('e1'), ['SET', 'e1', 'x'.repeat(45)],
    enc('e1'), ['APPEND', 'e2', '123'], enc('e2'), ['APPEND', 'e2', ''], enc('e2'), ['INCR', 'e2'], enc('e2'),
    ['SETRANGE', 'e2', '0', ''], enc('e2'), ['SETRANGE', 'e2', '0', '9'], enc('e2'), ['SETRANGE', 'e3', '2', 'ab'], enc('e3'),
    ['SET', 'e1', '1'], ['INCRBYFLOAT', 'e1', '2'], enc('e1'), ['INCRBYFLOAT', 'e1', '0.5'], enc('e1'),
    ['INCRBYFLOAT', 'e1', '1e30'], enc('e1'), ['INCRBYFLOAT', 'e1', '1e60'], enc('e1'), ['SET', 'e1', '5'],
    ['INCRBYFLOAT', 'e1', '0'], enc('e1'), ['APPEND', 'e1', ''], enc('e1'), ['GETEX', 'e1', 'EX', '100'], enc('e1'),
    ['MSET', 'e1', '42', 'e2', 'abc'], enc('e1'), enc('e2'), ['GETSET', 'e1', '7'], enc('e1'), ['SETEX', 'e1', '100', '8'],
    enc('e1'), ['DECRBY', 'e1', '3'], enc('e1'), ['INCRBYFLOAT', 'e3', '1'], enc('e3'),
    // TTL survival: kept by INCR*/APPEND/SETRANGE/KEEPTTL/GETEX, dropped by SET/GETSET/MSET.
    ['SET', 'e1', '1', 'EX', '100'], ['INCR', 'e1'], ['TTL', 'e1'], ['INCRBYFLOAT', 'e1', '1.5'], ['TTL', 'e1'],
    ['APPEND', 'e1', 'x'], ['TTL', 'e1'], ['SETRANGE', 'e1', '0', 'y'], ['TTL', 'e1'], ['SET', 'e1', 'v', 'KEEPTTL'],
    ['TTL', 'e1'], ['SET', 'e1', 'v', 'XX'], ['TTL', 'e1'], ['SETEX', 'e1', '100', 'v'], ['GETSET', 'e1', 'w'], ['TTL', 'e1'],
    ['PSETEX', 'e1', '100000', 'v'], ['MSET', 'e1', 'z'], ['TTL', 'e1'], ['SET', 'e1', 'v', 'EXAT', '4000000000'],
    ['EXPIRETIME', 'e1'], ['SET', 'e1', 'v', 'PXAT', '4000000000123'], ['PEXPIRETIME', 'e1'], ['GETEX', 'e1', 'PERSIST'],
    ['TTL', 'e1'], ['GETEX', 'e1', 'EXAT', '4100000000'], ['EXPIRETIME', 'e1'], ['GETEX', 'e1'], ['EXPIRETIME', 'e1'],
    ['GETEX', 'e1', 'PXAT', '9007199254740991'], ['PEXPIRETIME', 'e1'],
  ]);
});

test('INCRBYFLOAT: random decimals agree exactly with Redis', async () => {
  const r = rng(0xf10a7);
  const num = (): string => {
    const sign = r() < 0.4 ? '-' : '';
    const kind = r();
    if (kind < 0.3) return sign + (r() * 10 ** Math.floor(r() * 8)).toFixed(Math.floor(r() * 12));
    if (kind < 0.5) return sign + Math.floor(r() * 1e6) + 'e' + (Math.floor(r() * 60) - 30);
    if (kind < 0.7) return sign + '0.' + String(Math.floor(r() * 1e9)).padStart(Math.floor(r() * 15) + 1, '0');
    if (kind < 0.85) return sign + String(r() * 10 ** (Math.floor(r() * 40) - 20));
    return sign + (Math.floor(r() * 2 ** 53)).toString() + '.' + Math.floor(r() * 1000);
  };
  for (let i = 0; i < 600; i++) {
    if (i % 25 === 0) await pair.same('SET', 'rf', num());
    await pair.same('INCRBYFLOAT', 'rf', num());
  }
});

test('LCS: plain, LEN, IDX with MINMATCHLEN / WITHMATCHLEN, errors, RESP3', async () => {
  await drop('l1', 'l2', 'l3');
  await pair.sameAll([
    ['MSET', 'l1', 'ohmytext', 'l2', 'mynewtext'], ['LCS', 'l1', 'l2'], ['LCS', 'l1', 'l2', 'LEN'],
    ['LCS', 'l1', 'l2', 'IDX'], ['LCS', 'l1', 'l2', 'IDX', 'MINMATCHLEN', '4'], ['LCS', 'l1', 'l2', 'idx', 'withmatchlen'],
    ['LCS', 'l1', 'l2', 'IDX', 'MINMATCHLEN', '-5', 'WITHMATCHLEN'], ['LCS', 'l1', 'l2', 'MINMATCHLEN', '2'],
    ['LCS', 'l1', 'l2', 'IDX', 'LEN'], ['LCS', 'l1', 'l2', 'LEN', 'IDX'], ['LCS', 'l1', 'l2', 'FOO'],
    ['LCS', 'l1', 'l2', 'MINMATCHLEN'], ['LCS', 'l1', 'l2', 'MINMATCHLEN', 'x'], ['LCS', 'l1', 'l2', 'MINMATCHLEN', 'x', 'IDX', 'LEN'],
    ['LCS', 'l1', 'l3'], ['LCS', 'l3', 'l1', 'IDX'], ['LCS', 'l3', 'l3', 'LEN'], ['LCS', 'l1', 'l1', 'IDX', 'WITHMATCHLEN'],
    ['LCS', 'lst', 'l1'], ['LCS', 'l1', 'lst', 'FOO'], ['LCS', 'l1'], ['LCS', 'l1', 'l2', 'len\0x'],
    ['SET', 'l3', 'a'.repeat(12000)], ['LCS', 'l3', 'l3'], ['LCS', 'l3', 'l3', 'IDX', 'LEN'], ['LCS', 'l3', 'l1', 'LEN'],
  ]);
  const r = rng(77);
  const rs = (n: number) => { let s = ''; for (let i = 0; i < n; i++) s += 'abcd'[Math.floor(r() * 4)]; return s; };
  for (let i = 0; i < 40; i++) {
    await pair.sameAll([['MSET', 'l1', rs(Math.floor(r() * 40)), 'l2', rs(Math.floor(r() * 40))], ['LCS', 'l1', 'l2'],
      ['LCS', 'l1', 'l2', 'IDX', 'WITHMATCHLEN', 'MINMATCHLEN', String(Math.floor(r() * 3))]]);
  }
  await pair.both('HELLO', '3');
  await pair.sameAll([['LCS', 'l1', 'l2', 'IDX', 'WITHMATCHLEN'], ['LCS', 'l1', 'l2', 'IDX'], ['MGET', 'l1', 'nokey'], ['GET', 'nokey'],
    ['INCRBYFLOAT', 'f1', '1.5'], ['GETEX', 'nokey']]);
  await pair.both('HELLO', '2');
});

test('seeded random sequence of string commands matches Redis', async () => {
  const keys = ['r0', 'r1', 'r2', 'r3', 'r4'];
  await drop(...keys);
  const r = rng(20240607);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const int = (): string => pick(['0', '1', '-1', '7', '100', '-42', String(Math.floor(r() * 1e6) - 5e5),
    '9223372036854775807', '-9223372036854775808', '9223372036854775806', 'x', '1.5', '']);
  const val = (): string => pick(['', 'a', 'hello', '12', '-3', '3.5', '0', 'abcdefghijklmnopqrstuvwxyz0123456789abcdefghij',
    String(Math.floor(r() * 1000)), '9223372036854775807', '1e3', 'foo bar']);
  const idx = (): string => String(Math.floor(r() * 30) - 15);
  const flt = (): string => pick(['0.1', '-0.1', '1.5', '3', '-2.25', '1e2', '0.3333', '5.0e3', 'abc', '1e-5', '100.001']);
  for (let i = 0; i < 3000; i++) {
    const k = pick(keys);
    let cmd: string[];
    switch (Math.floor(r() * 26)) {
      case 0: cmd = ['SET', k, val()]; break;
      case 1: cmd = ['SET', k, val(), pick(['NX', 'XX', 'GET', 'KEEPTTL', 'NX', 'XX'])]; break;
      case 2: cmd = ['SET', k, val(), 'EX', pick(['100', '0', 'x', '1000'])]; break;
      case 3: cmd = ['GET', k]; break;
      case 4: cmd = ['SETNX', k, val()]; break;
      case 5: cmd = ['GETSET', k, val()]; break;
      case 6: cmd = ['GETDEL', k]; break;
      case 7: cmd = ['GETEX', k, ...pick([[], ['PERSIST'], ['EX', '100'], ['PXAT', '1'], ['PX', '0']])]; break;
      case 8: cmd = ['MGET', k, pick(keys), pick(keys)]; break;
      case 9: cmd = ['MSET', k, val(), pick(keys), val()]; break;
      case 10: cmd = ['MSETNX', k, val(), pick(keys), val()]; break;
      case 11: cmd = ['APPEND', k, val()]; break;
      case 12: cmd = ['STRLEN', k]; break;
      case 13: cmd = [pick(['GETRANGE', 'SUBSTR']), k, idx(), idx()]; break;
      case 14: cmd = ['SETRANGE', k, String(Math.floor(r() * 20) - 1), val()]; break;
      case 15: cmd = ['INCR', k]; break;
      case 16: cmd = ['DECR', k]; break;
      case 17: cmd = ['INCRBY', k, int()]; break;
      case 18: cmd = ['DECRBY', k, int()]; break;
      case 19: cmd = ['INCRBYFLOAT', k, flt()]; break;
      case 20: cmd = ['LCS', k, pick(keys), ...pick([[], ['LEN'], ['IDX'], ['IDX', 'WITHMATCHLEN', 'MINMATCHLEN', '2']])]; break;
      case 21: cmd = ['SETEX', k, pick(['100', '0', '-3', 'x']), val()]; break;
      case 22: cmd = ['PSETEX', k, pick(['100000', '0', 'y']), val()]; break;
      case 23: cmd = ['OBJECT', 'ENCODING', k]; break;
      case 24: cmd = ['TTL', k]; break;
      default: cmd = ['GETRANGE', k, '0', '-1']; break;
    }
    await pair.same(...cmd);
  }
  for (const k of keys) await pair.same('GET', k);
});

test('COMMAND INFO and COMMAND DOCS (summaries aside) match Redis for every string command', async () => {
  const names = ['get', 'set', 'setnx', 'setex', 'psetex', 'getex', 'getdel', 'getset', 'mget', 'mset', 'msetnx',
    'append', 'strlen', 'getrange', 'substr', 'setrange', 'incr', 'decr', 'incrby', 'decrby', 'incrbyfloat', 'lcs'];
  for (const n of names) {
    await pair.same('COMMAND', 'INFO', n);
    const [ours, theirs] = await Promise.all([pair.ours.call('COMMAND', 'DOCS', n), pair.theirs.call('COMMAND', 'DOCS', n)]);
    // Summaries are written in our own words; everything else must be identical.
    const strip = (d: unknown) => JSON.stringify(d).replace(/"summary","(?:[^"\\]|\\.)*",/, '');
    if (strip(ours) !== strip(theirs)) throw new Error(`COMMAND DOCS ${n} differs:\n${strip(ours)}\n${strip(theirs)}`);
  }
});

test('SET / GETEX with EXAT / PXAT / EX beyond 2^53 ms keep the exact int64 deadline', async () => {
  // Found by the cross-family fuzzer: the deadline was stored as a rounded double.
  for (const opt of [['EXAT', '9223372036854775'], ['PXAT', '9223372036854775807'], ['PXAT', '9007199254740993'],
    ['EX', '9223372036854775']]) {
    await pair.sameAll([
      ['SET', 'big', 'v', ...opt], ['PEXPIRETIME', 'big'], ['EXPIRETIME', 'big'], ['RENAME', 'big', 'big2'],
      ['PEXPIRETIME', 'big2'], ['COPY', 'big2', 'big3'], ['PEXPIRETIME', 'big3'], ['DEL', 'big2', 'big3'],
      ['SET', 'g', 'v'], ['GETEX', 'g', ...opt], ['PEXPIRETIME', 'g'], ['DEL', 'g'],
    ]);
  }
});
