/* Differential tests of the list family (non-blocking commands): the same commands against real
 * Redis 7.0 and Respite, replies compared byte for byte. Edge cases and error paths per command,
 * RESP3 null shapes, then a seeded random sequence over a few small lists. */

import { test, before, after } from 'node:test';
import { Pair, rng } from '../helpers/servers';

let pair: Pair;

before(async () => {
  pair = await Pair.start();
});

after(async () => {
  await pair.close();
});

test('push / pop / LLEN / LINDEX / LRANGE / OBJECT ENCODING', async () => {
  await pair.sameAll([
    ['FLUSHALL'], ['SET', 'str', 'v'],
    ['LPUSH', 'l', 'a', 'b', 'c'], ['RPUSH', 'l', 'd', 'e'], ['LRANGE', 'l', '0', '-1'], ['LLEN', 'l'],
    ['OBJECT', 'ENCODING', 'l'], ['TYPE', 'l'], ['LPUSHX', 'nokey', 'a'], ['RPUSHX', 'nokey', 'a', 'b'],
    ['EXISTS', 'nokey'], ['LPUSHX', 'l', 'x', 'y'], ['RPUSHX', 'l', 'z'], ['LRANGE', 'l', '0', '-1'],
    ['LPUSH', 'str', 'a'], ['RPUSH', 'str', 'a'], ['LPUSHX', 'str', 'a'], ['RPUSHX', 'str', 'a'], ['LLEN', 'str'],
    ['LLEN', 'nokey'], ['LINDEX', 'l', '0'], ['LINDEX', 'l', '-1'], ['LINDEX', 'l', '-100'], ['LINDEX', 'l', '100'],
    ['LINDEX', 'l', 'abc'], ['LINDEX', 'nokey', 'abc'], ['LINDEX', 'str', '0'], ['LINDEX', 'l', '9223372036854775807'],
    ['LINDEX', 'l', '-9223372036854775808'], ['LINDEX', 'l', '9223372036854775808'],
    ['LRANGE', 'l', '-3', '-1'], ['LRANGE', 'l', '5', '2'], ['LRANGE', 'l', '-100', '100'], ['LRANGE', 'l', '100', '200'],
    ['LRANGE', 'l', 'a', '1'], ['LRANGE', 'nokey', 'a', '1'], ['LRANGE', 'nokey', '0', '-1'], ['LRANGE', 'str', '0', '1'],
    ['LRANGE', 'l', '-9223372036854775808', '9223372036854775807'], ['LRANGE', 'l', '1', '1'],
    ['LPOP', 'l'], ['RPOP', 'l'], ['LPOP', 'l', '2'], ['RPOP', 'l', '2'], ['LPOP', 'l', '0'], ['LPOP', 'l', '-1'],
    ['LPOP', 'l', 'abc'], ['LPOP', 'l', '1', '2'], ['LPOP', 'nokey'], ['LPOP', 'nokey', '2'], ['LPOP', 'nokey', '0'],
    ['LPOP', 'nokey', '-1'], ['LPOP', 'str'], ['LPOP', 'str', '1'], ['RPOP', 'str', '-1'],
    ['LRANGE', 'l', '0', '-1'], ['RPOP', 'l', '100'], ['EXISTS', 'l'], ['LPOP', 'l'],
    ['RPUSH', 'b', '', '\x00\xff', 'x'.repeat(100)], ['LRANGE', 'b', '0', '-1'], ['LPOP', 'b', '9223372036854775807'],
    ['EXISTS', 'b'],
  ]);
});

test('LSET / LINSERT / LREM / LTRIM', async () => {
  await pair.sameAll([
    ['FLUSHALL'], ['SET', 'str', 'v'], ['RPUSH', 'l', 'a', 'b', 'a', 'c', 'a'],
    ['LSET', 'nokey', 'abc', 'x'], ['LSET', 'nokey', '0', 'x'], ['LSET', 'str', '0', 'x'], ['LSET', 'l', 'abc', 'x'],
    ['LSET', 'l', '10', 'x'], ['LSET', 'l', '-6', 'x'], ['LSET', 'l', '-1', 'z'], ['LSET', 'l', '0', 'y'],
    ['LRANGE', 'l', '0', '-1'],
    ['LINSERT', 'l', 'BEFORE', 'a', 'p'], ['LINSERT', 'l', 'after', 'a', 'q'], ['LINSERT', 'l', 'after', 'z', 'end'],
    ['LINSERT', 'l', 'before', 'y', 'start'], ['LINSERT', 'l', 'before', 'nope', 'x'], ['LINSERT', 'l', 'middle', 'a', 'x'],
    ['LINSERT', 'nokey', 'before', 'a', 'x'], ['LINSERT', 'nokey', 'foo', 'a', 'x'], ['LINSERT', 'str', 'before', 'a', 'x'],
    ['EXISTS', 'nokey'], ['LRANGE', 'l', '0', '-1'],
    ['RPUSH', 'r', 'a', 'b', 'a', 'c', 'a', 'b', 'a'], ['LREM', 'r', '1', 'a'], ['LRANGE', 'r', '0', '-1'],
    ['LREM', 'r', '-1', 'a'], ['LRANGE', 'r', '0', '-1'], ['LREM', 'r', '0', 'b'], ['LRANGE', 'r', '0', '-1'],
    ['LREM', 'r', '5', 'zz'], ['LREM', 'r', 'abc', 'a'], ['LREM', 'nokey', 'abc', 'a'], ['LREM', 'nokey', '0', 'a'],
    ['LREM', 'str', '0', 'a'], ['LREM', 'r', '-9223372036854775808', 'a'], ['LRANGE', 'r', '0', '-1'],
    ['LREM', 'r', '0', 'c'], ['EXISTS', 'r'],
    ['RPUSH', 't', '1', '2', '3', '4', '5', '6'], ['LTRIM', 't', '1', '-2'], ['LRANGE', 't', '0', '-1'],
    ['LTRIM', 't', '-100', '100'], ['LRANGE', 't', '0', '-1'], ['LTRIM', 't', 'a', '1'], ['LTRIM', 'nokey', 'a', '1'],
    ['LTRIM', 'nokey', '0', '1'], ['LTRIM', 'str', '0', '1'], ['LTRIM', 't', '1', '1'], ['LRANGE', 't', '0', '-1'],
    ['LTRIM', 't', '5', '1'], ['EXISTS', 't'], ['RPUSH', 't', 'x'], ['LTRIM', 't', '-9223372036854775808', '-1'],
    ['LRANGE', 't', '0', '-1'], ['LTRIM', 't', '1', '0'], ['EXISTS', 't'],
  ]);
});

test('LPOS: RANK, COUNT, MAXLEN and their errors', async () => {
  await pair.sameAll([
    ['FLUSHALL'], ['SET', 'str', 'v'], ['RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'c', 'a', 'a'],
    ['LPOS', 'l', 'a'], ['LPOS', 'l', 'c'], ['LPOS', 'l', 'zz'], ['LPOS', 'l', 'a', 'RANK', '2'],
    ['LPOS', 'l', 'a', 'RANK', '-1'], ['LPOS', 'l', 'a', 'RANK', '-2'], ['LPOS', 'l', 'a', 'RANK', '10'],
    ['LPOS', 'l', 'a', 'COUNT', '0'], ['LPOS', 'l', 'a', 'COUNT', '2'], ['LPOS', 'l', 'a', 'COUNT', '2', 'RANK', '-1'],
    ['LPOS', 'l', 'a', 'count', '0', 'rank', '2'], ['LPOS', 'l', 'a', 'COUNT', '0', 'MAXLEN', '4'],
    ['LPOS', 'l', 'c', 'MAXLEN', '2'], ['LPOS', 'l', 'c', 'MAXLEN', '3'], ['LPOS', 'l', 'b', 'RANK', '-1', 'MAXLEN', '4'],
    ['LPOS', 'l', 'zz', 'COUNT', '3'], ['LPOS', 'l', 'a', 'RANK', '0'], ['LPOS', 'l', 'a', 'RANK', 'x'],
    ['LPOS', 'l', 'a', 'COUNT', '-1'], ['LPOS', 'l', 'a', 'COUNT', 'x'], ['LPOS', 'l', 'a', 'MAXLEN', '-1'],
    ['LPOS', 'l', 'a', 'MAXLEN', 'x'], ['LPOS', 'l', 'a', 'RANK'], ['LPOS', 'l', 'a', 'FOO', '1'],
    ['LPOS', 'l', 'a', 'RANK', '1', 'COUNT'], ['LPOS', 'nokey', 'a'], ['LPOS', 'nokey', 'a', 'COUNT', '0'],
    ['LPOS', 'nokey', 'a', 'RANK', '0'], ['LPOS', 'str', 'a'], ['LPOS', 'str', 'a', 'RANK', '0'],
    ['LPOS', 'l', 'a', 'RANK', '-9223372036854775808'], ['LPOS', 'l', 'a', 'RANK', '-9223372036854775808', 'COUNT', '1'],
    ['LPOS', 'l', 'a', 'RANK', '-9223372036854775808', 'COUNT', '0', 'MAXLEN', '3'],
    ['LPOS', 'l', 'a', 'RANK', '9223372036854775807'], ['LPOS', 'l', 'a', 'RANK', '-9223372036854775807', 'COUNT', '2'],
    ['LPOS', 'l', 'a', 'RANK', '2', 'RANK', '3'], ['LPOS', 'l', 'a', 'MAXLEN', '9223372036854775807', 'COUNT', '9'],
  ]);
});

test('LMOVE / RPOPLPUSH: rotation, creation, WRONGTYPE before popping', async () => {
  await pair.sameAll([
    ['FLUSHALL'], ['SET', 'str', 'v'], ['RPUSH', 's', 'a', 'b', 'c'],
    ['LMOVE', 's', 'd', 'LEFT', 'RIGHT'], ['LMOVE', 's', 'd', 'right', 'left'], ['LRANGE', 'd', '0', '-1'],
    ['LMOVE', 's', 's', 'LEFT', 'RIGHT'], ['RPUSH', 's', 'x', 'y'], ['LMOVE', 's', 's', 'LEFT', 'RIGHT'],
    ['LRANGE', 's', '0', '-1'], ['LMOVE', 's', 's', 'RIGHT', 'LEFT'], ['LMOVE', 's', 's', 'LEFT', 'LEFT'],
    ['LRANGE', 's', '0', '-1'], ['LMOVE', 's', 'str', 'LEFT', 'LEFT'], ['LRANGE', 's', '0', '-1'],
    ['LMOVE', 'str', 'd', 'LEFT', 'LEFT'], ['LMOVE', 'nokey', 'str', 'LEFT', 'LEFT'], ['LMOVE', 'nokey', 'd', 'LEFT', 'LEFT'],
    ['LMOVE', 's', 'd', 'UP', 'LEFT'], ['LMOVE', 's', 'd', 'LEFT', 'DOWN'], ['LMOVE', 'nokey', 'd', 'UP', 'LEFT'],
    ['RPOPLPUSH', 's', 'd'], ['RPOPLPUSH', 'd', 'd'], ['RPOPLPUSH', 's', 'str'], ['RPOPLPUSH', 'nokey', 'str'],
    ['RPOPLPUSH', 'str', 'd'], ['LRANGE', 'd', '0', '-1'], ['LRANGE', 's', '0', '-1'],
    ['RPOPLPUSH', 's', 'd'], ['RPOPLPUSH', 's', 'd'], ['EXISTS', 's'], ['LRANGE', 'd', '0', '-1'],
    ['DEL', 'd'], ['RPUSH', 'one', 'z'], ['LMOVE', 'one', 'one', 'LEFT', 'RIGHT'], ['LRANGE', 'one', '0', '-1'],
  ]);
});

test('LMPOP: numkeys, direction, COUNT and their errors', async () => {
  await pair.sameAll([
    ['FLUSHALL'], ['SET', 'str', 'v'], ['RPUSH', 'a', '1', '2', '3'], ['RPUSH', 'b', 'x', 'y'],
    ['LMPOP', '2', 'nokey', 'a', 'LEFT'], ['LMPOP', '2', 'nokey', 'a', 'RIGHT', 'COUNT', '5'], ['EXISTS', 'a'],
    ['LMPOP', '3', 'nokey', 'a', 'b', 'left', 'count', '1'], ['LMPOP', '1', 'nokey', 'LEFT'],
    ['LMPOP', '2', 'str', 'b', 'LEFT'], ['LMPOP', '2', 'b', 'str', 'LEFT'], ['LMPOP', '0', 'a', 'LEFT'],
    ['LMPOP', '-1', 'a', 'LEFT'], ['LMPOP', 'x', 'a', 'LEFT'], ['LMPOP', '2', 'a', 'LEFT'], ['LMPOP', '1', 'a', 'UP'],
    ['LMPOP', '1', 'b', 'LEFT', 'COUNT', '0'], ['LMPOP', '1', 'b', 'LEFT', 'COUNT', '-1'],
    ['LMPOP', '1', 'b', 'LEFT', 'COUNT', 'x'], ['LMPOP', '1', 'b', 'LEFT', 'COUNT'],
    ['LMPOP', '1', 'b', 'LEFT', 'COUNT', '1', 'COUNT', '1'], ['LMPOP', '1', 'b', 'LEFT', 'FOO'],
    ['LMPOP', '9223372036854775807', 'b', 'LEFT'], ['LMPOP', '9223372036854775808', 'b', 'LEFT'],
    ['LMPOP', '1', 'b', 'RIGHT', 'COUNT', '9223372036854775807'], ['EXISTS', 'b'],
  ]);
});

test('RESP3 reply shapes', async () => {
  await pair.both('HELLO', '3');
  await pair.sameAll([
    ['FLUSHALL'], ['RPUSH', 'l', 'a', 'b', 'a'], ['LPOP', 'nokey'], ['LPOP', 'nokey', '1'], ['LPOP', 'nokey', '0'],
    ['RPOP', 'l', '0'], ['LINDEX', 'nokey', '0'], ['LINDEX', 'l', '9'], ['LPOS', 'l', 'zz'], ['LPOS', 'nokey', 'zz'],
    ['LPOS', 'l', 'a', 'COUNT', '0'], ['LMPOP', '1', 'nokey', 'LEFT'], ['LMOVE', 'nokey', 'l', 'LEFT', 'LEFT'],
    ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '2'], ['RPOPLPUSH', 'nokey', 'l'], ['LRANGE', 'nokey', '0', '-1'],
  ]);
  await pair.both('HELLO', '2');
});

test('random sequence over a few small lists (seeded)', async () => {
  const r = rng(0x11575);
  const keys = ['k1', 'k2', 'k3', 'k4'];
  const vals = ['a', 'b', 'c', '1', '', 'long-' + 'x'.repeat(40)];
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const idx = (): string => String(Math.floor(r() * 14) - 7);
  const side = (): string => pick(['LEFT', 'RIGHT', 'left', 'Right']);
  await pair.same('FLUSHALL');
  await pair.same('SET', 'k4', 'string');
  for (let i = 0; i < 3000; i++) {
    const k = pick(keys);
    let cmd: string[];
    switch (Math.floor(r() * 18)) {
      case 0: cmd = ['LPUSH', k, ...Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(vals))]; break;
      case 1: cmd = ['RPUSH', k, ...Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(vals))]; break;
      case 2: cmd = [pick(['LPUSHX', 'RPUSHX']), k, pick(vals)]; break;
      case 3: cmd = r() < 0.5 ? [pick(['LPOP', 'RPOP']), k] : [pick(['LPOP', 'RPOP']), k, String(Math.floor(r() * 5) - 1)]; break;
      case 4: cmd = ['LLEN', k]; break;
      case 5: cmd = ['LINDEX', k, idx()]; break;
      case 6: cmd = ['LSET', k, idx(), pick(vals)]; break;
      case 7: cmd = ['LRANGE', k, idx(), idx()]; break;
      case 8: cmd = ['LINSERT', k, pick(['BEFORE', 'AFTER']), pick(vals), pick(vals)]; break;
      case 9: cmd = ['LREM', k, idx(), pick(vals)]; break;
      case 10: cmd = ['LTRIM', k, idx(), idx()]; break;
      case 11: {
        cmd = ['LPOS', k, pick(vals)];
        if (r() < 0.5) cmd.push('RANK', String(pick([1, 2, -1, -2, 3])));
        if (r() < 0.5) cmd.push('COUNT', String(Math.floor(r() * 3)));
        if (r() < 0.3) cmd.push('MAXLEN', String(Math.floor(r() * 5)));
        break;
      }
      case 12: cmd = ['LMOVE', k, pick(keys), side(), side()]; break;
      case 13: cmd = ['RPOPLPUSH', k, pick(keys)]; break;
      case 14: {
        const n = 1 + Math.floor(r() * 3);
        cmd = ['LMPOP', String(n), ...Array.from({ length: n }, () => pick(keys)), side()];
        if (r() < 0.5) cmd.push('COUNT', String(1 + Math.floor(r() * 4)));
        break;
      }
      case 15: cmd = ['LRANGE', k, '0', '-1']; break;
      case 16: cmd = ['EXISTS', k]; break;
      default: cmd = r() < 0.1 ? ['DEL', k] : ['TYPE', k]; break;
    }
    await pair.same(...cmd);
  }
  for (const k of keys) await pair.same('LRANGE', k, '0', '-1');
});

test('random sequence over longer lists (seeded): middle inserts, removals, trims', async () => {
  const r = rng(0x5eed2);
  const keys = ['m1', 'm2'];
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const val = (): string => String(Math.floor(r() * 20));
  const idx = (): string => String(Math.floor(r() * 700) - 350);
  await pair.same('FLUSHALL');
  for (const k of keys) {
    await pair.same('RPUSH', k, ...Array.from({ length: 300 }, val));
  }
  for (let i = 0; i < 1500; i++) {
    const k = pick(keys);
    let cmd: string[];
    switch (Math.floor(r() * 12)) {
      case 0: cmd = ['LPUSH', k, ...Array.from({ length: 1 + Math.floor(r() * 20) }, val)]; break;
      case 1: cmd = ['RPUSH', k, ...Array.from({ length: 1 + Math.floor(r() * 20) }, val)]; break;
      case 2: cmd = [pick(['LPOP', 'RPOP']), k, String(Math.floor(r() * 15))]; break;
      case 3: cmd = ['LINSERT', k, pick(['BEFORE', 'AFTER']), val(), val()]; break;
      case 4: cmd = ['LREM', k, String(Math.floor(r() * 7) - 3), val()]; break;
      case 5: cmd = r() < 0.2 ? ['LTRIM', k, idx(), idx()] : ['LTRIM', k, '0', String(200 + Math.floor(r() * 200))]; break;
      case 6: cmd = ['LSET', k, idx(), val()]; break;
      case 7: cmd = ['LINDEX', k, idx()]; break;
      case 8: cmd = ['LRANGE', k, idx(), idx()]; break;
      case 9: cmd = ['LPOS', k, val(), 'RANK', pick(['1', '-1', '3', '-4']), 'COUNT', String(Math.floor(r() * 4)),
        'MAXLEN', String(Math.floor(r() * 300))]; break;
      case 10: cmd = ['LMOVE', k, pick(keys), pick(['LEFT', 'RIGHT']), pick(['LEFT', 'RIGHT'])]; break;
      default: cmd = ['LMPOP', '2', k, pick(keys), pick(['LEFT', 'RIGHT']), 'COUNT', String(1 + Math.floor(r() * 10))];
    }
    await pair.same(...cmd);
    if (i % 100 === 0) await pair.same('LRANGE', k, '0', '-1');
  }
  for (const k of keys) await pair.same('LRANGE', k, '0', '-1');
});
