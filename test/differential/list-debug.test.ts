/* Differential tests of DEBUG OBJECT on lists: Respite's quicklist model against real Redis 7.0.
 * Everything after the address and before the LRU fields must match byte for byte: refcount,
 * encoding, serializedlength (listpack bytes per node, LZF-compressed as RDB saves them), and the
 * ql_* fields (node count, average fill, fill setting, compression flag, listpack bytes). Covers
 * every listpack entry encoding and backlen width, every fill level, the compress depth, COPY, the
 * config parameters, and a seeded random sequence of pushes, pops, LINSERT (node splits and
 * merges), LSET, LREM, LTRIM, LMOVE and LMPOP at several fills. */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { Pair, rng } from '../helpers/servers';
import type { ListValue } from '../../src/store/list';
import { lpBytes } from '../../src/store/list-pack';

let pair: Pair;

before(async () => {
  pair = await Pair.start({ respite: { 'enable-debug-command': 'yes' }, redisArgs: ['--enable-debug-command', 'yes'] });
});

after(async () => {
  await pair.close();
});

/** DEBUG OBJECT reply without the fields that cannot match (address, LRU clock and idle time). */
function strip(reply: string): string {
  return reply.replace(/^\+Value at:\S+ /, '+').replace(/ lru:\d+ lru_seconds_idle:\d+/, '');
}

/** LZF decompression (for reading Redis's DUMP payloads). */
function lzfDecompress(inp: Buffer, outLen: number): Buffer {
  const out = Buffer.alloc(outLen);
  let ip = 0, op = 0;
  while (ip < inp.length) {
    const ctrl = inp[ip++];
    if (ctrl < 32) {
      inp.copy(out, op, ip, ip + ctrl + 1);
      op += ctrl + 1;
      ip += ctrl + 1;
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (len === 7) len += inp[ip++];
      ref -= inp[ip++];
      for (len += 2; len > 0; len--) out[op++] = out[ref++];
    }
  }
  return out;
}

/** An RDB length field at b[p]: [value, next offset, is-special-encoding]. */
function rdbLen(b: Buffer, p: number): [number, number, boolean] {
  const t = b[p] >> 6;
  if (t === 0) return [b[p] & 63, p + 1, false];
  if (t === 1) return [((b[p] & 63) << 8) | b[p + 1], p + 2, false];
  if (t === 3) return [b[p] & 63, p + 1, true];
  return b[p] === 0x80 ? [b.readUInt32BE(p + 1), p + 5, false] : [Number(b.readBigUInt64BE(p + 1)), p + 9, false];
}

/** The node listpacks of a quicklist DUMP payload, decompressed. */
function dumpNodes(payload: Buffer): Buffer[] {
  assert.equal(payload[0], 18, 'RDB_TYPE_LIST_QUICKLIST_2');
  const nodes: Buffer[] = [];
  let [count, p] = rdbLen(payload, 1);
  for (; count > 0; count--) {
    let container: number, v: number, special: boolean;
    [container, p] = rdbLen(payload, p);
    assert.equal(container, 2, 'packed node');
    [v, p, special] = rdbLen(payload, p);
    if (special) {
      assert.equal(v, 3, 'LZF string');
      let clen: number, ulen: number;
      [clen, p] = rdbLen(payload, p);
      [ulen, p] = rdbLen(payload, p);
      nodes.push(lzfDecompress(payload.subarray(p, p + clen), ulen));
      p += clen;
    } else {
      nodes.push(Buffer.from(payload.subarray(p, p + v)));
      p += v;
    }
  }
  return nodes;
}

/** Our node listpacks for `key` (database 0), as RDB would save them before compression. */
function ourNodes(key: string): Buffer[] {
  const l = pair.respiteServer.server.dbs[0].peek(key) as ListValue;
  const out: Buffer[] = [];
  for (let k = 0; k < l.nn; k++) {
    const nd = l.node(k);
    out.push(Buffer.from(lpBytes(nd.a, nd.lo, nd.n, nd.sz)));
  }
  return out;
}

/**
 * Assert DEBUG OBJECT of `key` agrees (modulo address / LRU) on both servers.
 * On a difference, first compare the node listpacks with Redis's DUMP
 * (decompressed), so a failure says whether the node structure or only
 * the LZF compression of a node differs.
 */
async function sameDebug(key: string, what: string): Promise<string> {
  const [a, b] = await pair.both('DEBUG', 'OBJECT', key);
  const sa = strip(a), sb = strip(b);
  if (sa === sb) return sa;
  const dump = (await pair.theirs.call('DUMP', key)) as string;
  const theirs = dumpNodes(Buffer.from(dump, 'latin1'));
  const ours = ourNodes(key);
  assert.equal(ours.length, theirs.length, `node count of ${key} after ${what}`);
  for (let k = 0; k < ours.length; k++) assert.ok(ours[k].equals(theirs[k]), `node ${k} bytes of ${key} after ${what}`);
  assert.equal(sa, sb, `DEBUG OBJECT ${key} after ${what} (node bytes are equal: LZF differs)`);
  return sa;
}

test('config: list-max-listpack-size / list-compress-depth ranges, aliases, errors', async () => {
  await pair.sameAll([
    ['CONFIG', 'GET', 'list-max-listpack-size'], ['CONFIG', 'GET', 'list-max-ziplist-size'],
    ['CONFIG', 'GET', 'list-compress-depth'], ['CONFIG', 'GET', 'list-max-ziplist-size'],
    ['CONFIG', 'SET', 'list-max-listpack-size', '-6'], ['CONFIG', 'GET', 'list-max-listpack-size'],
    ['CONFIG', 'SET', 'list-max-ziplist-size', '100000'], ['CONFIG', 'GET', 'list-max-listpack-size'],
    ['CONFIG', 'SET', 'list-max-listpack-size', '2147483648'], ['CONFIG', 'SET', 'list-max-listpack-size', '-2147483649'],
    ['CONFIG', 'SET', 'list-max-listpack-size', '-2147483648'], ['CONFIG', 'SET', 'list-max-listpack-size', 'abc'],
    ['CONFIG', 'SET', 'list-max-listpack-size', '1.5'], ['CONFIG', 'SET', 'list-max-listpack-size', ''],
    ['CONFIG', 'SET', 'list-compress-depth', '-1'], ['CONFIG', 'SET', 'list-compress-depth', '2147483648'],
    ['CONFIG', 'SET', 'list-compress-depth', '2147483647'], ['CONFIG', 'GET', 'list-compress-depth'],
    ['CONFIG', 'SET', 'list-compress-depth', 'x'],
    ['CONFIG', 'SET', 'list-max-listpack-size', '-2', 'list-compress-depth', '0'], ['CONFIG', 'GET', 'list-max-ziplist-size'],
  ]);
});

test('every listpack entry encoding and backlen width', async () => {
  const ints = ['0', '127', '128', '-1', '4095', '-4096', '4096', '-4097', '32767', '-32768', '32768', '8388607',
    '-8388608', '8388608', '2147483647', '-2147483648', '2147483648', '-2147483649', '9223372036854775807',
    '-9223372036854775808', '9223372036854775808', '-9223372036854775809', '12345678901234567890', '007', '-0',
    '+1', ' 1', '1 ', '', '-', '1e3', '0x10', '99999999999999999999'];
  const strs = [63, 64, 125, 126, 127, 128, 4095, 4096, 16377, 16378, 16379, 16380, 20000].map((n) => 'q'.repeat(n));
  await pair.same('FLUSHALL');
  await pair.same('RPUSH', 'ints', ...ints);
  await sameDebug('ints', 'ints');
  for (const [i, s] of strs.entries()) {
    await pair.same('RPUSH', `s${i}`, s);
    await sameDebug(`s${i}`, `string of ${s.length}`);
    await pair.same('RPUSH', 'mixed', s, ints[i]);
  }
  await sameDebug('mixed', 'mixed');
  // Incompressible and compressible long strings (LZF on the node's listpack).
  const r = rng(7);
  const noise = Array.from({ length: 3000 }, () => String.fromCharCode(Math.floor(r() * 256))).join('');
  await pair.same('RPUSH', 'noise', noise, noise.slice(0, 100), 'abc'.repeat(1000));
  await sameDebug('noise', 'noise');
  await pair.same('RPUSH', 'bin', '\x00\xff\r\n', '\x80'.repeat(70));
  await sameDebug('bin', 'binary');
});

test('push-only lists at every fill level: node boundaries and sizes', async () => {
  const fills = ['-1', '-2', '-3', '-4', '-5', '-6', '0', '1', '2', '7', '128', '100000'];
  const shapes: ((i: number) => string)[] = [
    () => 'aaaaaaaaaa', (i) => String(i), (i) => String(i * 7919 - 500000), (i) => 'e'.repeat(i % 90),
    (i) => (i % 50 === 0 ? 'z'.repeat(3000) : 'k' + i),
  ];
  for (const fill of fills) {
    await pair.same('CONFIG', 'SET', 'list-max-listpack-size', fill);
    for (const [si, shape] of shapes.entries()) {
      await pair.same('DEL', 'r', 'l', 'm');
      const n = fill === '0' || fill === '1' ? 300 : 2500;
      const batch: string[] = [];
      for (let i = 0; i < n; i++) batch.push(shape(i));
      await pair.same('RPUSH', 'r', ...batch);
      await pair.same('LPUSH', 'l', ...batch);
      for (let i = 0; i < n; i += 100) {
        await pair.same('RPUSH', 'm', ...batch.slice(i, i + 50));
        await pair.same('LPUSH', 'm', ...batch.slice(i + 50, i + 100));
      }
      for (const k of ['r', 'l', 'm']) await sameDebug(k, `fill ${fill} shape ${si}`);
      // Pops from both ends, single and ranged.
      await pair.same('LPOP', 'm', '77');
      await pair.same('RPOP', 'm', '301');
      await pair.same('RPOP', 'm');
      await sameDebug('m', `fill ${fill} shape ${si} pops`);
    }
  }
  await pair.same('CONFIG', 'SET', 'list-max-listpack-size', '-2');
});

test('fill and depth are fixed at creation; COPY keeps them; compression does not change sizes', async () => {
  await pair.same('FLUSHALL');
  const batch = Array.from({ length: 3000 }, (_, i) => `element-${i % 97}-${'x'.repeat(i % 13)}`);
  await pair.same('CONFIG', 'SET', 'list-max-listpack-size', '5');
  await pair.same('RPUSH', 'a', ...batch.slice(0, 40));
  await pair.same('CONFIG', 'SET', 'list-max-listpack-size', '-1');
  await pair.same('RPUSH', 'a', ...batch.slice(40, 80));
  await sameDebug('a', 'fill changed after creation');
  await pair.same('COPY', 'a', 'b');
  await sameDebug('b', 'COPY');
  await pair.same('RPUSH', 'b', 'more');
  await sameDebug('b', 'push to copy');
  await sameDebug('a', 'original after push to copy');
  // LMOVE creates its destination with the configured options; SORT ... STORE with the defaults.
  await pair.same('CONFIG', 'SET', 'list-max-listpack-size', '3');
  await pair.same('CONFIG', 'SET', 'list-compress-depth', '1');
  await pair.same('LMOVE', 'a', 'moved', 'LEFT', 'RIGHT');
  await sameDebug('moved', 'LMOVE to a new list');
  await pair.same('RPUSH', 'nums', '3', '10', '2', '7', '1');
  await pair.same('SORT', 'nums', 'STORE', 'sorted');
  await sameDebug('sorted', 'SORT STORE');
  await pair.same('CONFIG', 'SET', 'list-compress-depth', '0');
  for (const depth of ['1', '2', '3', '100']) {
    await pair.same('CONFIG', 'SET', 'list-compress-depth', depth);
    await pair.same('DEL', 'c');
    await pair.same('RPUSH', 'c', ...batch);
    await sameDebug('c', `depth ${depth}`);
    await pair.same('LINSERT', 'c', 'BEFORE', batch[1500], 'inserted');
    await pair.same('LRANGE', 'c', '1000', '1010');
    await pair.same('LINDEX', 'c', '2000');
    await pair.same('LSET', 'c', '1700', 'y'.repeat(200));
    await pair.same('LREM', 'c', '3', batch[5]);
    await sameDebug('c', `depth ${depth} after edits`);
  }
  await pair.same('CONFIG', 'SET', 'list-compress-depth', '0');
  await pair.same('CONFIG', 'SET', 'list-max-listpack-size', '-2');
});

test('seeded random edits at several fills: DEBUG OBJECT after every command', async () => {
  const r = rng(20260311);
  const pick = (n: number): number => Math.floor(r() * n);
  const elem = (): string => {
    switch (pick(8)) {
      case 0: return String(pick(200));
      case 1: return String(pick(100000) - 50000);
      case 2: return String(pick(2 ** 31) * 3 - 2 ** 31);
      case 3: return 'x'.repeat(pick(70));
      case 4: return 'y'.repeat(pick(300));
      case 5: return 'abc'.repeat(pick(1500));
      default: return 'e' + pick(60);
    }
  };
  let commands = 0;
  for (const fill of ['-2', '-1', '3', '16', '0']) {
    await pair.same('CONFIG', 'SET', 'list-max-listpack-size', fill);
    await pair.same('DEL', 'l', 'o');
    const n = fill === '0' ? 100 : 1500;
    const seed: string[] = [];
    for (let i = 0; i < n; i++) seed.push(pick(3) === 0 ? 'aaaaaaaaaa' : elem());
    await pair.same('RPUSH', 'l', ...seed.slice(0, n >> 1));
    await pair.same('LPUSH', 'l', ...seed.slice(n >> 1));
    await sameDebug('l', `fill ${fill} seed`);
    for (let step = 0; step < 400; step++) {
      const len = Number((await pair.ours.call('LLEN', 'l')) as number);
      if (len === 0) {
        await pair.same('RPUSH', 'l', ...seed.slice(0, 200));
        continue;
      }
      const at = async (): Promise<string> => (await pair.ours.call('LINDEX', 'l', String(pick(len)))) as string;
      let cmd: string[];
      const op = pick(12);
      if (op < 4) cmd = ['LINSERT', 'l', pick(2) ? 'BEFORE' : 'AFTER', await at(), elem()];
      else if (op === 4) cmd = ['LSET', 'l', String(pick(len) - (pick(2) ? len : 0)), elem()];
      else if (op === 5) cmd = ['LREM', 'l', String(pick(5) - 2), await at()];
      else if (op === 6) cmd = ['LTRIM', 'l', String(pick(4)), String(-1 - pick(4))];
      else if (op === 7) cmd = [pick(2) ? 'LPOP' : 'RPOP', 'l', String(1 + pick(40))];
      else if (op === 8) cmd = ['LMOVE', 'l', 'o', pick(2) ? 'LEFT' : 'RIGHT', pick(2) ? 'LEFT' : 'RIGHT'];
      else if (op === 9) cmd = ['LMPOP', '2', 'o', 'l', pick(2) ? 'LEFT' : 'RIGHT', 'COUNT', String(1 + pick(5))];
      else cmd = [pick(2) ? 'LPUSH' : 'RPUSH', 'l', elem(), elem()];
      await pair.same(...cmd);
      await sameDebug('l', cmd.map((s) => s.slice(0, 16)).join(' '));
      if (step % 50 === 0) {
        await pair.same('LRANGE', 'l', '0', '-1');
        await sameDebug('o', 'moves');
      }
      commands++;
    }
  }
  assert.ok(commands >= 1500);
  await pair.same('CONFIG', 'SET', 'list-max-listpack-size', '-2');
});
