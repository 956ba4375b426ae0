/* Million-element lists over a real socket: pipelined pushes, LRANGE slices at both ends and in the
 * middle, LINDEX, LSET, LTRIM, LPOS, LREM, LINSERT near both ends and in the middle, LMOVE and
 * popping everything, each checked against a JS array model. Also the quicklist node count that
 * DEBUG OBJECT reports for a million-element list (681 ten-byte elements per 8 KB node). */

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import Redis from 'ioredis';
import { startRespite } from '../helpers/servers';
import type { RunningServer } from '../../src/index';
import { ListValue, checkListInvariants } from '../../src/store/list';

const N = 1_000_000;
let srv: RunningServer;
/** ioredis: its reply parser keeps up with replies of 100k elements (the test is about the server). */
let r: Redis;

/** Like RawClient.call: one command, its reply (simple strings as { simple }). */
const c = {
  async call(...args: string[]): Promise<unknown> {
    const v = await r.call(args[0], ...args.slice(1));
    return v === 'OK' && /^(LSET|LTRIM)$/i.test(args[0]) ? { simple: 'OK' } : v;
  },
};

before(async () => {
  srv = await startRespite({ 'enable-debug-command': 'yes' });
  r = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true });
  await r.connect();
});

after(async () => {
  r.disconnect();
  await srv.close();
});

/** Send the commands as one pipeline; returns the replies in order. */
async function pipeline(cmds: string[][]): Promise<unknown[]> {
  const res = await r.pipeline(cmds.map((a) => [a[0].toLowerCase(), ...a.slice(1)])).exec();
  return res!.map(([err, v]) => {
    if (err) throw err;
    return v;
  });
}

/** Push `elems` to `key` at the tail (or head) in pipelined batches of 1000 arguments. */
async function pushAll(key: string, elems: readonly string[], head = false): Promise<void> {
  const cmds: string[][] = [];
  for (let i = 0; i < elems.length; i += 1000) cmds.push([head ? 'LPUSH' : 'RPUSH', key, ...elems.slice(i, i + 1000)]);
  for (let i = 0; i < cmds.length; i += 100) await pipeline(cmds.slice(i, i + 100));
}

test('1M-element list: slices, index access, in-place edits, trims and pops against a model', async () => {
  const m: string[] = Array.from({ length: N }, (_, i) => 'e' + i);
  await pushAll('big', m);
  assert.equal(await c.call('LLEN', 'big'), N);

  // Slices at both ends and in the middle (negative indexes too).
  assert.deepEqual(await c.call('LRANGE', 'big', '0', '99'), m.slice(0, 100));
  assert.deepEqual(await c.call('LRANGE', 'big', '-100', '-1'), m.slice(N - 100));
  assert.deepEqual(await c.call('LRANGE', 'big', '499950', '500049'), m.slice(499950, 500050));
  assert.deepEqual(await c.call('LRANGE', 'big', '-500001', '-499990'), m.slice(N - 500001, N - 499989));
  const wide = (await c.call('LRANGE', 'big', '250000', '349999')) as string[];
  assert.equal(wide.length, 100000);
  assert.deepEqual(wide, m.slice(250000, 350000));
  for (const i of [0, 1, 680, 681, 123456, 500000, 777777, N - 2, N - 1]) {
    assert.equal(await c.call('LINDEX', 'big', String(i)), m[i]);
    assert.equal(await c.call('LINDEX', 'big', String(i - N)), m[i]);
  }

  // LSET near both ends and in the middle.
  for (const i of [0, 5, 499999, N - 1]) {
    m[i] = `set-${i}`;
    assert.deepEqual(await c.call('LSET', 'big', String(i), m[i]), { simple: 'OK' });
  }
  assert.equal(await c.call('LINDEX', 'big', '499999'), 'set-499999');

  // LPOS from both directions, with COUNT and MAXLEN.
  assert.equal(await c.call('LPOS', 'big', 'e999990'), 999990);
  assert.equal(await c.call('LPOS', 'big', 'e3', 'RANK', '-1'), 3);
  assert.deepEqual(await c.call('LPOS', 'big', 'e900000', 'COUNT', '0', 'MAXLEN', '100'), []);

  // LINSERT next to pivots near both ends and in the middle (the scan starts at the head).
  for (const [pivot, where, v] of [['e1', 'BEFORE', 'ins-a'], ['e999998', 'AFTER', 'ins-b'], ['e600000', 'AFTER', 'ins-c']]) {
    const at = m.indexOf(pivot);
    m.splice(where === 'AFTER' ? at + 1 : at, 0, v);
    assert.equal(await c.call('LINSERT', 'big', where, pivot, v), m.length);
  }
  assert.deepEqual(await c.call('LRANGE', 'big', '0', '3'), m.slice(0, 4));
  assert.deepEqual(await c.call('LRANGE', 'big', '-3', '-1'), m.slice(-3));
  assert.deepEqual(await c.call('LRANGE', 'big', '600000', '600002'), m.slice(600000, 600003));

  // LREM of elements near the tail, from the tail, and a missing one (full scan).
  await c.call('RPUSH', 'big', 'dup', 'x', 'dup');
  m.push('dup', 'x', 'dup');
  assert.equal(await c.call('LREM', 'big', '-1', 'dup'), 1);
  m.splice(m.lastIndexOf('dup'), 1);
  assert.equal(await c.call('LREM', 'big', '0', 'no-such-element'), 0);
  assert.equal(await c.call('LREM', 'big', '0', 'e777777'), 1);
  m.splice(m.indexOf('e777777'), 1);

  // Structure check on the live value.
  const l = srv.server.dbs[0].peek('big') as ListValue;
  assert.equal(checkListInvariants(l), null);
  assert.equal(l.len, m.length);

  // LTRIM at both ends.
  assert.deepEqual(await c.call('LTRIM', 'big', '1000', '-1001'), { simple: 'OK' });
  const t = m.slice(1000, m.length - 1000);
  assert.equal(await c.call('LLEN', 'big'), t.length);
  assert.deepEqual(await c.call('LRANGE', 'big', '0', '9'), t.slice(0, 10));
  assert.deepEqual(await c.call('LRANGE', 'big', '-10', '-1'), t.slice(-10));

  // LMOVE between ends of the same list.
  assert.equal(await c.call('LMOVE', 'big', 'big', 'LEFT', 'RIGHT'), t[0]);
  t.push(t.shift()!);

  // Pop everything: counted pops from both ends, then single pops.
  let head = 0, tail = t.length;
  while (tail - head > 150000) {
    assert.deepEqual(await c.call('LPOP', 'big', '50000'), t.slice(head, head + 50000));
    head += 50000;
    const got = (await c.call('RPOP', 'big', '50000')) as string[];
    assert.deepEqual(got, t.slice(tail - 50000, tail).reverse());
    tail -= 50000;
  }
  const cmds: string[][] = [];
  for (let i = head; i < tail; i++) cmds.push([(i & 1) === 0 ? 'LPOP' : 'RPOP', 'big']);
  const replies = await pipeline(cmds);
  let lo = head, hi = tail;
  for (let i = 0; i < cmds.length; i++) {
    const expected = cmds[i][0] === 'LPOP' ? t[lo++] : t[--hi];
    if (replies[i] !== expected) assert.fail(`pop ${i}: ${String(replies[i])} != ${expected}`);
  }
  assert.equal(await c.call('EXISTS', 'big'), 0);
});

test('1M-element list at the head: node count and sizes in DEBUG OBJECT', async () => {
  const elems = Array.from({ length: N }, () => 'aaaaaaaaaa');
  await pushAll('heads', elems, true);
  const info = { simple: (await c.call('DEBUG', 'OBJECT', 'heads')) as string };
  const nodes = Math.ceil(N / 681);
  assert.match(info.simple, new RegExp(` ql_nodes:${nodes} ql_avg_node:${(N / nodes).toFixed(2)} ql_listpack_max:-2 ` +
    `ql_compressed:0 ql_uncompressed_size:${nodes * 7 + N * 12}$`));
  assert.equal(await c.call('DEL', 'heads'), 1);
});
